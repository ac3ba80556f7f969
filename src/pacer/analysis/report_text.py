"""The analysis documents of :mod:`pacer.analysis.report` as terminal tables and as CSV.

Tables are drawn from the documents alone, so the three formats cannot disagree. Money is shown
in 亿元 or 万元; wherever a table shows a total and the lines it is made of, the lines are
apportioned with :func:`pacer.analysis.display.breakdown` so the shown lines add up to the shown
total (a unit's own figures and the elimination entries booked on it are lines of their own).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Column, Table

from pacer.analysis import wording
from pacer.analysis.display import DisplayUnit, breakdown, crossed_breakdown, to_display
from pacer.analysis.report import (
    BridgeReport,
    CockpitReport,
    HistoryReport,
    OutlookReport,
    Quantity,
    RankReport,
)
from pacer.analysis.wording import bridge_line
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
        "person": "人",
        "count": "个",
        "per_person": "万元/人",
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
        "person": "persons",
        "count": "count",
        "per_person": "RMB 10k/person",
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


def _exact(q: Quantity) -> tuple[int, int]:
    """(scaled integer, scale) of a decimal string."""
    d = Decimal(q["value"])
    scale = max(0, -int(d.as_tuple().exponent))
    return int(d.scaleb(scale)), scale


def amount(q: Quantity | None, money: DisplayUnit, signed: bool = False) -> str:
    if q is None:
        return DASH
    unit = q["unit"]
    if unit in ("yuan", "yuan_per_person"):
        scaled, scale = _exact(q)
        shown = to_display(scaled, scale, money if unit == "yuan" else DisplayUnit.WAN_YUAN, 2)
        return wording.number(shown, 2, signed)
    d = Decimal(q["value"])
    if unit in ("percent", "pp"):
        return wording.number(d, 2, signed) + ("%" if unit == "percent" else "pp")
    return wording.number(d, max(0, -int(d.as_tuple().exponent)), signed)  # type: ignore[operator]


def _language(w: Mapping[str, str]) -> str:
    return "en" if w is WORDS["en"] else "zh"


def unit_label(unit: str, money: DisplayUnit, w: Mapping[str, str]) -> str:
    return wording.unit_label(unit, _language(w), money)


def pct(x: float | None, decimals: int = 1) -> str:
    return wording.percent(x, decimals)


def pp(x: float | None) -> str:
    return wording.pp(x, "en", 1, compact=True)


def shown_breakdown(
    total: Quantity | None, parts: Sequence[Quantity | None], money: DisplayUnit
) -> tuple[str, list[str], str] | None:
    """Shown total, shown parts and the shown remainder line (total - parts) adding up on screen;
    None when the figures are not amounts that add up (ratios) or some are missing."""
    if total is None or total["unit"] != "yuan" or any(p is None for p in parts):
        return None
    scaled_total, scale = _exact(total)
    exact = [_exact(p) for p in parts if p is not None]
    if any(s != scale for _, s in exact):
        return None
    values = [v for v, _ in exact]
    shown_total, shown = breakdown([*values, scaled_total - sum(values)], scale, money, 2)
    text = [f"{s:,.2f}" for s in shown]
    return f"{shown_total:,.2f}", text[:-1], text[-1]


def _table(title: str, headers: Sequence[str], numeric_from: int) -> Table:
    table = Table(title=title, title_justify="left")
    for i, h in enumerate(headers):
        table.add_column(h, justify="right" if i >= numeric_from else "left", no_wrap=i == 0)
    return table


def _amounts(money: DisplayUnit, w: Mapping[str, str]) -> str:
    return w["amounts"].format(label=money.label_in(_language(w)))


# -- tables -------------------------------------------------------------------------------------------


def cockpit_table(doc: CockpitReport, money: DisplayUnit) -> Table:
    w = WORDS[doc["language"]]
    table = _table(
        w["cockpit"].format(unit=doc["unit"]["name"], period=doc["period"], set=doc["set"], amounts=_amounts(money, w)),
        [
            w["indicator"],
            w["measure_unit"],
            w["month"],
            w["ytd"],
            w["ytd_ly"],
            w["yoy"],
            w["ensure"],
            w["strive"],
            w["completion"],
            w["progress"],
            w["gap"],
            w["status"],
            w["need"],
        ],
        2,
    )
    for r in doc["rows"]:
        need = r["needs"][0] if r["needs"] else None
        need_text = (
            DASH
            if need is None
            else amount(need["remaining"], money)
            + ("" if need["monthly_average"] is None else f" ({amount(need['monthly_average'], money)})")
        )
        table.add_row(
            r["indicator"]["name"],
            unit_label(r["indicator"]["unit"], money, w),
            amount(r["value"], money),
            amount(r["ytd"], money),
            amount(r["ytd_last_year"], money),
            r["yoy"]["text"],
            amount(r["target_ensure"], money),
            amount(r["target_strive"], money),
            pct(r["completion_pct"]),
            pct(r["time_progress_pct"]),
            pp(r["gap_pp"]),
            r["status_text"] or DASH,
            need_text,
        )
    return table


def rank_table(doc: RankReport, money: DisplayUnit) -> Table:
    w = WORDS[doc["language"]]
    parent = doc["parent"]
    scope = (
        w["children"].format(unit=parent["unit"]["name"])
        if parent is not None
        else w["level"].format(level=doc["level"])
    )
    ind = doc["indicator"]
    amounts = _amounts(money, w) if ind["unit"] == "yuan" else unit_label(ind["unit"], money, w)
    table = _table(
        w["rank_title"].format(
            indicator=ind["name"], period=doc["period"], measure=w[f"{doc['measure']}_m"], scope=scope, amounts=amounts
        ),
        [w["rank"], w["unit"], w["month"], w["ytd"], w["yoy"], w["completion"], w["gap"], w["status"]],
        2,
    )
    rows = doc["rows"]
    columns: dict[str, list[str]] = {}
    totals: dict[str, tuple[str, str | None]] = {}
    for field in ("value", "ytd"):
        whole = parent[field] if parent is not None else _sum([r[field] for r in rows])
        split = shown_breakdown(whole, [r[field] for r in rows], money)
        if split is None:
            columns[field] = [amount(r[field], money) for r in rows]
            totals[field] = (amount(whole, money), None)
        else:
            columns[field], totals[field] = split[1], (split[0], split[2])
    head = parent["unit"]["name"] if parent is not None else w["total"]
    table.add_row("", f"[bold]{head}[/]", totals["value"][0], totals["ytd"][0], "", "", "", "")
    for i, r in enumerate(rows):
        table.add_row(
            DASH if r["rank"] is None else str(r["rank"]),
            "  " + r["unit"]["name"],
            columns["value"][i],
            columns["ytd"][i],
            r["yoy"]["text"],
            pct(r["completion_pct"]),
            pp(r["gap_pp"]),
            r["status_text"] or DASH,
        )
    if parent is not None and (totals["value"][1] is not None or totals["ytd"][1] is not None):
        table.add_row("", "  " + w["own"], totals["value"][1] or "", totals["ytd"][1] or "", "", "", "", "")
    return table


def _sum(parts: Sequence[Quantity | None]) -> Quantity | None:
    if not parts or any(p is None for p in parts) or parts[0] is None or parts[0]["unit"] != "yuan":
        return None
    return {"value": str(sum(Decimal(p["value"]) for p in parts if p is not None)), "unit": parts[0]["unit"]}


def bridge_table(doc: BridgeReport, money: DisplayUnit) -> Table:
    """The bridge: each line's current and previous value and its change, adding up down every
    column and across every row. For a ratio, Change is each line's own change (its own ratio
    this year against last) and Contribution its part of the unit's change, in pp; for a sum,
    Contribution is its part of the unit's YoY percentage (拉动)."""
    w = WORDS[doc["language"]]
    ind = doc["indicator"]
    amounts = _amounts(money, w) if ind["unit"] == "yuan" else unit_label(ind["unit"], money, w)
    table = _table(
        w["bridge"].format(
            unit=doc["unit"]["name"],
            indicator=ind["name"],
            period=doc["period"],
            span=w[f"{doc['span']}_s"],
            amounts=amounts,
        ),
        [w["unit"], w["current"], w["previous"], w["change"], w["share"], w["pull"]],
        1,
    )
    lines = doc["lines"]
    head, rows = (_ratio_bridge_cells if doc["method"] == "ratio" else _sum_bridge_cells)(doc, money)
    table.add_row(f"[bold]{doc['unit']['name']}[/]", *head)
    for ln, cells in zip(lines, rows, strict=True):
        name = ln["unit"]["name"] if ln["unit"] is not None else bridge_line(ln["line"], doc["language"])
        table.add_row("  " + name, *cells)
    return table


def _sum_bridge_cells(doc: BridgeReport, money: DisplayUnit) -> tuple[list[str], list[list[str]]]:
    lines = doc["lines"]
    exact = [
        (_exact(ln["current"]), _exact(ln["previous"]))
        for ln in lines  # type: ignore[arg-type]
        if ln["current"] is not None and ln["previous"] is not None
    ]
    scales = {s for pair in exact for _, s in pair}
    if doc["current"]["unit"] == "yuan" and len(exact) == len(lines) and len(scales) <= 1:
        scale = scales.pop() if scales else _exact(doc["current"])[1]
        total, parts = crossed_breakdown([c for (c, _), _ in exact], [p for _, (p, _) in exact], scale, money, 2)
        money_text = [[wording.number(x, 2) for x in row] for row in [total, *parts]]
    else:  # amounts shown exactly (persons, counts): they add up as they are
        money_text = [
            [amount(q, money) for q in (x["current"], x["previous"], x["change"])]  # type: ignore[index]
            for x in [doc, *lines]
        ]
    shares = _tenths([ln["share_pct"] for ln in lines], 100.0)
    yoy = doc["yoy"]
    pulls = _tenths([ln["contribution_pp"] for ln in lines], yoy["percent"] if yoy["kind"] == "percent" else None)
    has_change = bool(doc["change"]["value"].strip("-0."))
    head = [*money_text[0], "100.0%" if has_change else DASH, yoy["text"]]
    rows = [[*money_text[i + 1], _tenth_text(shares[i], "%"), _tenth_text(pulls[i], "pp")] for i in range(len(lines))]
    return head, rows


def _ratio_bridge_cells(doc: BridgeReport, money: DisplayUnit) -> tuple[list[str], list[list[str]]]:
    """Own ratios and their own change across; contributions (adding up to the unit's change,
    by largest remainder) in the last column."""
    lines = doc["lines"]

    def own_change(cur: Quantity | None, prev: Quantity | None) -> str:
        if cur is None or prev is None:
            return DASH
        d = shown_number(cur, money) - shown_number(prev, money)  # as shown, so the row adds up
        return wording.pp(d, "en", 2, compact=True) if cur["unit"] == "percent" else wording.number(d, 2, True)

    change_unit = doc["change"]["unit"]
    exact = [_exact(ln["change"]) for ln in lines]
    scale = max([s for _, s in exact] + [0])
    parts = [v * 10 ** (scale - s) for v, s in exact]
    display = DisplayUnit.WAN_YUAN if change_unit == "yuan_per_person" else DisplayUnit.YUAN
    total, shown = breakdown(parts, scale, display, 2)
    suffix = "pp" if change_unit == "pp" else ""
    shares = _tenths([ln["share_pct"] for ln in lines], 100.0)
    head = [
        amount(doc["current"], money),
        amount(doc["previous"], money),
        own_change(doc["current"], doc["previous"]),
        "100.0%" if total else DASH,
        wording.number(total, 2, True) + suffix,
    ]
    rows = [
        [
            amount(ln["current"], money),
            amount(ln["previous"], money),
            own_change(ln["current"], ln["previous"]),
            _tenth_text(shares[i], "%"),
            wording.number(shown[i], 2, True) + suffix,
        ]
        for i, ln in enumerate(lines)
    ]
    return head, rows


def shown_number(q: Quantity, money: DisplayUnit) -> Decimal:
    """The number :func:`amount` shows for a quantity."""
    return Decimal(amount(q, money).replace(",", "").rstrip("%p").rstrip())


def _tenths(values: Sequence[float | None], total: float | None) -> list[int | None]:
    """Percentages in tenths adding up to ``total`` rounded to a tenth (largest remainder), or
    each rounded on its own when some are missing or there is no total to add up to."""
    if total is None or not values or any(v is None for v in values):
        return [None if v is None else _round_half_away(v * 10) for v in values]
    import numpy as np

    from pacer.analysis.bridge_derived import largest_remainder

    exact = np.array([v for v in values if v is not None], dtype=float) * 10
    return [int(x) for x in largest_remainder(exact, _round_half_away(total * 10))]


def _round_half_away(x: float) -> int:
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _tenth_text(tenths: int | None, suffix: str) -> str:
    if tenths is None:
        return DASH
    x = Decimal(tenths).scaleb(-1)
    return wording.percent(x, 1) if suffix == "%" else wording.pp(x, "en", 1, compact=True)


def outlook_table(doc: OutlookReport, money: DisplayUnit) -> Table:
    w = WORDS[doc["language"]]
    table = _table(
        w["outlook"].format(unit=doc["unit"]["name"], period=doc["period"], set=doc["set"], amounts=_amounts(money, w)),
        [
            w["indicator"],
            w["measure_unit"],
            w["ytd"],
            w["point"],
            w["range"],
            w["method"],
            w["ensure"],
            w["p_ensure"],
            w["strive"],
            w["p_strive"],
        ],
        2,
    )
    for r in doc["rows"]:
        span = (
            DASH if r["low"] is None or r["high"] is None else f"{amount(r['low'], money)} ~ {amount(r['high'], money)}"
        )
        table.add_row(
            r["indicator"]["name"],
            unit_label(r["indicator"]["unit"], money, w),
            amount(r["ytd"], money),
            amount(r["point"], money),
            span,
            w.get(r["method"], r["method"]),
            amount(r["target_ensure"], money),
            _prob(r["p_ensure"]),
            amount(r["target_strive"], money),
            _prob(r["p_strive"]),
        )
    return table


def _prob(p: float | None) -> str:
    return DASH if p is None else f"{100 * p:.0f}%"


def history_table(doc: HistoryReport, money: DisplayUnit) -> Table:
    w = WORDS[doc["language"]]
    ind = doc["indicator"]
    amounts = _amounts(money, w) if ind["unit"] == "yuan" else unit_label(ind["unit"], money, w)
    table = _table(
        w["history"].format(unit=doc["unit"]["name"], indicator=ind["name"], amounts=amounts),
        [w["period"], w["month"], w["ytd"], w["ytd_ly"], w["yoy"], w["mom"]],
        1,
    )
    for r in doc["rows"]:
        table.add_row(
            r["period"],
            amount(r["value"], money),
            amount(r["ytd"], money),
            amount(r["ytd_last_year"], money),
            r["yoy"]["text"],
            r["mom"]["text"],
        )
    return table


TABLES = {
    "cockpit": cockpit_table,
    "rank": rank_table,
    "bridge": bridge_table,
    "outlook": outlook_table,
    "history": history_table,
}


def table(doc: Mapping[str, Any], money: DisplayUnit, width: int | None = None) -> RenderableType:
    """The document's table; split into several (each repeating the first column) when it is
    wider than ``width``, so no figure is ever cut off."""
    whole = TABLES[doc["command"]](doc, money)  # type: ignore[operator]
    return whole if width is None else fit(whole, width)


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
