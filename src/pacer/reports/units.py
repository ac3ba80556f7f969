"""Unit comparison (ranking, the lagging list, each unit's contribution to the change) and the
narrative blocks (problems drafted from the lagging indicators, countermeasures, plan).

Only the children the reader sees are ranked or named (the cockpit's scope cuts them); a unit's
own report therefore never names a sibling."""

from __future__ import annotations

from decimal import Decimal

from pacer.analysis import SpanRow, Status, wording
from pacer.cockpit.ranking import off_track, ranking
from pacer.cockpit.schemas import Ranking, UnitRef
from pacer.cockpit.service import bridge
from pacer.errors import DomainError
from pacer.reports.figures import Context
from pacer.reports.model import Block, Cell, Narrative, Paragraph, Section, Table
from pacer.reports.narrative import inline

LAGGING_LISTED = 15


def comparison(ctx: Context) -> Section | None:
    scope = ctx.scope
    if not scope.children or not ctx.key_codes:
        return None
    code = ctx.key_codes[0]
    blocks: list[Block] = []
    ranked = ranking(scope, code)
    if ranked is not None and ranked.rows:
        blocks += _span_ranking(ctx, code, ranked) if ctx.has_span else _ranking(ctx, code, ranked)
    lagging = _lagging(ctx)
    if lagging is not None:
        blocks.append(lagging)
    blocks += _contribution(ctx, code)
    return Section("units", ctx.w("section.units"), tuple(blocks)) if blocks else None


def _ranking(ctx: Context, code: str, ranked: Ranking) -> list[Block]:
    """The children ranked on the year to date's completion (on the year to date without targets)."""
    rows = tuple(
        (
            Cell(str(r.rank), Decimal(r.rank)) if r.rank else Cell("—"),
            Cell(r.unit.name),
            ctx.amount_cell(code, r.ytd),
            Cell(r.yoy.text, None, "" if r.yoy.good is None else "good" if r.yoy.good else "bad"),
            ctx.percent_cell(r.completion_pct),
            ctx.gap_cell(r.gap_pp),
            ctx.status_cell(Status(r.status) if r.status else None),
        )
        for r in ranked.rows
    )
    columns = (
        "#",
        ctx.w("col.unit_name"),
        ctx.w("col.ytd"),
        ctx.w("col.yoy"),
        ctx.w("col.completion"),
        ctx.w("col.gap"),
        ctx.w("col.status"),
    )
    name = inline(ranked.indicator.name, ctx.lang)
    caption = ctx.w("table.ranking", name=name, unit=ranked.indicator.display.label)
    return [
        Paragraph(_ranking_sentence(ctx, "units.leading", name, [r.unit.name for r in ranked.rows])),
        Table("ranking", caption, columns, rows, ("right", "left", "right", "right", "right", "right", "left")),
    ]


def _span_ranking(ctx: Context, code: str, ranked: Ranking) -> list[Block]:
    """The children ranked on the span's growth against the same span last year (better first as
    the indicator's direction says; those without a percentage after, by their value), with
    each one's year-to-date completion and status beside."""
    scope = ctx.scope
    spans = scope.engine.spans(scope.children, scope.year, scope.month, ctx.span_kind, [code])
    ytd = {r.unit.code: r for r in ranked.rows}
    sign = -1.0 if ranked.indicator.direction == "lower" else 1.0
    units = [(scope.unit(n), spans[n][0]) for n in scope.children]

    def key(item: tuple[UnitRef, SpanRow]) -> tuple[int, float, float]:
        pct, value = item[1].yoy.percent, item[1].value
        return (
            pct is None,
            -sign * (pct or 0.0),
            -sign * (value.number if value is not None else float("-inf")),
        )

    units.sort(key=key)
    rows = []
    for i, (unit, s) in enumerate(units):
        rank = next(j for j in range(i + 1) if key(units[j]) == key(units[i])) + 1
        r = ytd.get(unit.code)
        rows.append(
            (
                Cell(str(rank), Decimal(rank)),
                Cell(unit.name),
                ctx.amount_cell(code, s.value),
                ctx.amount_cell(code, s.last_year),
                ctx.change_cell(code, s.yoy),
                ctx.percent_cell(r.completion_pct if r else None),
                ctx.status_cell(Status(r.status) if r and r.status else None),
            )
        )
    columns = (
        "#",
        ctx.w("col.unit_name"),
        ctx.span_label,
        ctx.w("col.last_year"),
        ctx.w("col.span_yoy"),
        ctx.w("col.ytd_completion"),
        ctx.w("col.status"),
    )
    name = inline(ranked.indicator.name, ctx.lang)
    caption = ctx.w("table.span_ranking", span=ctx.span_phrase, name=name, unit=ranked.indicator.display.label)
    return [
        Paragraph(_ranking_sentence(ctx, "units.leading_span", name, [u.name for u, _ in units])),
        Table("ranking", caption, columns, tuple(rows), ("right", "left", "right", "right", "right", "right", "left")),
    ]


def _ranking_sentence(ctx: Context, key: str, name: str, units: list[str]) -> str:
    top = "、".join(units[:3]) if ctx.lang == "zh" else ", ".join(units[:3])
    return ctx.w(key, name=name, units=top, count=len(units), span=ctx.span_phrase)


def _lagging(ctx: Context) -> Table | None:
    rows = [r for r in off_track(ctx.scope) if r.unit.code != ctx.scope.unit(ctx.scope.node).code]
    if not rows:
        return None
    cells = tuple(
        (
            Cell(r.unit.name),
            Cell(r.indicator.name),
            ctx.percent_cell(r.completion_pct),
            ctx.gap_cell(r.gap_pp),
            ctx.status_cell(Status(r.status)),
        )
        for r in rows[:LAGGING_LISTED]
    )
    columns = (
        ctx.w("col.unit_name"),
        ctx.w("col.indicator"),
        ctx.w("col.completion"),
        ctx.w("col.gap"),
        ctx.w("col.status"),
    )
    return Table("lagging", ctx.w("table.lagging"), columns, cells, ("left", "left", "right", "right", "left"))


def _contribution(ctx: Context, code: str) -> list[Block]:
    try:
        b = bridge(ctx.scope, code, ctx.bridge_span)
    except DomainError:
        return []
    if b is None:
        return []
    d = b.indicator.display
    rows = []
    for line in sorted(b.lines, key=lambda x: -abs(x.change)):
        name = line.unit.name if line.unit else wording.bridge_line(line.line, ctx.lang)
        rows.append(
            (
                Cell(name),
                ctx.amount_cell(code, line.current),
                ctx.amount_cell(code, line.previous),
                Cell(
                    wording.number(ctx.shown(code, line.change), d.decimals, signed=True), ctx.shown(code, line.change)
                ),
                ctx.percent_cell(line.share_pct),
            )
        )
    columns = (
        ctx.w("col.unit_name"),
        ctx.span_label,
        ctx.w("col.last_year"),
        ctx.w("col.change"),
        ctx.w("col.share"),
    )
    name = inline(b.indicator.name, ctx.lang)
    caption = ctx.w("table.contribution", name=name, unit=d.label, span=ctx.span_phrase)
    return [
        Table("contribution", caption, columns, tuple(rows), ("left", "right", "right", "right", "right")),
        ctx.chart("bridge", code, f"units.bridge.{code}"),
    ]


def narratives(ctx: Context) -> tuple[Section, Section]:
    """The problems (drafted from the lagging key indicators) and the countermeasures and plan."""
    behind = [c for c in ctx.key_codes if c in ctx.rows and ctx.rows[c].status is Status.OFF_TRACK]
    if behind:
        lines = [ctx.w("draft.problems.lead")] + [f"{i + 1}. {ctx.sentence(c)}" for i, c in enumerate(behind)]
        text = "\n".join(lines)
    else:
        text = ctx.w("draft.problems.none")
    return narrative_sections(ctx, text)


def narrative_sections(ctx: Context, problems: str) -> tuple[Section, Section]:
    """The problems section drafted as ``problems``, and the countermeasures and plan to write:
    the narrative blocks every report puts on the approval workflow."""
    drafted = Section(
        "problems", ctx.w("section.problems"), (Narrative("problems", ctx.w("narrative.problems"), problems),)
    )
    measures = Section(
        "measures",
        ctx.w("section.measures"),
        (
            Narrative("countermeasures", ctx.w("narrative.countermeasures"), ctx.w("draft.countermeasures")),
            Narrative("plan", ctx.w("narrative.plan"), ctx.w("draft.plan")),
        ),
    )
    return drafted, measures
