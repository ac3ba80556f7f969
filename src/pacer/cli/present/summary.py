"""The terminal picture of a unit for one month: what HQ reads first."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from pacer.analysis import (
    Analysis,
    CockpitRow,
    DisplayUnit,
    Status,
    TimeBasis,
    Value,
    breakdown,
    get_analysis,
    incomplete,
    to_display,
    wording,
)
from pacer.cli.present.scope import resolve_period
from pacer.db import get_engine, unit_of_work
from pacer.errors import NotFound
from pacer.group_settings.service import current
from pacer.kit import periods
from pacer.models import Indicator, IndicatorVersion

COLUMNS = ("revenue", "total_profit", "two_funds", "rd_intensity")
BALANCES = frozenset({"two_funds"})  # period-end balances: their "YTD" is the month-end figure
RATIOS = frozenset({"rd_intensity"})  # shown in percent; children's ratios do not add up
STATUS_STYLE = {Status.ON_TRACK: "green", Status.WATCH: "yellow", Status.OFF_TRACK: "red"}
TEXT = {
    "zh": {
        "unit": "单位",
        "own": "本级及抵销",
        "ytd": "本年累计",
        "balance": "期末余额",
        "yoy": "同比",
        "completion": "完成率",
        "title": "{name} · {period} 经营情况（本年累计，金额单位：{amounts}；时间进度 {progress}）",
        "checks": "预警",
        "rd_low": "研发投入强度低于10%",
        "funds": "两金增速高于收入增速",
        "cash": "经营现金流为负",
        "none": "无",
    },
    "en": {
        "unit": "Unit",
        "own": "Own and eliminations",
        "ytd": "YTD",
        "balance": "Period end",
        "yoy": "YoY",
        "completion": "Completion",
        "title": "{name} · {period} operations (year to date, amounts in {amounts}; time progress {progress})",
        "checks": "Warnings",
        "rd_low": "R&D intensity below 10%",
        "funds": "two funds growing faster than revenue",
        "cash": "negative operating cash flow",
        "none": "none",
    },
}


def _group_settings() -> tuple[TimeBasis, DisplayUnit]:
    """The group's time-progress basis and money scale (``pacer settings``)."""
    with unit_of_work() as session:
        group = current(session)
    basis: TimeBasis = "seasonal" if group.time_basis == "seasonal" else "linear"
    return basis, DisplayUnit.WAN_YUAN if group.money_scale == "wan" else DisplayUnit.YI_YUAN


def _names(language: str) -> dict[str, str]:
    with unit_of_work() as session:
        rows = session.execute(
            select(Indicator.code, IndicatorVersion.name_zh, IndicatorVersion.name_en)
            .join(IndicatorVersion)
            .order_by(IndicatorVersion.from_year)
        )
        return {code: (zh if language == "zh" else en) for code, zh, en in rows}


def _cells(row: CockpitRow, code: str, language: str, shown: Decimal | None, money: DisplayUnit) -> list[str]:
    if code in RATIOS:
        value = wording.percent(row.ytd.number if row.ytd else None, 2)
        return [value, wording.change(row.yoy, language)]
    cells = [wording.number(shown, 2), wording.change(row.yoy, language, money)]
    if code in ("revenue", "total_profit"):
        text = f"{wording.percent(row.completion_pct)} {wording.gap(row.gap_pp)}".strip()
        style = STATUS_STYLE.get(row.status) if row.status else None
        cells.append(f"[{style}]{text}[/]" if style else text)
    return cells


def _shown_amounts(
    node_row: CockpitRow, child_rows: list[CockpitRow], additive: bool, money: DisplayUnit
) -> tuple[Decimal | None, list[Decimal | None], Decimal | None]:
    """``(total, children, own line)`` rounded so that the children shown and the node's own line
    (its own figures less the eliminations booked on it) add up to the total shown; the own
    line is None for a ratio or where a value is missing. (A sum of reported amounts, such as
    the two funds, is a whole number of fen, so its scaled values add up as well.)"""
    whole, values = node_row.ytd, [r.ytd for r in child_rows]
    present = [v for v in values if v is not None]
    if whole is None or len(present) < len(values) or not additive:

        def alone(v: Value | None) -> Decimal | None:
            return None if v is None else to_display(v.scaled, v.scale, money)

        return alone(whole), [alone(v) for v in values], None
    parts = [v.scaled for v in present]
    total, shown = breakdown([*parts, whole.scaled - sum(parts)], whole.scale, money)
    return total, [*shown[:-1]], shown[-1]


def render_summary(console: Console, as_of: str | None, unit_code: str | None, language: str) -> None:
    """``as_of`` is a month YYYY-MM (default: the latest month complete enough to read)."""
    analysis = get_analysis(get_engine())
    data, engine = analysis.data, analysis.engine
    period = resolve_period(analysis, as_of)
    year, month = periods.split(period)
    index = data.unit_index()
    code = unit_code or data.units.codes[0]
    if code not in index:
        raise NotFound(f"unknown unit '{code}'")
    node = index[code]
    basis, money = _group_settings()
    cockpit = engine.cockpit(node, year, month, COLUMNS, time_basis=basis)
    text, names = TEXT[language], _names(language)
    unit_names = {r.code: (r.name_zh if language == "zh" else r.name_en) for r in data.unit_rows}
    progress = wording.percent(cockpit.row("revenue").time_progress_pct)
    kids = [engine.cockpit(child, year, month, COLUMNS, time_basis=basis) for child in cockpit.children]
    shown = {c: _shown_amounts(cockpit.row(c), [k.row(c) for k in kids], c not in RATIOS, money) for c in COLUMNS}
    labels = [f"[bold]{unit_names[code]}[/]"] + ["  " + unit_names[data.units.codes[k.node]] for k in kids]
    rows = [cockpit, *kids]

    def cells(c: str) -> list[list[str]]:
        amounts = [shown[c][0], *shown[c][1]]
        out = [_cells(r.row(c), c, language, amounts[i], money) for i, r in enumerate(rows)]
        if has_own:  # the remainder, so that the lines shown add up to the total shown
            own = shown[c][2]
            blank = len(out[0]) - 1
            out.append(["" if own is None else wording.number(own, 2)] + [""] * blank)
        return out

    has_own = any(shown[c][2] for c in COLUMNS)
    if has_own:
        labels.append("  " + text["own"])

    title = text["title"].format(
        name=unit_names[code],
        period=periods.format_period(period),
        progress=progress,
        amounts=wording.unit_label(money, language),
    )
    _print_title(console, title, analysis, period, language)
    # A wide terminal gets one table; a narrow one a table per indicator, so nothing is cut.
    groups = [list(COLUMNS)] if console.width >= 150 else [[c] for c in COLUMNS]
    for group in groups:
        table = Table(title_justify="left", title=None if len(group) > 1 else names[group[0]])
        table.add_column(text["unit"], ratio=1)  # the name wraps, so no figure is cut
        for c in group:
            measure = text["balance"] if c in BALANCES else text["ytd"]
            head = f"{names[c]}\n{measure}" if len(group) > 1 else measure
            table.add_column(head, justify="right", no_wrap=True)
            table.add_column(text["yoy"], justify="right", no_wrap=True)
            if c in ("revenue", "total_profit"):
                table.add_column(text["completion"], justify="right", no_wrap=True)
        by_code = {c: cells(c) for c in group}
        for i, label in enumerate(labels):
            table.add_row(label, *[cell for c in group for cell in by_code[c][i]])
        console.print(table)
    _print_checks(console, analysis, node, year, month, text, unit_names)


def _print_title(console: Console, title: str, analysis: Analysis, period: int, language: str) -> None:
    """The title, and a warning when the month's figures are still being reported."""
    console.print(title, style="bold", highlight=False)
    state = incomplete(analysis, period)
    if state is not None:
        console.print(
            wording.still_reported(periods.format_period(period), state.reported, state.expected, language),
            style="yellow",
            highlight=False,
            soft_wrap=True,
        )


def _print_checks(
    console: Console,
    analysis: Analysis,
    node: int,
    year: int,
    month: int,
    text: dict[str, str],
    unit_names: dict[str, str],
) -> None:
    data = analysis.data
    lines = []
    for row in analysis.engine.checks(node, year, month):
        name = unit_names[data.units.codes[row.node]]
        if row.rd_intensity_below_line:
            lines.append(f"{name}: {text['rd_low']} ({wording.percent(row.rd_intensity_pct, 2)})")
        if row.two_funds_outpacing_revenue:
            lines.append(
                f"{name}: {text['funds']} ({wording.percent(row.two_funds_growth_pct)}"
                f" > {wording.percent(row.revenue_growth_pct)})"
            )
        if row.operating_cash_flow_negative:
            lines.append(f"{name}: {text['cash']}")
    console.print(f"[bold]{text['checks']}[/]: " + (text["none"] if not lines else ""))
    for line in lines:
        console.print("  • " + line)
