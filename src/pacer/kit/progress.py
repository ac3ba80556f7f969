"""How far a long import has come, told to whoever asks (the terminal draws it as a bar).

A :data:`Report` is called with a stage (``read``: rows or workbooks read and checked;
``store``: figures written), how many of its items are done and how many there are. It is called
every :data:`EVERY` items and once at the stage's end, with done equal to the total (an estimate
made before reading, such as a file's lines, is then replaced by the count found).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

Report = Callable[[str, int, int], None]
EVERY = 5_000  # rows between two reports
T = TypeVar("T")


def counted(items: Iterable[T], stage: str, total: int, report: Report | None, every: int = 0) -> Iterator[T]:
    """``items`` as they are, telling ``report`` (if any) how many have passed, every ``every``
    (default :data:`EVERY`)."""
    if report is None:
        yield from items
        return
    done, every = 0, every or EVERY
    report(stage, 0, total)
    for item in items:
        yield item
        done += 1
        if done % every == 0 and done != total:
            report(stage, done, max(total, done))
    report(stage, done, done)


def data_lines(path: Path) -> int:
    """The lines of a text file after its header (a cell holding a line break counts twice: an
    estimate, corrected when the reading ends)."""
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(lines + (last != b"\n") - 1, 0)
