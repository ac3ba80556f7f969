"""Every unit's year to date at a month, kept for the few months read most.

A cube stores no leaf (see :mod:`pacer.analysis.core.cube`): a leaf's point is the sum of its
months from January. Ranking a wide node's leaf children on every indicator would sum a year of
months per cell on every cockpit; instead the first wide read of a month sums every unit's months
once into a *plane* (``[units, reported]``, int64, and the counts as int8) and later reads gather
from it. Only the last few months asked for are kept; a month accepted or an elimination changed
on a leaf is added into the planes it reaches, and a refresh drops them. Planes are per process:
a snapshot never carries them.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from pacer.analysis.core.inputs import BoolArray, Int64Array

KEPT = 4  # months held
WORTH = 20_000  # leaf cells in one read from which the month's plane is made

Plane = tuple[Int64Array, np.ndarray]


class Planes:
    """The planes of one cube by month index, the most recently used last."""

    def __init__(self) -> None:
        self._held: dict[int, Plane] = {}
        self._lock = threading.Lock()

    def get(self, month: int) -> Plane | None:
        with self._lock:
            plane = self._held.pop(month, None)
            if plane is not None:
                self._held[month] = plane
            return plane

    def put(self, month: int, plane: Plane) -> Plane:
        with self._lock:
            self._held[month] = plane
            while len(self._held) > KEPT:
                self._held.pop(next(iter(self._held)))
        return plane

    def clear(self) -> None:
        with self._lock:
            self._held.clear()

    def add(self, unit: int, month: int, dv: Int64Array, dc: Int64Array, is_flow: BoolArray) -> None:
        """A change of ``unit``'s consolidated month ``month``: in the plane of that month, and
        for flows in the later months of its year."""
        with self._lock:
            for held, (ytd, counts) in self._held.items():
                if held // 12 != month // 12 or held < month:
                    continue
                cols = slice(None) if held == month else is_flow
                ytd[unit, cols] += dv[cols]
                counts[unit, cols] += dc[cols].astype(counts.dtype)

    def __getstate__(self) -> dict[str, Any]:
        # a snapshot carries no plane: each process makes its own (a state that is not empty,
        # so that unpickling calls __setstate__)
        return {"held": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
