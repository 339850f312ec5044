"""Worker processes that end with the process that started them.

A killed command (``kill -9``, a closed terminal) otherwise leaves its workers computing
on, unseen, for no one. Linux's ``PR_SET_PDEATHSIG`` is not used: it fires when the
*thread* that forked a worker ends, and a pool forks replacement workers from a thread of
its own, which ends when the pool stops — killing a worker that may hold the pool's queue.
"""

from __future__ import annotations

import os
import threading
import time


def exit_with(parent: int) -> None:
    """In a worker: end this process (``os._exit``) as soon as ``parent`` is no longer its
    parent process, checked every 0.2 s by a daemon thread."""
    if os.getppid() != parent:  # it died before this worker got here
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)  # no one will read what this worker makes

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
