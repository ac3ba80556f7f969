"""A unit's monthly figures as an Excel template to fill in (``pacer facts template``).

One sheet per unit: the indicators it reports that month (its assignment; retired indicators are
not among them), grouped by category, with bilingual labels above the codes the import reads.
Category, code, name, unit of measure and reporting basis are locked; the value and note columns
are open, the value checked as a decimal (a whole number at scale 0) within the indicator's bounds.
A hidden stamp sheet names each sheet's unit, month, template version and a checksum of its
indicator list, so a template of another unit or month, an older version or an out-of-date
indicator list is refused on import. Sheets are protected without a password: a guard against
slips (no rows or columns inserted, deleted or moved), not a secret.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from sqlalchemy import select
from sqlalchemy.orm import Session
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pacer.auth.permissions import READ, Actor, restrict
from pacer.errors import DomainError, NotFound
from pacer.facts.rows import figure_limit
from pacer.indicators.assignment_service import reported_indicators_of
from pacer.indicators.service import list_indicators
from pacer.kit import periods, xlsx
from pacer.models import Indicator, IndicatorCategory, MeasureUnit, Unit
from pacer.org.repository import tree_on

VERSION = "pacer-facts/1"
STAMP_SHEET = "_stamp"
STAMP_COLUMNS = ("sheet", "unit_code", "period", "version", "checksum")
HEADER_ROW = 3  # the row of codes the import reads (1-based); labels above it
FIRST_ROW = HEADER_ROW + 1


COLUMNS = (
    xlsx.Column("category", "类别", "Category", 16, True),
    xlsx.Column("indicator_code", "指标代码", "Indicator code", 24, True),
    xlsx.Column("indicator_name", "指标名称", "Indicator", 30, True),
    xlsx.Column("measure", "计量单位", "Unit of measure", 12, True),
    xlsx.Column("basis", "口径", "Basis", 14, True),
    xlsx.Column("value", "本月数值", "Value", 20, False),
    xlsx.Column("note", "说明（选填）", "Note (optional)", 36, False),
)
LETTER = {c.code: chr(ord("A") + i) for i, c in enumerate(COLUMNS)}
BASIS = {
    "monthly": ("当月数", "Month's amount"),
    "ytd": ("本年累计", "Year to date"),
    "stock": ("月末余额", "Month-end balance"),
}


@dataclass(frozen=True)
class Line:
    category: str
    code: str
    name: str
    measure: str
    basis: str
    indicator: Indicator


@dataclass(frozen=True)
class UnitSheet:
    name: str
    unit: Unit
    period: int
    lines: list[Line]


def basis_of(indicator: Indicator) -> str:
    return "stock" if indicator.kind == "stock" else (indicator.reporting or "monthly")


def checksum(
    unit_code: str, period: int, indicators: Sequence[Indicator], parts: dict[Indicator, str] | None = None
) -> str:
    """A digest of what a sheet asks for: unit, month, version and each indicator's code, basis
    and scale. A changed assignment or definition makes an older template out of date. ``parts``
    keeps each indicator's part across calls (an import checks a thousand sheets' digests)."""
    parts = {} if parts is None else parts
    text = "|".join([unit_code, periods.format_period(period), VERSION, *sorted(_part(i, parts) for i in indicators)])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _part(indicator: Indicator, parts: dict[Indicator, str]) -> str:
    part = parts.get(indicator)
    if part is None:
        part = parts[indicator] = f"{indicator.code}:{basis_of(indicator)}:{indicator.scale}"
    return part


def template_indicators(session: Session, unit: Unit, period: int) -> list[Indicator]:
    """The indicators ``unit`` reports in ``period``, in the library's order."""
    return template_indicators_of(session, [(unit, period)])[(unit.id, period)]


def template_indicators_of(
    session: Session, wanted: Iterable[tuple[Unit, int]]
) -> dict[tuple[int, int], list[Indicator]]:
    """:func:`template_indicators` of many (unit, period) at once, by (unit id, period): one
    resolution of the assignment per month, whatever the number of units."""
    by_period: dict[int, set[int]] = {}
    for unit, period in wanted:
        by_period.setdefault(period, set()).add(unit.id)
    found = {i.code: i for i in session.scalars(select(Indicator))} if by_period else {}
    out: dict[tuple[int, int], list[Indicator]] = {}
    for period, unit_ids in by_period.items():
        for unit_id, codes in reported_indicators_of(session, unit_ids, period).items():
            out[(unit_id, period)] = [found[c] for c in codes if c in found]
    return out


def _lines(session: Session, unit: Unit, period: int, lang: str) -> list[Line]:
    indicators = template_indicators(session, unit, period)
    names = {r.code: (r.name_zh, r.name_en) for r in list_indicators(session, None, period // 100)}
    cats = {c.code: c for c in session.scalars(select(IndicatorCategory))}
    measures = {m.code: m for m in session.scalars(select(MeasureUnit))}
    order = {code: i for i, code in enumerate(sorted(cats, key=lambda c: (cats[c].position, c)))}
    indicators.sort(key=lambda i: order.get(i.category, len(order)))  # stable: library order within
    zh = lang == "zh"
    lines = []
    for ind in indicators:
        cat, measure = cats.get(ind.category), measures.get(ind.unit)
        name_zh, name_en = names.get(ind.code, (ind.code, ind.code))
        lines.append(
            Line(
                (cat.name_zh if zh else cat.name_en) if cat else ind.category,
                ind.code,
                name_zh if zh else name_en,
                (measure.symbol_zh if zh else measure.symbol_en) if measure else ind.unit,
                "{} {}".format(*BASIS[basis_of(ind)]),
                ind,
            )
        )
    return lines


def template_units(session: Session, actor: Actor, code: str, scope: str) -> list[Unit]:
    """The units a template covers: ``code`` itself (scope 'unit'), its children ('children') or
    it and every unit below it ('subtree'), those ``actor`` may read, by code."""
    unit = session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, READ))
    if unit is None:
        raise NotFound(f"--unit: no unit '{code}'")
    if scope == "unit":
        return [unit]
    tree = tree_on(session, date.today())
    kids: dict[int, list[int]] = {}
    for child, parent in tree.items():
        if parent is not None:
            kids.setdefault(parent, []).append(child)
    ids, stack = [], list(kids.get(unit.id, []))
    while stack:
        ids.append(stack.pop())
        if scope == "subtree":
            stack.extend(kids.get(ids[-1], []))
    if scope == "subtree":
        ids.append(unit.id)
    found = list(session.scalars(restrict(select(Unit).where(Unit.id.in_(ids)), actor, Unit.id, READ)))
    if not found:
        raise DomainError(f"--unit: '{code}' has no units below it")
    return sorted(found, key=lambda u: u.code)


def sheet_name(code: str, taken: set[str]) -> str:
    """A unit's code as a sheet name Excel takes: at most 31 characters, none of []:*?/\\, unique."""
    base = "".join("_" if c in "[]:*?/\\" else c for c in code)[:31].strip("'") or "unit"
    name, n = base, 1
    while name.lower() in taken or name == STAMP_SHEET:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}~{n}"
    taken.add(name.lower())
    return name


def build_sheets(session: Session, units: Sequence[Unit], period: int, lang: str) -> list[UnitSheet]:
    sheets: list[UnitSheet] = []
    taken: set[str] = set()
    for unit in units:
        lines = _lines(session, unit, period, lang)
        if lines or len(units) == 1:
            sheets.append(UnitSheet(sheet_name(unit.code, taken), unit, period, lines))
    if not sheets or not any(s.lines for s in sheets):
        raise DomainError(f"no indicators are reported by {', '.join(u.code for u in units)} in "
                          f"{periods.format_period(period)}: nothing to fill in")  # fmt: skip
    return sheets


def write_template(
    session: Session, actor: Actor, unit_code: str, period: int, lang: str = "zh", scope: str = "unit"
) -> bytes:
    """The template workbook for ``unit_code`` (or the units under it) and ``period``."""
    units = template_units(session, actor, unit_code, scope)
    sheets = build_sheets(session, units, period, lang)
    out = BytesIO()
    book = xlsx.writer(out)
    for sheet in sheets:
        _write_sheet(book, sheet, lang)
    _write_stamp(book, sheets)
    book.close()
    return out.getvalue()


def _write_sheet(book: Workbook, data: UnitSheet, lang: str) -> None:
    sheet = book.add_worksheet(data.name)
    title = book.add_format({"bold": True, "font_size": 13})
    head, code = xlsx.header_formats(book)
    locked = book.add_format({"bg_color": "#F4F4F4", "border": 1, "border_color": "#DDDDDD"})
    open_ = book.add_format({"locked": False, "border": 1, "border_color": "#BBBBBB"})
    month = periods.format_period(data.period)
    sheet.write_string(0, 0, f"{data.unit.code} {data.unit.name(lang)} · {month} 月度数据 Monthly figures", title)
    for c, col in enumerate(COLUMNS):
        sheet.set_column(c, c, col.width)
        sheet.write_string(HEADER_ROW - 2, c, f"{col.zh}\n{col.en}", head)
        sheet.write_string(HEADER_ROW - 1, c, col.code, code)
    for r, line in enumerate(data.lines, start=HEADER_ROW):
        for c, text in enumerate((line.category, line.code, line.name, line.measure, line.basis)):
            sheet.write_string(r, c, text, locked)
        sheet.write_blank(r, len(COLUMNS) - 2, None, open_)
        sheet.write_blank(r, len(COLUMNS) - 1, None, open_)
        _validate(sheet, r, line.indicator)
    sheet.set_row(HEADER_ROW - 2, 36)
    sheet.freeze_panes(HEADER_ROW, 3)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _validate(sheet: Worksheet, r: int, indicator: Indicator) -> None:
    bound = figure_limit(indicator) * (12 if basis_of(indicator) == "ytd" else 1) / 10**indicator.scale
    low = 0 if indicator.never_negative else -bound
    whole = indicator.scale == 0
    column = len(COLUMNS) - 2
    sheet.data_validation(
        r,
        column,
        r,
        column,
        {
            "validate": "integer" if whole else "decimal",
            "criteria": "between",
            "minimum": low,
            "maximum": bound,
            "error_title": "数值无效 Invalid value",
            "error_message": (f"请填写{'整数' if whole else '数字'}，介于 {low:,.0f} 与 {bound:,.0f} 之间。\n"
                              f"Enter a {'whole ' if whole else ''}number from {low:,.0f} to {bound:,.0f}."),
        },
    )  # fmt: skip


def _write_stamp(book: Workbook, sheets: Sequence[UnitSheet]) -> None:
    stamp = book.add_worksheet(STAMP_SHEET)
    for c, name in enumerate(STAMP_COLUMNS):
        stamp.write_string(0, c, name)
    for r, s in enumerate(sheets, start=1):
        values = (s.name, s.unit.code, periods.format_period(s.period), VERSION, checksum(
            s.unit.code, s.period, [line.indicator for line in s.lines]))  # fmt: skip
        for c, text in enumerate(values):
            stamp.write_string(r, c, text)
    stamp.protect("")
    stamp.hide()
