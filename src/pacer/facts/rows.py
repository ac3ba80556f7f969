"""Checks every CSV import of a unit's rows shares (figures, elimination entries, targets): the
unit must exist and be visible, the month must be readable and not in the future, and the month
must not be locked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from pacer.errors import Problem
from pacer.facts import repository
from pacer.kit import periods
from pacer.kit.numbers import FLOW_LIMIT, STOCK_LIMIT, check_range, format_scaled, parse_scaled
from pacer.kit.tabular import ProblemSink, Row
from pacer.models import Unit

# An indicator that is never negative (headcount, lots, problems: its definition says) is so
# neither as a balance nor as a month's amount, so a year-to-date figure below the month before
# is refused too. Money may be negative: a loss, negative equity, a month's returns exceeding its
# sales.


class Measured(Protocol):
    """What a figure's checks read of its indicator (a mapped ``Indicator`` or a copy of it)."""

    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def scale(self) -> int: ...
    @property
    def never_negative(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ReadRow(Row):
    """A row whose value was read as its indicator's figure where the file was read (a workbook's
    reading process): ``figure``, None when it is not a good one (:func:`parse_figure` then reads
    the text and names the problem). The row has no ``basis``: its indicator's is meant."""

    figure: int | None = None

    def get(self, field: str) -> str:
        # the reader gives each field as stripped text, a cell's own (no CSV escape to undo)
        return self.values.get(field) or ""


def figure_limit(indicator: Measured) -> int:
    """The largest magnitude one stored figure of ``indicator`` may have (scaled units)."""
    return STOCK_LIMIT if indicator.kind == "stock" else FLOW_LIMIT


def parse_figure(row: Row, field: str, indicator: Measured, problems: ProblemSink, months: int = 1) -> int | None:
    """The row's ``field`` as a figure of ``indicator`` (a sum of ``months`` months' amounts for a
    year-to-date flow), None with a problem when it is not a number, too precise, out of range,
    or negative where the indicator cannot be."""
    try:
        value = parse_scaled(row.get(field), indicator.scale, figure_limit(indicator) * months)
    except ValueError as exc:
        problems.append(Problem(str(exc), row.number, field))
        return None
    if value < 0 and indicator.never_negative:
        problems.append(Problem(f"'{indicator.code}' cannot be negative", row.number, field))
        return None
    return value


def monthly_problem(value: int, indicator: Measured, row: int, field: str = "value") -> Problem | None:
    """A problem when a month's amount worked out from year-to-date figures is out of range or
    negative where the indicator cannot be."""
    try:
        check_range(value, indicator.scale, figure_limit(indicator))
    except ValueError as exc:
        return Problem(f"the month's amount {exc}", row, field)
    if value < 0 and indicator.never_negative:
        return Problem(
            f"the year-to-date figure is below the month before's: '{indicator.code}' "
            f"cannot have a negative month ({format_scaled(value, indicator.scale)})",
            row,
            field,
        )
    return None


def visible_unit(row: Row, units: dict[str, Unit], allowed: set[int] | None, problems: ProblemSink) -> Unit | None:
    """The row's ``unit_code``, None with a problem when it is unknown or outside ``allowed``
    (the units the actor may act on; None: all). An invisible unit reads as unknown, so imports
    cannot probe the tree."""
    unit = units.get(row.get("unit_code"))
    if unit is None or (allowed is not None and unit.id not in allowed):
        problems.append(Problem(f"unknown unit '{row.get('unit_code')}'", row.number, "unit_code"))
        return None
    return unit


def past_period(row: Row, now: int, problems: ProblemSink) -> int:
    """The row's ``period`` (YYYY-MM), a problem if it is not one or lies after ``now``; 0 when
    it cannot be read."""
    try:
        period = periods.parse_period(row.get("period"))
    except ValueError as exc:
        problems.append(Problem(str(exc), row.number, "period"))
        return 0
    if period > now:
        problems.append(Problem(f"{periods.format_period(period)} is in the future", row.number, "period"))
    return period


class _Coded(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...


class _Dated(Protocol):
    """A parsed row of a unit's month."""

    @property
    def unit(self) -> _Coded: ...
    @property
    def period(self) -> int: ...
    @property
    def row(self) -> int: ...


def lock_problems(session: Session, parsed: Sequence[_Dated]) -> list[Problem]:
    """A problem for each row whose month is locked, or whose unit's submission for that month
    has been accepted through the workflow (figures and eliminations alike can no longer change
    there until HQ reopens it); HQ's accepted load locks nothing (HQ loads it again to correct it)."""
    locked = repository.locked_periods(session, {f.period for f in parsed})
    accepted = {
        key
        for key, sub in repository.submissions_for(session, {(f.unit.id, f.period) for f in parsed}).items()
        if sub.state in repository.LOCKED_STATES and sub.workflow_item_id is not None
    }
    problems = []
    for f in parsed:
        if f.period in locked:
            problems.append(Problem(f"period {periods.format_period(f.period)} is locked", f.row, "period"))
        elif (f.unit.id, f.period) in accepted:
            problems.append(
                Problem(
                    f"{f.unit.code}'s submission for {periods.format_period(f.period)} is accepted and locked",
                    f.row,
                    "period",
                )
            )
    return problems
