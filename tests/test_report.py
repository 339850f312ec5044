"""The planner's what-if report for a roster with Danish names, end to end on small runs.

A planner reads the first screen: a plain sentence and the caveat in Danish and English,
one figure, the change at 6/12/24 months. Names stay as written (æ, ø, å, spaces), the maps
name the actors, no percentage is headlined on a tiny base, and Danish Excel can read the
effects file.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.whatif_report import MIN_BASE_FOR_PERCENT, effects_table, number, sentences
from experiments import whatif

CENTRE = "Fælleshuset Møllevangen"
ROSTER = f"""\
name: {CENTRE}
description: "Et lille hus med café, bibliotek og foreninger"
coordinator: true
shared_places: 0.7
actors:
  - {{name: Biblioteket Møllevangen, kind: municipal, hours: 37, core_load: 0.6, co_located: yes}}
  - {{name: Café Æblet, kind: private, hours: 35, core_load: 0.7, co_located: yes,
     offers: [services], needs: [kitchen]}}
  - {{name: Boligsocialt Team Øst, kind: housing_social, hours: 37, core_load: 0.4,
     co_located: yes, funding: project}}
  - {{name: Lektiecaféen, kind: volunteer, hours: 6, presence: evening, co_located: no}}
  - {{name: Kvindeforeningen Såkorn, kind: volunteer, hours: 5, co_located: no}}
  - {{name: Jobcenter Udekørende, kind: municipal, hours: 10, core_load: 0.8, co_located: no}}
relations:
  - {{source: Biblioteket Møllevangen, target: Café Æblet, form: resource_exchange}}
  - {{source: Boligsocialt Team Øst, target: Lektiecaféen, form: alignment}}
"""
ACTORS = ["Biblioteket Møllevangen", "Café Æblet", "Boligsocialt Team Øst", "Lektiecaféen",
          "Kvindeforeningen Såkorn", "Jobcenter Udekørende"]  # fmt: skip
EVENTS = "scenario.events=[{week:26,action:coordinator_stops}]"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The report folder, and the actor names drawn on the network maps."""
    from analysis import plots

    root = tmp_path_factory.mktemp("roster")
    roster = root / "møllevangen.yaml"
    roster.write_text(ROSTER, encoding="utf-8")
    request = whatif.prepare([f"centre={roster}", EVENTS, "replicates=3", "steps=80"])
    # the default folder keeps the name as written (no scenario preset needed)
    assert request.out.name == f"{CENTRE}_coordinator_stops_w26"
    request.out = root / request.out.name
    drawn: list[str] = []
    original = plots.nx.draw_networkx_labels

    def spy(graph, position, labels=None, **kwargs):
        drawn.extend((labels or {}).values())
        return original(graph, position, labels=labels, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plots.nx, "draw_networkx_labels", spy)
        whatif.run_whatif(request, show_progress=False)
    return request.out, drawn


@pytest.fixture(scope="module")
def report_dir(rendered):
    return rendered[0]


def _first_screen(html: str) -> str:
    """The page up to the appendix, without the embedded pictures."""
    return re.sub(r'src="data:[^"]+"', "", html.split('id="appendix"')[0])


def test_plain_sentence_and_caveat_come_first(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    top = _first_screen(html)
    assert top.index("Kort fortalt") < top.index("In short") < top.index('id="main-figure"')
    # 80 weeks and a change in week 26: 6 and 12 months fit; the sentence speaks of 12
    assert "Efter 12 måneder har centret" in top and "After 12 months the centre has" in top
    assert "ikke en prognose" in top and "not a forecast" in top
    assert "fra kørsel til kørsel" in top and "from run to run" in top
    # the events that ran, in words, never a preset's description
    assert "uge 26: tovholderen stopper" in top and "week 26: the coordinator" in top
    assert "week 52" not in top and "uge 52" not in top
    assert top.count("<img") == 1  # one figure on the first screen; the rest in the appendix
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_names_as_written(report_dir):
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*)</title>", html).group(1)
    assert CENTRE in title and "coordinator_stops_w26" in title
    assert md.startswith(f"# Hvad nu hvis / what if: coordinator_stops_w26 — {CENTRE}")
    assert "F_lleshuset" not in html + md


def test_maps_name_the_actors(rendered):
    # A roster this small names every actor on the maps, exactly as written.
    _, drawn = rendered
    assert set(ACTORS) <= set(drawn)
    assert (rendered[0] / "figures" / "network.png").read_bytes()[:4] == b"\x89PNG"


def test_no_percent_headlined_on_a_tiny_base():
    weeks = range(0, 30)
    base = pd.DataFrame([{"seed": s, "step": w, "ties_any": 2.6 + 0.1 * s, "mean_trust": 0.5,
                          "mean_familiarity": 0.5, "n_actors": 6}
                         for s in range(4) for w in weeks])  # fmt: skip
    scen = base.copy()
    scen.loc[scen["step"] >= 2, "ties_any"] = 1.1 + 0.1 * scen["seed"]
    effects = effects_table(scen, base, week=2, horizons=(26,))
    row = effects.set_index("measure").loc["ties_any"]
    assert row["baseline_mean"] < MIN_BASE_FOR_PERCENT and not row["percent_meaningful"]
    da, en = sentences(effects, "da"), sentences(effects, "en")
    shown = f"{number(row['scenario_mean'], 'da')} mod {number(row['baseline_mean'], 'da')}"
    assert shown == "1,3 mod 2,8" and shown in da[0] and "%" not in da[0]
    assert "1.3 against 2.8" in en[0] and "%" not in en[0]
    # the same change on a large base is headlined as a percentage
    big_b, big_s = base.copy(), scen.copy()
    big_b["ties_any"] *= 10
    big_s["ties_any"] *= 10
    big = effects_table(big_s, big_b, week=2, horizons=(26,))
    rel = big.set_index("measure").loc["ties_any", "relative_change"]
    assert round(100 * rel) == -55
    assert "12,5 mod 27,5 uden ændringen, −55 %" in sentences(big, "da")[0]
    assert "12.5 against 27.5 without the change, −55 %" in sentences(big, "en")[0]


def test_the_first_screen_table_respects_the_threshold(report_dir):
    effects = pd.read_csv(report_dir / "effects.csv")
    main = effects[effects["measure"] == effects["measure"].iloc[0]]
    top = _first_screen((report_dir / "report.html").read_text(encoding="utf-8"))
    for _, row in main.iterrows():
        small = row["baseline_mean"] < MIN_BASE_FOR_PERCENT
        assert bool(row["percent_meaningful"]) is not small
    assert ("for lille grundtal" in top) == bool((main["baseline_mean"] < MIN_BASE_FOR_PERCENT).any())


def test_effects_file_opens_in_danish_excel(report_dir):
    raw = (report_dir / "effects_da.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads æøå right
    danish = pd.read_csv(report_dir / "effects_da.csv", sep=";", decimal=",", encoding="utf-8-sig")
    english = pd.read_csv(report_dir / "effects.csv")
    assert len(danish.columns) > 5 and "forskel" in danish.columns and "mål" in danish.columns
    assert danish["uden_ændringen"].dtype.kind == "f"
    pd.testing.assert_series_equal(danish["forskel"], english["difference"], check_names=False,
                                   atol=1e-4)  # fmt: skip
    assert "samarbejdsrelationer i alt" in set(danish["mål"])
