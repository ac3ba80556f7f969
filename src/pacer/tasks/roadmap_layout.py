"""Where a requirement's roadmap draws each task (no I/O): a Gantt-style chart of bars from the
day a task was assigned to its deadline, its milestones as marks, the original deadline when an
extension moved it, today's line and the months along the top. The page draws it as SVG on the
server (``tasks/_roadmap_svg.html``) with a table beside it as its text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

LABEL_WIDTH = 230
CHART_WIDTH = 620
NOTE_WIDTH = 130  # right of the chart: the words saying a task is late
ROW = 30
TOP = 34
BAR = 14


@dataclass(frozen=True)
class BarIn:
    key: int
    label: str
    start: date
    end: date
    original_end: date
    late: bool
    closed: bool
    marks: tuple[tuple[date, str, bool], ...] = ()  # due day, title, done


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    title: str
    due: date
    done: bool


@dataclass(frozen=True)
class Bar:
    key: int
    label: str
    y: float  # the row's middle
    x: float
    width: float
    late: bool
    closed: bool
    start: date
    end: date
    original_x: float | None  # where the original deadline was, when an extension moved it
    marks: list[Mark]
    late_days: int


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    left: int
    right: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # x, "YYYY-MM"
    today_x: float | None
    today: date
    first: date
    last: date


def _month_starts(first: date, last: date) -> list[date]:
    out, d = [], date(first.year, first.month, 1)
    while d <= last:
        if d >= first:
            out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def layout(bars: list[BarIn], today: date) -> Layout:
    """Each bar's place on a time axis spanning every task (and today, when near), a tick at
    each month's first day (thinned to at most twelve)."""
    days = [d for b in bars for d in (b.start, b.end, b.original_end, *(m[0] for m in b.marks))] or [today]
    first, last = min(days), max(days)
    if first - timedelta(days=366) <= today <= last + timedelta(days=366):
        first, last = min(first, today), max(last, today)
    first, last = first - timedelta(days=3), last + timedelta(days=3)
    span = (last - first).days or 1

    def x(d: date) -> float:
        return round(LABEL_WIDTH + CHART_WIDTH * (d - first).days / span, 1)

    placed = []
    for i, b in enumerate(bars):
        y = TOP + ROW * i + ROW / 2
        marks = [Mark(x(d), y, title, d, done) for d, title, done in b.marks]
        moved = x(b.original_end) if b.original_end != b.end else None
        late_days = (today - b.original_end).days if b.late else 0
        placed.append(
            Bar(b.key, b.label, y, x(b.start), max(x(b.end) - x(b.start), 2.0), b.late, b.closed, b.start, b.end,
                moved, marks, late_days)
        )  # fmt: skip
    months = _month_starts(first, last)
    step = max(1, -(-len(months) // 12))
    ticks = [(x(m), m.strftime("%Y-%m")) for m in months[::step]]
    today_x = x(today) if first <= today <= last else None
    height = TOP + ROW * max(len(bars), 1) + 10
    width = LABEL_WIDTH + CHART_WIDTH + NOTE_WIDTH
    return Layout(width, height, LABEL_WIDTH, LABEL_WIDTH + CHART_WIDTH, placed, ticks, today_x, today, first, last)
