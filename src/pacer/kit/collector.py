"""Python's cyclic garbage collector held off while a bulk import runs.

An import of a month's collection makes millions of small objects (rows, parsed figures, the
tuples written) and keeps them until it ends; each of the collector's passes over the older
generations walks every one of them again, which costs an import as much CPU as some of its
stages. None of them is garbage before the import ends (they are freed by reference counting
then), so the collector is paused for the import's length and runs once it is over. Several
imports at once (threads of a serving process) share one pause: the collector runs again when
the last of them ends, if it ran before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0  # imports inside the pause
_was_enabled = False  # whether the collector ran when the first of them began


@contextmanager
def paused() -> Iterator[None]:
    """Hold off the cyclic collector inside (reference counting still frees what is let go)."""
    global _inside, _was_enabled
    with _lock:
        if _inside == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_enabled:
                gc.enable()
