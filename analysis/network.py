"""The collaboration network as files for Gephi and networkx (the report's *mapping*)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from experiments.outputs import write_atomic, write_csv


def network_graph(ties: pd.DataFrame, actors: pd.DataFrame) -> nx.Graph:
    """A graph of one seed-week: actors with kind as node attributes; one edge per pair
    with its deepest form (``form``) and every form it holds (``forms``, ``;``-separated)."""
    graph = nx.Graph()
    for row in actors.itertuples(index=False):
        graph.add_node(int(row.actor_id), name=row.name, kind=row.kind,
                       co_located=bool(row.co_located))  # fmt: skip
    for (source, target), rows in ties.groupby(["source", "target"], sort=False):
        graph.add_edge(int(source), int(target), form=rows["deepest"].iloc[0],
                       forms=";".join(rows["form"]), trust=float(rows["trust"].iloc[0]),
                       weeks_in_form=int(rows["weeks_in_form"].max()))  # fmt: skip
    return graph


def write_network(ties: pd.DataFrame, actors: pd.DataFrame, folder: Path, week: int) -> None:
    """Per seed: ``week_<w>_seed_<s>.graphml`` and one CSV edge list of all seeds."""
    folder = Path(folder)
    write_csv(ties, folder / f"edges_week_{week}.csv")
    # Every seed gets a graph, also one without ties (e.g. week 0): its actors are the map.
    for seed, seed_actors in actors.groupby("seed"):
        seed_ties = ties[ties["seed"] == seed]
        present = seed_actors["arrived_step"].le(week) & (
            seed_actors["left_step"].isna() | seed_actors["left_step"].gt(week)
        )
        graph = network_graph(seed_ties, seed_actors[present])
        write_atomic(folder / f"week_{week}_seed_{seed}.graphml",
                     lambda tmp, g=graph: nx.write_graphml(g, tmp))  # fmt: skip
