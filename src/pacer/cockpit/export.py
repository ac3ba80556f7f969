"""Excel workbooks of what a page shows (openpyxl): the numbers exact, the headings localized."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pacer.cockpit import schemas
from pacer.web.i18n import translate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _num(x: Decimal | float | None) -> float | None:
    return None if x is None else float(x)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]], first: bool = False) -> None:
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, text in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, 2 * len(text) + 4))
    ws.freeze_panes = "A2"


def ranking_rows(ranking: schemas.Ranking, lang: str) -> tuple[list[str], list[list[object]]]:
    t = lambda k: translate(lang, k)  # noqa: E731
    unit = ranking.indicator.unit
    header = [t("cockpit.rank"), t("common.unit"), "code", f"{t('cockpit.ytd')} ({_unit_label(unit, lang)})",
              f"{t('cockpit.yoy')} %", t("cockpit.yoy"), f"{t('cockpit.completion')} %", f"{t('cockpit.gap')} (pp)", "status"]
    rows = [[r.rank, r.unit.name, r.unit.code, _num(r.ytd), r.yoy.percent, r.yoy.text, r.completion_pct, r.gap_pp,
             t(f"status.{r.status}") if r.status else ""] for r in ranking.rows]
    return header, rows


def _unit_label(unit: str, lang: str) -> str:
    return {"yuan": "元" if lang == "zh" else "RMB", "percent": "%"}.get(unit, unit)


def ranking_workbook(unit: schemas.UnitRef, period: str, ranking: schemas.Ranking, lang: str) -> bytes:
    wb = Workbook()
    header, rows = ranking_rows(ranking, lang)
    _sheet(wb, f"{ranking.indicator.name} {period}", header, rows, first=True)
    return _save(wb)


def indicator_workbook(page: schemas.IndicatorOut, lang: str) -> bytes:
    t = lambda k: translate(lang, k)  # noqa: E731
    wb = Workbook()
    unit = _unit_label(page.tile.indicator.unit, lang)
    _sheet(wb, t("cockpit.months"), [t("common.period"), f"{t('cockpit.value')} ({unit})", f"{t('cockpit.ytd')} ({unit})",
                                     f"{t('cockpit.last_year')} ({unit})", f"{t('cockpit.yoy')} %", t("cockpit.yoy")],
           [[m.period, _num(m.value), _num(m.ytd), _num(m.ytd_last_year), m.yoy.percent, m.yoy.text] for m in page.months],
           first=True)
    header, rows = ranking_rows(page.children, lang)
    _sheet(wb, t("cockpit.children"), header, rows)
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
