"""A planner's what-if report: what a scenario changes in a centre, against its baseline.

Both arms run with the same seeds, so until the intervention week they are identical and
every difference after it is the scenario's effect in that seed (paired differences).
Effects are given 6, 12 and 24 months after the intervention as the mean difference
scenario − baseline over seeds with a 95 % t-interval, and as a relative change with a
paired bootstrap interval (both from :mod:`analysis.stats`).

The report is written for a planner who reads it in a minute: its first screen says in
plain Danish and English what happens to the main measure, shows one figure of it over
time and the change at 6/12/24 months, and says what the interval means. Everything else
(all measures, the other figures, the networks) follows in an appendix. HTML and Markdown
come from the jinja2 templates in ``analysis/templates/`` (autoescaped HTML, figures
embedded as base64, no external resources).
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from model import FORMS, WEEKLY_MEASURES, ActorKind
from model.residents import GROUP_LABELS

from . import plots, stats

HORIZONS: tuple[int, ...] = (26, 52, 104)
#: The main measure of the report's first screen: the first of these the model records.
#: ``ties_any`` (pairs with any collaboration) is preferred once the model has it.
MAIN_MEASURES: tuple[str, ...] = ("ties_any", "ties_total")
#: A relative change is headlined only when the baseline has at least this many (ties,
#: offers, …). Below five, one tie more or less moves the percentage by more than 20
#: points, so "−57 %" can mean 2.6 against 1.1 ties: the report gives the two numbers
#: instead. Five is also where a planner can still name the relations one by one.
MIN_BASE_FOR_PERCENT = 5.0
#: Weekly outcomes (events in the week); the report sums them from the intervention on.
FLOW_MEASURES: tuple[str, ...] = (
    "referrals", "resources_shared", "joint_offers", "new_initiatives", "failed_efforts",
    "referrals_completed", "residents_volunteered", "resident_links",
)  # fmt: skip
#: On/off states; their mean over seeds is a share of runs, not a count.
STATE_MEASURES: tuple[str, ...] = ("coordinator_active", "forum_active")
#: Measures on a 0–1 scale (bounded intervals, two decimals).
UNIT_MEASURES: tuple[str, ...] = ("mean_trust", "mean_familiarity", *STATE_MEASURES)

LABELS: dict[str, tuple[str, str]] = {
    "ties_any": ("samarbejdsrelationer i alt", "collaboration ties in all"),
    "ties_total": ("relationer talt pr. form", "ties counted per form"),
    "multiplex_pairs": ("par med flere former", "pairs with several forms"),
    **{f"ties_{f.id}": (f"relationer: {f.danish}", f"ties: {f.label('en')}") for f in FORMS},
    "ties_deep": ("dybe relationer (samordne + samskabe)",
                  "deep ties (joint action + co-creation)"),
    "mean_trust": ("gennemsnitlig tillid", "mean trust"),
    "mean_familiarity": ("gennemsnitligt kendskab", "mean familiarity"),
    "coordinator_active": ("andel kørsler med tovholder", "share of runs with a coordinator"),
    "forum_active": ("andel kørsler med husråd", "share of runs with a house forum"),
    "n_actors": ("aktører i huset", "actors in the house"),
    "referrals": ("henvisninger (sum)", "referrals (sum)"),
    "resources_shared": ("delte ressourcer (sum)", "resources shared (sum)"),
    "joint_offers": ("fælles tilbud (sum)", "joint offers (sum)"),
    "new_initiatives": ("nye initiativer (sum)", "new initiatives (sum)"),
    "failed_efforts": ("mislykkede indsatser (sum)", "failed efforts (sum)"),
    **{f"deepest_{f.id}": (f"par hvis dybeste form er {f.danish}",
                           f"pairs whose deepest form is {f.label('en')}") for f in FORMS},
    "coordinator_hours": ("tovholderens timer pr. uge", "coordinator's hours a week"),
    "coordinator_coverage": ("tovholderens dækning", "coordinator's coverage"),
    "forum_vitality": ("husrådets livskraft", "house forum's vitality"),
    "volunteer_enthusiasts": ("ildsjæle blandt de frivillige", "volunteer enthusiasts"),
    "hours_available": ("timer til samarbejde pr. uge", "hours for collaboration a week"),
    "hours_used": ("timer brugt på samarbejde pr. uge", "hours used on collaboration a week"),
    "residents_reached": ("beboere nået", "residents reached"),
    **{f"residents_reached_{g}": (f"{da} nået", f"{en} reached") for g, (da, en) in GROUP_LABELS.items()},
    "referrals_completed": ("gennemførte henvisninger (sum)", "referrals completed (sum)"),
    "residents_in_joint": ("beboere i fælles tilbud og nye initiativer",
                           "residents in joint offers and new initiatives"),
    "residents_volunteered": ("beboere blevet frivillige (sum)", "residents who became volunteers (sum)"),
    "resident_links": ("aktører sat i kontakt af beboere (sum)", "actors put in touch by residents (sum)"),
}  # fmt: skip

CAVEAT = {
    "da": "Tallene viser modellens tendens, ikke en prognose for jeres hus. Intervallet (95 %) "
          "viser, hvor meget resultatet svinger fra kørsel til kørsel af modellen ({n} kørsler "
          "med og {n} uden ændringen); det siger ikke, hvor sikkert modellen rammer et "
          "virkeligt center.",
    "en": "The numbers show the model's tendency, not a forecast for your house. The interval "
          "(95 %) shows how much the result varies from run to run of the model ({n} runs with "
          "and {n} without the change); it does not say how well the model matches a real "
          "centre.",
}  # fmt: skip


def label(measure: str, language: str = "da") -> str:
    """A measure's name in ``da`` or ``en``; unknown (new) measures get a readable id."""
    da, en = LABELS.get(measure, (measure.replace("_", " "),) * 2)
    return da if language == "da" else en


def main_measure(columns) -> str:
    """The first of :data:`MAIN_MEASURES` present in ``columns``."""
    return next(m for m in MAIN_MEASURES if m in columns)


def measures(columns) -> tuple[list[str], list[str]]:
    """Levels (read in the horizon's week) and flows (summed since the intervention) among
    the model's weekly measures, in the model's order, plus ``ties_deep``."""
    recorded = [m for m in WEEKLY_MEASURES if m in columns]
    flows = [m for m in recorded if m in FLOW_MEASURES]
    levels = [m for m in recorded if m not in flows]
    main = main_measure(columns)
    levels = [main, *(m for m in levels if m != main)]
    if {"ties_joint_action", "ties_co_creation"} <= set(columns):
        levels.append("ties_deep")
    return levels, flows


def bounds(measure: str) -> tuple[float | None, float | None]:
    """Where a measure's mean can lie: 0–1 for trust and shares, ≥ 0 for counts."""
    return (0.0, 1.0) if measure in UNIT_MEASURES else (0.0, None)


def digits(measure: str) -> int:
    return 2 if measure in UNIT_MEASURES else 0 if measure.startswith("hours_") else 1


def number(value: float, language: str, places: int = 1, sign: bool = False) -> str:
    """A number in the language's convention: decimal comma in Danish, point in English."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:+.{places}f}" if sign else f"{value:.{places}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if language == "da" else text


def percent(value: float, language: str, sign: bool = True) -> str:
    return number(100 * value, language, 0, sign) + " %"


def with_deep_ties(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Add ``ties_deep``: joint action plus co-creation (the forms that need backing)."""
    frame = timeseries.copy()
    if {"ties_joint_action", "ties_co_creation"} <= set(frame.columns):
        frame["ties_deep"] = frame["ties_joint_action"] + frame["ties_co_creation"]
    return frame


def _forum_carries_on(effects: pd.DataFrame, language: str) -> list[str]:
    """Where the coordinating role stopped but a forum with its own convener kept meeting
    (the house council in Aarhus), say so: the forum keeps the actors updated, so the stop
    changes less (ODD § 1, findings of version 0.2)."""
    if effects.empty or not {"coordinator_coverage", "forum_vitality"} <= set(effects["measure"]):
        return []
    first = effects[effects["months"] == effects["months"].min()].set_index("measure")
    role, forum = first.loc["coordinator_coverage"], first.loc["forum_vitality"]
    if not (role["difference"] < -0.5 and forum["scenario_mean"] >= 0.9):
        return []
    return [
        "Tovholderens rolle er stoppet, men husets forum (fx husrådet) mødes fortsat med sin "
        "egen mødeleder og holder aktørerne opdateret; derfor ændrer samarbejdet sig mindre, "
        "og tovholderens timer går tilbage til vedkommendes egne relationer."
        if language == "da" else
        "The coordinating role has stopped, but the house's forum (e.g. the house council) "
        "keeps meeting with its own convener and keeps the actors updated; so collaboration "
        "changes less, and the coordinator's hours go back to its holder's own ties."
    ]  # fmt: skip


def effects_table(
    scenario: pd.DataFrame, baseline: pd.DataFrame, week: int, horizons=HORIZONS
) -> pd.DataFrame:
    """Mean scenario − baseline per measure at each horizon after ``week``, with a 95 %
    t-interval over seeds and a relative change with a bootstrap interval; horizons beyond
    the last simulated week are left out."""
    scenario, baseline = with_deep_ties(scenario), with_deep_ties(baseline)
    levels, flows = measures(scenario.columns)
    last = int(min(scenario["step"].max(), baseline["step"].max()))
    rows = []
    for horizon in horizons:
        at = week + horizon
        if at > last:
            continue
        for measure in (*levels, *flows):
            per_seed = []
            for frame in (scenario, baseline):
                if measure in flows:
                    window = frame[(frame["step"] >= week) & (frame["step"] <= at)]
                    per_seed.append(window.groupby("seed")[measure].sum())
                else:
                    per_seed.append(frame[frame["step"] == at].set_index("seed")[measure])
            s, b = (series.astype(float) for series in per_seed)
            diff = stats.paired_difference(s, b)
            rel = stats.relative_change(s, b)
            base_mean = float(b.mean())
            rows.append({
                "months": horizon * 12 // 52,
                "weeks_after": horizon,
                "week": at,
                "measure": measure,
                "summed_since_intervention": measure in flows,
                "baseline_mean": base_mean,
                "scenario_mean": float(s.mean()),
                "difference": diff.estimate,
                "ci_low": diff.low,
                "ci_high": diff.high,
                "relative_change": rel.estimate,
                "rel_low": rel.low,
                "rel_high": rel.high,
                "percent_meaningful": bool(base_mean >= MIN_BASE_FOR_PERCENT
                                           and measure not in UNIT_MEASURES),
                "seeds": diff.n,
            })  # fmt: skip
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ words
_KIND_EN = {k: k.id.replace("_", "-") for k in ActorKind}


def _who(event, language: str) -> str:
    da = language == "da"
    if event.names:
        return ", ".join(event.names)
    if event.kind:
        kind = ActorKind.from_id(event.kind)
        return (f"{kind.danish}-aktørerne" if da else f"the {_KIND_EN[kind]} actors")
    return "alle aktører" if da else "every actor"


def describe_event(event, language: str = "da") -> str:
    """One event in words, e.g. ``uge 26: tovholderen stopper``."""
    da = language == "da"
    week = f"uge {event.week}" if da else f"week {event.week}"
    who = _who(event, language)
    share = None if event.share is None else percent(event.share, language, sign=False)
    match event.action:
        case "coordinator_stops":
            what = "tovholderen stopper" if da else "the coordinator (tovholder) stops"
        case "coordinator_starts":
            what = "en tovholder begynder" if da else "a coordinator (tovholder) starts"
        case "forum_founded":
            what = "et husråd begynder at mødes" if da else "a house forum starts to meet"
        case "forum_dissolved":
            what = "husrådet holder op med at mødes" if da else "the house forum stops meeting"
        case "funding_ends":
            what = (f"projektpengene til udvikling slutter for {who}" if da
                    else f"project money for development ends for {who}")  # fmt: skip
        case "funder_pulls_out":
            part = share or ("én bidragyders andel" if da else "one funder's share")
            what = (f"en bidragyder trækker sig fra driftspengene ({part})" if da
                    else f"a funder pulls out of the operating money ({part})")  # fmt: skip
        case "leadership_changes":
            value = number(event.value, language, 1)
            what = (f"ledelsens opbakning til samarbejde bliver {value} (0–1) for {who}" if da
                    else f"management backing for collaboration becomes {value} (0–1) for {who}")
        case "presence_cut":
            cut = share or percent(0.5, language, sign=False)
            what = (f"{who} er {cut} mindre i huset" if da
                    else f"{who} spend {cut} less time in the house")  # fmt: skip
        case "actors_arrive":
            g = event.group
            kind = ActorKind.from_id(g.kind)
            name = f" ({g.name})" if g.name else ""
            what = (f"{g.count} nye {kind.danish}-aktører{name} kommer til" if da
                    else f"{g.count} new {_KIND_EN[kind]} actors{name} arrive")
        case "actor_leaves":
            what = f"{who} forlader huset" if da else f"{who} leave the house"
        case _:
            what = event.action.replace("_", " ")
    return f"{week}: {what}"


def _changed(row) -> bool:
    return stats.Interval(row["difference"], row["ci_low"], row["ci_high"],
                          int(row["seeds"])).excludes(0.0)  # fmt: skip


def _count_change(row, language: str, unit_da: str, unit_en: str) -> str:
    """``14,2 mod 18,9 relationer (−25 %)``; the percentage only on a large enough base."""
    da = language == "da"
    d = digits(row.name) if isinstance(row.name, str) else 1
    text = (f"{number(row['scenario_mean'], language, d)} mod {number(row['baseline_mean'], language, d)} "
            f"{unit_da} uden ændringen" if da else
            f"{number(row['scenario_mean'], language, d)} against "
            f"{number(row['baseline_mean'], language, d)} {unit_en} without the change")  # fmt: skip
    if row["percent_meaningful"] and math.isfinite(row["relative_change"]):
        text += f", {percent(row['relative_change'], language)}"
    return text


def sentences(effects: pd.DataFrame, language: str) -> list[str]:
    """A few plain sentences on what changed, from the effects table (``da`` or ``en``)."""
    if effects.empty:
        return []
    da = language == "da"
    months = 12 if (effects["months"] == 12).any() else int(effects["months"].max())
    at = effects[effects["months"] == months].set_index("measure")
    main = main_measure(at.index)
    n = int(at.loc[main, "seeds"])
    out = []
    row = at.loc[main]
    fewer = row["difference"] < 0
    name_da, name_en = label(main, "da"), label(main, "en")
    if _changed(row):
        word = ("færre" if fewer else "flere") if da else ("fewer" if fewer else "more")
        out.append(
            f"Efter {months} måneder har centret {word} {name_da}: "
            f"{_count_change(row, 'da', '', '').replace('  ', ' ')}." if da else
            f"After {months} months the centre has {word} {name_en}: "
            f"{_count_change(row, 'en', '', '').replace('  ', ' ')}."
        )  # fmt: skip
    else:
        out.append(
            f"Efter {months} måneder har centret omtrent lige så mange {name_da} som uden "
            f"ændringen ({number(row['scenario_mean'], 'da')} mod "
            f"{number(row['baseline_mean'], 'da')}); forskellen er mindre end variationen "
            f"mellem de {n} kørsler." if da else
            f"After {months} months the centre has about as many {name_en} as without the "
            f"change ({number(row['scenario_mean'], 'en')} against "
            f"{number(row['baseline_mean'], 'en')}); the difference is smaller than the "
            f"variation between the {n} runs."
        )  # fmt: skip

    form_rows = at.loc[[f"ties_{f.id}" for f in FORMS if f"ties_{f.id}" in at.index]]
    moved = form_rows[[_changed(r) for _, r in form_rows.iterrows()]]
    if not moved.empty:
        key = moved["difference"].abs().idxmax()
        form = next(f for f in FORMS if f"ties_{f.id}" == key)
        r = moved.loc[key]
        down = r["difference"] < 0
        out.append(
            f"Størst er {'faldet' if down else 'stigningen'} i formen {form.danish} "
            f"({form.meaning_da}): {_count_change(r, 'da', 'relationer', '')}." if da else
            f"The largest {'fall' if down else 'rise'} is in {form.label('en')} "
            f"({form.meaning_en}): {_count_change(r, 'en', '', 'ties')}."
        )  # fmt: skip

    if "mean_trust" in at.index and _changed(at.loc["mean_trust"]):
        trust = at.loc["mean_trust"]
        lower = trust["difference"] < 0
        out.append(
            f"Tilliden mellem aktørerne er {'lavere' if lower else 'højere'} "
            f"({number(trust['scenario_mean'], 'da', 2)} mod "
            f"{number(trust['baseline_mean'], 'da', 2)} på en skala fra 0 til 1)." if da else
            f"Trust between actors is {'lower' if lower else 'higher'} "
            f"({number(trust['scenario_mean'], 'en', 2)} against "
            f"{number(trust['baseline_mean'], 'en', 2)} on a 0–1 scale)."
        )  # fmt: skip
    if "joint_offers" in at.index and _changed(at.loc["joint_offers"]):
        offers = at.loc["joint_offers"]
        fewer = offers["difference"] < 0
        out.append(
            f"Siden ændringen har aktørerne lavet {'færre' if fewer else 'flere'} fælles "
            f"tilbud: {_count_change(offers, 'da', '', '')}." if da else
            f"Since the change the actors have made {'fewer' if fewer else 'more'} joint "
            f"offers: {_count_change(offers, 'en', '', '')}."
        )  # fmt: skip
    out += resident_sentences(at, months, language)
    return [" ".join(s.split()) for s in out]


def about(value: float) -> int:
    """A count as a planner says it: to the nearest 10 from 20 on, else whole."""
    return int(round(value, -1)) if abs(value) >= 20 else int(round(value))


def resident_sentences(at: pd.DataFrame, months: int, language: str) -> list[str]:
    """What the change does for the area's residents: how many more or fewer are in touch
    with the house's offers, with the 95 % interval, and the group that moves most."""
    if "residents_reached" not in at.index:
        return []
    da = language == "da"
    row = at.loc["residents_reached"]
    if not _changed(row):
        return [
            f"Efter {months} måneder når husets tilbud omtrent lige så mange beboere som uden "
            f"ændringen ({about(row['scenario_mean'])} mod {about(row['baseline_mean'])})." if da else
            f"After {months} months the house's offers reach about as many residents as without "
            f"the change ({about(row['scenario_mean'])} against {about(row['baseline_mean'])})."
        ]  # fmt: skip
    groups = [f"residents_reached_{g}" for g in GROUP_LABELS if f"residents_reached_{g}" in at.index]
    moved = [g for g in groups if _changed(at.loc[g])]
    key = max(moved, key=lambda g: abs(at.loc[g, "difference"])) if moved else "residents_reached"
    r = at.loc[key]
    fewer = r["difference"] < 0
    who_da, who_en = ("beboere", "residents") if key == "residents_reached" else GROUP_LABELS[
        key.removeprefix("residents_reached_")]
    lo, hi = sorted((abs(r["ci_low"]), abs(r["ci_high"]))) if fewer else (r["ci_low"], r["ci_high"])
    total = (f"I alt {about(row['scenario_mean'])} mod {about(row['baseline_mean'])} beboere uden ændringen."
             if da else f"In all {about(row['scenario_mean'])} against {about(row['baseline_mean'])} "
             f"residents without the change.")  # fmt: skip
    return [
        f"Efter {months} måneder når husets tilbud omkring {about(abs(r['difference']))} "
        f"{'færre' if fewer else 'flere'} {who_da} (95 %-interval: {about(lo)} til {about(hi)}). "
        + total if da else
        f"After {months} months the house's offers reach about {about(abs(r['difference']))} "
        f"{'fewer' if fewer else 'more'} {who_en} (95 % interval: {about(lo)} to {about(hi)}). "
        + total
    ]  # fmt: skip


def explanations(effects: pd.DataFrame, language: str) -> list[str]:
    """Why a form rises while others fall, where the data show it.

    Each form costs hours, and a form is taken up only when the partners' hours allow it
    (``model/transitions.py``, ``hours_allow``; ``enforce_hour_budgets``). So when fewer
    pairs hold a deeper form, the hours it took are free for lighter forms; and a fall in
    ``hours_used`` shows hours no longer spent on collaboration. Both can be read off the
    weekly measures. Each rising form is explained at the first horizon where its rise is
    clear.
    """
    da = language == "da"
    out = _forum_carries_on(effects, language)
    for form in FORMS:
        key = f"ties_{form.id}"
        for months in sorted(effects["months"].unique()):
            at = effects[effects["months"] == months].set_index("measure")
            if key not in at.index or not (_changed(at.loc[key]) and at.loc[key, "difference"] > 0):
                continue
            present = [f for f in FORMS if f"ties_{f.id}" in at.index]
            deeper = [f for f in present if f > form and _changed(at.loc[f"ties_{f.id}"])
                      and at.loc[f"ties_{f.id}", "difference"] < 0]  # fmt: skip
            rise = number(at.loc[key, "difference"], language, 1, sign=True)
            when = f"Efter {months} måneder" if da else f"After {months} months"
            if deeper:
                names = ", ".join(f.label(language) for f in deeper)
                out.append(
                    f"{when} har {form.danish} flere relationer ({rise}). Samtidig holder færre "
                    f"par en dybere form ({names}); de timer, den tog, kan bruges på lettere "
                    f"former (hver form koster timer, og et par tager kun en form op, når "
                    f"timerne rækker)." if da else
                    f"{when} {form.label('en')} has more ties ({rise}). At the same time fewer "
                    f"pairs hold a deeper form ({names}); the hours it took are free for "
                    f"lighter forms (each form costs hours, and a pair takes one up only when "
                    f"the hours allow)."
                )  # fmt: skip
            hours = at.loc["hours_used"] if "hours_used" in at.index else None
            if hours is not None and _changed(hours) and hours["difference"] < 0:
                freed = number(-hours["difference"], language, 0)
                out.append(
                    f"Aktørerne bruger i alt {freed} timer færre om ugen på samarbejde; de "
                    f"frigjorte timer giver plads til lettere former som {form.danish}." if da else
                    f"In all, the actors spend {freed} fewer hours a week on collaboration; the "
                    f"freed hours leave room for lighter forms such as {form.label('en')}."
                )  # fmt: skip
            break
    return list(dict.fromkeys(out))


def change_rows(effects: pd.DataFrame, measure: str, language: str) -> list[dict]:
    """The first screen's table: the main measure at 6/12/24 months, in one language."""
    da = language == "da"
    rows = []
    d = digits(measure)
    for _, r in effects[effects["measure"] == measure].iterrows():
        if r["percent_meaningful"] and math.isfinite(r["relative_change"]):
            rel = percent(r["relative_change"], language)
            if math.isfinite(r["rel_low"]):
                sep = "; " if da else ", "
                rel += f" [{percent(r['rel_low'], language)}{sep}{percent(r['rel_high'], language)}]"
        else:
            rel = "– (for lille grundtal)" if da else "– (base too small)"
        rows.append({
            "when": f"{r['months']} måneder" if da else f"{r['months']} months",
            "without": number(r["baseline_mean"], language, d),
            "with": number(r["scenario_mean"], language, d),
            "difference": _interval_text(r, language, d),
            "relative": rel,
        })  # fmt: skip
    return rows


def _interval_text(r, language: str, d: int) -> str:
    text = number(r["difference"], language, d, sign=True)
    if math.isfinite(r["ci_low"]):
        sep = "; " if language == "da" else ", "
        text += (f" [{number(r['ci_low'], language, d, sign=True)}{sep}"
                 f"{number(r['ci_high'], language, d, sign=True)}]")  # fmt: skip
    return text


# ------------------------------------------------------------------------ the report
@dataclass
class Figure:
    """A PNG with its caption in both languages."""

    name: str
    caption_da: str
    caption_en: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class WhatIfReport:
    """The report's parts: text, tables and figures."""

    centre: str
    scenario: str
    events_da: list[str]
    events_en: list[str]
    description: str
    main: str
    facts: list[tuple[str, str]]
    notes: list[str]
    effects: pd.DataFrame
    sentences_da: list[str]
    sentences_en: list[str]
    explain_da: list[str]
    explain_en: list[str]
    seeds: int
    main_figure: Figure
    appendix_figures: list[Figure] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Hvad nu hvis / what if: {self.scenario} — {self.centre}"

    @property
    def figures(self) -> dict[str, Figure]:
        """Every figure by file name (main first)."""
        return {f.name: f for f in (self.main_figure, *self.appendix_figures)}

    def context(self) -> dict:
        """Everything the templates show, already worded and formatted per language."""
        level = stats.describe_level()
        return {
            "r": self,
            "caveat_da": CAVEAT["da"].format(n=self.seeds),
            "caveat_en": CAVEAT["en"].format(n=self.seeds),
            "main_da": label(self.main, "da"),
            "main_en": label(self.main, "en"),
            "changes_da": change_rows(self.effects, self.main, "da"),
            "changes_en": change_rows(self.effects, self.main, "en"),
            "table": self.full_table(),
            "markdown_table": _markdown_table(self.full_table()),
            "level": level,
            "threshold_da": number(MIN_BASE_FOR_PERCENT, "da", 0),
            "threshold_en": number(MIN_BASE_FOR_PERCENT, "en", 0),
        }

    def full_table(self) -> pd.DataFrame:
        """Every measure at every horizon, in Danish number format (the appendix)."""
        f = self.effects
        rows = []
        for _, r in f.iterrows():
            d = digits(r["measure"])
            rel = (percent(r["relative_change"], "da") if r["percent_meaningful"]
                   and math.isfinite(r["relative_change"]) else "–")  # fmt: skip
            rows.append({
                "måneder / months": r["months"],
                "mål / measure": f"{label(r['measure'], 'da')} / {label(r['measure'], 'en')}",
                "uden / without": number(r["baseline_mean"], "da", d),
                "med / with": number(r["scenario_mean"], "da", d),
                "forskel [95 %] / difference": _interval_text(r, "da", d),
                "relativ / relative": rel,
            })  # fmt: skip
        return pd.DataFrame(rows)

    def effects_danish(self) -> pd.DataFrame:
        """``effects.csv`` with Danish column names and labels (for ``effects_da.csv``)."""
        f = self.effects.copy()
        numbers = f.select_dtypes("float").columns
        f[numbers] = f[numbers].round(4)  # Excel shows 4 decimals; the full values are in effects.csv
        f.insert(4, "mål", f["measure"].map(lambda m: label(m, "da")))
        f["percent_meaningful"] = f["percent_meaningful"].map({True: "ja", False: "nej"})
        f["summed_since_intervention"] = f["summed_since_intervention"].map(
            {True: "ja", False: "nej"})
        return f.rename(columns=DANISH_COLUMNS)

    def markdown(self) -> str:
        return _env().get_template("whatif_report.md").render(**self.context())

    def html(self) -> str:
        return _env().get_template("whatif_report.html").render(**self.context())


#: Column names of ``effects_da.csv`` (documented in docs/outputs.md).
DANISH_COLUMNS = {
    "months": "måneder", "weeks_after": "uger_efter", "week": "uge", "measure": "mål_id",
    "summed_since_intervention": "summeret_siden_ændringen", "baseline_mean": "uden_ændringen",
    "scenario_mean": "med_ændringen", "difference": "forskel", "ci_low": "forskel_lav_95",
    "ci_high": "forskel_høj_95", "relative_change": "relativ_ændring", "rel_low": "relativ_lav_95",
    "rel_high": "relativ_høj_95", "percent_meaningful": "procent_meningsfuld", "seeds": "kørsler",
}  # fmt: skip


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )  # fmt: skip


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
    events=(),
) -> WhatIfReport:
    """Effects, sentences and figures of one scenario against its baseline.

    ``events`` are the events that ran; the report describes them, not a preset's text
    (``description`` is shown only for a structural scenario without events).
    """
    effects = effects_table(scenario_ts, baseline_ts, week)
    main = main_measure(scenario_ts.columns)
    events = sorted(events, key=lambda e: e.week)
    events_da = [describe_event(e, "da") for e in events]
    events_en = [describe_event(e, "en") for e in events]
    weeks = sorted({e.week for e in events}) or [week]
    facts = [
        ("Kørsler / runs", f"{len(seeds)} × 2 (seeds {seeds[0]}–{seeds[-1]}), {steps} uger / weeks"),
        ("Målt fra uge / measured from week", str(week)),
    ]  # fmt: skip
    main_figure = Figure(
        "main.png", f"{label(main, 'da').capitalize()} over tid", f"{label(main, 'en')} over time",
        plots.main_measure(scenario_ts, baseline_ts, main, weeks,
                           (label(main, "da"), label(main, "en")), bounds(main)),
    )  # fmt: skip
    seed = seeds[0]
    appendix = [
        Figure("ties_by_form.png", "Relationer pr. form over tid", "Ties by form over time",
               plots.ties_by_form(scenario_ts, baseline_ts, weeks)),
        Figure("trust.png", "Tillid og kendskab", "Trust and familiarity",
               plots.trust_familiarity(scenario_ts, baseline_ts, weeks)),
        Figure("outcomes.png", "Udbytte siden ændringen", "Outcomes since the change",
               plots.cumulative_outcomes(scenario_ts, baseline_ts, week, weeks,
                                         [m for m in FLOW_MEASURES if m in scenario_ts])),
        Figure("network.png", f"Netværket før og efter (kørsel med seed {seed})",
               f"The network before and after (run with seed {seed})",
               plots.network_pictures(networks)),
    ]  # fmt: skip
    return WhatIfReport(
        centre=centre, scenario=scenario, events_da=events_da, events_en=events_en,
        description=description if not events else "", main=main, facts=facts, notes=notes,
        effects=effects, sentences_da=sentences(effects, "da"),
        sentences_en=sentences(effects, "en"), explain_da=explanations(effects, "da"),
        explain_en=explanations(effects, "en"), seeds=len(seeds), main_figure=main_figure,
        appendix_figures=appendix,
    )  # fmt: skip


