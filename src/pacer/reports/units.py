"""Unit comparison (ranking, the lagging list, each unit's contribution to the change) and the
narrative blocks (problems drafted from the lagging indicators, countermeasures, plan).

Only the children the reader sees are ranked or named (the cockpit's scope cuts them); a unit's
own report therefore never names a sibling."""

from __future__ import annotations

from pacer.analysis import Status, wording
from pacer.cockpit.ranking import off_track, ranking
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
        d = ranked.indicator.display
        rows = tuple(
            (
                Cell(str(r.rank) if r.rank else "—"),
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
            f"{ctx.w('col.ytd')}（{d.label}）" if ctx.lang == "zh" else f"{ctx.w('col.ytd')} ({d.label})",
            ctx.w("col.yoy"),
            ctx.w("col.completion"),
            ctx.w("col.gap"),
            ctx.w("col.status"),
        )
        caption = ctx.w("table.ranking", name=inline(ranked.indicator.name, ctx.lang))
        blocks.append(
            Paragraph(
                _ranking_sentence(ctx, inline(ranked.indicator.name, ctx.lang), [r.unit.name for r in ranked.rows])
            )
        )
        blocks.append(
            Table("ranking", caption, columns, rows, ("right", "left", "right", "right", "right", "right", "left"))
        )
    lagging = _lagging(ctx)
    if lagging is not None:
        blocks.append(lagging)
    blocks += _contribution(ctx, code)
    return Section("units", ctx.w("section.units"), tuple(blocks)) if blocks else None


def _ranking_sentence(ctx: Context, name: str, units: list[str]) -> str:
    top = "、".join(units[:3]) if ctx.lang == "zh" else ", ".join(units[:3])
    return ctx.w("units.leading", name=name, units=top, count=len(units))


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
        b = bridge(ctx.scope, code)
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
        ctx.w("col.ytd"),
        ctx.w("col.last_year"),
        ctx.w("col.change"),
        ctx.w("col.share"),
    )
    caption = ctx.w("table.contribution", name=inline(b.indicator.name, ctx.lang), unit=d.label)
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
    problems = Section(
        "problems", ctx.w("section.problems"), (Narrative("problems", ctx.w("narrative.problems"), text),)
    )
    measures = Section(
        "measures",
        ctx.w("section.measures"),
        (
            Narrative("countermeasures", ctx.w("narrative.countermeasures"), ctx.w("draft.countermeasures")),
            Narrative("plan", ctx.w("narrative.plan"), ctx.w("draft.plan")),
        ),
    )
    return problems, measures
