"""Command-line checking shared by every entry point: bad input → one line, exit 2.

Hydra reports a wrong key, type or preset with several lines and a hint about
``HYDRA_FULL_ERROR``. Before handing over to Hydra we compose every override once
ourselves (each value of a sweep separately) and turn any failure into one line that
names the key, the value and what is allowed — before any folder or file is written.
"""

from __future__ import annotations

import re
import sys
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser

from model import InputError

from .config import RunConfig, to_run_config
from .roster import is_roster_path, load_roster

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
GROUPS = ("centre", "scenario", "launcher")
#: Hydra flags that only print information; no run follows, so nothing to check.
_SKIP_PRECHECK = {
    "--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--shell-completion", "-sc",
}  # fmt: skip


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
    try:
        parsed = parser.parse_overrides(overrides)
    except Exception as err:  # Hydra's grammar error: say which argument
        raise InputError("override", " ".join(overrides), f"key=value arguments ({err})") from None
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
        if key.lstrip("+") == "centre" and is_roster_path(value) and "," not in value:
            path = Path(value).expanduser().resolve()
            if not path.is_file():
                raise InputError("centre", value, _group_allowed("centre") + " that exists")
            spec = load_roster(path)
            safe = re.sub(r"[^A-Za-z0-9_-]", "_", spec.name) or "roster"
            result += [f"roster='{path.as_posix()}'", f"centre.name={safe}"]
        else:
            result.append(override)
    return result


def compose_run(overrides: list[str], config_name: str = "config") -> RunConfig:
    """Compose and validate one run config; every failure becomes :class:`InputError`.

    ``centre=path/to/roster.yaml`` loads a planner's roster instead of a preset.
    """
    overrides = roster_overrides(overrides)
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


def precheck(argv: list[str], config_name: str = "config") -> None:
    """Exit with one line and status 2 if any run the arguments describe is invalid."""
    if any(a.split("=")[0] in _SKIP_PRECHECK for a in argv):
        return
    try:
        for combo in expand(user_overrides(argv)):
            compose_run(combo, config_name)
    except InputError as err:
        fail(err)
    finally:
        GlobalHydra.instance().clear()


def fail(err: InputError) -> typing.NoReturn:
    print(f"error: {err}", file=sys.stderr)
    raise SystemExit(2)
