"""The outlook: each key indicator's year-end forecast against its targets, what the rest of the
year needs to reach the ensure target, and the cockpit's outlook chart."""

from __future__ import annotations

from decimal import Decimal

from pacer.analysis import wording
from pacer.cockpit import service
from pacer.cockpit.schemas import OutlookRow
from pacer.reports import forecast_wording, narrative
from pacer.reports.figures import Context
from pacer.reports.model import Block, Cell, Paragraph, Section, Table


def _d(x: float | None) -> Decimal | None:
    return None if x is None else Decimal(repr(x))


def outlook(ctx: Context) -> Section | None:
    rows = [r for r in service.outlook(ctx.scope) if r.point is not None and r.indicator.code in ctx.key_codes]
    if not rows or ctx.scope.month == 12:
        return None
    # the forecasts, then what the rest of the year needs: a paragraph each
    forecasts = [f for f in (_forecast(ctx, r) for r in rows) if f is not None]
    sentences = [forecast_wording.forecast_sentence(f, ctx.lang, first=i == 0) for i, f in enumerate(forecasts)]
    said = (sentences, _needs(ctx))
    blocks: list[Block] = [Paragraph(ctx.joined(sentences)) for sentences in said if sentences]
    keys = ("col.indicator", "col.unit", "col.ytd", "col.forecast", "col.interval", "col.ensure")
    columns = tuple(ctx.w(k) for k in (*keys, "col.forecast_share", "col.chance"))
    align = ("left", "left", "right", "right", "right", "right", "right", "right")
    cat = ctx.scope.engine.catalog
    # a balance's year to date is where it stands now, and its year end the December balance, which
    # may well stand lower (receivables collected, inventory delivered before the year closes)
    balances = [
        r
        for r in rows
        if not cat.is_flow[cat.index[r.indicator.code]] and not ctx.ref(r.indicator.code).display.percent
    ]
    note = ""
    if balances:
        names = [ctx.ref(r.indicator.code).name for r in balances]
        note = ctx.w("note.outlook_balance", names=narrative.listed(names, ctx.lang))
    table = Table("outlook", ctx.w("table.outlook"), columns, tuple(_row(ctx, r) for r in rows), align, note)
    blocks += [table, ctx.chart("outlook", None, "outlook.chart")]
    return Section("outlook", ctx.w("section.outlook"), tuple(blocks))


def _share(r: OutlookRow, percent: bool) -> float | None:
    """The forecast as a share of the ensure target (not for a ratio: it compares in points)."""
    if r.point is None or not r.target_ensure or r.target_ensure <= 0 or percent:
        return None
    return 100 * r.point / r.target_ensure


def _forecast(ctx: Context, r: OutlookRow) -> forecast_wording.Forecast | None:
    """The forecast a sentence is said of: an indicator's with an ensure target, higher better."""
    code = r.indicator.code
    ref = ctx.ref(code)
    d = ref.display
    point, low, high = (ctx.shown(code, _d(x)) for x in (r.point, r.low, r.high))
    if point is None or not r.target_ensure or ref.direction != "higher":
        return None
    target = ctx.shown(code, _d(r.target_ensure))
    return forecast_wording.Forecast(
        ref.name, d.label, point, low, high, target, _share(r, d.percent), _pct(r.p_ensure), d.decimals, d.percent
    )


def _row(ctx: Context, r: OutlookRow) -> tuple[Cell, ...]:
    code = r.indicator.code
    d = ctx.ref(code).display
    low, high = ctx.shown(code, _d(r.low)), ctx.shown(code, _d(r.high))
    band = f"{wording.number(low, d.decimals)}–{wording.number(high, d.decimals)}" if low and high else "—"
    chance = _pct(r.p_ensure)
    return (
        Cell(ctx.ref(code).name),
        ctx.unit_cell(code),
        ctx.amount_cell(code, _d(r.ytd)),
        ctx.amount_cell(code, _d(r.point)),
        Cell(band),
        ctx.amount_cell(code, _d(r.target_ensure)),
        ctx.percent_cell(_share(r, d.percent)),
        Cell(forecast_wording.chance_cell_text(chance), _d(chance)),
    )


def _pct(p: float | None) -> float | None:
    """A chance (0..1) in percent."""
    return None if p is None else 100 * p


def _needs(ctx: Context) -> list[str]:
    out = []
    for code in ctx.key_codes:
        row = ctx.rows.get(code)
        if row is None or not row.needs or ctx.ref(code).direction != "higher" or row.time_progress_pct is None:
            continue
        need = row.needs[0]
        if need.tier != "ensure":
            continue
        ref = ctx.ref(code)
        remaining = ctx.shown(code, need.remaining)
        monthly = ctx.shown(code, need.monthly_average)
        if remaining is None:
            continue
        out.append(
            forecast_wording.need_sentence(
                ref.name, ref.display.label, remaining, monthly, 12 - ctx.scope.month, need.implied_growth, ctx.lang
            )
        )
    return out
