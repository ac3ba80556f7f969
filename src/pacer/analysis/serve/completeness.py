"""Which months are complete enough to read: the month every view opens on by default.

A month is being reported until the units that should report it have: the units in that month's
org tree that reported figures the month before or in the month itself (a unit that stops
reporting, or is dissolved, holds up one month at most; a new unit counts from its first
figures). It is complete when at least ``PACER_COMPLETE_SHARE`` of them (by default all) have
figures for it. The default month is the latest complete one; one unit's early figures for a
later month do not move it. Months still being reported stay open to anyone who asks for them.

Where the group assigns indicators to units (who reports what), only figures of what a unit is
assigned that month count: a unit assigned nothing is never waited for, and a figure of an
indicator it no longer reports neither counts as reporting nor as missing.
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


def assigned_at(analysis: Analysis, period: int) -> np.ndarray | None:
    """Units x reported indicators (the engine's orders): what each unit reports in ``period``;
    None when the group has no rules (every unit reports every reported indicator)."""
    assigned = analysis.data.assigned
    return None if assigned is None else assigned.at(period)


def _reported(analysis: Analysis, t: int, mask: np.ndarray | None, nodes: slice | np.ndarray) -> np.ndarray:
    """Per node: whether it has a figure in month ``t`` of what it is assigned."""
    present = analysis.engine.facts.present
    if t < 0:
        return np.zeros(present[nodes, 0, 0].shape, dtype=np.bool_)
    if mask is None:
        return np.asarray(present[nodes, :, t].any(axis=1))
    return np.asarray((present[nodes, :, t] & mask[nodes]).any(axis=1))


def reporting(analysis: Analysis, period: int) -> Reporting:
    engine = analysis.engine
    year, month = divmod(period, 100)
    t = engine.month_index(year, month)
    mask = assigned_at(analysis, period)
    every = slice(None)
    now, before = _reported(analysis, t, mask, every), _reported(analysis, t - 1, mask, every)
    expected = engine.tree(year, month).active & (now | before)
    return Reporting(period, int((expected & now).sum()), int(expected.sum()))


@dataclass(frozen=True)
class Missing:
    """A unit expected this month (with figures of what it is assigned last month or this one)
    that lacks some: ``missing`` are positions among the reported indicators, all it is assigned
    and has no figure of (empty without rules, where a unit is missing only when silent)."""

    node: int
    silent: bool  # no figure at all of what it is assigned
    missing: tuple[int, ...]


def missing_figures(analysis: Analysis, nodes: np.ndarray, period: int) -> list[Missing]:
    """Of ``nodes``, those expected in ``period`` that have not reported everything they are
    assigned (without rules: those silent this month), in ``nodes`` order."""
    year, month = divmod(period, 100)
    t = analysis.engine.month_index(year, month)
    mask = assigned_at(analysis, period)
    now, before = _reported(analysis, t, mask, nodes), _reported(analysis, t - 1, mask, nodes)
    out = []
    for k, node in enumerate(nodes.tolist()):
        if not (now[k] or before[k]):
            continue
        if mask is None:
            if not now[k]:
                out.append(Missing(node, True, ()))
            continue
        lacking = np.flatnonzero(mask[node] & ~analysis.engine.facts.present[node, :, t])
        if lacking.size:
            out.append(Missing(node, not now[k], tuple(int(r) for r in lacking)))
    return out


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
