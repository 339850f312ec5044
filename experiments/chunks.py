"""Sweeps that keep every core busy: each config's seeds cut into jobs of at most
``sweep.seeds_per_job`` seeds.

A sweep of 3 configs × 20 seeds on 2 cores is 3 jobs: two run side by side, then the third
runs while the other core idles for a third of the sweep. With ``sweep.seeds_per_job=5``
it is 12 jobs of 5 seeds, 6 per core. A chunk is an ordinary job with its own ``seed`` and
``replicates`` (seeds ``seed … seed+replicates-1``), so it resumes, fails and is verified
like any job; each seed's random streams depend on the seed alone, so a chunk gives exactly
the rows the whole config gives for those seeds, and ``experiments.collect`` joins a
config's chunks back into one job.

``ChunkedSweeper`` (in ``hydra_plugins/medborgersim_sweeper/``, where Hydra looks for
plugins) is the project's Hydra sweeper: Hydra's basic sweeper plus the chunks. It also
skips Hydra's second composition of every job before the first one starts:
``experiments.cli.precheck`` has already composed each swept value, and the launcher
composes each job where it runs, so a job's config is composed once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The keys a chunk sets; in a chunked sweep they say which seeds a job holds, not what it varies.
CHUNK_KEYS = ("seed", "replicates")
SETTING = "sweep.seeds_per_job"
SWEEPER = "hydra_plugins.medborgersim_sweeper.chunked_sweeper.ChunkedSweeper"


@dataclass
class ChunkedSweeperConf:
    """Hydra's ``hydra/sweeper=chunked`` (the default in ``configs/config.yaml``)."""

    _target_: str = SWEEPER
    max_batch_size: int | None = None
    params: dict[str, str] | None = None


def seed_ranges(seed: int, replicates: int, most: int) -> list[tuple[int, int]]:
    """``(first seed, replicates)`` of each chunk: consecutive, of (nearly) equal size, at
    most ``most`` seeds each, covering ``seed … seed+replicates-1`` once in order."""
    pieces = math.ceil(replicates / most)
    size = math.ceil(replicates / pieces)
    return [(start, min(size, seed + replicates - start))
            for start in range(seed, seed + replicates, size)]  # fmt: skip


def key_of(override: str) -> str:
    return override.lstrip("+~").partition("=")[0]


def chunk_job(job: list[str], seed: int, replicates: int, most: int) -> list[list[str]]:
    """The override lists of ``job``'s chunks: its own overrides with ``seed`` and
    ``replicates`` replaced by each chunk's."""
    rest = [o for o in job if key_of(o) not in CHUNK_KEYS]
    return [[*rest, f"seed={start}", f"replicates={count}"]
            for start, count in seed_ranges(seed, replicates, most)]  # fmt: skip


def is_chunked(overrides: list[str]) -> bool:
    """True if these job overrides come from a chunked sweep (``seed``/``replicates`` are
    the chunk's)."""
    return any(key_of(o) == SETTING and o.partition("=")[2] not in ("null", "") for o in overrides)
