"""A planner's what-if report: what a scenario changes in a centre, against its baseline.

Both arms run with the same seeds, so until the intervention week they are identical and
every difference after it is the scenario's effect in that seed (paired differences).
Effects are given 6, 12 and 24 months after the intervention as the mean difference
scenario − baseline over seeds with a 95 % interval (normal approximation of the mean of
the paired differences). The sentences are generated from those numbers, in Danish and
English; the report is Markdown (figures as PNG files) and self-contained HTML (figures
embedded as base64, no external resources).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model import FORMS

from . import plots

HORIZONS: tuple[int, ...] = (26, 52, 104)
#: Levels read in the horizon's week.
LEVEL_MEASURES: tuple[str, ...] = (
    "ties_any", *(f"ties_{f.id}" for f in FORMS), "ties_deep", "mean_trust",
    "mean_familiarity", "n_actors",
)  # fmt: skip
#: Outcomes summed from the intervention week up to the horizon's week.
SUM_MEASURES: tuple[str, ...] = (
    "referrals", "resources_shared", "joint_offers", "new_initiatives", "failed_efforts",
)  # fmt: skip
LABELS: dict[str, tuple[str, str]] = {
    "ties_any": ("samarbejdsrelationer i alt", "collaboration ties in all"),
    **{f"ties_{f.id}": (f"relationer: {f.danish}", f"ties: {f.label('en')}") for f in FORMS},
    "ties_deep": ("dybe relationer (samordne + samskabe)",
                  "deep ties (joint action + co-creation)"),
    "mean_trust": ("gennemsnitlig tillid", "mean trust"),
    "mean_familiarity": ("gennemsnitligt kendskab", "mean familiarity"),
    "n_actors": ("aktører i huset", "actors in the house"),
    "referrals": ("henvisninger (sum)", "referrals (sum)"),
    "resources_shared": ("delte ressourcer (sum)", "resources shared (sum)"),
    "joint_offers": ("fælles tilbud (sum)", "joint offers (sum)"),
    "new_initiatives": ("nye initiativer (sum)", "new initiatives (sum)"),
    "failed_efforts": ("mislykkede indsatser (sum)", "failed efforts (sum)"),
}


def with_deep_ties(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Add ``ties_deep``: joint action plus co-creation (the forms that need backing)."""
    frame = timeseries.copy()
    frame["ties_deep"] = frame["ties_joint_action"] + frame["ties_co_creation"]
    return frame


def effects_table(
    scenario: pd.DataFrame, baseline: pd.DataFrame, week: int, horizons=HORIZONS
) -> pd.DataFrame:
    """Mean scenario − baseline per measure at each horizon after ``week``, with a 95 %
    interval over seeds; horizons beyond the last simulated week are left out."""
    scenario, baseline = with_deep_ties(scenario), with_deep_ties(baseline)
    last = int(min(scenario["step"].max(), baseline["step"].max()))
    rows = []
    for horizon in horizons:
        at = week + horizon
        if at > last:
            continue
        for measure in (*LEVEL_MEASURES, *SUM_MEASURES):
            per_seed = []
            for frame in (scenario, baseline):
                if measure in SUM_MEASURES:
                    window = frame[(frame["step"] >= week) & (frame["step"] <= at)]
                    per_seed.append(window.groupby("seed")[measure].sum())
                else:
                    per_seed.append(frame[frame["step"] == at].set_index("seed")[measure])
            s, b = (series.astype(float) for series in per_seed)
            diff = (s - b).dropna()
            n = len(diff)
            mean_diff = float(diff.mean())
            half = 1.96 * float(diff.std(ddof=1)) / np.sqrt(n) if n > 1 else float("nan")
            base_mean = float(b.mean())
            rows.append({
                "months": horizon * 12 // 52,
                "weeks_after": horizon,
                "week": at,
                "measure": measure,
                "summed_since_intervention": measure in SUM_MEASURES,
                "baseline_mean": base_mean,
                "scenario_mean": float(s.mean()),
                "difference": mean_diff,
                "ci_low": mean_diff - half,
                "ci_high": mean_diff + half,
                "relative_change": mean_diff / base_mean if base_mean else float("nan"),
                "seeds": n,
            })  # fmt: skip
    return pd.DataFrame(rows)


def _da(value: float) -> str:
    """A 0–1 level with a Danish decimal comma."""
    return f"{value:.2f}".replace(".", ",")


def _pct(value: float) -> str:
    return f"{abs(round(100 * value))} %"


def sentences(effects: pd.DataFrame, language: str) -> list[str]:
    """A few plain sentences on what changed, from the effects table (``da`` or ``en``)."""
    if effects.empty:
        return []
    months = 12 if (effects["months"] == 12).any() else int(effects["months"].max())
    at = effects[effects["months"] == months].set_index("measure")
    da = language == "da"
    n = int(at.loc["ties_any", "seeds"])
    out = []

    def certain(measure: str) -> bool:
        return bool(at.loc[measure, "ci_low"] > 0 or at.loc[measure, "ci_high"] < 0)

    def uncertain_note(measure: str) -> str:
        if certain(measure):
            return ""
        return (f" Forskellen er usikker (95 %-intervallet over {n} kørsler rummer nul)."
                if da else f" The difference is uncertain (the 95 % interval over {n} runs "
                "includes zero).")  # fmt: skip

    total = at.loc["ties_any"]
    rel = total["relative_change"]
    if np.isfinite(rel) and round(100 * rel) != 0:
        word = ("færre" if rel < 0 else "flere") if da else ("fewer" if rel < 0 else "more")
        out.append(
            (f"Efter {months} måneder har centret {_pct(rel)} {word} samarbejdsrelationer end "
             f"uden ændringen ({total['scenario_mean']:.0f} mod {total['baseline_mean']:.0f} "
             "i gennemsnit).") if da else
            (f"After {months} months the centre has {_pct(rel)} {word} collaboration ties than "
             f"without the change ({total['scenario_mean']:.0f} against "
             f"{total['baseline_mean']:.0f} on average).")
        )  # fmt: skip
    else:
        out.append(f"Efter {months} måneder har centret omtrent lige så mange "
                   "samarbejdsrelationer som uden ændringen." if da else
                   f"After {months} months the centre has about as many collaboration ties as "
                   "without the change.")  # fmt: skip
    out[-1] += uncertain_note("ties_any")

    forms = at.loc[[f"ties_{f.id}" for f in FORMS]]
    forms = forms[forms["baseline_mean"] >= 1.0]  # relative change of near-absent forms misleads
    if not forms.empty and certain("ties_any"):
        key = forms["relative_change"].idxmin() if rel < 0 else forms["relative_change"].idxmax()
        form = next(f for f in FORMS if f"ties_{f.id}" == key)
        change = forms.loc[key, "relative_change"]
        if da:
            out.append(f"Størst er ændringen i formen {form.danish} ({form.meaning_da}): "
                       f"{'-' if change < 0 else '+'}{_pct(change)}.")  # fmt: skip
        else:
            out.append(f"The largest change is in {form.label('en')} ({form.meaning_en}): "
                       f"{'-' if change < 0 else '+'}{_pct(change)}.")  # fmt: skip

    trust = at.loc["mean_trust"]
    if certain("mean_trust"):
        lower = trust["difference"] < 0
        out.append(
            (f"Tilliden mellem aktørerne er {'lavere' if lower else 'højere'} "
             f"({_da(trust['scenario_mean'])} mod {_da(trust['baseline_mean'])} på en skala fra "
             "0 til 1).") if da else
            (f"Trust between actors is {'lower' if lower else 'higher'} "
             f"({trust['scenario_mean']:.2f} against {trust['baseline_mean']:.2f} on a 0–1 "
             "scale).")
        )  # fmt: skip
    offers = at.loc["joint_offers"]
    if certain("joint_offers") and offers["baseline_mean"] > 0:
        word = (("færre" if offers["difference"] < 0 else "flere") if da
                else ("fewer" if offers["difference"] < 0 else "more"))  # fmt: skip
        out.append(
            (f"Siden ændringen er der lavet {_pct(offers['relative_change'])} {word} fælles "
             "tilbud.") if da else
            (f"Since the change the actors have made {_pct(offers['relative_change'])} {word} "
             "joint offers.")
        )  # fmt: skip
    return out


@dataclass
class WhatIfReport:
    """The report's parts: text, tables and figures (PNG bytes by file name)."""

    title: str
    facts: list[tuple[str, str]]
    notes: list[str]
    effects: pd.DataFrame
    sentences_da: list[str]
    sentences_en: list[str]
    figures: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def effects_for_display(self) -> pd.DataFrame:
        """The headline measures at every horizon, rounded, with interval text."""
        shown = ("ties_any", "ties_knowledge_sharing", "ties_alignment",
                 "ties_resource_exchange", "ties_joint_action", "ties_co_creation",
                 "mean_trust", "mean_familiarity", "referrals", "joint_offers",
                 "new_initiatives")  # fmt: skip
        frame = self.effects[self.effects["measure"].isin(shown)].copy()
        digits = frame["measure"].isin(["mean_trust", "mean_familiarity"]).map({True: 3, False: 1})
        return pd.DataFrame({
            "måneder / months": frame["months"],
            "mål / measure": frame["measure"].map(lambda m: f"{LABELS[m][0]} / {LABELS[m][1]}"),
            "uden / baseline": [f"{v:.{d}f}" for v, d in zip(frame["baseline_mean"], digits,
                                                            strict=True)],
            "med / scenario": [f"{v:.{d}f}" for v, d in zip(frame["scenario_mean"], digits,
                                                           strict=True)],
            "forskel / difference (95 %)": [
                f"{m:+.{d}f} [{lo:+.{d}f}; {hi:+.{d}f}]"
                for m, lo, hi, d in zip(frame["difference"], frame["ci_low"], frame["ci_high"],
                                        digits, strict=True)
            ],
            "relativ / relative": [
                "–" if not np.isfinite(r) else f"{100 * r:+.0f} %"
                for r in frame["relative_change"]
            ],
        })  # fmt: skip

    def markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        lines += [f"- **{k}:** {v}" for k, v in self.facts] + [""]
        for note in self.notes:
            lines += [f"> {note}", ""]
        lines += ["## Hvad ændrede sig", ""] + [" ".join(self.sentences_da), ""]
        lines += ["## What changed", ""] + [" ".join(self.sentences_en), ""]
        lines += ["## Effekter / effects", "", _markdown_table(self.effects_for_display()), "",
                  "Forskel = scenarie − baseline, middel over kørsler med 95 %-interval; "
                  "alle mål i `effects.csv`. / Difference = scenario − baseline, mean over runs "
                  "with a 95 % interval; every measure in `effects.csv`.", ""]  # fmt: skip
        for name, (caption, _) in self.figures.items():
            lines += [f"## {caption}", "", f"![{caption}](figures/{name})", ""]
        return "\n".join(lines)

    def html(self) -> str:
        esc = html.escape
        parts = [
            "<!DOCTYPE html>", '<html lang="da"><head><meta charset="utf-8">',
            f"<title>{esc(self.title)}</title>", f"<style>{_CSS}</style></head><body>",
            f"<h1>{esc(self.title)}</h1>", "<ul>",
            *(f"<li><b>{esc(k)}:</b> {esc(v)}</li>" for k, v in self.facts), "</ul>",
            *(f'<p class="note">{esc(n)}</p>' for n in self.notes),
            "<h2>Hvad ændrede sig</h2>", f"<p>{esc(' '.join(self.sentences_da))}</p>",
            "<h2>What changed</h2>", f"<p>{esc(' '.join(self.sentences_en))}</p>",
            "<h2>Effekter / effects</h2>",
            self.effects_for_display().to_html(index=False, border=0, classes="effects"),
            "<p class='small'>Forskel = scenarie − baseline, middel over kørsler med "
            "95 %-interval; alle mål i <code>effects.csv</code>. / Difference = scenario − "
            "baseline, mean over runs with a 95 % interval.</p>",
        ]  # fmt: skip
        for name, (caption, png) in self.figures.items():
            data = base64.b64encode(png).decode("ascii")
            parts += [f"<h2>{esc(caption)}</h2>",
                      f'<img alt="{esc(name)}" src="data:image/png;base64,{data}">']  # fmt: skip
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"


_CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;font-size:0.85em}td,th{padding:3px 8px;"
    "border-bottom:1px solid #ddd;text-align:right}th{background:#f3f3f3}"
    "img{max-width:100%}.note{background:#fff4d6;padding:0.6em}.small{font-size:0.8em}"
)


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def build_report(
    *,
    centre: str,
    scenario: str,
    description: str,
    week: int,
    scenario_ts: pd.DataFrame,
    baseline_ts: pd.DataFrame,
    networks: list[tuple[str, pd.DataFrame, pd.DataFrame]],
    seeds: list[int],
    steps: int,
    notes: list[str],
) -> WhatIfReport:
    """Effects, sentences and figures of one scenario against its baseline."""
    effects = effects_table(scenario_ts, baseline_ts, week)
    facts = [
        ("Center / centre", centre),
        ("Scenarie / scenario", f"{scenario}: {description}"),
        ("Ændringen sker i uge / change in week", str(week)),
        ("Kørsler / runs", f"{len(seeds)} (seeds {seeds[0]}–{seeds[-1]}), {steps} uger / weeks"),
    ]
    figures = {
        "ties_by_form.png": ("Relationer over tid / ties over time",
                             plots.ties_by_form(scenario_ts, baseline_ts, week, scenario)),
        "trust.png": ("Tillid og kendskab / trust and familiarity",
                      plots.trust_familiarity(scenario_ts, baseline_ts, week, scenario)),
        "outcomes.png": ("Udbytte / outcomes",
                         plots.cumulative_outcomes(scenario_ts, baseline_ts, week, scenario)),
        "network.png": (f"Netværket før og efter (seed {seeds[0]}) / the network before and "
                        "after", plots.network_pictures(networks)),
    }  # fmt: skip
    return WhatIfReport(
        title=f"Hvad nu hvis / what if: {scenario} — {centre}",
        facts=facts,
        notes=notes,
        effects=effects,
        sentences_da=sentences(effects, "da"),
        sentences_en=sentences(effects, "en"),
        figures=figures,
    )
