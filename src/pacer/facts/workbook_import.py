"""Read a filled figures template (``pacer facts template``) back through the one facts import.

Every sheet the stamp lists is read; the whole workbook is one import and one transaction, and any
problem stores nothing. Several workbooks (each unit's own, or HQ's of a sheet per unit) are read
as one import the same way; a problem then names its workbook with its sheet, ``[FILE.xlsx]SHEET``.
Before anything is unpacked the file must be a zip archive whose directory promises no more than
an import may unpack (a PDF renamed .xlsx, a truncated file and a zip bomb are refused there).
Then each stamp row must name a sheet of the workbook, a unit the actor may report for, this
template version, and the indicator list the unit reports that month now (else the template is
of another unit or month, or out of date: download a new one).

How a value cell is read (the rules the README states):

- a number cell is its number, exactly as Excel shows it at full precision;
- text is read after full-width characters become half-width (``１２３`` -> ``123``,
  ``１，２３４．５`` -> ``1,234.5``); ``,`` may separate thousands; ``(1,234)`` is ``-1234``;
- ``12万`` or ``3亿`` is refused: write the figure in full, in the unit of measure the row shows;
- a formula is refused, naming its cell (its cached value may be stale or absent);
- a true/false or date cell is refused; an empty value cell is not imported;
- merged cells below the header are refused; empty rows are skipped; an indicator listed twice
  is refused naming both rows; a value on a row without an indicator code is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis
from pacer.auth.permissions import REPORT, SYSTEM, Actor, visible_unit_ids
from pacer.errors import Problem, ValidationFailed
from pacer.facts.rows import ReadRow, figure_limit
from pacer.facts.service import import_facts
from pacer.facts.template import (
    HEADER_ROW,
    LETTER,
    STAMP_COLUMNS,
    STAMP_SHEET,
    VERSION,
    checksum,
    template_indicators_of,
)
from pacer.facts.workbook_read import Book, Figures, SheetRows, read_workbooks
from pacer.kit import periods
from pacer.kit.progress import Report
from pacer.kit.tabular import Problems, Row
from pacer.kit.workbook import cell_text, column_letter
from pacer.models import Indicator, Unit

ROW_SPAN = 1 << 21  # more rows than a sheet has: sheet i's row r is import row i * ROW_SPAN + r


@dataclass(frozen=True)
class Stamp:
    row: int
    sheet: str
    unit: Unit
    period: int
    book: Book
    checksum: str


def import_workbook_file(
    session: Session,
    path: Path,
    actor: Actor = SYSTEM,
    today: date | None = None,
    unit: str | None = None,
    period: int | None = None,
    language: str = "en",
    warnings: list[Problem] | None = None,
) -> dict[str, int]:
    """Import the figures of a filled template; ``unit`` and ``period``, when given, are what it must be
    for (an upload for one unit's month takes no other); the rules' warnings go to ``warnings``."""
    return import_workbook_files(session, [path], actor, today, unit, period, language, warnings)


def import_workbook_files(
    session: Session,
    paths: Sequence[Path],
    actor: Actor = SYSTEM,
    today: date | None = None,
    unit: str | None = None,
    period: int | None = None,
    language: str = "en",
    warnings: list[Problem] | None = None,
    progress: Report | None = None,
    analysis: Analysis | None = None,
) -> dict[str, int]:
    """:func:`import_workbook_file` of several as one import and one transaction (a problem in any stores
    nothing, each named by workbook, sheet and cell); ``progress``: workbooks read, figures stored;
    ``analysis``: the served engine, if any (see :func:`pacer.facts.service.import_facts`)."""
    read = read_rows(session, actor, paths, unit, period, progress=progress)
    noted: list[Problem] = []
    try:  # the cells' problems go along, so the rows' own are found too: every problem at once
        return import_facts(
            session, read.rows, actor, today, read.source, read.problems, language, noted, progress, analysis
        )
    except ValidationFailed as exc:
        raise ValidationFailed([locate(p, read.names) for p in exc.problems], exc.source, exc.more) from None
    finally:
        if warnings is not None:
            warnings += (locate(p, read.names) for p in noted)


@dataclass(frozen=True)
class Read:
    """Filled templates as they are read: ``rows`` (sheet i's row r is ``i * ROW_SPAN + r``) come
    while later workbooks are still being read; ``names`` (the sheets', for :func:`locate`) and
    ``problems`` (the cells') are complete once ``rows`` is exhausted, which refuses an input of
    no template asked for."""

    source: str
    rows: Iterator[Row]
    names: list[str]
    problems: Problems


BOOKS_AT_ONCE = 50  # workbooks whose stamps are checked together (one resolution of what they report)


def read_rows(
    session: Session, actor: Actor, paths: Sequence[Path], unit: str | None, period: int | None,
    source: str = "", progress: Report | None = None) -> Read:  # fmt: skip
    """The rows of filled templates, read as they are asked for (see :class:`Read`)."""
    if not paths:
        raise ValidationFailed([Problem("no workbook given: nothing to import")], "workbooks")
    source = source or (paths[0].name if len(paths) == 1 else f"{len(paths):,} workbooks")
    names: list[str] = []
    problems = Problems()
    books = read_workbooks(paths, source, progress, _figures(session))
    return Read(source, _rows(session, actor, books, (unit, period), names, problems, source), names, problems)


def workbook_rows(
    session: Session, actor: Actor, paths: Sequence[Path], unit: str | None, period: int | None,
    source: str = "", progress: Report | None = None) -> tuple[list[Row], list[str], Problems, str]:  # fmt: skip
    """:func:`read_rows` read whole: the rows, the sheets' names, the cells' problems, the source."""
    read = read_rows(session, actor, paths, unit, period, source, progress)
    rows = list(read.rows)
    return rows, read.names, read.problems, read.source


def _rows(
    session: Session,
    actor: Actor,
    books: Iterator[Book],
    want: tuple[str | None, int | None],
    names: list[str],
    problems: Problems,
    source: str,
) -> Iterator[Row]:
    units = {u.code: u for u in session.scalars(select(Unit))}
    allowed = visible_unit_ids(session, actor, REPORT)
    seen: dict[tuple[str, int], str] = {}
    parts: dict[Indicator, str] = {}
    while chunk := list(islice(books, BOOKS_AT_ONCE)):
        stamps, wanted = _stamps(session, chunk, problems, want, (units, allowed, seen, parts))
        for stamp in stamps:
            index, book = len(names), stamp.book
            names.append(book.label + stamp.sheet)
            if stamp.sheet not in book.sheets:
                problems.append(_at(book.label, STAMP_SHEET, stamp.row, "sheet",
                                    f"the workbook has no sheet '{stamp.sheet}'"))  # fmt: skip
                continue
            codes = {i.code for i in wanted[(stamp.unit.id, stamp.period)]}
            yield from _sheet_rows(stamp, book.sheets[stamp.sheet], codes, problems, index * ROW_SPAN)
            problems += (Problem(f"merged cells ({r}): unmerge them", None, None, book.label + stamp.sheet, r)
                         for r in book.merged.get(stamp.sheet, ()))  # fmt: skip
        for book in chunk:
            listed = {s.sheet for s in stamps if s.book is book}
            problems += (Problem("the sheet is not part of the template: remove it", None, None, book.label + name)
                         for name in book.sheets if name not in listed and name != STAMP_SHEET and listed)  # fmt: skip
    if problems and not names:
        raise problems.failure(source)


def _figures(session: Session) -> Figures:
    """What the reading processes need to read each reported indicator's values as its figures (a
    workbook's row has no basis: its indicator's)."""
    return {
        i.code: (i.scale, figure_limit(i) * (12 if i.reporting == "ytd" and i.kind == "flow" else 1), i.never_negative)
        for i in session.scalars(select(Indicator))
        if i.kind != "derived"
    }


def _at(label: str, sheet: str, row: int, field: str, message: str) -> Problem:
    letter = LETTER.get(field) if sheet != STAMP_SHEET else column_letter(STAMP_COLUMNS.index(field))
    return Problem(message, row, field, label + sheet, f"{letter}{row}" if letter else None)


def locate(problem: Problem, names: Sequence[str]) -> Problem:
    """A problem of the import's rows told by sheet and cell."""
    if problem.row is None or problem.sheet is not None:
        return problem
    sheet, row = names[problem.row // ROW_SPAN], problem.row % ROW_SPAN
    cell = f"{LETTER[problem.field]}{row}" if problem.field in LETTER else None
    return replace(problem, row=row, sheet=sheet, cell=cell)


def _stamps(
    session: Session,
    books: Sequence[Book],
    problems: Problems,
    want: tuple[str | None, int | None],
    known: tuple[dict[str, Unit], set[int] | None, dict[tuple[str, int], str], dict[Indicator, str]],
) -> tuple[list[Stamp], dict[tuple[int, int], list[Indicator]]]:
    """The stamps' rows whose unit, month, version and checksum hold (a problem for each other),
    and the indicators each of their units reports that month, by (unit id, period). ``known``:
    the units by code, those the actor may report for (None: all), the (unit code, month) of the
    stamps seen so far, and the indicators' parts of a checksum."""
    units, allowed, seen, parts = known
    stamps: list[Stamp] = []
    for book in books:
        table = book.stamp
        if not table or [cell_text(c).strip() for c in table[0][: len(STAMP_COLUMNS)]] != list(STAMP_COLUMNS):
            problems.append(Problem(
                "the workbook is not a figures template (no stamp): write one with 'pacer facts template'",
                None, None, book.label or None))  # fmt: skip
            continue
        for number, raw in enumerate(table[1:], start=2):
            values = dict(zip(STAMP_COLUMNS, (cell_text(c).strip() for c in raw), strict=False))
            if not any(values.values()):
                continue
            stamp = _stamp(number, values, units, allowed, problems, want, book)
            if stamp is None:
                continue
            key = (stamp.unit.code, stamp.period)
            if key in seen:
                problems.append(
                    _at(book.label, STAMP_SHEET, number, "unit_code", f"the same unit and month as {seen[key]}")
                )
                continue
            seen[key] = f"{book.label}{STAMP_SHEET} row {number}" if book.label else f"row {number}"
            stamps.append(stamp)
    wanted = template_indicators_of(session, ((s.unit, s.period) for s in stamps))
    kept: list[Stamp] = []
    for stamp in stamps:
        if stamp.checksum != checksum(stamp.unit.code, stamp.period, wanted[(stamp.unit.id, stamp.period)], parts):
            problems.append(Problem(
                f"the template of {stamp.unit.code} for {periods.format_period(stamp.period)} no longer matches "
                "the indicators the unit reports (or was altered): write a new one with 'pacer facts template'",
                None, None, stamp.book.label + stamp.sheet))  # fmt: skip
            continue
        kept.append(stamp)
    return kept, wanted


def _stamp(
    number: int,
    values: dict[str, str],
    units: dict[str, Unit],
    allowed: set[int] | None,
    problems: Problems,
    want: tuple[str | None, int | None],
    book: Book,
) -> Stamp | None:
    sheet = book.label + values.get("sheet", "")
    want_unit, want_period = want
    if values.get("version") != VERSION:
        problems.append(Problem(
            f"a template of version '{values.get('version')}', not '{VERSION}': "
            "write a new one with 'pacer facts template'",
            None, None, sheet if values.get("sheet") else book.label + STAMP_SHEET))  # fmt: skip
        return None
    unit = units.get(values.get("unit_code", ""))
    if unit is None or (allowed is not None and unit.id not in allowed):
        problems.append(Problem(f"unknown unit '{values.get('unit_code')}'", None, "unit_code", sheet))
        return None
    try:
        period = periods.parse_period(values.get("period", ""))
    except ValueError as exc:
        problems.append(Problem(str(exc), None, "period", sheet))
        return None
    if want_unit is not None and unit.code != want_unit:
        problems.append(Problem(f"a template of unit {unit.code}, not {want_unit}", None, "unit_code", sheet))
        return None
    if want_period is not None and period != want_period:
        problems.append(Problem(
            f"a template of {periods.format_period(period)}, not {periods.format_period(want_period)}",
            None, "period", sheet))  # fmt: skip
        return None
    return Stamp(number, values.get("sheet", ""), unit, period, book, values.get("checksum", ""))


def _sheet_rows(stamp: Stamp, sheet: SheetRows, wanted: set[str], problems: Problems, offset: int = 0) -> Iterator[Row]:
    """The rows of one unit's sheet with a value, as the import's fields (numbered from ``offset``);
    problems named by cell."""
    label, name = stamp.book.label, stamp.sheet
    if not sheet.header:
        problems.append(Problem("the sheet's columns were changed: use the template as written",
                                HEADER_ROW, None, label + name, f"A{HEADER_ROW}"))  # fmt: skip
        return
    month = periods.format_period(stamp.period)
    unit = stamp.unit.code
    seen: dict[str, int] = {}
    for number, code, value, why, formulas, figure in sheet.lines:
        for field in formulas:
            problems.append(
                _at(label, name, number, field, "a formula: type the figure itself (formulas are not read)")
            )
        if why is not None:
            problems.append(_at(label, name, number, "value", why))
            continue
        if not value or "value" in formulas:
            continue
        if not code:
            problems.append(_at(label, name, number, "value", "a value on a row without an indicator code"))
        elif code not in wanted:
            problems.append(_at(label, name, number, "indicator_code", f"'{code[:40]}' is not in this template"))
        elif code in seen:
            problems.append(
                _at(label, name, number, "indicator_code", f"'{code}' is listed twice (also row {seen[code]})")
            )
        else:
            seen[code] = number
            fields = {"unit_code": unit, "indicator_code": code, "period": month, "value": value}
            yield ReadRow(offset + number, fields, figure)
