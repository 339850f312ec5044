"""Structured config schema of a run, registered with Hydra's ConfigStore.

The schema reuses the model's own dataclasses (``CentreSpec``, ``ModelParams``,
``EventSpec``) so a wrong key or type fails at composition, before anything runs. It lives
in an importable module (not ``__main__``) so Hydra's joblib and submitit launchers can
unpickle it in their workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from model import CentreSpec, InputError, ModelParams
from model.drivers import DRIVER_NAMES, DRIVERS, check_driver
from model.events import EventSpec
from model.kernels import ENGINES
from model.validation import check_choice

from .guards import INT64_MAX, MAX_ACTORS, MAX_REPLICATES, MAX_STEPS, check_folder_name, check_numbers

#: How a job's seeds run: together as one batch, or one at a time on a model engine.
RUN_ENGINES = ("batched", *ENGINES)

#: The four drivers as a run config (``drivers.<name>``), built from ``model.drivers.DRIVERS``
#: so the table there is their only declaration; ``null`` takes the centre preset's value.
DriversConfig = make_dataclass(
    "DriversConfig",
    [(d.name, (bool if d.kind == "switch" else float) | None, field(default=None)) for d in DRIVERS],
    module=__name__,
)
DriversConfig.__doc__ = "The four drivers; ``null`` takes the centre preset's value.\n\n" + "\n".join(
    f"{d.name}: {d.meaning}." for d in DRIVERS
)


@dataclass
class ScenarioConfig:
    """A scenario: a name, what it stands for, and its timed events."""

    name: str = "baseline"
    description: str = ""
    events: list[EventSpec] = field(default_factory=list)


@dataclass
class SweepConfig:
    """How a sweep is laid out (neither changes any result).

    Args:
        name: the sweep's folder (``sweeps/<name>``), so two sweeps never share one.
        seeds_per_job: cut each config's seeds into jobs of at most this many, so every
            core stays busy (:mod:`experiments.chunks`); ``null``: one job per config.
    """

    name: str = "sweep"
    seeds_per_job: int | None = None


@dataclass
class PosteriorConfig:
    """Parameters drawn from a calibrated posterior instead of ``params`` (``params=posterior``).

    Args:
        file: a ``posterior.csv`` of ``python -m analysis.calibrate``; ``null``: the
            parameters of ``params`` for every seed.
        seeds_per_set: seeds ``b·k … b·k + k − 1`` share the parameter set of block ``b``
            (drawn by weight with a generator seeded by ``b``), so a set is the same
            whichever job or launcher runs its seeds, and chance (within a set) can be told
            from the parameters (between sets).
        sha256: the file's SHA-256, set by the command line; a job whose file has changed
            since fails instead of mixing two posteriors.
    """

    file: str | None = None
    seeds_per_set: int = 5
    sha256: str | None = None


@dataclass
class RunConfig:
    """One job: a centre under a scenario, for ``replicates`` seeds from ``seed``.

    Args:
        seed: first seed; the job runs seeds ``seed … seed + replicates - 1``.
        replicates: number of replicate seeds batched inside this job.
        steps: weeks to simulate.
        engine: ``batched`` (default: the job's seeds run together as one batch,
            ``model/batch.py``; a lone seed runs on its own model), ``vectorised`` (one
            seed after another), ``compiled``
            (the same with numba loops) or ``reference`` (per-pair loops, slow); every
            engine gives identical results.
        network_weeks: weeks at which to also export the network (mapping) files.
        roster: path of a planner's roster file; when set it replaces ``centre`` (the
            command line sets it from ``centre=path/to/roster.yaml``).
        posterior: draw each seed's parameters from a posterior (:class:`PosteriorConfig`).
    """

    centre: CentreSpec = field(default_factory=CentreSpec)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    drivers: DriversConfig = field(default_factory=DriversConfig)
    params: ModelParams = field(default_factory=ModelParams)
    sweep: SweepConfig = field(default_factory=SweepConfig)
    seed: int = 0
    replicates: int = 1
    steps: int = 260
    engine: str = "batched"
    network_weeks: list[int] = field(default_factory=list)
    roster: str | None = None
    posterior: PosteriorConfig = field(default_factory=PosteriorConfig)


def register() -> None:
    """Make the schema known to Hydra under the name ``run_schema``, and the project's
    sweeper (:mod:`experiments.chunks`) as ``hydra/sweeper=chunked``."""
    from .chunks import ChunkedSweeperConf

    ConfigStore.instance().store(name="run_schema", node=RunConfig)
    ConfigStore.instance().store(group="hydra/sweeper", name="chunked", node=ChunkedSweeperConf,
                                 provider="medborgersim")  # fmt: skip


def to_run_config(cfg: DictConfig) -> RunConfig:
    """Turn a composed config into checked dataclasses; raises :class:`InputError`."""
    try:
        run: RunConfig = OmegaConf.to_object(cfg)  # type: ignore[assignment]
    except OmegaConfBaseException as err:  # e.g. steps=${oops}: an interpolation to nothing
        key = str(getattr(err, "full_key", "") or "config")
        raise InputError(key, _unresolved(cfg, key), "a value without ${…} references to "
                         "missing keys") from None  # fmt: skip
    if run.roster:
        from .roster import load_roster

        name = run.centre.name
        run.centre = load_roster(run.roster)
        run.centre.name = name  # the command line may rename it (output folder names)
    validate(run)
    return run


def validate(run: RunConfig) -> None:
    """Check every range the types alone cannot; the error names the dotted key."""
    top = {"seed": INT64_MAX, "replicates": MAX_REPLICATES, "steps": MAX_STEPS}
    for key, maximum in top.items():
        value = getattr(run, key)
        minimum = 0 if key == "seed" else 1
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise InputError(key, value, f"a whole number >= {minimum} and <= {maximum}")
    if run.seed + run.replicates - 1 > INT64_MAX:  # every seed is stored as int64
        raise InputError("seed", run.seed, f"a whole number up to {INT64_MAX} - replicates + 1")
    check_numbers("", run)
    check_folder_name("centre.name", run.centre.name)
    check_folder_name("scenario.name", run.scenario.name)
    check_folder_name("sweep.name", run.sweep.name)
    per_job = run.sweep.seeds_per_job
    if per_job is not None and not 1 <= per_job <= MAX_REPLICATES:
        raise InputError("sweep.seeds_per_job", per_job, f"a whole number >= 1 and <= "
                         f"{MAX_REPLICATES}, or null for one job per config")  # fmt: skip
    check_choice("engine", run.engine, RUN_ENGINES)
    for prefix, part in (("centre.", run.centre), ("params.", run.params)):
        try:
            part.validate()
        except InputError as err:
            raise err.prefixed(prefix) from None
    for name in DRIVER_NAMES:
        try:
            check_driver(name, getattr(run.drivers, name))
        except InputError as err:
            raise err.prefixed("drivers.") from None
    for i, event in enumerate(run.scenario.events):
        try:
            event.validate()
        except InputError as err:
            raise err.prefixed(f"scenario.events[{i}].") from None
    _check_event_names(run)
    actors = sum(g.count for g in run.centre.actor_groups)
    actors += sum(e.group.count for e in run.scenario.events if e.group)
    if actors > MAX_ACTORS:
        raise InputError("centre.actor_groups", f"{actors} actors", f"at most {MAX_ACTORS} actors")
    for week in run.network_weeks:
        if not 0 <= week <= run.steps:
            raise InputError("network_weeks", week, f"weeks from 0 to steps ({run.steps})")
    if run.posterior.file is not None:
        from .posterior import check_run_posterior

        check_run_posterior(run)


def _unresolved(cfg: DictConfig, key: str) -> str:
    """The raw ``${…}`` text at ``key`` (for the error line), without resolving it."""
    try:
        node = cfg._get_node(key) if key != "config" else None  # noqa: SLF001
        return str(node._value()) if node is not None else "?"  # noqa: SLF001
    except Exception:
        return "?"


def _check_event_names(run: RunConfig) -> None:
    """Events that name actors must name ones in the centre (or a group still to arrive),
    so a typo fails before the run rather than in its week."""
    names = set(run.centre.initial_actor_names())
    arriving = [g.name or g.kind for g in run.centre.actor_groups if g.arrive_week > 0]
    arriving += [e.group.name or e.group.kind for e in run.scenario.events if e.group]
    for i, event in enumerate(run.scenario.events):
        for name in event.names or []:
            if name not in names and not any(name.startswith(p) for p in arriving):
                allowed = "names of actors in the centre: " + ", ".join(sorted(names))
                raise InputError(f"scenario.events[{i}].names", name, allowed)


register()
