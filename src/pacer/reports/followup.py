"""The follow-up of meeting requirements (会议要求落实情况), from the supervision bulletin of the
follow-up module: tasks due this year to the report's month, completed and on time, overdue, by
unit. Left out when no task below the node is in sight (the report never breaks without them).

A report of a past month shows the tasks as they stood at its end: each task's state read from
its workflow history as of that day, so a task closed since counts as open (and overdue) then."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from pacer.reports.figures import Context
from pacer.reports.model import Block, Cell, Paragraph, Section, Table
from pacer.tasks import bulletin_calc as calc
from pacer.tasks.bulletin import Bulletin, bulletin

LISTED = 10


def followup(ctx: Context, today: date | None = None, listed: int = LISTED) -> Section | None:
    scope = ctx.scope
    end = date(scope.year, scope.month, calendar.monthrange(scope.year, scope.month)[1])
    today = today or date.today()
    period = calc.Period(date(scope.year, 1, 1), end, min(today, end), as_of=end < today)
    b = bulletin(scope.db, scope.actor, period, scope.unit(scope.node).code, listed=listed)
    total = b.figures.total
    if total.empty:
        return None
    summary = ctx.w(
        "followup.summary",
        end=end.isoformat(),
        due=total.due,
        completed=total.completed,
        rate=calc.shown(total.completion_rate),
        on_time=calc.shown(total.on_time_rate),
        overdue=total.overdue,
    )
    blocks: list[Block] = [Paragraph(summary)]
    if b.units:
        blocks.append(_by_unit(ctx, b))
    if b.overdue:
        blocks.append(_overdue(ctx, b))
    return Section("followup", ctx.w("section.followup"), tuple(blocks))


def _by_unit(ctx: Context, b: Bulletin) -> Table:
    keys = (
        "col.unit_name",
        "followup.due",
        "followup.completed",
        "followup.rate",
        "followup.on_time",
        "followup.overdue",
    )
    rows = tuple(
        (
            Cell(unit.name(ctx.lang)),
            _n(t.due),
            _n(t.completed),
            _rate(t.completion_rate),
            _rate(t.on_time_rate),
            _n(t.overdue),
        )
        for unit, t in b.units
    )
    align = ("left", "right", "right", "right", "right", "right")
    return Table("followup.units", ctx.w("followup.by_unit"), tuple(ctx.w(k) for k in keys), rows, align)


def _overdue(ctx: Context, b: Bulletin) -> Table:
    keys = ("followup.task", "col.unit_name", "followup.deadline", "followup.late_days")
    rows = tuple(
        (Cell(i.title), Cell(i.unit.name(ctx.lang)), Cell(i.original_deadline.isoformat()), _n(i.late_days))
        for i in b.overdue
    )
    listed, overdue = len(b.overdue), len(b.figures.overdue)
    caption = ctx.w("followup.overdue_list", count=listed) if listed < overdue else ctx.w("followup.overdue_all")
    return Table("followup.overdue", caption, tuple(ctx.w(k) for k in keys), rows, ("left", "left", "right", "right"))


def _rate(tenths: int | None) -> Cell:
    """A rate in tenths of a percent, shown as 66.7%, with its number (a percentage in Excel)."""
    return Cell(calc.shown(tenths), None if tenths is None else Decimal(tenths).scaleb(-1))


def _n(x: int) -> Cell:
    return Cell(str(x), Decimal(x))
