"""The mapping as output: GraphML and CSV edge lists at chosen weeks (``network_weeks``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd

from analysis.network import write_network
from experiments.cli import compose_run
from experiments.simulate import simulate
from model import FORMS

ROOT = Path(__file__).resolve().parent.parent
FORM_IDS = {f.id for f in FORMS}


def test_graphml_and_csv_at_chosen_weeks(tmp_path):
    run = compose_run(["centre=library", "steps=30", "replicates=2", "network_weeks=[0,30]",
                       "+scenario.events=[{week:10,action:actors_arrive,group:{kind:private,"
                       "count:2,name:shop}}]"])  # fmt: skip
    result = simulate(run)
    for week, frame in result.networks.items():
        write_network(frame, result.actors, tmp_path, week)
    for seed in (0, 1):
        start = nx.read_graphml(tmp_path / f"week_0_seed_{seed}.graphml")
        end = nx.read_graphml(tmp_path / f"week_30_seed_{seed}.graphml")
        # Week 0: every actor present then, no ties yet; newcomers only in the later map.
        assert start.number_of_nodes() == 15 and start.number_of_edges() == 0
        assert end.number_of_nodes() == 17
        assert {d["kind"] for _, d in end.nodes(data=True)} == {
            "municipal", "housing_social", "volunteer", "private"}
        assert end.number_of_edges() > 0
        assert {d["form"] for *_, d in end.edges(data=True)} <= FORM_IDS
        edges = pd.read_csv(tmp_path / "edges_week_30.csv")
        pairs = edges.loc[edges["seed"] == seed, ["source", "target"]].drop_duplicates()
        assert end.number_of_edges() == len(pairs)  # one edge per pair, a CSV row per held form
    # A map with no ties (week 0) keeps its columns' types, so its Parquet schema is the same.
    empty, later = result.networks[0], result.networks[30]
    assert len(empty) == 0 and len(later) > 0
    assert empty.dtypes.to_dict() == later.dtypes.to_dict()
    assert {"seed", "week", "source", "target", "form", "trust"} <= set(edges.columns)
    assert set(edges["form"]) <= FORM_IDS


def test_run_cli_writes_network_files(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-m", "experiments.run", "centre=housing_area", "steps=12",
         "network_weeks=[0,12]", f"hydra.run.dir={out}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (out / "networks").iterdir())
    assert names == ["edges_week_0.csv", "edges_week_12.csv", "week_0_seed_0.graphml",
                     "week_12_seed_0.graphml"]  # fmt: skip
