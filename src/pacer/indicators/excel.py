"""The indicator list as an Excel workbook and back, for those who prefer a spreadsheet to the
library file: one row per indicator and version, bilingual labels above the codes the import
reads. Read back, the rows become the library file's indicators and go through the one import
(units, categories and sets stay as stored); every problem names sheet, cell and field."""

from __future__ import annotations

import re
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.errors import Problem, ValidationFailed
from pacer.indicators.changes import Change
from pacer.indicators.document import indicator_entry, library_document
from pacer.indicators.store import stored_library
from pacer.indicators.transfer import apply_document
from pacer.kit import xlsx
from pacer.kit.tabular import Problems, Row
from pacer.kit.workbook import open_sheet

SHEET = "indicators"
# code, zh label, en label, width; the first group is the indicator's, the rest its version's
INDICATOR_COLUMNS = (
    ("code", "指标代码", "Code", 22),
    ("origin", "来源（builtin 内置 / group 集团）", "Origin (builtin / group)", 12),
    ("category", "类别", "Category", 12),
    ("unit", "计量单位", "Unit of measure", 12),
    ("scale", "小数位数", "Decimals", 8),
    ("direction", "方向（higher / lower / band）", "Direction (higher / lower / band)", 12),
    ("kind", "类型（flow 流量 / stock 存量 / derived 派生）", "Kind (flow / stock / derived)", 12),
    ("reporting", "填报口径（monthly 当月 / ytd 累计）", "Reported as (monthly / ytd)", 12),
    ("eliminated", "内部抵销", "Eliminated", 10),
    ("never_negative", "不可为负", "Never negative", 10),
    ("retired_from", "停用年度", "Retired from", 10),
    ("band_low", "区间下限", "Band low", 12),
    ("band_high", "区间上限", "Band high", 12),
)
VERSION_COLUMNS = (
    ("from_year", "起始年度", "From year", 9),
    ("to_year", "截止年度（空 = 至今）", "To year (empty: open)", 9),
    ("name_zh", "中文名称", "Chinese name", 22),
    ("name_en", "英文名称", "English name", 22),
    ("definition_zh", "中文定义", "Chinese definition", 40),
    ("definition_en", "英文定义", "English definition", 40),
    ("formula", "公式（派生指标）", "Formula (derived)", 30),
)
COLUMNS = INDICATOR_COLUMNS + VERSION_COLUMNS
_VERSION_NAMES = {name for name, *_ in VERSION_COLUMNS}
REQUIRED = ("code", "category", "unit", "scale", "direction", "kind", "from_year", "name_zh", "name_en")
_INTEGERS = {"scale", "retired_from", "from_year", "to_year"}
_FLAGS = {"eliminated", "never_negative"}
_TRUE, _FALSE = {"true", "yes", "1", "是"}, {"false", "no", "0", "否", ""}


def export_workbook(session: Session) -> bytes:
    """Every indicator, one row per version."""
    out = BytesIO()
    book = xlsx.writer(out)
    sheet = book.add_worksheet(SHEET)
    head, code = xlsx.header_formats(book)
    for c, (name, zh, en, width) in enumerate(COLUMNS):
        sheet.set_column(c, c, width)
        sheet.write_string(0, c, f"{zh}\n{en}", head)
        sheet.write_string(1, c, name, code)
    r = 2
    for spec in stored_library(session).indicators.values():
        entry = indicator_entry(spec)
        band = entry.get("band") or {}
        fields = entry | {"band_low": band.get("low"), "band_high": band.get("high")}
        for version in entry["versions"]:
            for c, (name, *_) in enumerate(COLUMNS):
                _write(sheet, r, c, version.get(name) if name in _VERSION_NAMES else fields.get(name))
            r += 1
    sheet.set_row(0, 48)
    sheet.freeze_panes(2, 1)
    sheet.autofilter(1, 0, max(r - 1, 1), len(COLUMNS) - 1)
    book.close()
    return out.getvalue()


def _write(sheet: Any, r: int, c: int, value: object) -> None:
    if value is None:
        sheet.write_blank(r, c, None)
    elif isinstance(value, bool):
        sheet.write_string(r, c, "true" if value else "false")
    elif isinstance(value, int):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, str(value))  # text as text: a definition is never a formula


def import_workbook(session: Session, path: Path, actor: Actor, dry_run: bool = False) -> list[Change]:
    """Read the workbook's indicators into the library and apply it through the one import."""
    sheet = open_sheet(path, REQUIRED, tuple(c[0] for c in COLUMNS), SHEET)
    problems = Problems()
    rows = list(sheet.rows(problems))
    entries, where = _entries(rows, problems)
    if problems:
        raise sheet.failure(problems.failure(str(path)))
    document = library_document(stored_library(session))
    document["indicators"] = entries
    try:
        return apply_document(session, document, actor, str(path), dry_run)
    except ValidationFailed as exc:
        raise sheet.failure(ValidationFailed([_locate(p, where) for p in exc.problems], exc.source)) from None


def _entries(rows: list[Row], problems: Problems) -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """Library entries from the rows, the rows of each code in order (for locating problems)."""
    entries: dict[str, dict[str, Any]] = {}
    where: dict[str, list[int]] = {}
    for row in rows:
        code = row.get("code")
        own = {name: _value(row, name, problems) for name, *_ in INDICATOR_COLUMNS}
        if code not in entries:
            band = {"low": own.pop("band_low"), "high": own.pop("band_high")}
            entry = {k: v for k, v in own.items() if v is not None}
            if band["low"] is not None or band["high"] is not None:
                entry["band"] = band
            entries[code] = entry | {"versions": []}
        else:
            first = where[code][0]
            for name in own:
                if row.get(name) and row.get(name) != _first_text(rows, first, name):
                    problems.append(Problem(f"differs from the indicator's first row ({first})", row.number, name))
        version = {name: _value(row, name, problems) for name, *_ in VERSION_COLUMNS}
        entries[code]["versions"].append({k: v for k, v in version.items() if v is not None or k == "to_year"})
        where.setdefault(code, []).append(row.number)
    return list(entries.values()), where


def _first_text(rows: list[Row], number: int, name: str) -> str:
    return next(r.get(name) for r in rows if r.number == number)


def _value(row: Row, name: str, problems: Problems) -> Any:
    text = row.get(name)
    if name in _FLAGS:
        if text.lower() not in _TRUE | _FALSE:
            problems.append(Problem(f"'{text}' is not true or false", row.number, name))
        return text.lower() in _TRUE
    if not text:
        return None
    if name in _INTEGERS:
        return int(text) if text.isascii() and text.isdigit() else text  # the library names a bad one
    return text


_PROBLEM = re.compile(r"^indicator '(?P<code>[^']+)': field '(?P<field>[^']+)': (?P<rest>.*)$", re.DOTALL)
_VERSION_FIELD = re.compile(r"^versions\[(?P<index>\d+)\]\.(?P<name>\w+)$")


def _locate(problem: Problem, where: dict[str, list[int]]) -> Problem:
    """A library problem ("indicator 'x': field 'versions[1].formula': ...") at its row and column."""
    found = _PROBLEM.match(problem.message)
    if found is None or found["code"] not in where:
        return problem
    rows, field = where[found["code"]], found["field"]
    row, column = rows[0], field.replace(".", "_") if field.startswith("band.") else field
    version = _VERSION_FIELD.match(field)
    if version is not None and int(version["index"]) < len(rows):
        row, column = rows[int(version["index"])], version["name"]
    elif field == "versions":
        column = "from_year"
    elif field == "band":
        column = "band_low"
    return replace(problem, message=f"indicator {found['code']!r}: {found['rest']}", row=row, field=column)
