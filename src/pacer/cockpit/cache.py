"""Answers kept per analysis engine version, so a repeated question costs a dictionary look-up.

Every cached value belongs to one :class:`~pacer.analysis.Analysis` object: when the
figures, targets, the org tree or the grants change, the analysis service hands out a new object
and the old one's answers go with it (the map holds its keys weakly). Within one object a value
is keyed by everything it depends on; answers that depend on what the viewer may see are keyed
by the visible part (see ``service``), never by the user, and nothing here decides visibility.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from pacer.analysis import Analysis

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


_caches: WeakKeyDictionary[Analysis, _Lru] = WeakKeyDictionary()
_lock = threading.Lock()


def _lru(analysis: Analysis) -> _Lru:
    with _lock:
        lru = _caches.get(analysis)
        if lru is None:
            lru = _caches[analysis] = _Lru(MAX_ENTRIES)
        return lru


def cached(analysis: Analysis, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, computed once per ``key`` for this engine version.

    Two requests asking the same new question at once may both compute it; the answers are
    equal, so the second simply replaces the first.
    """
    lru = _lru(analysis)
    key = (analysis.marker, key)
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
