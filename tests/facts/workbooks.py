"""Templates written and filled in as a person's spreadsheet program would (openpyxl saves)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from pacer.auth.permissions import SYSTEM, Actor
from pacer.facts.template import write_template

PERIOD = 202501


def template(session, tmp_path: Path, unit: str = "A1", period: int = PERIOD, scope: str = "unit",
             actor: Actor = SYSTEM, name: str = "t.xlsx") -> Path:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(write_template(session, actor, unit, period, "zh", scope))
    return path


def row_of(path: Path, sheet: str, code: str) -> int:
    book = load_workbook(path)
    for row in book[sheet].iter_rows(min_col=2, max_col=2):
        if row[0].value == code:
            return row[0].row
    raise AssertionError(f"no row for {code} in {sheet}")


def fill(path: Path, sheet: str, values: dict[str, object], column: str = "F") -> Path:
    """The workbook with each indicator's value cell (or ``column``) set, saved in place."""
    book = load_workbook(path)
    ws = book[sheet]
    rows = {r[0].value: r[0].row for r in ws.iter_rows(min_col=2, max_col=2)}
    for code, value in values.items():
        ws[f"{column}{rows[code]}"] = value
    book.save(path)
    return path


def edit(path: Path, sheet: str, change) -> Path:
    """The workbook after ``change(worksheet)``, saved in place."""
    book = load_workbook(path)
    change(book[sheet])
    book.save(path)
    return path
