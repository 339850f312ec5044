"""Render a run to an animated GIF (or MP4 where ffmpeg exists) for slides and handouts.

    python -m app.export centre=health --weeks 104 --stop-coordinator-at 52 --out run.gif

Every ``key=value`` argument is a run override as for ``python -m experiments.run``
(``centre=``, ``drivers.*``, ``scenario=``, ``params.*``), composed and checked the same
way; bad input stops with one line and exit code 2 before anything is written. Each frame
shows the network and the forms chart side by side, interventions marked. The output file
appears whole or not at all (written under a temporary name, then renamed).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from experiments.cli import compose_run, fail
from experiments.outputs import write_atomic
from experiments.simulate import build_model
from model import CentreModel, InputError

from .figures import export_frame_figure, rgb_array
from .labels import LANGUAGES

FORMATS = (".gif", ".mp4")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m app.export", description=__doc__.splitlines()[0],
        epilog="key=value arguments are run overrides, e.g. centre=health drivers.co_location=0.3",
    )  # fmt: skip
    parser.add_argument("overrides", nargs="*", help="run overrides key=value")
    parser.add_argument("--weeks", type=int, default=104, help="weeks to simulate (default 104)")
    parser.add_argument("--seed", type=int, default=None, help="seed (default: the config's)")
    parser.add_argument("--stop-coordinator-at", type=int, default=None, metavar="WEEK",
                        help="the coordinator stops at the start of this week")  # fmt: skip
    parser.add_argument("--every", type=int, default=2, help="draw every Nth week (default 2)")
    parser.add_argument("--fps", type=float, default=8.0, help="frames per second (default 8)")
    parser.add_argument("--language", default="da", help="da or en (default da)")
    parser.add_argument("--out", type=Path, default=Path("run.gif"), help=".gif or .mp4")
    return parser.parse_args(argv)


def check(args: argparse.Namespace) -> None:
    """Every option that cannot work raises :class:`InputError` before anything runs."""
    if args.weeks < 1:
        raise InputError("--weeks", args.weeks, "a whole number of at least 1")
    if args.every < 1:
        raise InputError("--every", args.every, "a whole number of at least 1")
    if not args.fps > 0:
        raise InputError("--fps", args.fps, "a number above 0")
    if args.language not in LANGUAGES:
        raise InputError("--language", args.language, ", ".join(LANGUAGES))
    if args.stop_coordinator_at is not None and not 1 <= args.stop_coordinator_at <= args.weeks:
        raise InputError("--stop-coordinator-at", args.stop_coordinator_at,
                         f"a week from 1 to --weeks ({args.weeks})")  # fmt: skip
    suffix = args.out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError("--out", str(args.out), "a file name ending in .gif or .mp4")
    if suffix == ".mp4" and shutil.which("ffmpeg") is None:
        raise InputError("--out", str(args.out), "a .gif file (no ffmpeg on this machine for .mp4)")


def render_frames(model: CentreModel, weeks: int, every: int, language: str = "da"):
    """Frames of the run: week 0, every ``every``-th week, and the last week."""
    shown = set(range(0, weeks + 1, every)) | {weeks}
    if 0 in shown:
        yield rgb_array(export_frame_figure(model, language, weeks=weeks))
    while model.week < weeks:
        model.step()
        if model.week in shown:
            yield rgb_array(export_frame_figure(model, language, weeks=weeks))


def write_gif(frames: list[np.ndarray], path: Path, fps: float) -> Path:
    import imageio.v3 as iio

    duration_ms = 1000.0 / fps
    return write_atomic(path, lambda tmp: iio.imwrite(
        tmp, np.stack(frames), extension=".gif", duration=duration_ms, loop=0,
    ))  # fmt: skip


def write_mp4(frames: list[np.ndarray], path: Path, fps: float) -> Path:
    """Pipe raw frames to ffmpeg (H.264, even frame size, plays in slide software)."""
    height, width, _ = frames[0].shape

    def encode(tmp: Path) -> None:
        command = [
            "ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", "-f", "mp4", str(tmp),
        ]  # fmt: skip
        subprocess.run(command, input=b"".join(f.tobytes() for f in frames), check=True)

    return write_atomic(path, encode)


def export(args: argparse.Namespace) -> Path:
    """Simulate the run described by ``args`` and write its animation."""
    run = compose_run(args.overrides)
    model = build_model(run, run.seed if args.seed is None else args.seed)
    if args.stop_coordinator_at is not None:
        model.schedule_at_week(args.stop_coordinator_at, model.set_coordinator, False)
    frames = list(render_frames(model, args.weeks, args.every, args.language))
    if args.out.suffix.lower() == ".mp4":
        return write_mp4(frames, args.out, args.fps)
    return write_gif(frames, args.out, args.fps)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        check(args)
        path = export(args)
    except InputError as err:
        fail(err)
    print(f"wrote {path} ({args.weeks} weeks)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
