"""Which months are complete enough to read: the month every view opens on by default.

A month is being reported until the units that should report it have: the units in that month's
org tree that reported figures the month before or in the month itself (a unit that stops
reporting, or is dissolved, holds up one month at most; a new unit counts from its first
figures). It is complete when at least ``PACER_COMPLETE_SHARE`` of them (by default all) have
figures for it. The default month is the latest complete one; one unit's early figures for a
later month do not move it. Months still being reported stay open to anyone who asks for them.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np

from pacer.analysis.serve.service import Analysis
from pacer.config import get_settings
from pacer.kit import periods


@dataclass(frozen=True)
class Reporting:
    """How far a month has been reported."""

    period: int
    reported: int  # units that should report it and have
    expected: int  # units that should report it

    def complete(self, share: float) -> bool:
        return self.expected > 0 and self.reported >= math.ceil(share * self.expected - 1e-9)


_defaults: weakref.WeakKeyDictionary[Analysis, dict[float, int]] = weakref.WeakKeyDictionary()


def reporting(analysis: Analysis, period: int) -> Reporting:
    engine = analysis.engine
    year, month = divmod(period, 100)
    t = engine.month_index(year, month)
    present = engine.facts.present
    now = present[:, :, t].any(axis=1)
    before = present[:, :, t - 1].any(axis=1) if t > 0 else np.zeros_like(now)
    expected = engine.tree(year, month).active & (now | before)
    return Reporting(period, int((expected & now).sum()), int(expected.sum()))


def _share(share: float | None) -> float:
    return get_settings().complete_share if share is None else share


def is_complete(analysis: Analysis, period: int, share: float | None = None) -> bool:
    """Whether ``period`` (YYYYMM, within the figures) is complete enough to read."""
    return reporting(analysis, period).complete(_share(share))


def incomplete(analysis: Analysis, period: int, share: float | None = None) -> Reporting | None:
    """How far ``period`` has been reported, when it is not complete (None when it is)."""
    state = reporting(analysis, period)
    return None if state.complete(_share(share)) else state


def default_period(analysis: Analysis, share: float | None = None) -> int:
    """The latest complete month (YYYYMM); the latest month with figures when none is complete."""
    share = _share(share)
    known = _defaults.setdefault(analysis, {})
    if share not in known:
        data = analysis.data
        months = periods.periods_between(data.first_year * 100 + 1, data.last_period)
        known[share] = next((p for p in reversed(months) if is_complete(analysis, p, share)), data.last_period)
    return known[share]
