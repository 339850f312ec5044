"""Command-line checking shared by every entry point: bad input → one line, exit 2.

Hydra reports a wrong key, type or preset with several lines and a hint about
``HYDRA_FULL_ERROR``. Before handing over to Hydra we compose every override once
ourselves (each value of a sweep separately) and turn any failure into one line that
names the key, the value and what is allowed — before any folder or file is written.
"""

from __future__ import annotations

import functools
import sys
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

import yaml
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser

from model import InputError

from .config import RunConfig, to_run_config
from .guards import check_writable
from .roster import is_roster_path, load_roster

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


@functools.cache
def folder_name_excluded() -> frozenset[str]:
    """Override keys Hydra leaves out of a job's folder name (``configs/config.yaml``,
    ``hydra.job.config.override_dirname.exclude_keys``), read from there so the guards
    and ``experiments.collect`` name a job's folder exactly as Hydra does."""
    config = yaml.safe_load((CONFIG_DIR / "config.yaml").read_text(encoding="utf-8"))
    return frozenset(config["hydra"]["job"]["config"]["override_dirname"]["exclude_keys"])
GROUPS = ("centre", "scenario", "launcher")
#: Hydra flags that only print information; no run follows, so nothing to check.
_SKIP_PRECHECK = {
    "--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--shell-completion", "-sc",
}  # fmt: skip
#: Hydra flags followed by a value of their own (not a key=value override).
_FLAGS_WITH_VALUE = {
    "--config-path", "-cp", "--config-name", "-cn", "--config-dir", "-cd", "--package", "-p",
    "--experimental-rerun",
}  # fmt: skip
#: Hydra's own settings the precheck understands; others are left to Hydra.
N_JOBS_ALLOWED = "a whole number >= 1, or -1 for every core"
#: A job's folder is named by its overrides; most file systems allow 255 bytes.
MAX_FOLDER_BYTES = 255
#: Longest value shown in an error line (a huge or expanded value would flood the terminal).
MAX_SHOWN = 200


def presets(group: str) -> list[str]:
    """Names of the YAML presets in ``configs/<group>/``."""
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def user_overrides(argv: list[str]) -> list[str]:
    """The ``key=value`` arguments that configure the run (not Hydra's own settings)."""
    return [
        a for a in argv
        if "=" in a and not a.startswith("-") and not a.lstrip("+~").startswith("hydra")
    ]  # fmt: skip


def expand(overrides: list[str]) -> list[list[str]]:
    """Override lists to check: the first value of every sweep, then each other value alone."""
    parser = OverridesParser.create()
    parsed = []
    for override in overrides:  # one at a time, so the error names the argument
        try:
            parsed += parser.parse_overrides([override])
        except Exception:  # Hydra's grammar error is a multi-line dump: say it in one line
            key, _, value = override.partition("=")
            raise InputError(key, value, "a value Hydra can read: key=1, key=text, key=[1,2] for "
                             "a list, key=a,b for a sweep (with -m); quote text with special "
                             "characters, e.g. 'key=\"a b\"'") from None  # fmt: skip
    choices: list[list[str]] = []
    for item in parsed:
        key = item.get_key_element()
        if item.is_sweep_override():
            values = list(item.sweep_string_iterator())
        else:
            values = [item.get_value_element_as_str()]
        choices.append([f"{key}={v}" for v in values])
    base = [c[0] for c in choices]
    combos = [base]
    for i, options in enumerate(choices):
        for option in options[1:]:
            combos.append(base[:i] + [option] + base[i + 1 :])
    return combos


def roster_overrides(overrides: list[str]) -> list[str]:
    """Turn ``centre=path/to/roster.yaml`` (or ``.csv``) into ``roster=<absolute path>``.

    A roster is not a preset in ``configs/centre/``, so Hydra cannot load it as a group
    choice; the run keeps the default centre and :func:`to_run_config` replaces it with the
    roster. The roster is read here once so a bad one fails before anything runs.
    """
    result = []
    for override in overrides:
        key, _, value = override.partition("=")
        whole_file = "," in value and Path(value).expanduser().is_file()  # a comma in a file name
        if key.lstrip("+") == "centre" and is_roster_path(value) and ("," not in value or whole_file):
            path = Path(value).expanduser().resolve()
            if not path.is_file():
                raise InputError("centre", value, _group_allowed("centre") + " that exists")
            spec = load_roster(path)  # its name is checked there: usable as a folder name
            result += [f"roster={_quoted(path.as_posix())}", f"centre.name={_quoted(spec.name)}"]
        else:
            result.append(_quote_plain_text(override))
    return result


def _quote_plain_text(override: str) -> str:
    """Quote a plain text value with letters such as æøå or spaces, which Hydra's grammar
    only reads quoted: ``centre.name=Fælleshuset Møllevangen`` works as typed."""
    key, sep, value = override.partition("=")
    plain = value and not any(c in value for c in "[]{}(),'\"$\\=:") and value == value.strip()
    if sep and plain and (not value.isascii() or " " in value):
        return f"{key}={_quoted(value)}"
    return override


def _quoted(text: str) -> str:
    """``text`` as a quoted Hydra value (keeps spaces, commas and letters such as æøå)."""
    return "'" + text.replace("'", "\\'") + "'"


def compose_run(overrides: list[str], config_name: str = "config") -> RunConfig:
    """Compose and validate one run config; every failure becomes :class:`InputError`.

    ``centre=path/to/roster.yaml`` loads a planner's roster instead of a preset.
    """
    overrides = roster_overrides(overrides)
    check_keys(overrides)
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        try:
            cfg = compose(config_name=config_name, overrides=overrides)
        except Exception as err:
            raise explain(overrides, err) from None
    return to_run_config(cfg)


def explain(overrides: list[str], err: Exception) -> InputError:
    """Find the override that failed and say what its key allows."""
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key in GROUPS:
            if value not in presets(key):
                return InputError(key, value, _group_allowed(key))
            continue
        allowed = describe_key(key)
        if allowed is None:
            parent = key.rpartition(".")[0]
            return InputError(key, value, f"a known key; keys under {parent or 'the top level'}: "
                              + ", ".join(known_keys(parent)))  # fmt: skip
        try:
            GlobalHydra.instance().clear()
            with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
                compose(config_name="config", overrides=[override])
        except Exception:
            return InputError(key, value, allowed)
    message = str(err).splitlines()[0] if str(err) else type(err).__name__
    return InputError("overrides", " ".join(overrides), f"a valid combination ({message})")


def _group_allowed(group: str) -> str:
    extra = " (or a path to a roster file)" if group == "centre" else ""
    return "one of " + ", ".join(presets(group)) + extra


def _field_type(path: str):
    """The schema type at a dotted path of :class:`RunConfig`, or None if unknown."""
    node: typing.Any = RunConfig
    for part in path.split("."):
        part = part.split("[")[0]
        if not (isinstance(node, type) and is_dataclass(node)):
            if typing.get_origin(node) is list and part.isdigit():
                node = typing.get_args(node)[0]
                continue
            if typing.get_origin(node) is dict:  # e.g. centre.residents.families
                node = typing.get_args(node)[1]
                continue
            return None
        hints = typing.get_type_hints(node)
        if part not in hints:
            return None
        node = hints[part]
        args = [a for a in typing.get_args(node) if a is not type(None)]
        if typing.get_origin(node) in (typing.Union, __import__("types").UnionType):
            node = args[0]
    return node


def describe_key(path: str) -> str | None:
    """What a key accepts, in words; None if the key does not exist."""
    kind = _field_type(path)
    if kind is None:
        return None
    names = {float: "a number", int: "a whole number", bool: "true or false", str: "text"}
    if typing.get_origin(kind) is list:
        return "a list, e.g. [1,2]"
    if is_dataclass(kind):
        return "a mapping with keys " + ", ".join(f.name for f in fields(kind))
    return names.get(kind, "a value of the right type")


def known_keys(parent: str) -> list[str]:
    node = RunConfig if not parent else _field_type(parent)
    if node is None or not is_dataclass(node):
        return [f.name for f in fields(RunConfig)]
    return [f.name for f in fields(node)]


def bare_arguments(argv: list[str]) -> list[str]:
    """Arguments that are neither a flag, a flag's value, nor ``key=value``."""
    bare, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in _FLAGS_WITH_VALUE
        elif "=" not in arg:
            bare.append(arg)
    return bare


def check_keys(overrides: list[str]) -> None:
    """Refuse a key the schema does not have, also when added with ``+`` or ``++``.

    Hydra lets ``+foo=1`` add a key to any config; the run would ignore it silently.
    """
    for override in overrides:
        key, _, value = override.lstrip("+~").partition("=")
        if key in GROUPS or key == "roster":
            continue
        if describe_key(key) is None:
            parent = key.rpartition(".")[0]
            raise InputError(key, value, f"a known key; keys under {parent or 'the top level'}: "
                             + ", ".join(known_keys(parent)))  # fmt: skip


def hydra_setting(argv: list[str], key: str) -> str | None:
    """The last value given on the command line for one of Hydra's own settings."""
    found = None
    for arg in argv:
        name, sep, value = arg.lstrip("+").partition("=")
        if sep and name == key:
            found = value
    return found


def check_hydra_settings(argv: list[str], runs: list[RunConfig]) -> None:
    """The few Hydra settings that otherwise fail with a traceback, or only after a run."""
    n_jobs = hydra_setting(argv, "hydra.launcher.n_jobs")
    if n_jobs is not None:
        try:
            number = int(n_jobs)
        except ValueError:
            number = 0
        if number == 0 or number < -1:
            raise InputError("hydra.launcher.n_jobs", n_jobs, N_JOBS_ALLOWED)
    multirun = any(a in ("-m", "--multirun") for a in argv)
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
    given = hydra_setting(argv, key)
    if given is None:
        folder = Path("sweeps") / runs[0].sweep.name if multirun else Path("outputs")
    elif "${" in given:  # e.g. outputs/${now:...}: check the fixed folder it starts with
        prefix = given.split("${")[0]
        folder = Path(prefix or ".") if prefix.endswith("/") or not prefix else Path(prefix).parent
    else:
        folder = Path(given)
    check_writable(key, folder)
    if multirun:
        for combo in expand(user_overrides(argv)):
            parts = sorted(c for c in combo if c.lstrip("+~").partition("=")[0]
                           not in folder_name_excluded())  # fmt: skip
            name = ",".join(parts)
            if len(name.encode()) > MAX_FOLDER_BYTES:
                raise InputError("overrides", _shorten(name), f"job folder names of at most "
                                 f"{MAX_FOLDER_BYTES} bytes (each job's folder is named by its "
                                 "overrides): fewer or shorter overrides")  # fmt: skip


def precheck(argv: list[str], config_name: str = "config") -> None:
    """Exit with one line and status 2 if any run the arguments describe is invalid."""
    if any(a.split("=")[0] in _SKIP_PRECHECK for a in argv):
        return
    try:
        bare = bare_arguments(argv)
        if bare:
            raise InputError(bare[0], "", "key=value, e.g. drivers.co_location=0.5 (a key alone "
                             "sets nothing)")  # fmt: skip
        runs = []
        for combo in expand(user_overrides(argv)):
            check_keys(combo)
            runs.append(compose_run(combo, config_name))
        check_hydra_settings(argv, runs)
    except InputError as err:
        fail(err)
    finally:
        GlobalHydra.instance().clear()


def _shorten(text: str) -> str:
    text = " ".join(str(text).split())  # one line
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def request_from(argv: list[str] | None, usage: str, prepare):
    """A report command's start: print ``usage`` for -h/--help (then ``None``), else the
    request ``prepare(argv)`` builds, a bad input ending in one line; from here SIGTERM
    stops cleanly (temporary files removed)."""
    from .outputs import stop_cleanly_on_sigterm

    argv = sys.argv[1:] if argv is None else argv
    if any(a in ("-h", "--help") for a in argv):
        print(usage)
        return None
    try:
        request = prepare(argv)
    except InputError as err:
        fail(err)
    stop_cleanly_on_sigterm()
    return request


def fail(err: InputError) -> typing.NoReturn:
    """Print the error on one line (a long value shortened) and exit with status 2."""
    value = repr(err.value)
    if len(value) > MAX_SHOWN:
        value = _shorten(value)
    line = f"{_shorten(err.key)}={value} is not allowed; allowed: {_shorten(err.allowed)}"
    print(f"error: {line}", file=sys.stderr)
    raise SystemExit(2)
