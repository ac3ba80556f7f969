"""Answers kept per analysis engine version, so a repeated question costs a dictionary look-up.

Every cached value belongs to one engine (``Analysis.engine``): when the figures, targets,
eliminations, indicators or the org tree change, the analysis service hands out an analysis with
a new engine and the old engine's answers go with it (the map holds its keys weakly). A change
the engine does not hold (a submission saved, a verb, a task's progress, a grant: the audit
entities :data:`pacer.analysis.serve.replay.UNRELATED_ENTITIES`) hands out a new analysis at the
new change marker over the same engine, and the answers kept stay: with reporters saving and
approvers approving all day, they would otherwise be computed afresh after every click. Within
one engine a value is keyed by everything it depends on; answers that depend on what the viewer
may see are keyed by the visible part (see ``service``; the grants are read per request), never
by the user, and nothing here decides visibility.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from pacer.analysis import Analysis, Engine

T = TypeVar("T")
# Per engine version. Most answers are small (about 16 KB on average for the latest month of
# every node of the 1,000-unit benchmark group, the largest a few hundred kilobytes); half the
# bound is left to the answers computed ahead of the first view (``warm``).
MAX_ENTRIES = 16384


class _Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return True, self.items[key]
            return False, None

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_caches: WeakKeyDictionary[Engine, _Lru] = WeakKeyDictionary()
_lock = threading.Lock()


def _lru(analysis: Analysis) -> _Lru:
    with _lock:
        lru = _caches.get(analysis.engine)
        if lru is None:
            lru = _caches[analysis.engine] = _Lru(MAX_ENTRIES)
        return lru


def cached(analysis: Analysis, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, computed once per ``key`` for this engine version.

    Two requests asking the same new question at once may both compute it; the answers are
    equal, so the second simply replaces the first.
    """
    lru = _lru(analysis)
    hit, value = lru.get(key)
    if hit:
        return cast(T, value)  # kept by make() under this key
    value = make()
    lru.put(key, value)
    return value


def size(analysis: Analysis) -> int:
    """How many answers are kept for this engine version."""
    lru = _lru(analysis)
    with lru.lock:
        return len(lru.items)


def clear() -> None:
    with _lock:
        _caches.clear()
