"""The reporting monitor as JSON (``/api/submissions/monitor``): the page's counts and lines, and
HQ's reminder of the late units, over the same service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from pacer.auth.deps import CurrentViewer, protect
from pacer.kit import periods
from pacer.submissions import monitor
from pacer.submissions.monitor_calc import Board, Counts, Line
from pacer.web.deps import Db

router = APIRouter(prefix="/api/submissions/monitor", tags=["submissions"], dependencies=[Depends(protect)])
Period = Annotated[str | None, Query(max_length=10, description="The month, YYYY-MM (default: the last complete one).")]
Node = Annotated[
    str | None, Query(max_length=32, description="The unit whose subtree is shown (default: your top unit).")
]


class CountsOut(BaseModel):
    by_status: dict[str, int] = Field(description="Units that must report, by status.")
    late: int
    total: int


class LevelOut(CountsOut):
    level: int = Field(description="1 for the group, 2 for the units right below it, ...")


class LineOut(BaseModel):
    unit_code: str
    unit_name: str
    parent_code: str | None
    level: int
    depth: int = Field(description="Levels below the node asked for.")
    reports: bool = Field(description="Whether the unit must report this month.")
    status: str | None
    late: bool
    due_at: datetime | None
    subtree: CountsOut = Field(description="The unit and every unit below it that must report.")
    link: str = Field(description="The unit's submission for the month.")


class MonitorOut(BaseModel):
    period: str
    node: str
    due_at: datetime
    as_of: datetime
    totals: CountsOut
    levels: list[LevelOut]
    units: list[LineOut]


class RemindIn(BaseModel):
    period: str = Field(max_length=10, description="The month, YYYY-MM.")
    node: str | None = Field(default=None, max_length=32)


class RemindedOut(BaseModel):
    reminded: list[str] = Field(description="Late units whose reporters were told now.")
    already: list[str] = Field(description="Late units already reminded today: not told again.")
    unreachable: list[str] = Field(description="Late units without a reporter to tell.")
    people: int


def _counts(c: Counts) -> CountsOut:
    return CountsOut(by_status=c.by_status, late=c.late, total=c.total)


def _line(board: Board, line: Line, lang: str, codes: dict[int, str]) -> LineOut:
    month = periods.format_period(board.period)
    return LineOut(
        unit_code=line.unit.code,
        unit_name=line.name(lang),
        parent_code=codes.get(line.unit.parent_id) if line.unit.parent_id is not None else None,
        level=line.level,
        depth=line.depth,
        reports=line.reports,
        status=line.status,
        late=line.late,
        due_at=line.due_at,
        subtree=_counts(line.subtree),
        link=f"/submissions/{line.unit.code}/{month}",
    )


@router.get("")
def get_monitor(
    viewer: CurrentViewer,
    db: Db,
    period: Period = None,
    node: Node = None,
    status: Annotated[str | None, Query(max_length=16, description="Only this status, or 'late'.")] = None,
) -> MonitorOut:
    """Who has reported a month, below a node: each unit's status, lateness and subtree counts."""
    board = monitor.monitor(db, viewer.actor, monitor.month_of(period), node or None)
    codes = {line.unit.id: line.unit.code for line in board.lines}
    lang = viewer.user.language
    return MonitorOut(
        period=periods.format_period(board.period),
        node=board.root.unit.code,
        due_at=board.due_at,
        as_of=board.now,
        totals=_counts(board.totals),
        levels=[LevelOut(level=n, **_counts(c).model_dump()) for n, c in board.levels.items()],
        units=[_line(board, line, lang, codes) for line in monitor.shown(board, status or None)],
    )


@router.post("/remind")
def remind_late(viewer: CurrentViewer, db: Db, body: RemindIn) -> RemindedOut:
    """Remind the late units' reporters (HQ roles; each unit at most once a day)."""
    done = monitor.remind_late(db, viewer.actor, monitor.month_of(body.period), body.node or None)
    return RemindedOut(reminded=done.reminded, already=done.already, unreachable=done.unreachable, people=done.people)
