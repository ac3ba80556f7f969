"""Read an Excel workbook (.xlsx) into the same rows as a CSV file (python-calamine), and say where
a problem is as a spreadsheet does: sheet and cell.

The header is the first of the sheet's top rows that holds every required column, so a workbook
may carry a row of bilingual labels above its codes. Cells are read back as the text an import
parses: numbers in plain decimals (never an exponent), dates in ISO form.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from pacer.errors import Problem, ValidationFailed
from pacer.kit.tabular import MAX_CELL_CHARS, Problems, Row, check_size, csv_text, import_max_bytes

HEADER_ROWS = 10  # how far down the header may be
UNPACK_FACTOR = 32  # a workbook's XML may unpack to this many times the size an import takes


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: object) -> str:
    if type(value) is str:  # the usual cell, first
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # the shortest decimal that is this float
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


@dataclass
class Sheet:
    """The rows of one sheet below its header, and where each field's column is."""

    name: str
    header_row: int
    letters: dict[str, str]
    cells: Sequence[Sequence[object]]

    def rows(self, problems: Problems | None = None) -> Iterator[Row]:
        header = list(self.letters)
        for offset, cells in enumerate(self.cells[self.header_row :]):
            number = self.header_row + offset + 1
            texts = [cell_text(c).strip() for c in cells]
            if not any(texts):
                continue
            long = [h for h, c in zip(header, texts, strict=False) if h and len(c) > MAX_CELL_CHARS]
            if long:
                if problems is not None:
                    problems += (Problem(f"longer than {MAX_CELL_CHARS:,} characters", number, h) for h in long)
                continue
            yield Row(number, {h: csv_text(c) for h, c in zip(header, texts, strict=False) if h})

    def locate(self, problem: Problem) -> Problem:
        """The problem with its sheet and, where it names a row and a field, its cell."""
        cell = None
        if problem.row is not None and problem.field in self.letters:
            cell = f"{self.letters[problem.field]}{problem.row}"
        return replace(problem, sheet=self.name, cell=cell)

    def failure(self, exc: ValidationFailed) -> ValidationFailed:
        return ValidationFailed([self.locate(p) for p in exc.problems], exc.source, exc.more)


def check_workbook(path: Path, source: str, limit: int | None = None) -> None:
    """Refuse a file that is missing, larger than an import takes, not a zip archive (a PDF
    renamed .xlsx, a truncated file), or whose directory says it unpacks to too much (a zip bomb),
    before any of it is unpacked."""
    _check_size(path, source, import_max_bytes() if limit is None else limit)


def _check_size(path: Path, source: str, limit: int) -> None:
    check_size(path, source, limit)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ValidationFailed([Problem("the file is not an Excel workbook (.xlsx)")], source) from None
    if unpacked > limit * UNPACK_FACTOR:
        raise ValidationFailed([Problem(f"the workbook unpacks to {unpacked:,} bytes, too many to read")], source)


def open_sheet(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    sheet: str | None = None,
    limit: int | None = None,
) -> Sheet:
    """The sheet named ``sheet`` (else the first) of the workbook at ``path``, its header found.
    A file too large, not a workbook, or without the header is refused (ValidationFailed)."""
    source = str(path)
    _check_size(path, source, import_max_bytes() if limit is None else limit)
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            name = sheet if sheet in book.sheet_names else book.sheet_names[0]
            cells = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, IndexError, ValueError, OSError) as exc:
        raise ValidationFailed([Problem(f"the workbook cannot be read: {str(exc)[:200]}")], source) from None
    for index, top in enumerate(cells[:HEADER_ROWS]):
        header = [cell_text(c).strip().lower() for c in top]
        if all(c in header for c in required):
            known = set(required) | set(optional)
            unknown = [Problem("unknown column", index + 1, h[:40], name) for h in header if h and h not in known]
            if unknown:
                raise ValidationFailed(unknown, source)
            letters = {h: column_letter(i) for i, h in enumerate(header) if h}
            found = Sheet(name, index + 1, letters, cells)
            if not any(True for _ in found.rows()):
                raise ValidationFailed([Problem("the sheet has a header but no rows", index + 2, None, name)], source)
            return found
    missing = [Problem("required column is missing", 1, c, name) for c in required]
    raise ValidationFailed(missing, source)
