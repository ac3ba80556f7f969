"""The quality situation (质量情况), from the quality module: problems found and closed by zeroing
in the report's span, the year's zeroing rate, the severe problems still open at its end, the
causes of the year's problems (Pareto), and the characteristics under statistical process control
that are out of control. Left out when no problem and no characteristic below the node is in the
reader's sight (the report never breaks without them).

Problems are counted as they stood at the span's end: a problem closed after it counts as open
then. Cancelled problems are not counted. Control charts have no dates on their points, so their
verdict is the current one, and the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.characteristics.service import Line, dashboard
from pacer.kit import periods
from pacer.models import Unit
from pacer.quality import calc, repository, words
from pacer.quality.repository import ProblemFilter, Row
from pacer.quality.workflow import CANCELLED
from pacer.reports.ask import days
from pacer.reports.figures import Context
from pacer.reports.model import Block, Cell, Paragraph, Section, Table

SEVERE = ("critical", "major")
LISTED = 10


@dataclass(frozen=True)
class Count:
    found: int
    critical: int
    major: int
    closed: int


@dataclass(frozen=True)
class Tally:
    span: Count  # found in the span; closed in the span
    year: Count  # found this year to the span's end; of those, closed by then
    still_open: int  # found by the span's end, any year, not closed by then
    severe: list[Row]  # of those, critical or major: the most severe and the oldest first


def tally(rows: list[Row], first: date, end: date) -> Tally:
    """The counts of the problems ``rows`` as they stood at ``end``. Pure."""
    live = [r for r in rows if r[2].state != CANCELLED and r[0].found_on <= end]

    def open_at(r: Row) -> bool:
        return r[0].closed_on is None or r[0].closed_on > end

    def count(found: list[Row], closed: int) -> Count:
        severity = [r[0].severity for r in found]
        return Count(len(found), severity.count("critical"), severity.count("major"), closed)

    span = [r for r in live if r[0].found_on >= first]
    year = [r for r in live if r[0].found_on.year == end.year]
    still = [r for r in live if open_at(r)]
    severe = sorted(
        (r for r in still if r[0].severity in SEVERE),
        key=lambda r: (SEVERE.index(r[0].severity), r[0].found_on, r[0].id),
    )
    closed_in_span = sum(1 for r in live if r[0].closed_on is not None and first <= r[0].closed_on <= end)
    return Tally(count(span, closed_in_span), count(year, sum(1 for r in year if not open_at(r))), len(still), severe)


def quality(ctx: Context) -> Section | None:
    scope = ctx.scope
    unit = repository.unit_by_code(scope.db, scope.actor, scope.unit(scope.node).code)
    if unit is None:
        return None
    first, end = days(periods.format_period(scope.period), ctx.span)
    rows = repository.all_rows(scope.db, scope.actor, ProblemFilter(unit_id=unit.id, found_to=end))
    lines = charts_below(scope.db, scope.actor, unit)
    if not rows and not lines:
        return None
    blocks: list[Block] = []
    if rows:
        t = tally(rows, first, end)
        blocks.append(Paragraph(summary(ctx, t, end)))
        blocks += _causes(ctx, [r for r in rows if r[0].found_on.year == end.year and r[2].state != CANCELLED])
        if t.severe:
            blocks.append(severe_table(ctx, t.severe, end))
    if lines:
        blocks += spc_blocks(ctx, lines)
    return Section("quality", ctx.w("section.quality"), tuple(blocks))


def charts_below(session: Session, actor: Actor, unit: Unit) -> list[Line]:
    return dashboard(session, actor, unit.code)[1]


def rate(part: int, whole: int) -> str:
    return f"{Decimal(100 * part) / whole:.1f}%" if whole else "—"


def summary(ctx: Context, t: Tally, end: date) -> str:
    """The span's problems (when the span is not the year to date), then the year's."""
    y = t.year
    year = ctx.w(
        "quality.year",
        end=end.isoformat(),
        found=y.found,
        critical=y.critical,
        major=y.major,
        closed=y.closed,
        rate=rate(y.closed, y.found),
        open=t.still_open,
        severe=len(t.severe),
    )
    if not ctx.has_span:
        return year
    s = t.span
    span = ctx.w(
        "quality.span", span=ctx.span_phrase, found=s.found, critical=s.critical, major=s.major, closed=s.closed
    )
    return f"{span}{year}" if ctx.lang == "zh" else f"{span} {year}"


def _causes(ctx: Context, year: list[Row]) -> list[Block]:
    """The year's problems by cause, the most frequent first, with the cumulative share."""
    bars = calc.pareto(p.cause for p, _, _ in year)
    if not bars:
        return []
    total = len(year)

    def label(key: str) -> str:
        return words.label(words.CAUSES, key, ctx.lang) if key else ctx.w("quality.cause_unknown")

    def heading(key: str) -> str:  # a row's label reads as one: "Material", mid-sentence "material"
        text = label(key)
        return text[:1].upper() + text[1:]

    rows = tuple(
        (Cell(heading(b.key)), Cell(str(b.count), Decimal(b.count)), ctx.percent_cell(100 * b.share(total)))
        for b in bars
    )
    top = bars[0]
    text = ctx.w("quality.causes", top=label(top.key), count=top.count, share=rate(top.count, total))
    columns = (ctx.w("quality.cause"), ctx.w("quality.count"), ctx.w("quality.cumulative"))
    table = Table("quality.causes", ctx.w("quality.causes_table"), columns, rows, ("left", "right", "right"))
    return [Paragraph(text), table]


def severe_table(ctx: Context, severe: list[Row], end: date) -> Table:
    rows = tuple(
        (
            Cell(p.title),
            Cell(u.name_zh if ctx.lang == "zh" else u.name_en),
            Cell(words.heading(words.SEVERITIES, p.severity, ctx.lang)),
            Cell(p.found_on.isoformat()),
            Cell(p.deadline.isoformat(), None, "bad" if p.deadline < end else ""),
        )
        for p, u, _ in severe[:LISTED]
    )
    keys = ("quality.problem", "col.unit_name", "quality.severity", "quality.found_on", "quality.deadline")
    caption = ctx.w("quality.severe_first", count=LISTED) if len(severe) > LISTED else ctx.w("quality.severe_table")
    return Table(
        "quality.severe", caption, tuple(ctx.w(k) for k in keys), rows, ("left", "left", "left", "right", "right")
    )


def spc_blocks(ctx: Context, lines: list[Line]) -> list[Block]:
    out = [line for line in lines if line.out_of_control]
    text = ctx.w("quality.spc", count=len(lines), out=len(out), verb="is" if len(out) == 1 else "are")
    if not out:
        return [Paragraph(text)]
    rows = tuple(
        (
            Cell(line.unit.name_zh if ctx.lang == "zh" else line.unit.name_en),
            Cell(line.characteristic.name_zh if ctx.lang == "zh" else line.characteristic.name_en),
            Cell(str(len(line.out_of_control or ())), Decimal(len(line.out_of_control or ()))),
            Cell("—") if line.cpk is None else Cell(f"{line.cpk:.2f}", Decimal(f"{line.cpk:.2f}")),
        )
        for line in out[:LISTED]
    )
    keys = ("col.unit_name", "quality.characteristic", "quality.signals", "quality.cpk")
    columns = tuple(ctx.w(k) for k in keys)
    table = Table("quality.spc", ctx.w("quality.spc_table"), columns, rows, ("left", "left", "right", "right"))
    return [Paragraph(text), table]
