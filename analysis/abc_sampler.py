"""Where ABC-SMC's simulations run: this machine's cores, or a cluster through submitit.

Calibration needs many simulations (particles × generations), each one parameter set's
runs of every case. On a laptop pyabc's own multicore sampler spreads them over the local
cores. On a Slurm cluster they go out as jobs through submitit, configured by the same
launcher files as the sweeps (``configs/launcher/slurm.yaml``, or a copy with the
cluster's partition and account): pyabc's ``ConcurrentFutureSampler`` submits batches of
simulations as jobs and gathers them as they finish. ``submitit_local`` runs the same code
path as local processes, to try it without a cluster.

Only the launcher's scheduling settings are read from its file (partition, account, time
limit, cores, memory, setup lines, jobs at once); nothing in it is executed.
"""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf

from experiments.cli import CONFIG_DIR
from model import InputError

#: Runs on this machine with pyabc's multicore sampler (``--jobs`` cores).
LOCAL = "local"
#: Launcher files whose jobs submitit can run, by the Hydra launcher they override.
_SUBMITIT = {"submitit_slurm": "slurm", "submitit_local": "local"}
#: submitit parameter for each key of a launcher file (``None``: read by the sampler itself).
_PARAMETERS = {
    "timeout_min": "timeout_min", "cpus_per_task": "cpus_per_task", "mem_gb": "mem_gb",
    "nodes": "nodes", "tasks_per_node": "tasks_per_node", "partition": "slurm_partition",
    "account": "slurm_account", "setup": "slurm_setup", "array_parallelism": None,
    "submitit_folder": None,
}  # fmt: skip


def launchers() -> list[str]:
    """``local`` and every launcher file whose jobs submitit runs."""
    names = [LOCAL]
    for path in sorted((CONFIG_DIR / "launcher").glob("*.yaml")):
        if _cluster_of(path) is not None:
            names.append(path.stem)
    return names


def _cluster_of(path: Path) -> str | None:
    config = OmegaConf.load(path)
    for entry in config.get("defaults", []) or []:
        if isinstance(entry, dict) or OmegaConf.is_dict(entry):
            for key, value in dict(entry).items():
                if key.endswith("hydra/launcher") and value in _SUBMITIT:
                    return _SUBMITIT[value]
    return None


def launcher_settings(name: str) -> tuple[str, dict, int]:
    """(submitit cluster, submitit parameters, jobs at once) of launcher file ``name``."""
    allowed = ", ".join(launchers())
    path = CONFIG_DIR / "launcher" / f"{name}.yaml"
    if not path.is_file() or _cluster_of(path) is None:
        raise InputError("launcher", name, allowed)
    settings = OmegaConf.to_container(OmegaConf.load(path).hydra.launcher, resolve=False)
    parameters = {}
    for key, value in settings.items():
        if key not in _PARAMETERS:
            raise InputError(f"{path.name}: hydra.launcher.{key}", key, ", ".join(_PARAMETERS))
        if _PARAMETERS[key] is not None and value is not None:
            parameters[_PARAMETERS[key]] = value
    return _cluster_of(path), parameters, int(settings.get("array_parallelism") or 8)


def make_sampler(launcher: str, jobs: int, folder: Path, batch_size: int = 4,
                 options: dict | None = None, population: int | None = None):  # fmt: skip
    """A pyabc sampler for ``launcher`` (``local``: ``jobs`` cores on this machine).

    ``options`` override the launcher file's settings (e.g. ``{"slurm_partition":
    "debug"}``); ``folder`` keeps submitit's job files. Each cluster job runs
    ``batch_size`` simulations, so a job lasts long enough to be worth scheduling. At most
    the launcher's ``array_parallelism`` jobs are out at once, and no more than a
    generation of ``population`` particles needs: pyabc cancels what is still running
    when a generation is full, so more would be thrown away.
    """
    import pyabc

    if launcher == LOCAL:
        if jobs > 1:
            return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=jobs)
        return pyabc.sampler.SingleCoreSampler()
    import submitit

    cluster, parameters, at_once = launcher_settings(launcher)
    parameters.update(options or {})
    executor = submitit.AutoExecutor(folder=str(folder / "%j"), cluster=cluster)
    executor.update_parameters(name="medborgersim-abc", **parameters)
    if cluster == "local":
        at_once = max(1, jobs)
    if population is not None:
        at_once = min(at_once, max(1, -(-population // batch_size)))
    return pyabc.sampler.ConcurrentFutureSampler(executor, client_max_jobs=at_once, batch_size=batch_size)
