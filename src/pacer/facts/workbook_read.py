"""Workbooks read for the figures import: each file checked before anything is unpacked, then its
cells (python-calamine), its formula cells (from the sheets' XML, since calamine gives cached values
only) and its merged ranges; each sheet's rows below the header come back as the few texts the
import checks (indicator code, value as text or why it cannot be one, formulas), not as cells,
a good value also as its indicator's figure (see :data:`Figures`), so that the import does not
parse it again. Several files are read side by side: by worker processes when there are many (a month's
collection), else by threads."""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import NamedTuple, cast
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from pacer.errors import Problem, ValidationFailed
from pacer.facts.template import COLUMNS, HEADER_ROW, LETTER, STAMP_SHEET
from pacer.kit.numbers import parse_scaled
from pacer.kit.progress import Report, counted
from pacer.kit.tabular import MAX_CELL_CHARS
from pacer.kit.workbook import cell_text, check_workbook, column_letter

READERS = max(1, min(os.cpu_count() or 1, 4))  # threads or processes reading several workbooks
# From this many workbooks on, they are read by worker processes: turning a sheet's cells into
# Python objects and its rows into texts holds the interpreter, so threads share one core for it.
# Fewer are read by threads (a process costs more to start than a few workbooks to read).
PROCESSES_FROM = 16
MULTIPLIERS = ("万", "亿", "千", "百")
CODE_AT, VALUE_AT = (next(i for i, c in enumerate(COLUMNS) if c.code == f) for f in ("indicator_code", "value"))
FORMULA_FIELDS = ("value", "note")  # the columns a formula is refused in, naming its cell
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# indicator code -> (scale, the largest magnitude of its figure, never negative): what reading a
# value as the indicator's figure takes (:func:`pacer.facts.rows.parse_figure` with the limit of the
# basis the indicator is reported on), given to the reading processes with the paths
Figures = Mapping[str, tuple[int, int, bool]]
_UNREADABLE = (CalamineError, zipfile.BadZipFile, zlib.error, ElementTree.ParseError, KeyError, ValueError, OSError)


class Line(NamedTuple):
    """A row of a figures sheet below the header that the import looks at: one with a value, a
    value that cannot be read (``why``), or a formula in a column that takes none (``formulas``:
    those columns' fields)."""

    number: int  # the sheet's row, 1-based
    code: str  # the indicator code cell, as text
    value: str  # the value cell as the text the import parses (see :func:`read_value`)
    why: str | None  # why the value cell cannot be read, if it cannot
    formulas: tuple[str, ...]
    # the value as the figure of the indicator the code names, when it is a good one (None: the
    # import reads the text, and says what is wrong with it)
    figure: int | None = None


@dataclass(frozen=True)
class SheetRows:
    """A sheet read as a figures sheet: whether its header row holds the template's columns, and
    its lines (none when it does not)."""

    header: bool
    lines: list[Line]


@dataclass(frozen=True)
class Book:
    """A workbook read: its name in problems ('' if alone), the stamp sheet's cells (None without
    one), every sheet's rows and merged ranges below the header, by sheet in the workbook's order."""

    label: str
    stamp: list[list[object]] | None
    sheets: dict[str, SheetRows]
    merged: dict[str, list[str]]


def read_value(raw: object) -> str:
    """A value cell as the text the import parses ('' when empty); ValueError saying why not."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise ValueError("true/false is not a number")
    if isinstance(raw, datetime | date | time | timedelta):
        raise ValueError(f"a date or time ({cell_text(raw)}) is not a number: format the cell as a number")
    if isinstance(raw, int | float):
        return cell_text(raw)
    text = unicodedata.normalize("NFKC", str(raw)).replace("\u2212", "-").strip()
    if len(text) > MAX_CELL_CHARS:
        raise ValueError(f"longer than {MAX_CELL_CHARS:,} characters")
    if text.endswith(MULTIPLIERS):
        raise ValueError(
            f"'{text[:30]}' uses a multiplier ({text[-1]}): write the figure in full, in the unit of measure shown"
        )
    if text.startswith("(") and text.endswith(")"):  # the accountant's negative
        inner = text[1:-1].strip()
        if inner and not inner.startswith("-"):
            return "-" + inner
    return text


def sheet_rows(table: list[list[object]], formulas: set[str], figures: Figures | None = None) -> SheetRows:
    """A sheet's cells as a figures sheet (see :class:`SheetRows`); ``figures``: the indicators
    whose values are read as figures here."""
    header = [cell_text(c).strip() for c in (table[HEADER_ROW - 1] if len(table) >= HEADER_ROW else [])]
    if header[: len(COLUMNS)] != [c.code for c in COLUMNS]:
        return SheetRows(False, [])
    lines: list[Line] = []
    width = len(COLUMNS)
    for number, raw in enumerate(table[HEADER_ROW:], start=HEADER_ROW + 1):
        cells = raw if len(raw) >= width else list(raw) + [None] * (width - len(raw))
        marked = tuple(f for f in FORMULA_FIELDS if f"{LETTER[f]}{number}" in formulas) if formulas else ()
        why = None
        try:
            value = read_value(cells[VALUE_AT])
        except ValueError as exc:
            value, why = "", str(exc)
        if value or why is not None or marked:
            code = cell_text(cells[CODE_AT]).strip()
            figure = _figure(value, figures.get(code)) if figures and value and why is None else None
            lines.append(Line(number, code, value, why, marked, figure))
    return SheetRows(True, lines)


def _figure(value: str, measured: tuple[int, int, bool] | None) -> int | None:
    """``value`` as a figure of the indicator ``measured`` describes, None when it is not a good one
    (the import then reads it again and names the problem)."""
    if measured is None:
        return None
    scale, limit, never_negative = measured
    try:
        figure = parse_scaled(value, scale, limit)
    except ValueError:
        return None
    return None if figure < 0 and never_negative else figure


def read_workbooks(
    paths: Sequence[Path], source: str, progress: Report | None = None, figures: Figures | None = None
) -> Iterator[Book]:
    """:func:`read_workbook` of each of ``paths``, yielded in order as read (one alone is named ``source``, several
    by their file names); the first that cannot be read, in that order, is refused. Several are
    read by :data:`READERS` worker processes (from :data:`PROCESSES_FROM` workbooks on, where
    processes can be forked) or threads."""
    if len(paths) == 1:
        yield read_workbook(paths[0], source, figures=figures)
        return
    with _readers(len(paths)) as pool:
        chunk = 4 if isinstance(pool, ProcessPoolExecutor) else 1
        read = pool.map(partial(_read_named, figures=figures), paths, chunksize=chunk)
        try:
            yield from counted(_raised(read), "read", len(paths), progress, 1)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the others are not read once one is refused
            raise


def _readers(count: int) -> Executor:
    """Worker processes for many workbooks (forked: they start at once and need nothing sent
    but the paths), else threads."""
    workers = min(READERS, count)
    if count >= PROCESSES_FROM and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    return ThreadPoolExecutor(workers)


def _read_named(path: Path, figures: Figures | None = None) -> Book | ValidationFailed:
    """One of several workbooks, named by its file name; a refusal is returned, not raised (it
    comes back from a worker process as it is)."""
    try:
        return read_workbook(path, path.name, f"[{path.name}]", figures)
    except ValidationFailed as exc:
        return exc


def _raised(books: Iterator[Book | ValidationFailed]) -> Iterator[Book]:
    for book in books:
        if isinstance(book, ValidationFailed):
            raise ValidationFailed(book.problems, book.source, book.more)
        yield book


def read_workbook(path: Path, source: str, label: str = "", figures: Figures | None = None) -> Book:
    """A workbook's cells, once the file passed :func:`check_workbook`; one that cannot be read
    is refused naming ``source``."""
    check_workbook(path, source)
    return Book(label, *_read(path, source, figures))


def _read(
    path: Path, source: str, figures: Figures | None
) -> tuple[list[list[object]] | None, dict[str, SheetRows], dict[str, list[str]]]:
    """(the stamp sheet's cells, sheet -> its rows, sheet -> merged ranges)."""
    try:
        formulas = _formula_cells(path)
        with CalamineWorkbook.from_path(str(path)) as book:
            cells: dict[str, list[list[object]]] = {}
            merged: dict[str, list[str]] = {}
            for name in book.sheet_names:
                sheet = book.get_sheet_by_name(name)
                cells[name] = cast(list[list[object]], sheet.to_python(skip_empty_area=False))  # lists already
                merged[name] = [
                    f"{column_letter(a[1])}{a[0] + 1}:{column_letter(b[1])}{b[0] + 1}"
                    for a, b in (sheet.merged_cell_ranges or [])
                    if b[0] >= HEADER_ROW - 1
                ]
    except _UNREADABLE as exc:
        why = str(exc).splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        message = f"the workbook cannot be read (damaged or truncated?): {why}"
        raise ValidationFailed([Problem(message)], source) from None
    sheets = {name: sheet_rows(table, formulas.get(name, set()), figures) for name, table in cells.items()}
    return cells.get(STAMP_SHEET), sheets, merged


def _formula_cells(path: Path) -> dict[str, set[str]]:
    """Sheet name -> references of the cells that hold a formula, read from the sheets' XML as a
    stream (calamine gives cached values only)."""
    out: dict[str, set[str]] = {}
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(_REL), "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            if member not in archive.namelist():
                continue
            found: set[str] = set()
            out[sheet.get("name", "")] = found
            if not _may_hold_formula(archive, member):
                continue
            with archive.open(member) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{_MAIN}c":
                        if element.find(f"{_MAIN}f") is not None:
                            found.add(element.get("r", "?"))
                        element.clear()
    return out


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _may_hold_formula(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether a sheet's XML holds a formula element (``<f>``, with any namespace prefix) at all:
    one scan of its bytes, so a sheet without any is not parsed element by element."""
    with archive.open(member) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            seen = tail + chunk
            # a plain substring search first: most sheets hold neither, and it is much faster
            if (b"<f" in seen or b":f" in seen) and _FORMULA_TAG.search(seen):
                return True
            tail = chunk[-64:]
    return False
