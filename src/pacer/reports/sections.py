"""The overall situation (key-indicator table and summary) and the indicator sections: revenue and
profit, the two funds, cash flow, R&D, investment and civil industry, each with a chart and a
drafted paragraph. A section whose indicators the group's library does not hold is left out."""

from __future__ import annotations

from pacer.analysis import Status
from pacer.cockpit import service
from pacer.reports.figures import Context
from pacer.reports.model import Block, Cell, Paragraph, Section, Table

# (section key, indicators, charts: (chart name, indicator)); the first indicator of a section leads
TOPICS: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "revenue_profit",
        ("revenue", "total_profit", "net_profit", "profit_margin"),
        (("cumulative", "revenue"), ("trend", "total_profit")),
    ),
    ("two_funds", ("two_funds", "accounts_receivable", "inventory"), (("trend", "two_funds"),)),
    (
        "cash",
        ("operating_cash_flow", "cash_from_sales", "cash_collection_ratio", "operating_cash_ratio"),
        (("trend", "operating_cash_flow"),),
    ),
    ("rd", ("rd_expense", "rd_intensity"), (("trend", "rd_expense"),)),
    (
        "investment",
        ("investment_actual", "investment_plan", "investment_completion"),
        (("cumulative", "investment_actual"),),
    ),
    ("civil", ("civil_revenue", "civil_revenue_share"), (("cumulative", "civil_revenue"),)),
)
SUMMARY_CODES = ("revenue", "total_profit")
LATE_NAMED = 5


def overall(ctx: Context) -> Section:
    """The summary paragraph (revenue and profit, and how many key indicators are on track) and
    the key-indicator table."""
    sentences = [ctx.sentence(c) for c in ctx.known(SUMMARY_CODES)]
    judged = [ctx.rows[c].status for c in ctx.key_codes if c in ctx.rows and ctx.rows[c].status is not None]
    if judged:
        counts = {s: sum(1 for j in judged if j is s) for s in Status}
        sentences.append(
            ctx.w(
                "overall.status",
                count=len(judged),
                on=counts[Status.ON_TRACK],
                watch=counts[Status.WATCH],
                off=counts[Status.OFF_TRACK],
            )
        )
    blocks: list[Block] = [Paragraph(ctx.joined(sentences))] if any(sentences) else []
    missing = not_reported(ctx)
    if missing:
        blocks.insert(0, Paragraph(missing))
    if ctx.key_codes:
        blocks.append(key_table(ctx))
        if ctx.has_span:
            blocks.append(key_span_table(ctx))
    return Section("overall", ctx.w("section.overall"), tuple(blocks))


def not_reported(ctx: Context) -> str:
    """What the reader must know first when units in sight still lack accepted figures of the
    report's month: how many, and which (the first few); the figures leave them out."""
    late = service.without_figures(ctx.scope)
    if not late:
        return ""
    sep = "、" if ctx.lang == "zh" else ", "
    names = sep.join(u.name for u in late[:LATE_NAMED])
    more = ctx.w("overall.late_more") if len(late) > LATE_NAMED else ""
    month = f"{ctx.scope.year}-{ctx.scope.month:02d}"
    return ctx.w("overall.late", count=len(late), month=month, names=names + more)


def key_table(ctx: Context) -> Table:
    """The year to date against the target tiers: value, YoY, the tiers, completion, time
    progress, gap and status. A span's own figures are a table of their own
    (:func:`key_span_table`): twelve columns in one would print too small to read."""
    columns = [ctx.w("col.indicator"), ctx.w("col.unit"), ctx.w("col.ytd")]
    columns += [ctx.w("col.ytd_yoy" if ctx.has_span else "col.yoy")]
    columns += [ctx.w(f"col.{k}") for k in ("ensure", "strive", "completion", "time_progress", "gap", "status")]
    rows = []
    for code in ctx.key_codes:
        row = ctx.rows.get(code)
        if row is None:
            continue
        ref = ctx.ref(code)
        rows.append(
            (
                Cell(ref.name),
                ctx.unit_cell(code),
                ctx.amount_cell(code, row.ytd),
                ctx.change_cell(code, row.yoy),
                ctx.amount_cell(code, row.target_ensure),
                ctx.amount_cell(code, row.target_strive),
                ctx.percent_cell(row.completion_pct),
                ctx.percent_cell(row.time_progress_pct),
                ctx.gap_cell(row.gap_pp),
                ctx.status_cell(row.status),
            )
        )
    align = ("left", "left", *(("right",) * (len(columns) - 3)), "left")
    return Table("key", ctx.w("table.key"), tuple(columns), tuple(rows), align, ctx.w("note.gap"))


def key_span_table(ctx: Context) -> Table:
    """The key indicators over the span (the month, the quarter or half to date) against the same
    months of last year."""
    columns = (ctx.w("col.indicator"), ctx.w("col.unit"), ctx.span_label, ctx.w("col.last_year"), ctx.w("col.yoy"))
    rows = []
    for code in ctx.key_codes:
        if code not in ctx.rows:
            continue
        ref, srow = ctx.ref(code), ctx.span_rows.get(code)
        figures = (
            [ctx.amount_cell(code, srow.value), ctx.amount_cell(code, srow.last_year), ctx.change_cell(code, srow.yoy)]
            if srow
            else [Cell("—")] * 3
        )
        rows.append((Cell(ref.name), ctx.unit_cell(code), *figures))
    caption = ctx.w("table.key_span", span=ctx.span_phrase)
    return Table("key.span", caption, columns, tuple(rows), ("left", "left", "right", "right", "right"))


def indicators(ctx: Context) -> Section | None:
    """One sub-section per topic the library holds."""
    subs = [s for s in (topic(ctx, *t) for t in TOPICS) if s is not None]
    return Section("indicators", ctx.w("section.indicators"), (), tuple(subs)) if subs else None


def topic(ctx: Context, key: str, codes: tuple[str, ...], chart_list: tuple[tuple[str, str], ...]) -> Section | None:
    held = [c for c in ctx.known(codes) if c in ctx.rows and ctx.rows[c].ytd is not None]
    if not held:
        return None
    # the summary's sentences open the report; the section does not say them again
    said = SUMMARY_CODES if key == TOPICS[0][0] else ()
    text = ctx.joined([ctx.sentence(c) for c in held if c not in said])
    blocks: list[Block] = [Paragraph(text)] if text else []
    blocks.append(topic_table(ctx, key, held))
    for name, code in chart_list:
        if code in held:
            blocks.append(ctx.chart(name, code, f"{key}.{name}.{code}"))
    return Section(key, ctx.w(f"section.{key}"), tuple(blocks))


def topic_table(ctx: Context, key: str, codes: list[str]) -> Table:
    """The section's indicators: the span (when not the year to date), against the same span last
    year; the year to date (against last year's when there is no span), the ensure target, the
    completion and the status."""
    span = ctx.has_span
    names = ["col.indicator", "col.unit"]
    names += ["col.last_year", "col.span_yoy", "col.ytd"] if span else ["col.ytd", "col.last_year", "col.yoy"]
    names += ["col.ensure", "col.completion", "col.status"]
    columns = [ctx.w(k) for k in names]
    if span:
        columns.insert(2, ctx.span_label)
    rows = []
    for code in codes:
        row, ref = ctx.rows[code], ctx.ref(code)
        cells = [Cell(ref.name), ctx.unit_cell(code)]
        if span:
            srow = ctx.span_rows.get(code)
            cells += (
                [
                    ctx.amount_cell(code, srow.value),
                    ctx.amount_cell(code, srow.last_year),
                    ctx.change_cell(code, srow.yoy),
                ]
                if srow
                else [Cell("—")] * 3
            )
            cells.append(ctx.amount_cell(code, row.ytd))
        else:
            cells += [
                ctx.amount_cell(code, row.ytd),
                ctx.amount_cell(code, row.ytd_last_year),
                ctx.change_cell(code, row.yoy),
            ]
        cells += [
            ctx.amount_cell(code, row.target_ensure),
            ctx.percent_cell(row.completion_pct),
            ctx.status_cell(row.status),
        ]
        rows.append(tuple(cells))
    align = ("left", "left", *(("right",) * (len(columns) - 3)), "left")
    return Table(f"{key}.table", ctx.w(f"section.{key}"), tuple(columns), tuple(rows), align)
