"""The demo's quality problem figures, told by its problem register.

The generator draws problems found, closed by zeroing and open per unit and month like any
figure; but the demo group's register (``quality.yaml``, loaded by :mod:`pacer.demo.quality`)
says which problems there were. Once the register is loaded, every unit's monthly figures become
its counts, on the register's own terms (:func:`pacer.quality.repository.month_counts`, which the
group setting 'quality problem figures: register' derives from too): found in the month, closed
in it, open at its end, a withdrawn problem counted nowhere, zero where the register has nothing.
So the cockpit, the targets, the quality report and the problem register tell one story.

The figures loaded whole are set where they are stored; those of the month still being reported
are set in the generated columns before they go through the submission workflow.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from pacer.auth.permissions import ACCEPT, SYSTEM
from pacer.demo.records import DemoGroup
from pacer.kit import periods
from pacer.models import Fact, Indicator
from pacer.quality import repository
from pacer.quality.figures import CLOSED, CODES, FOUND, OPEN

KEY = (1_000_000_000, 1_000_000)  # a fact's (unit, indicator, period) as one number: unit, indicator weights


def follow_register(session: Session, group: DemoGroup) -> int:
    """Set the group's quality problem figures, stored and still to be reported, to the
    register's counts; returns the facts whose figure is not zero."""
    codes = [c for c in CODES if c in group.indicators]
    if not codes:
        return 0
    ids = dict(session.execute(select(Indicator.code, Indicator.id).where(Indicator.code.in_(codes))).tuples().all())
    index = {group.indicators.index(c): c for c in codes}
    f, last = group.facts, group.as_of[0] * 100 + group.as_of[1]
    rows = np.flatnonzero(np.isin(f.indicator, list(index)) & (f.period <= last))
    f.value[rows] = 0
    at = dict(zip(_keys(f.unit[rows], f.indicator[rows], f.period[rows]).tolist(), rows.tolist(), strict=True))
    kept = []
    for period in periods.periods_between(group.first_year * 100 + 1, last):
        start = periods.first_day(period)
        end = periods.first_day(periods.add_months(period, 1)) - timedelta(days=1)
        for unit_id, counts in repository.month_counts(session, SYSTEM, start, end, ACCEPT).items():
            said = {FOUND: counts.found, CLOSED: counts.closed, OPEN: counts.open}
            for k, code in index.items():
                row = at.get(int(_keys(np.array([unit_id - 1]), np.array([k]), np.array([period]))[0]))
                if row is not None and said[code]:
                    f.value[row] = said[code]
                    kept.append({"u": unit_id, "i": ids[code], "p": period, "v": said[code]})
    zero = update(Fact).where(Fact.indicator_id.in_(list(ids.values())), Fact.period <= last).values(value=0)
    session.execute(zero.execution_options(synchronize_session=False))
    if kept:  # those of the month still being reported are not stored yet: an update of none
        one = (
            update(Fact)
            .where(Fact.unit_id == bindparam("u"), Fact.indicator_id == bindparam("i"), Fact.period == bindparam("p"))
            .values(value=bindparam("v"))
        )
        session.connection().execute(one, kept)
    return len(kept)


def _keys(unit: np.ndarray, indicator: np.ndarray, period: np.ndarray) -> np.ndarray:
    keys: np.ndarray = unit.astype(np.int64) * KEY[0] + indicator.astype(np.int64) * KEY[1] + period.astype(np.int64)
    return keys
