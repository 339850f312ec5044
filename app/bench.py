"""Time one workshop step with drawing: ``python -m app.bench [centre] [--weeks N] [--single]``.

What the page does on every Step: advance the model one week (both twins of a paired
run), then draw what the page shows with the functions the page calls: the two networks
(SVG) and the timeline (PNG). Prints the median and the slowest CPU time of ``--weeks``
steps (process CPU time, so other work on a shared machine does not count), so a
teacher can check a laptop before a workshop; the page keeps up with a class below 0.1 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

from .figures import timeline_png
from .layout import layout_of
from .network import network_svg
from .workshop import CENTRE_NAMES, DEFAULT_SEED, WorkshopModel

#: The page's own budget for one step with drawing, in seconds of CPU.
BUDGET_SECONDS = 0.1


def draw_page(model: WorkshopModel, language: str = "da") -> None:
    """Everything the page draws after a step: each twin's network and the timeline."""
    layout = layout_of(model)
    for run in model.runs():
        network_svg(run, layout, language)
    timeline_png(model, language)


def time_steps(centre_name: str, weeks: int, warmup: int = 52, seed: int = DEFAULT_SEED,
               twins: bool = True) -> list[float]:  # fmt: skip
    """CPU seconds per step-and-draw for ``weeks`` weeks after ``warmup`` undrawn weeks."""
    model = WorkshopModel(centre_name=centre_name, rng=seed, twins=twins)
    for _ in range(warmup):  # a network that has grown, as in the middle of a workshop
        model.step()
    model.set_coordinator(not model.coordinator_active)  # the twins now differ
    draw_page(model)  # the first drawing makes the figure; the page does that once
    seconds = []
    for _ in range(weeks):
        start = time.process_time()
        model.step()
        draw_page(model)
        seconds.append(time.process_time() - start)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("centre", nargs="?", default="health", choices=CENTRE_NAMES)
    parser.add_argument("--weeks", type=int, default=30, help="steps to time (default 30)")
    parser.add_argument("--single", action="store_true", help="one run instead of twins")
    args = parser.parse_args(argv)
    seconds = time_steps(args.centre, max(args.weeks, 1), twins=not args.single)
    median = statistics.median(seconds)
    what = "one run" if args.single else "paired twins"
    verdict = "within" if median <= BUDGET_SECONDS else "over"
    print(f"{args.centre} ({what}): one step with drawing takes {median:.3f} s CPU "
          f"(median of {len(seconds)}; slowest {max(seconds):.3f} s; {verdict} the "
          f"{BUDGET_SECONDS} s budget)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
