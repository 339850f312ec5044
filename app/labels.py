"""Danish and English texts of the workshop app; Danish is the default language.

Form names and meanings come from :class:`model.Form` (the report's Figure 7); the
kinds' Danish names from :class:`model.ActorKind`. Everything else shown is here.
"""

from __future__ import annotations

from model import ActorKind
from model.drivers import DRIVERS

LANGUAGES = ("da", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Samarbejde i et medborgercenter", "Collaboration in a medborgercenter"),
    "week": ("Uge", "Week"),
    "ties": ("samarbejdsbånd", "collaboration ties"),
    "actors": ("aktører", "actors"),
    "mean_trust": ("gns. tillid", "mean trust"),
    "coordinator": ("Tovholder", "Coordinator"),
    "coordinator_on": ("aktiv", "active"),
    "coordinator_off": ("stoppet", "stopped"),
    "coordinator_none": ("ingen", "none"),
    "start_coordinator": ("Start en tovholder", "Start a coordinator"),
    "trust": ("tillid", "trust"),
    "seed": ("frø", "seed"),
    "untouched": ("Uden indgreb", "Untouched"),
    "with_interventions": ("Med indgreb", "With interventions"),
    "twins_note": (
        "Tvillinger: samme center og samme tilfældige tal. Knapperne virker kun på højre "
        "tvilling; fuld linje = uden indgreb, stiplet = med indgreb.",
        "Twins: the same centre on the same random numbers. The buttons act on the right "
        "twin only; solid line = untouched, dashed = with interventions.",
    ),
    "hover_note": ("musen over en prik viser navnet", "hover over a dot for its name"),
    "preset_drivers_used": ("centrets egne drivere", "the centre's own drivers"),
    "sidebar_drivers_used": ("sidepanelets drivere", "the sidebar's drivers"),
    "param_centre": ("Center", "Centre"),
    "param_preset": ("Centrets egne drivere", "The centre's own drivers"),
    "param_co_location": ("Samlokalisering", "Co-location"),
    "param_coordinator": ("Tovholder fra start", "Coordinator from the start"),
    "param_leadership": ("Ledelsesopbakning", "Leadership support"),
    "param_core_load": ("Kerneopgavepres", "Core-task load"),
    "param_seed": ("Frø (seed)", "Seed"),
    "param_twins": ("Tvillinger (med og uden indgreb)", "Twins (with and without interventions)"),
    "centre": ("Center", "Centre"),
    "drivers": ("Drivere", "Drivers"),
    **{d.name: (d.danish, d.english) for d in DRIVERS if d.kind == "share"},  # model/drivers.py
    "interventions": ("Indgreb undervejs", "Interventions during the run"),
    "stop_coordinator": ("Stop tovholderen", "Stop the coordinator"),
    "restore_coordinator": ("Genindsæt tovholderen", "Restore the coordinator"),
    "cut_funding": ("Projektmidlerne stopper", "Cut project funding"),
    "new_actor": ("En ny aktør kommer til", "A new actor arrives"),
    "new_actor_kind": ("Ny aktørs type", "Kind of the new actor"),
    "leadership_drops": ("Ledelsesopbakningen falder til", "Leadership support drops to"),
    "cafe_closes": ("Caféen lukker", "The café closes"),
    "cafe_shorter": ("Caféens åbningstid skæres med", "Cut the café's opening hours by"),
    "leadership_to": ("Ny ledelsesopbakning", "New leadership support"),
    "history": ("Indgreb", "Interventions"),
    "no_interventions": ("Ingen indgreb endnu", "No interventions yet"),
    "language": ("Sprog", "Language"),
    "forms_legend": ("De fem samarbejdsformer", "The five forms of collaboration"),
    "network": ("Netværket i centret", "The centre's network"),
    "forms_over_time": ("Samarbejdsbånd pr. form", "Collaboration ties by form"),
    "trust_over_time": ("Tillid og beboere nået", "Trust and residents reached"),
    "trust_line": ("tillid", "trust"),
    "residents_share": ("andel beboere nået", "share of residents reached"),
    "outcomes_over_time": ("Resultater (i alt)", "Outcomes (cumulative)"),
    "co_located": ("samlokaliseret (bor i huset)", "co-located (housed in the centre)"),
    "ad_hoc": ("ad hoc-bruger", "ad-hoc user"),
    "referrals": ("henvisninger", "referrals"),
    "resources_shared": ("delte ressourcer", "resources shared"),
    "joint_offers": ("fælles tilbud", "joint offers"),
    "new_initiatives": ("nye initiativer", "new initiatives"),
    "failed_efforts": ("mislykkede forsøg", "failed efforts"),
    "depth_note": (
        "Bånd farves efter form og er tykkere jo dybere formen er.",
        "Ties are coloured by form and thicker the deeper the form.",
    ),
    "reset_note": (
        "Sidepanelets valg (center, drivere, frø, tvillinger) gælder først efter RESET.",
        "The sidebar's choices (centre, drivers, seed, twins) apply only after RESET.",
    ),
}


def text(key: str, language: str) -> str:
    """The text ``key`` in ``da`` or ``en``."""
    da, en = TEXTS[key]
    return da if language == "da" else en


def kind_label(kind: ActorKind, language: str) -> str:
    """An actor kind's display name."""
    return kind.danish if language == "da" else kind.id.replace("_", "-")


_NOTES_DA = (
    ("coordinator stops", "tovholderen stopper"),
    ("coordinator cannot start: nobody to hold the role",
     "tovholderen kan ikke starte: ingen kan have rollen"),
    ("coordinator starts", "tovholderen starter"),
    ("coordination handed over to", "tovholderrollen gives videre til"),
    ("its last volunteers stopped", "de sidste frivillige er stoppet"),
    ("holds the role", "har rollen"),
    ("forum founded", "forum oprettes"),
    ("forum dissolved", "forum nedlægges"),
    ("project funding ends", "projektmidlerne stopper"),
    ("leadership support", "ledelsesopbakning"),
    ("actor(s) arrive", "aktør(er) kommer til"),
    ("a funder pulls out", "en bidragyder trækker sig"),
    ("time in the house cut by", "tid i huset skåret med"),
    ("the café closes", "caféen lukker"),
    ("fewer hours", "færre timer"),
    ("the café opens", "caféen åbner"),
    ("move staff to citizen-near work", "flytter medarbejdere til borgernært arbejde"),
    ("resident democrats step down", "beboerdemokraterne træder tilbage"),
    ("its resident democrats stepped down", "beboerdemokraterne er trådt tilbage"),
    ("raise their share at the renegotiation: more residents reached",
     "øger deres bidrag ved genforhandlingen: flere beboere nået"),
    ("at the renegotiation: fewer residents reached", "ved genforhandlingen: færre beboere nået"),
    ("actors", "aktører"),
    ("leaves", "forlader centret"),
    (" all ", " alle "),
)


def intervention_label(note: str, language: str) -> str:
    """An entry of ``model.interventions`` in the chosen language (the model notes English)."""
    if language != "da":
        return note
    for en, da in _NOTES_DA:
        note = note.replace(en, da)
    for kind in ActorKind:
        note = note.replace(f" {kind.id} ", f" {kind.danish} ")
    return note
