"""Time one workshop step with drawing: ``python -m app.bench [centre] [--weeks N]``.

What the page does on every Step: advance the model one week, then draw the network and
the timeline to PNG with the same functions the page calls. Prints the median and the
slowest of ``--weeks`` steps, so a teacher can check a laptop before a workshop (the
page should stay well under 0.5 s).
"""

from __future__ import annotations

import argparse
import statistics
import time

from .figures import network_png, timeline_png
from .workshop import CENTRE_NAMES, WorkshopModel


def time_steps(centre_name: str, weeks: int, warmup: int = 52, seed: int = 1) -> list[float]:
    """Seconds per step-and-draw for ``weeks`` weeks after ``warmup`` undrawn weeks."""
    model = WorkshopModel(centre_name=centre_name, rng=seed)
    for _ in range(warmup):  # a network that has grown, as in the middle of a workshop
        model.step()
    seconds = []
    for _ in range(weeks):
        start = time.perf_counter()
        model.step()
        network_png(model)
        timeline_png(model)
        seconds.append(time.perf_counter() - start)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("centre", nargs="?", default="health", choices=CENTRE_NAMES)
    parser.add_argument("--weeks", type=int, default=20, help="steps to time (default 20)")
    args = parser.parse_args(argv)
    seconds = time_steps(args.centre, max(args.weeks, 1))
    print(f"{args.centre}: one step with drawing takes {statistics.median(seconds):.3f} s "
          f"(median of {len(seconds)}; slowest {max(seconds):.3f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
