"""Excel workbooks of what a page shows (openpyxl), laid out like the page.

Amounts are on the page's display scale (亿元 or 万元) with the scale and unit in the column
header and a number format with the page's decimals; percentages and percentage points say so in
their header. The header row is frozen, columns are sized to their contents, and every text cell
is written as text: a unit name beginning with ``=`` is never a formula.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pacer.cockpit import format as fmt
from pacer.cockpit import schemas
from pacer.web.i18n import number, status, translate

HEADER_FILL = PatternFill("solid", fgColor="F0F3F7")


class Column:
    """A column: its heading and its number format (None: text)."""

    def __init__(self, heading: str, number_format: str | None = None) -> None:
        self.heading, self.number_format = heading, number_format


def _decimals_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _scaled(x: Decimal | float | None, display: schemas.Display) -> float | None:
    shown = fmt.shown(x, display)
    return None if shown is None else float(shown)


def _pct(x: float | None, decimals: int = 1) -> float | None:
    """A percentage or pp at the shown precision: Excel's format would show -0.04 as "-0.0"."""
    return None if x is None else float(number(x, decimals, grouped=False))


def _width(value: object) -> int:
    text = value if isinstance(value, str) else f"{value:,.2f}" if isinstance(value, float) else str(value or "")
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)


def as_text(cell: Cell) -> None:
    """Write a text cell as text, whatever it begins with (no formula, shown as typed)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            cell.quotePrefix = True


def _sheet(
    wb: Workbook, title: str, columns: list[Column], rows: list[list[object]], first: bool = False, totals: int = 0
) -> Worksheet:
    """One table: bold frozen header, formats per column, text as text; the last ``totals`` rows bold."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    ws.append([c.heading for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        as_text(cell)
    for row in rows:
        ws.append(row)
    for r in ws.iter_rows(min_row=2):
        for cell, column in zip(r, columns, strict=False):
            as_text(cell)
            if column.number_format and isinstance(cell.value, (int, float)):
                cell.number_format = column.number_format
    for r in range(ws.max_row - totals + 1, ws.max_row + 1):
        if r > 1:
            for cell in ws[r]:
                cell.font = Font(bold=True)
    for i, column in enumerate(columns, 1):
        widest = max([_width(column.heading)] + [_width(row[i - 1]) for row in rows if i - 1 < len(row)])
        ws.column_dimensions[get_column_letter(i)].width = max(8, min(50, widest + 2))
    ws.freeze_panes = "A2"
    return ws


def _unit(ref: schemas.IndicatorRef) -> str:
    return ref.display.label


def _ranking_columns(ref: schemas.IndicatorRef, lang: str) -> list[Column]:
    def t(key: str) -> str:
        return translate(lang, key)

    amount, unit = _decimals_format(ref.display.decimals), _unit(ref)
    measure = t("cockpit.measure." + ref.kind)
    return [
        Column(t("cockpit.rank"), "0"),
        Column(t("common.unit")),
        Column(t("export.code")),
        Column(f"{measure}（{unit}）" if lang == "zh" else f"{measure} ({unit})", amount),
        Column(f"{t('cockpit.yoy')} (%)", "0.0"),
        Column(t("cockpit.yoy")),
        Column(f"{t('cockpit.completion')} (%)", "0.0"),
        Column(f"{t('cockpit.time_progress')} (%)", "0.0"),
        Column(t("settings.time_basis")),
        Column(f"{t('cockpit.gap')} ({t('cockpit.pp')})", "+0.0;-0.0;0.0"),
        Column(t("cockpit.status")),
        Column(f"{t('tier.ensure')} ({unit})", amount),
        Column(f"{t('tier.strive')} ({unit})", amount),
    ]


def ranking_rows(
    ranking: schemas.Ranking, lang: str, unit_name: str | None = None
) -> tuple[list[Column], list[list[object]], int]:
    """The ranking's columns and rows, with the unit's own line and total where they add up."""

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    d = ranking.indicator.display
    columns = _ranking_columns(ranking.indicator, lang)
    rows: list[list[object]] = [
        [
            r.rank,
            r.unit.name,
            r.unit.code,
            _scaled(r.ytd, d),
            _pct(r.yoy.percent),
            r.yoy.text,
            _pct(r.completion_pct),
            _pct(r.time_progress_pct),
            t(f"basis.{r.time_basis}") if r.time_basis else None,
            _pct(r.gap_pp),
            status(r.status, lang),
            _scaled(r.target_ensure, d),
            _scaled(r.target_strive, d),
        ]
        for r in ranking.rows
    ]
    totals = 0
    if ranking.total is not None and ranking.own is not None:
        blank: list[object] = [None] * 9
        rows.append([None, t("cockpit.own_and_eliminations"), None, _scaled(ranking.own, d), *blank])
        rows.append(
            [
                None,
                f"{t('cockpit.total')} · {unit_name}" if unit_name else t("cockpit.total"),
                None,
                _scaled(ranking.total, d),
                *blank,
            ]
        )
        totals = 2
    return columns, rows, totals


def ranking_workbook(unit: schemas.UnitRef, period: str, ranking: schemas.Ranking, lang: str) -> bytes:
    wb = Workbook()
    columns, rows, totals = ranking_rows(ranking, lang, unit.name)
    _sheet(wb, f"{ranking.indicator.name} {period}", columns, rows, first=True, totals=totals)
    return _save(wb)


def indicator_workbook(page: schemas.IndicatorOut, lang: str) -> bytes:
    def t(key: str) -> str:
        return translate(lang, key)

    wb = Workbook()
    ref, d = page.tile.indicator, page.tile.indicator.display
    amount = _decimals_format(d.decimals)
    unit = _unit(ref)
    columns = [
        Column(t("common.period")),
        Column(f"{t('cockpit.value')} ({unit})", amount),
        Column(f"{t('cockpit.measure.' + ref.kind)} ({unit})", amount),
        Column(f"{t('cockpit.last_year')} ({unit})", amount),
        Column(f"{t('cockpit.yoy')} (%)", "0.0"),
        Column(t("cockpit.yoy")),
    ]
    _sheet(
        wb,
        t("cockpit.months"),
        columns,
        [
            [
                m.period,
                _scaled(m.value, d),
                _scaled(m.ytd, d),
                _scaled(m.ytd_last_year, d),
                _pct(m.yoy.percent),
                m.yoy.text,
            ]
            for m in page.months
        ],
        first=True,
    )
    columns, rows, totals = ranking_rows(page.children, lang, page.unit.name)
    _sheet(wb, t("cockpit.children"), columns, rows, totals=totals)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
