"""The project's Hydra sweeper: Hydra's basic sweeper, each job cut into chunks of seeds.

It lives here because Hydra instantiates plugins only from the ``hydra_plugins`` package;
what a chunk is, and why, is in :mod:`experiments.chunks`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.types import Override

from experiments.chunks import SETTING, chunk_job, key_of

__all__ = ["ChunkedSweeper"]


class ChunkedSweeper(BasicSweeper):
    """Hydra's basic sweeper, with each job cut into chunks of ``sweep.seeds_per_job`` seeds."""

    def split_arguments(self, overrides: list[Override], max_batch_size: int | None) -> list:
        """Every job of the sweep (chunked), in batches; starts the sweep's progress count."""
        from experiments.sweep import start_session

        [jobs] = BasicSweeper.split_arguments(overrides, None)
        jobs = [chunk for job in jobs for chunk in self.chunks(job)]
        start_session(Path(str(self.config.hydra.sweep.dir)), len(jobs))
        return list(BasicSweeper.split_overrides_to_chunks(jobs, max_batch_size))

    def chunks(self, job: list[str]) -> list[list[str]]:
        most = self._setting(job, SETTING)
        if most is None:
            return [job]
        return chunk_job(job, self._setting(job, "seed"), self._setting(job, "replicates"), most)

    def _setting(self, job: list[str], key: str) -> Any:
        """``key``'s value for this job: its own override, else the sweep's config."""
        from omegaconf import OmegaConf

        given = [o.partition("=")[2] for o in job if key_of(o) == key]
        if given:
            text = given[-1]
            if text == "null":
                return None
            try:
                return int(text)
            except ValueError:  # e.g. an interpolation: compose this job to read it
                config = self.hydra_context.config_loader.load_sweep_config(self.config, list(job))
                return OmegaConf.select(config, key)
        return OmegaConf.select(self.config, key)

    def validate_batch_is_legal(self, batch) -> None:
        """Nothing: the precheck composed every swept value; the launcher composes each job."""
