"""The shell commands the README and ``docs/*.md`` tell a user to type, as the docs test reads them.

A command is a line of a fenced ``bash`` block (a trailing ``\\`` joins the next line) or an
inline code span that starts with ``python -m`` or ``.venv/bin/python -m``. Comments are
dropped and ``.venv/bin/python`` is written ``python``, so the README's and the guides'
spellings of one command share one key in ``tests/test_docs.py``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS: tuple[Path, ...] = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))

_FENCE = re.compile(r"^```bash\s*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"`((?:\.venv/bin/)?python -m [^`]+)`")


@dataclass(frozen=True)
class Documented:
    """One documented command: where it is written and its normalised text (the key)."""

    document: str  # path relative to the repository, e.g. ``docs/planners.md``
    line: int
    key: str

    def __str__(self) -> str:
        return f"{self.document}:{self.line}: {self.key}"


def normalise(command: str) -> str:
    """The command's words without comments, ``.venv/bin/python`` written ``python``."""
    words = shlex.split(command, comments=True)
    words = ["python" if word == ".venv/bin/python" else word for word in words]
    return shlex.join(words).replace("'&&'", "&&")


def documented_commands(document: Path) -> list[Documented]:
    """The document's commands in reading order (fenced blocks and inline spans)."""
    text = document.read_text(encoding="utf-8")
    name = document.relative_to(ROOT).as_posix()
    found: list[tuple[int, str]] = []
    for block in _FENCE.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        pending, start = "", first_line
        for offset, line in enumerate(block.group(1).splitlines()):
            if not pending:
                start = first_line + offset
            pending += line.rstrip()
            if pending.endswith("\\"):
                pending = pending[:-1] + " "
                continue
            if normalise(pending):
                found.append((start, normalise(pending)))
            pending = ""
    fenced = [(b.start(), b.end()) for b in _FENCE.finditer(text)]
    for span in _INLINE.finditer(text):
        if not any(lo <= span.start() < hi for lo, hi in fenced):
            found.append((text.count("\n", 0, span.start()) + 1, normalise(span.group(1))))
    return [Documented(name, line, key) for line, key in sorted(found)]
