"""What the terminal tables share: their words in both languages, numbers on screen, tables
split to fit the terminal, and the documents' rows as CSV.

Tables are drawn from the documents alone (and the group's unit table, which says what a unit
code means), so the three formats cannot disagree. Money is shown in 亿元 or 万元 as asked;
every other unit on the scale of its dimension that its largest figure in the document reaches
(t or kt, tce or ktce …). Wherever a table shows a total and the lines it is made of, the lines
are apportioned with :func:`pacer.analysis.breakdown` so the shown lines add up to the shown
total (a unit's own figures and the elimination entries booked on it are lines of their own).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Column, Table

from pacer.analysis import DisplayScale, DisplayUnit, UnitOfMeasure, breakdown, choose, to_display, wording
from pacer.cli.present.documents import Quantity
from pacer.kit.tabular import csv_safe

DASH = "—"
WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "indicator": "指标",
        "measure_unit": "计量单位",
        "month": "本月",
        "ytd": "本年累计",
        "ytd_ly": "上年同期",
        "yoy": "同比",
        "mom": "环比",
        "ensure": "确保目标",
        "strive": "力争目标",
        "completion": "完成率",
        "progress": "时间进度",
        "gap": "进度差",
        "status": "状态",
        "need": "尚需（月均）",
        "rank": "名次",
        "unit": "单位",
        "own": "本级及抵销",
        "total": "合计",
        "current": "本期",
        "previous": "上年同期",
        "change": "增减",
        "share": "占增减",
        "pull": "拉动",
        "point": "预计全年",
        "range": "区间（80%）",
        "method": "方法",
        "p_ensure": "达确保概率",
        "p_strive": "达力争概率",
        "period": "期间",
        "amounts": "金额单位：{label}",
        "cockpit": "{unit} · {period} 经营指标（{set}；{amounts}）",
        "rank_title": "{indicator} · {period} 排名（按{measure}；{scope}；{amounts}）",
        "children": "{unit}的下级单位",
        "level": "第{level}级单位",
        "bridge": "{unit} · {indicator} · {period} 增减因素（{span}，与上年同期比；{amounts}）",
        "outlook": "{unit} · {period} 全年预计（{set}；{amounts}）",
        "history": "{unit} · {indicator} 逐月情况（{amounts}）",
        "ytd_m": "本年累计",
        "value_m": "本月数",
        "yoy_m": "同比",
        "completion_m": "完成率",
        "gap_m": "进度差",
        "month_s": "当月",
        "quarter_s": "本季",
        "half_s": "本半年",
        "ytd_s": "本年累计",
        "year_s": "全年",
        "per_month": "月均",
        "no_data": "无数据",
        "actual": "实际",
        "holt_winters": "统计预测",
        "seasonal": "季节比例",
        "run_rate": "按进度推算",
    },
    "en": {
        "indicator": "Indicator",
        "measure_unit": "Unit",
        "month": "Month",
        "ytd": "YTD",
        "ytd_ly": "Last year YTD",
        "yoy": "YoY",
        "mom": "MoM",
        "ensure": "Ensure",
        "strive": "Strive",
        "completion": "Completion",
        "progress": "Time",
        "gap": "Gap",
        "status": "Status",
        "need": "Remaining (per month)",
        "rank": "Rank",
        "unit": "Unit",
        "own": "Own and eliminations",
        "total": "Total",
        "current": "Current",
        "previous": "Last year",
        "change": "Change",
        "share": "Share",
        "pull": "Contribution",
        "point": "Year-end",
        "range": "Range (80%)",
        "method": "Method",
        "p_ensure": "P(ensure)",
        "p_strive": "P(strive)",
        "period": "Period",
        "amounts": "amounts in {label}",
        "cockpit": "{unit} · {period} operations ({set}; {amounts})",
        "rank_title": "{indicator} · {period} ranking (by {measure}; {scope}; {amounts})",
        "children": "units under {unit}",
        "level": "level {level} units",
        "bridge": "{unit} · {indicator} · {period} change by unit ({span} against last year; {amounts})",
        "outlook": "{unit} · {period} year-end outlook ({set}; {amounts})",
        "history": "{unit} · {indicator} month by month ({amounts})",
        "ytd_m": "YTD",
        "value_m": "month value",
        "yoy_m": "YoY",
        "completion_m": "completion",
        "gap_m": "gap",
        "month_s": "month",
        "quarter_s": "quarter to date",
        "half_s": "half to date",
        "ytd_s": "year to date",
        "year_s": "whole year",
        "per_month": "per month",
        "no_data": "no data",
        "actual": "actual",
        "holt_winters": "statistical",
        "seasonal": "seasonal",
        "run_rate": "run rate",
    },
}


# -- numbers on screen ------------------------------------------------------------------------------


def scaled_of(q: Quantity) -> tuple[int, int]:
    """(scaled integer, scale) of a decimal string."""
    d = Decimal(q["value"])
    scale = max(0, -int(d.as_tuple().exponent))
    return int(d.scaleb(scale)), scale


MONEY = "money"  # the dimension whose scale the terminal is asked for (--scale: 亿元 or 万元)


@dataclass(frozen=True)
class Screen:
    """How a document's quantities are shown: money on the scale asked for, every other unit of
    the group's table on the scale its largest figure in the document reaches (:meth:`fit`)."""

    money: DisplayUnit = DisplayUnit.YI_YUAN
    units: Mapping[str, UnitOfMeasure] = field(default_factory=dict)
    chosen: Mapping[str, DisplayScale] = field(default_factory=dict)

    def fit(self, doc: Any) -> Screen:
        """One scale per unit code for the whole document, so a column never switches scales."""
        biggest: dict[str, Decimal] = {}
        for q in _quantities(doc):
            if q["unit"] in self.units:
                biggest[q["unit"]] = max(biggest.get(q["unit"], Decimal(0)), abs(Decimal(q["value"])))
        return replace(self, chosen={code: choose(self.units[code], size) for code, size in biggest.items()})

    def scale(self, code: str) -> DisplayScale | None:
        """The scale figures of the unit ``code`` are shown on (None: an unknown code, shown as it is)."""
        unit = self.units.get(code)
        if unit is None:
            return None
        if unit.dimension == MONEY:
            m = self.money
            return DisplayScale(m.name.lower(), m.ratio / Fraction(unit.factor), m.label_in("zh"), m.label_in("en"))
        return self.chosen.get(code) or choose(unit, None)

    def percent(self, code: str) -> bool:
        return code in self.units and self.units[code].percent

    def additive(self, code: str) -> bool:
        return code in self.units and self.units[code].additive


def _quantities(value: Any) -> Iterator[Quantity]:
    if isinstance(value, dict):
        if set(value) == {"value", "unit"}:
            yield value  # type: ignore[misc]  # a dict of exactly these keys is a Quantity
            return
        for item in value.values():
            yield from _quantities(item)
    elif isinstance(value, list):
        for item in value:
            yield from _quantities(item)


def _screen(screen: Screen | DisplayUnit) -> Screen:
    return screen if isinstance(screen, Screen) else Screen(screen)


def amount(q: Quantity | None, screen: Screen | DisplayUnit, signed: bool = False) -> str:
    if q is None:
        return DASH
    screen, unit = _screen(screen), q["unit"]
    d = Decimal(q["value"])
    if unit == "pp" or screen.percent(unit):
        return wording.number(d, 2, signed) + ("pp" if unit == "pp" else "%")
    shown = screen.scale(unit)
    if shown is not None and shown.ratio != 1:
        scaled, scale = scaled_of(q)
        return wording.number(to_display(scaled, scale, shown, 2), 2, signed)
    return wording.number(d, max(0, -int(d.as_tuple().exponent)), signed)


def _language(w: Mapping[str, str]) -> str:
    return "en" if w is WORDS["en"] else "zh"


def unit_label(unit: str, screen: Screen | DisplayUnit, w: Mapping[str, str]) -> str:
    language = _language(w)
    if unit == "pp":
        return wording.PP_WORDS[language == "en"]
    shown = _screen(screen).scale(unit)
    return unit if shown is None else wording.unit_label(shown, language)


def pct(x: float | None, decimals: int = 1) -> str:
    return wording.percent(x, decimals)


def pp(x: float | None) -> str:
    return wording.pp(x, "en", 1, compact=True)


def shown_breakdown(
    total: Quantity | None, parts: Sequence[Quantity | None], screen: Screen
) -> tuple[str, list[str], str] | None:
    """Shown total, shown parts and the shown remainder line (total - parts) adding up on screen;
    None when the figures are not amounts that add up (ratios), are shown exactly as they are
    (persons, counts: they add up by themselves) or some are missing."""
    if total is None or not screen.additive(total["unit"]) or any(p is None for p in parts):
        return None
    shown = screen.scale(total["unit"])
    if shown is None or shown.ratio == 1:
        return None
    scaled_total, scale = scaled_of(total)
    exact = [scaled_of(p) for p in parts if p is not None]
    if any(s != scale for _, s in exact):
        return None
    values = [v for v, _ in exact]
    shown_total, lines = breakdown([*values, scaled_total - sum(values)], scale, shown, 2)
    text = [f"{s:,.2f}" for s in lines]
    return f"{shown_total:,.2f}", text[:-1], text[-1]


def new_table(title: str, headers: Sequence[str], numeric_from: int) -> Table:
    table = Table(title=title, title_justify="left")
    for i, h in enumerate(headers):
        table.add_column(h, justify="right" if i >= numeric_from else "left", no_wrap=i == 0)
    return table


def amounts_label(screen: Screen, w: Mapping[str, str]) -> str:
    """The money scale of the table's title (金额单位：亿元)."""
    return w["amounts"].format(label=screen.money.label_in(_language(w)))


def figures_label(unit: str, screen: Screen, w: Mapping[str, str]) -> str:
    """What one indicator's figures are in, for a table's title: 金额单位：亿元 for money, else the
    scale of its unit (千吨, %)."""
    money = unit in screen.units and screen.units[unit].dimension == MONEY
    return amounts_label(screen, w) if money else unit_label(unit, screen, w)


# -- tables that fit the terminal ---------------------------------------------------------------------


def _column_width(column: Column) -> int:
    return max([cell_len(str(column.header)), *(cell_len(str(c)) for c in column._cells)]) + 3


def fit(whole: Table, width: int) -> RenderableType:
    columns = whole.columns
    if sum(_column_width(c) for c in columns) + 1 <= width or len(columns) < 3:
        return whole
    groups: list[list[Column]] = [[]]
    room = width - 1 - _column_width(columns[0])
    used = 0
    for column in columns[1:]:
        if groups[-1] and used + _column_width(column) > room:
            groups.append([])
            used = 0
        groups[-1].append(column)
        used += _column_width(column)
    parts = []
    for n, group in enumerate(groups):
        part = Table(title=whole.title if n == 0 else None, title_justify="left")
        for column in [columns[0], *group]:
            part.add_column(column.header, justify=column.justify, no_wrap=True)
        for row in range(whole.row_count):
            part.add_row(*(column._cells[row] for column in [columns[0], *group]))
        parts.append(part)
    return Group(*parts)


# -- CSV ----------------------------------------------------------------------------------------------


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """One row's fields as CSV columns: nested fields joined with '.', a quantity as its decimal
    string, a list of needs keyed by tier."""
    if isinstance(value, dict):
        if set(value) == {"value", "unit"}:
            yield prefix, value["value"]
            return
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for item in value:
            yield from flatten({k: v for k, v in item.items() if k != "tier"}, f"{prefix}.{item['tier']}")
    else:
        yield prefix, value


def rows_csv(doc: Mapping[str, Any]) -> str:
    """One line per element of the document's ``rows`` (``lines`` for a bridge)."""
    items = doc["lines"] if doc["command"] == "bridge" else doc["rows"]
    # the bridge's own and eliminations lines have no unit; blank cells keep their columns those
    # of the other lines
    rows = [dict(flatten({**r, "unit": r["unit"] or {"code": "", "name": ""}} if "unit" in r else r)) for r in items]
    header: list[str] = []
    for r in rows:
        header += [k for k in r if k not in header]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return out.getvalue()


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return csv_safe(v)
