"""Who reports what, as the engine holds it: for spans of months, which reported indicators
each unit is assigned (``mask[unit, r]``, in the order of :class:`~pacer.analysis.core.inputs.Facts`).

Assignments change rarely (a rule from a month, set members by year), so the months are cut into
spans at the months where an answer may change, and each span keeps one mask.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pacer.analysis.core.inputs import BoolArray


@dataclass(frozen=True, eq=False)
class Assigned:
    """``starts[k]`` (YYYYMM, ascending) is the first month of span ``k``, whose mask is
    ``masks[k]``; a month before the first span has the first span's mask."""

    starts: tuple[int, ...]
    masks: tuple[BoolArray, ...]

    def __post_init__(self) -> None:
        if not self.starts or len(self.starts) != len(self.masks) or list(self.starts) != sorted(self.starts):
            raise ValueError("assigned: one mask per span, spans in ascending order")

    def at(self, period: int) -> BoolArray:
        """Units x reported indicators: what each unit is assigned in ``period`` (YYYYMM)."""
        return self.masks[max(0, bisect.bisect_right(self.starts, period) - 1)]
