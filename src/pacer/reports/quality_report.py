"""The analysis report on research and production quality (科研生产质量分析报告) of one node for one
span, drawn from the quality module as the actor may see it, on the same machinery as the
economic report (one content tree, the same renderers, narrative blocks on the same workflow).

Its structure: the overall situation (problems found and closed by zeroing, the zeroing progress
of those still open, the quality indicators of the library's quality set) -> the units (each
unit's problems, and the problems found month by month) -> where problems come from (Pareto of
causes, stages of origin and suppliers) -> the critical and major problems not yet closed ->
statistical process control (characteristics out of control) -> problems -> countermeasures and
work plan. Problems are counted as they stood at the span's end (see
:mod:`pacer.reports.quality`); a section with nothing to show is left out, and a node with no
quality data at all still gets its report, saying so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from pacer.analysis import Analysis, get_analysis
from pacer.auth.permissions import Actor
from pacer.cockpit.charts import for_image
from pacer.cockpit.scope import open_scope
from pacer.kit import periods
from pacer.models import Unit
from pacer.org.repository import tree_on
from pacer.quality import calc, repository, words
from pacer.quality.chart import pareto_spec, trend_spec
from pacer.quality.figures import follows_register
from pacer.quality.pareto import Pareto, ParetoBar, Series, Trend, branch_below
from pacer.quality.repository import ProblemFilter, Row
from pacer.quality.workflow import CANCELLED
from pacer.reports.ask import days
from pacer.reports.economic import EconomicRequest, Progress, month_label, numbered_sections, span_label
from pacer.reports.figures import Context
from pacer.reports.model import Block, Cell, Chart, Paragraph, Report, Section, Table
from pacer.reports.quality import charts_below, rate, severe_table, spc_blocks, summary, tally
from pacer.reports.sections import topic_table
from pacer.reports.units import narrative_sections

# the library's quality set, as the engine answers it (left out when the library lacks them)
QUALITY_CODES = ("quality_problems", "quality_problems_closed", "quality_problems_open", "zeroing_rate")
PARETO_BY = ("cause", "origin_stage", "supplier")
STAGE_TABLES = {"cause": words.CAUSES, "origin_stage": words.STAGES}
LISTED = 10


def build_quality(
    session: Session,
    actor: Actor,
    request: EconomicRequest,
    progress: Progress | None = None,
    *,
    analysis: Analysis | None = None,
) -> Report:
    """The quality report's content (no rendering: see :func:`pacer.reports.render.render`)."""
    tell = progress or (lambda share, what: None)
    tell(0.0, "figures")
    analysis = analysis or get_analysis(session.get_bind().engine)
    period = periods.format_period(periods.parse_period(request.period))
    scope = open_scope(session, actor, analysis, request.unit_code, period, request.lang)
    ctx = Context(scope, request.span, QUALITY_CODES)
    node = scope.unit(scope.node)
    unit = repository.unit_by_code(session, actor, node.code)
    first, end = days(periods.format_period(scope.period), request.span)
    rows = _live(repository.all_rows(session, actor, ProblemFilter(unit_id=unit.id, found_to=end))) if unit else []
    lines = charts_below(session, actor, unit) if unit else []
    tell(0.3, "quality")
    parts: list[Section | None] = [
        _overall(ctx, session, rows, first, end),
        _units(ctx, session, unit, rows, first, end) if unit and rows else None,
        _sources(ctx, unit, rows, end) if unit and rows else None,
        _severe(ctx, rows, first, end),
        Section("spc", ctx.w("section.spc"), tuple(spc_blocks(ctx, lines))) if lines else None,
        *_narratives(ctx, rows, first, end),
    ]
    tell(0.95, "done")
    label = span_label(request.lang, request.span, scope.year, scope.month)
    return Report(
        kind="quality",
        title=ctx.w("quality_report.title", unit=node.name, period=label),
        subtitle=ctx.w("economic.subtitle", month=month_label(request.lang, scope.year, scope.month)),
        lang=request.lang,
        unit_code=node.code,
        unit_name=node.name,
        period=periods.format_period(scope.period),
        span=request.span,
        sections=tuple(numbered_sections(request.lang, [p for p in parts if p is not None])),
        meta={"marker": str(analysis.marker)},
    )


def _live(rows: list[Row]) -> list[Row]:
    """Problems not withdrawn: a cancelled problem counts nowhere."""
    return [r for r in rows if r[2].state != CANCELLED]


def _overall(ctx: Context, session: Session, rows: list[Row], first: date, end: date) -> Section:
    blocks: list[Block] = []
    if rows:
        t = tally(rows, first, end)
        still = [r[0].id for r in rows if r[0].closed_on is None]  # criteria are signed off as of now
        signed, criteria = repository.signed_criteria(session, still)
        text = summary(ctx, t, end)
        if criteria:
            progress = ctx.w("quality_report.zeroing", signed=signed, criteria=criteria, share=rate(signed, criteria))
            text = ctx.joined([text, progress])
        blocks.append(Paragraph(text))
    else:
        blocks.append(Paragraph(ctx.w("quality_report.none", end=end.isoformat())))
    held = [c for c in ctx.known(QUALITY_CODES) if c in ctx.rows and ctx.rows[c].ytd is not None]
    if held:
        table = topic_table(ctx, "quality_indicators", held)
        # reported by the units, they may count more than the problems recorded in the register
        note = "" if follows_register(session) else ctx.w("quality_report.reported")
        blocks.append(replace(table, note=note))
    return Section("overall", ctx.w("section.quality_overall"), tuple(blocks))


def _units(ctx: Context, session: Session, node: Unit, rows: list[Row], first: date, end: date) -> Section:
    """Each unit right below the node (with its subtree's problems; the node's own under its
    name): found and closed in the span and the year, the zeroing rate and what is still open;
    and the problems found month by month this year."""
    tree = tree_on(session, end)
    names: dict[int, Unit] = {}
    by: dict[int, list[Row]] = {}
    for r in rows:
        top = branch_below(tree, r[1].id, node.id)
        names.setdefault(top, r[1] if top == r[1].id else session.get(Unit, top) or r[1])
        by.setdefault(top, []).append(r)
    table_rows = []
    for top in sorted(by, key=lambda i: names[i].code):
        t = tally(by[top], first, end)
        figures = (t.span.found, t.span.closed, t.year.found, t.year.closed) if ctx.has_span else (
            t.year.found, t.year.closed
        )  # fmt: skip
        table_rows.append(
            (
                Cell(names[top].name(ctx.lang)),
                *(_n(x) for x in figures),
                Cell(rate(t.year.closed, t.year.found)),
                _n(t.still_open),
                _n(len(t.severe)),
            )
        )
    keys = ["quality_report.span_found", "quality_report.span_closed"] if ctx.has_span else []
    keys += ["quality_report.year_found", "quality_report.year_closed", "quality_report.rate"]
    keys += ["quality_report.open", "quality_report.severe_open"]
    columns = (ctx.w("col.unit_name"), *(ctx.w(k, span=ctx.span_label) for k in keys))
    align = ("left", *("right",) * (len(columns) - 1))
    blocks: list[Block] = [
        Table("quality.units", ctx.w("quality_report.units_table"), columns, tuple(table_rows), align)
    ]
    year = [r for r in rows if r[0].found_on.year == end.year]
    if year:
        found = [(str(branch_below(tree, r[1].id, node.id)), r[0].found_on) for r in year]
        counts = calc.monthly(found, end.year)
        series = [Series(names[int(k)], v[: end.month]) for k, v in counts.items()]
        trend = Trend(node, end.year, sorted(series, key=lambda s: s.unit.code))
        blocks.append(_chart(trend_spec(trend, ctx.lang), "quality.trend"))
    return Section("units", ctx.w("section.quality_units"), tuple(blocks))


def _sources(ctx: Context, node: Unit, rows: list[Row], end: date) -> Section | None:
    """This year's problems by cause, stage of origin and supplier (Pareto), each with its chart."""
    year = [r for r in rows if r[0].found_on.year == end.year]
    blocks: list[Block] = []
    for by in PARETO_BY:
        keys = [getattr(p, by) for p, _, _ in year]
        if by == "supplier":  # a problem of no supplier is the units' own: not ranked here
            keys = [k for k in keys if k]
        bars = calc.pareto(keys)
        if not bars:
            continue
        total = len(year)
        shown = [ParetoBar(b.key, _label(ctx, by, b.key), b.count, b.share(total)) for b in bars]
        top = shown[0]
        said = _label(ctx, by, top.key, heading=False)  # mid-sentence
        blocks.append(
            Paragraph(ctx.w(f"quality_report.by.{by}", top=said, count=top.count, share=rate(top.count, total)))
        )
        rows_ = tuple((Cell(b.label), _n(b.count), ctx.percent_cell(100 * b.cumulative_share)) for b in shown[:LISTED])
        columns = (ctx.w(f"quality_report.{by}"), ctx.w("quality.count"), ctx.w("quality.cumulative"))
        caption = ctx.w(f"quality_report.{by}_table")
        blocks.append(Table(f"quality.{by}", caption, columns, rows_, ("left", "right", "right")))
        blocks.append(_chart(pareto_spec(Pareto(node, end.year, by, total, shown), ctx.lang), f"quality.{by}.chart"))
    if not blocks:
        return None
    return Section("sources", ctx.w("section.quality_sources"), tuple(blocks))


def _label(ctx: Context, by: str, key: str, heading: bool = True) -> str:
    """A cause's or stage's label (a supplier's name as it is): capitalised where it heads a
    row, a bar or a sentence, as it is mid-sentence."""
    if not key:
        text = ctx.w("quality.cause_unknown")
    elif by in STAGE_TABLES:
        text = words.label(STAGE_TABLES[by], key, ctx.lang)
    else:
        text = key
    return text[:1].upper() + text[1:] if heading else text


def _severe(ctx: Context, rows: list[Row], first: date, end: date) -> Section | None:
    t = tally(rows, first, end)
    if not t.severe:
        return None
    return Section("severe", ctx.w("section.quality_severe"), (severe_table(ctx, t.severe, end),))


def _narratives(ctx: Context, rows: list[Row], first: date, end: date) -> tuple[Section, Section]:
    """The problems, drafted from the figures (overdue and severe problems, the leading cause),
    and the countermeasures and plan to write."""
    lines = []
    if rows:
        t = tally(rows, first, end)
        overdue = [r for r in rows if (r[0].closed_on is None or r[0].closed_on > end) and r[0].deadline < end]
        if overdue:
            lines.append(ctx.w("quality_report.draft.overdue", count=len(overdue)))
        if t.severe:
            lines.append(ctx.w("quality_report.draft.severe", count=len(t.severe)))
        causes = Counter(r[0].cause for r in rows if r[0].found_on.year == end.year and r[0].cause)
        if causes:
            cause, count = causes.most_common(1)[0]
            lines.append(ctx.w("quality_report.draft.cause", cause=_label(ctx, "cause", cause), count=count))
    text = "\n".join(f"{i + 1}. {line}" for i, line in enumerate(lines)) or ctx.w("quality_report.draft.none")
    return narrative_sections(ctx, text)


def _chart(spec: dict[str, object], key: str) -> Chart:
    image = for_image(spec)
    title = image.get("title")
    text = str(title.get("text", "")) if isinstance(title, dict) else str(title or "")
    return Chart(key=key, title=text, spec=image, description=text)


def _n(x: int) -> Cell:
    return Cell(str(x), Decimal(x))
