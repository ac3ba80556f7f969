"""Targets as an Excel workbook and back: the export is also the template to fill in.

One row per unit, indicator and tier of a node's subtree, with bilingual column labels above the
codes the import reads. Code and name columns are locked (the sheet is protected without a
password: a guard against slips, not a secret); tier and basis offer their allowed values. Read
back, rows without a value or growth are skipped, and the rest go through the one import, every
problem named with its sheet and cell. Importing an unchanged export changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from sqlalchemy.orm import Session
from xlsxwriter.worksheet import Worksheet

from pacer.auth.permissions import Actor
from pacer.errors import NotFound, ValidationFailed
from pacer.kit import xlsx
from pacer.kit.numbers import format_scaled, to_decimal
from pacer.kit.tabular import Problems
from pacer.kit.workbook import open_sheet
from pacer.models import TARGET_BASES, TARGET_TIERS
from pacer.org.repository import depth_first, tree_on
from pacer.targets import repository
from pacer.targets.entry import phasing_text
from pacer.targets.grid import grid_indicators
from pacer.targets.reporting import subtree_indicators
from pacer.targets.service import TARGET_COLUMNS, TARGET_OPTIONAL, Report, import_targets_report
from pacer.targets.view import measure_label

SHEET = "targets"
INFO_COLUMNS = ("unit_name", "indicator_name", "measure", "last_year", "revision")


COLUMNS = (
    xlsx.Column("unit_code", "单位代码", "Unit code", 12, True),
    xlsx.Column("unit_name", "单位名称", "Unit name", 24, True),
    xlsx.Column("indicator_code", "指标代码", "Indicator code", 22, True),
    xlsx.Column("indicator_name", "指标名称", "Indicator name", 24, True),
    xlsx.Column("measure", "计量单位", "Unit of measure", 12, True),
    xlsx.Column("year", "年度", "Year", 7, True),
    xlsx.Column("tier", "档次（ensure 确保 / strive 力争）", "Tier (ensure / strive)", 16, False),
    xlsx.Column("basis", "口径（absolute 绝对值 / growth 增长率）", "Basis (absolute / growth)", 18, False),
    xlsx.Column("value", "目标值", "Target value", 18, False),
    xlsx.Column("growth_pct", "比上年增长 %", "Growth over last year %", 14, False),
    xlsx.Column("phasing", "月度分解 %（12 个，以 ; 分隔）", "Monthly phasing % (12, separated by ;)", 30, False),
    xlsx.Column("reason", "调整原因（修改已有目标时必填）", "Reason (needed to change a target)", 30, False),
    xlsx.Column("last_year", "上年实际", "Last year's actual", 18, True),
    xlsx.Column("revision", "版本", "Revision", 8, True),
)
NOTES = (
    (
        "每行一个单位、指标和档次的年度目标。只改白色的列；灰色的代码和名称列已锁定。",
        "One row per unit, indicator and tier. Change the white columns only;"
        " the grey code and name columns are locked.",
    ),
    (
        "口径为 absolute 时填目标值；为 growth 时填比上年增长的百分比，目标值由上年实际算出。",
        "With basis 'absolute' fill in the value; with 'growth' the percentage over last year,"
        " from which the value is worked out.",
    ),
    (
        "月度分解可填 12 个百分比（合计 100），或 linear（均衡）、last_year（按上年各月占比）。",
        "Phasing takes 12 percentages adding up to 100, or 'linear', or 'last_year' (last year's share of each month).",
    ),
    (
        "没有目标值和增长率的行不导入。修改已有目标须填写调整原因。",
        "Rows with neither value nor growth are not imported. Changing an existing target needs a reason.",
    ),
)


def _number(scaled: int | None, scale: int) -> Decimal | str | None:
    """A number cell where a float holds it exactly (15 significant digits), else text."""
    if scaled is None:
        return None
    exact = to_decimal(scaled, scale)
    return exact if len(exact.as_tuple().digits) <= 15 else format_scaled(scaled, scale)


def _lines(
    session: Session, actor: Actor, year: int, node_code: str, set_code: str | None, lang: str
) -> list[list[object]]:
    node = repository.visible_unit(session, actor, node_code)
    if node is None:
        raise NotFound(f"no unit '{node_code}'")
    full = tree_on(session, date.today())
    units = repository.units_by_id(session, actor, repository.descendants(repository.children_of(full), node.id))
    tree = {u: (full[u] if full.get(u) in units else None) for u in units}
    order = [u for u, _ in depth_first(tree, {u: units[u].code for u in units})]
    indicators = grid_indicators(session, year, set_code)
    ids = repository.indicators_by_code(session, [r.code for r in indicators])
    indicators = [r for r in indicators if r.code in ids]
    reports = subtree_indicators(session, repository.children_of(full), order, year)
    months = repository.subtree_months(session, order, [i.id for i in ids.values()], year - 1)
    current = repository.current_targets(session, order, [i.id for i in ids.values()], year)
    measures = repository.measure_units(session)
    rows: list[list[object]] = []
    for unit_id in order:
        unit = units[unit_id]
        for ind in indicators:
            if reports is not None and ind.code not in reports.get(unit_id, frozenset()):
                continue  # the unit's subtree does not report it
            ind_id = ids[ind.code].id
            last = None if ind.kind == "derived" else repository.annual(ind.kind, months[(unit_id, ind_id)])
            for tier in TARGET_TIERS:
                t = current.get((unit_id, ind_id, tier))
                growth = None if t is None or t.growth_bp is None else to_decimal(t.growth_bp, 2)
                rows.append([
                    unit.code, unit.name(lang), ind.code, ind.name_zh if lang == "zh" else ind.name_en,
                    measure_label(measures, ind.unit, lang), year, tier,
                    t.basis if t else None, _number(t.value, ind.scale) if t else None, growth,
                    phasing_text(t.phasing_bp) if t else None, None, _number(last, ind.scale),
                    t.revision if t else None,
                ])  # fmt: skip
    return rows


def export_workbook(
    session: Session, actor: Actor, year: int, node_code: str, set_code: str | None = None, lang: str = "zh"
) -> bytes:
    """The workbook of ``node_code``'s subtree for ``year`` (units the actor may read)."""
    rows = _lines(session, actor, year, node_code, set_code, lang)
    out = BytesIO()
    book = xlsx.writer(out)
    sheet = book.add_worksheet(SHEET)
    head, code = xlsx.header_formats(book)
    locked = book.add_format({"bg_color": "#F4F4F4"})
    open_ = book.add_format({"locked": False})
    for c, col in enumerate(COLUMNS):
        sheet.set_column(c, c, col.width, locked if col.locked else open_)
        sheet.write_string(0, c, f"{col.zh}\n{col.en}", head)
        sheet.write_string(1, c, col.code, code)
        for r, row in enumerate(rows, start=2):
            _write(sheet, r, c, row[c], locked if col.locked else open_)
    sheet.set_row(0, 48)
    sheet.freeze_panes(2, 4)
    _validate(sheet, len(rows) + 200)
    sheet.protect("", {"format_columns": True, "sort": True, "autofilter": True})
    sheet.autofilter(1, 0, 1 + len(rows), len(COLUMNS) - 1)
    notes = book.add_worksheet("说明 notes")
    notes.set_column(0, 1, 70)
    for r, (zh, en) in enumerate(NOTES):
        notes.write_string(r, 0, zh)
        notes.write_string(r, 1, en)
    book.close()
    return out.getvalue()


def _write(sheet: Worksheet, r: int, c: int, value: object, fmt: object) -> None:
    if value is None:
        sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, Decimal | int):
        sheet.write_number(r, c, float(value), fmt)
    else:
        sheet.write_string(r, c, str(value), fmt)  # text as text: a name is never a formula


def _validate(sheet: Worksheet, last: int) -> None:
    where = {c.code: i for i, c in enumerate(COLUMNS)}
    for name, allowed in (("tier", TARGET_TIERS), ("basis", TARGET_BASES)):
        col = where[name]
        sheet.data_validation(2, col, last, col, {"validate": "list", "source": list(allowed)})
    col = where["growth_pct"]
    sheet.data_validation(
        2, col, last, col, {"validate": "decimal", "criteria": "between", "minimum": -100, "maximum": 10000}
    )


def import_workbook(session: Session, path: Path, actor: Actor) -> Report:
    """Read the workbook back through the one import; problems name sheet and cell."""
    sheet = open_sheet(path, TARGET_COLUMNS, TARGET_OPTIONAL + INFO_COLUMNS, SHEET)
    problems = Problems()
    rows = [r for r in sheet.rows(problems) if r.get("value") or r.get("growth_pct")]
    try:
        return import_targets_report(session, rows, actor, str(path.name), problems)
    except ValidationFailed as exc:
        raise sheet.failure(exc) from None
