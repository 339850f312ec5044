"""How long must the coordinator run, and does a restart help? The stop-week report.

Every arm runs the same seeds as the *kept* arm (coordinator all the way), so until its stop
week an arm is identical to it and every difference after is the stop's effect in that seed.
What is lost is the paired difference arm − kept in the main measure at the last week, with
a 95 % t-interval over seeds (scipy). A stop week is *safe* when its loss is not
distinguishable from zero, and so is every later candidate week; the *point of no return* is
the first stop week after which a restart no longer brings collaboration back (its loss at
the end stays clear of zero). A restart's *recovery* is the number of weeks from the restart
until the arm has won back 90 % of the gap to the kept arm it had when it restarted (means
over seeds). Sentences are generated from
those numbers, in Danish and English; the report is Markdown with PNG files and
self-contained HTML (figures as base64).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from . import plots

RECOVERED = 0.9  # a restart has recovered once it won back 90 % of the gap it started from
MEASURE_WORDS = {
    "ties_any": ("par med mindst én samarbejdsform", "pairs with any form of collaboration"),
    "ties_total": ("samarbejdsrelationer", "collaboration ties"),
}


def main_measure(measures) -> str:
    """The measure the report is about: ``ties_any`` when the model records it."""
    return "ties_any" if "ties_any" in measures else "ties_total"


def t_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % t-interval of paired differences (nan bounds for a single seed)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan"), float("nan")
    sem = float(stats.sem(values))
    if sem == 0:
        return mean, mean, mean
    low, high = stats.t.interval(0.95, len(values) - 1, loc=mean, scale=sem)
    return mean, float(low), float(high)


def losses(timeseries: pd.DataFrame, arms: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Per arm other than kept: the paired loss at the last week, and a restart's recovery."""
    last = int(timeseries["step"].max())
    wide = timeseries.pivot_table(index=["seed", "step"], columns="arm", values=measure)
    kept_end = wide.xs(last, level="step")["kept"]
    kept_mean = wide["kept"].groupby(level="step").mean()
    rows = []
    for arm in arms.itertuples(index=False):
        if arm.arm == "kept":
            continue
        diff = (wide.xs(last, level="step")[arm.arm] - kept_end).dropna()
        mean, low, high = t_interval(diff.to_numpy())
        recovery = np.nan
        if not pd.isna(arm.restart_week):
            gap = kept_mean - wide[arm.arm].groupby(level="step").mean()
            after = gap[gap.index >= arm.restart_week]
            back = after[after <= (1 - RECOVERED) * max(after.iloc[0], 0)]
            recovery = float(back.index[0] - arm.restart_week) if len(back) else np.nan
        base = float(kept_end.mean())
        rows.append({
            "arm": arm.arm, "stop_week": int(arm.stop_week),
            "restart_week": arm.restart_week, "measure": measure, "week": last,
            "kept_mean": base, "arm_mean": base + mean, "difference": mean,
            "ci_low": low, "ci_high": high,
            "relative_change": mean / base if base else np.nan,
            "recovery_weeks": recovery, "seeds": len(diff),
        })  # fmt: skip
    return pd.DataFrame(rows)


def clear_loss(row) -> bool:
    """The arm ends with fewer than the kept arm, and the interval excludes zero."""
    return bool(row["ci_high"] < 0)


def _num(value: float, da: bool) -> str:
    text = f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"
    return text.replace(".", ",") if da else text


def _pct(value: float) -> str:
    return f"{abs(round(100 * value))} %"


def sentences(table: pd.DataFrame, measure: str, language: str) -> list[str]:
    """Plain sentences from the loss table: each stop week, the safe week, restarts."""
    da = language == "da"
    words = MEASURE_WORDS.get(measure, (measure, measure))[0 if da else 1]
    if table.empty:
        return []
    stops = table[table["restart_week"].isna()].sort_values("stop_week")
    restarts = table[table["restart_week"].notna()].sort_values("stop_week")
    last, n = int(table["week"].iloc[0]), int(table["seeds"].iloc[0])
    out = []
    for row in stops.to_dict("records"):
        week = row["stop_week"]
        if clear_loss(row):
            out.append(
                f"Stopper tovholderen i uge {week}, har centret i uge {last} {_pct(row['relative_change'])} "
                f"færre {words} end hvis den fortsatte ({_num(row['arm_mean'], da)} mod "
                f"{_num(row['kept_mean'], da)}; 95 %-interval for forskellen "
                f"{_num(row['ci_low'], da)} til {_num(row['ci_high'], da)})." if da else
                f"If the coordinator stops in week {week}, the centre has {_pct(row['relative_change'])} "
                f"fewer {words} in week {last} than if it went on ({_num(row['arm_mean'], da)} against "
                f"{_num(row['kept_mean'], da)}; 95 % interval of the difference "
                f"{_num(row['ci_low'], da)} to {_num(row['ci_high'], da)})."
            )  # fmt: skip
        else:
            out.append(
                f"Et stop i uge {week} koster ingen tydelig forskel i uge {last} (95 %-intervallet "
                f"over {n} kørsler rummer nul)." if da else
                f"A stop in week {week} makes no clear difference by week {last} (the 95 % interval "
                f"over {n} runs includes zero)."
            )  # fmt: skip
    safe = safe_week(stops)
    if safe is None:
        out.append(
            "Ved alle afprøvede stopuger mister centret samarbejde: det bærer ikke sig selv uden "
            "tovholder inden for de afprøvede uger." if da else
            "At every stop week tried the centre loses collaboration: it does not carry itself "
            "without a coordinator within the weeks tried."
        )  # fmt: skip
    else:
        out.append(
            f"Tovholderen skal køre mindst til uge {safe}; stop derefter koster ikke målbart." if da
            else f"The coordinator must run at least until week {safe}; stopping later costs "
            "nothing measurable."
        )  # fmt: skip
    if not restarts.empty:
        after = int((restarts["restart_week"] - restarts["stop_week"]).iloc[0])
        lost = restarts[restarts.apply(clear_loss, axis=1)]
        recovered = restarts["recovery_weeks"].dropna()
        if lost.empty:
            out.append(
                f"En genstart {after} uger efter stoppet bringer samarbejdet tilbage ved alle "
                "afprøvede stopuger" if da else
                f"A restart {after} weeks after the stop brings collaboration back at every stop "
                "week tried"
            )  # fmt: skip
        else:
            point = int(lost["stop_week"].min())
            out.append(
                f"Punktet uden vej tilbage: efter et stop i uge {point} bringer en genstart {after} uger "
                f"senere ikke samarbejdet tilbage inden uge {last}" if da else
                f"Point of no return: after a stop in week {point}, a restart {after} weeks later "
                f"does not bring collaboration back by week {last}"
            )  # fmt: skip
        if len(recovered):
            low, high = int(recovered.min()), int(recovered.max())
            span = str(low) if low == high else f"{low}–{high}"
            out[-1] += (f"; det tager {span} uger at vinde 90 % af det tabte tilbage." if da
                        else f"; it takes {span} weeks to win back 90 % of what was lost.")  # fmt: skip
        else:
            out[-1] += "." if da else "."
    return out


def safe_week(stops: pd.DataFrame) -> int | None:
    """The first stop week from which no later candidate shows a clear loss."""
    safe = None
    for row in stops.sort_values("stop_week", ascending=False).to_dict("records"):
        if clear_loss(row):
            break
        safe = int(row["stop_week"])
    return safe


def loss_figure(table: pd.DataFrame, measure: str) -> bytes:
    """What is lost at the last week against the stop week, with 95 % intervals."""
    fig, ax = plots.plt.subplots(figsize=(7, 4))
    for restart, colour, label in ((False, plots.SCENARIO_COLOUR, "stop / stop"),
                                   (True, "#2166ac", "stop + genstart / restart")):  # fmt: skip
        part = table[table["restart_week"].notna() == restart].sort_values("stop_week")
        if part.empty:
            continue
        shift = 2 if restart else -2
        ax.errorbar(part["stop_week"] + shift, part["difference"],
                    yerr=[part["difference"] - part["ci_low"], part["ci_high"] - part["difference"]],
                    fmt="o-", color=colour, capsize=4, label=label)  # fmt: skip
    ax.axhline(0, color="#888888", lw=1)
    da, en = MEASURE_WORDS.get(measure, (measure, measure))
    ax.set_xlabel("uge tovholderen stopper / week the coordinator stops")
    ax.set_ylabel(f"forskel i uge {int(table['week'].iloc[0])} / difference\n({en})")
    ax.set_title(f"Hvad tabes / what is lost: {da}")
    ax.legend(frameon=False)
    return plots.png_bytes(fig)


def time_figure(timeseries: pd.DataFrame, arms: pd.DataFrame, measure: str) -> bytes:
    """The main measure over time in every arm (mean over seeds)."""
    fig, ax = plots.plt.subplots(figsize=(9, 4.5))
    colours = plots.plt.get_cmap("viridis")(np.linspace(0, 0.85, max(arms["stop_week"].nunique(), 1)))
    colour_of = dict(zip(sorted(arms["stop_week"].dropna().unique()), colours, strict=False))
    for arm in arms.itertuples(index=False):
        mean = timeseries[timeseries["arm"] == arm.arm].groupby("step")[measure].mean()
        if arm.arm == "kept":
            ax.plot(mean.index, mean, color="black", lw=2, label="tovholder hele vejen / kept")
            continue
        restart = not pd.isna(arm.restart_week)
        label = (f"stop {arm.stop_week}, genstart {int(arm.restart_week)}" if restart
                 else f"stop uge / week {arm.stop_week}")  # fmt: skip
        ax.plot(mean.index, mean, color=colour_of[arm.stop_week], lw=1.3,
                ls="--" if restart else "-", label=label)  # fmt: skip
    da, en = MEASURE_WORDS.get(measure, (measure, measure))
    ax.set_xlabel("uge / week")
    ax.set_ylabel(f"{da}\n{en}")
    ax.legend(frameon=False, fontsize=7, ncol=2)
    return plots.png_bytes(fig)


@dataclass
class StopWeekReport:
    """The report's parts: text, the loss table and figures (PNG bytes by file name)."""

    title: str
    facts: list[tuple[str, str]]
    table: pd.DataFrame
    sentences_da: list[str]
    sentences_en: list[str]
    figures: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def display(self) -> pd.DataFrame:
        t = self.table
        return pd.DataFrame({
            "stop (uge / week)": t["stop_week"],
            "genstart / restart": ["–" if pd.isna(r) else str(int(r)) for r in t["restart_week"]],
            "med tovholder / kept": t["kept_mean"].map("{:.1f}".format),
            "arm": t["arm_mean"].map("{:.1f}".format),
            "forskel / difference (95 %)": [f"{m:+.1f} [{lo:+.1f}; {hi:+.1f}]" for m, lo, hi
                                            in zip(t["difference"], t["ci_low"], t["ci_high"],
                                                   strict=True)],
            "relativ / relative": [f"{100 * r:+.0f} %" if np.isfinite(r) else "–"
                                   for r in t["relative_change"]],
            "tilbage efter / back after (uger / weeks)": [
                "–" if pd.isna(w) and pd.isna(r) else ("aldrig / never" if pd.isna(w) else f"{w:.0f}")
                for w, r in zip(t["recovery_weeks"], t["restart_week"], strict=True)],
        })  # fmt: skip

    def markdown(self) -> str:
        frame = self.display()
        lines = [f"# {self.title}", ""] + [f"- **{k}:** {v}" for k, v in self.facts] + [""]
        lines += ["## Hvad tabes", "", " ".join(self.sentences_da), ""]
        lines += ["## What is lost", "", " ".join(self.sentences_en), ""]
        lines += ["## Tab pr. stopuge / loss per stop week", "",
                  "| " + " | ".join(frame.columns) + " |", "|" + "|".join("---" for _ in frame.columns) + "|",
                  *("| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)),
                  "", _NOTE, ""]  # fmt: skip
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
            "<h2>Hvad tabes</h2>", f"<p>{esc(' '.join(self.sentences_da))}</p>",
            "<h2>What is lost</h2>", f"<p>{esc(' '.join(self.sentences_en))}</p>",
            "<h2>Tab pr. stopuge / loss per stop week</h2>",
            self.display().to_html(index=False, border=0), f"<p class='small'>{esc(_NOTE)}</p>",
        ]  # fmt: skip
        for name, (caption, png) in self.figures.items():
            data = base64.b64encode(png).decode("ascii")
            parts += [f"<h2>{esc(caption)}</h2>",
                      f'<img alt="{esc(name)}" src="data:image/png;base64,{data}">']  # fmt: skip
        parts.append("</body></html>")
        return "\n".join(parts) + "\n"


_NOTE = ("Forskel = arm − tovholder hele vejen, i sidste uge, middel over kørsler med samme seeds "
         "og 95 %-t-interval; alle tal i `losses.csv`. / Difference = arm − coordinator kept, in "
         "the last week, mean of paired differences over seeds with a 95 % t-interval.")  # fmt: skip
_CSS = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;font-size:0.85em}td,th{padding:3px 8px;"
    "border-bottom:1px solid #ddd;text-align:right}th{background:#f3f3f3}"
    "img{max-width:100%}.small{font-size:0.8em}"
)


def build_report(*, centre: str, timeseries: pd.DataFrame, arms: pd.DataFrame, seeds: list[int],
                 steps: int, measures) -> StopWeekReport:  # fmt: skip
    """Loss table, sentences and figures of every stop (and restart) arm against kept."""
    measure = main_measure(measures)
    table = losses(timeseries, arms, measure)
    restart = arms["restart_week"].dropna()
    facts = [
        ("Center / centre", centre),
        ("Stopuger / stop weeks", ", ".join(str(w) for w in sorted(arms["stop_week"].dropna().unique()))),
        ("Genstart / restart", "–" if restart.empty else
         f"{int((arms['restart_week'] - arms['stop_week']).dropna().iloc[0])} uger efter stop / weeks after"),
        ("Mål / measure", f"{measure}"),
        ("Kørsler / runs", f"{len(seeds)} pr. arm / per arm (seeds {seeds[0]}–{seeds[-1]}), "
                           f"{steps} uger / weeks"),
    ]  # fmt: skip
    figures = {
        "loss_by_stop_week.png": ("Tab pr. stopuge / loss per stop week", loss_figure(table, measure)),
        "over_time.png": ("Over tid / over time", time_figure(timeseries, arms, measure)),
    }
    return StopWeekReport(
        title=f"Hvor længe skal tovholderen køre? / How long must the coordinator run? — {centre}",
        facts=facts, table=table, sentences_da=sentences(table, measure, "da"),
        sentences_en=sentences(table, measure, "en"), figures=figures,
    )  # fmt: skip
