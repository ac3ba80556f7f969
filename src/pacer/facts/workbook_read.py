"""Workbooks read for the figures import: each file checked before anything is unpacked, then its
cells (python-calamine), its formula cells (from the sheets' XML, since calamine gives cached values
only) and its merged ranges; several files on several threads."""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

from pacer.errors import Problem, ValidationFailed
from pacer.facts.template import HEADER_ROW
from pacer.kit.progress import Report, counted
from pacer.kit.workbook import check_workbook, column_letter

READERS = max(1, min(os.cpu_count() or 1, 4))  # threads reading several workbooks
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_UNREADABLE = (CalamineError, zipfile.BadZipFile, zlib.error, ElementTree.ParseError, KeyError, ValueError, OSError)


@dataclass(frozen=True)
class Book:
    """A workbook read: its name in problems ('' if alone), formula cells, cells, merged ranges by sheet."""

    label: str
    formulas: dict[str, set[str]]
    cells: dict[str, list[list[object]]]
    merged: dict[str, list[str]]


def read_workbooks(paths: Sequence[Path], source: str, progress: Report | None = None) -> list[Book]:
    """:func:`read_workbook` of each of ``paths``, in order (one alone is named ``source``, several
    by their file names); the first that cannot be read, in that order, is refused. Several are
    read by :data:`READERS` threads: python-calamine unpacks and parses a sheet with the
    interpreter released, so two threads read on two cores what one reads on one."""
    if len(paths) == 1:
        return [read_workbook(paths[0], source)]
    with ThreadPoolExecutor(min(READERS, len(paths))) as pool:
        read = pool.map(lambda path: read_workbook(path, path.name, f"[{path.name}]"), paths)
        try:
            return list(counted(read, "read", len(paths), progress, 1))
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the others are not read once one is refused
            raise


def read_workbook(path: Path, source: str, label: str = "") -> Book:
    """A workbook's cells, once the file passed :func:`check_workbook`; one that cannot be read
    is refused naming ``source``."""
    check_workbook(path, source)
    return Book(label, *_read(path, source))


def _read(path: Path, source: str) -> tuple[dict[str, set[str]], dict[str, list[list[object]]], dict[str, list[str]]]:
    """(sheet -> cells holding a formula, sheet -> its cells from A1, sheet -> merged ranges)."""
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
    return formulas, cells, merged


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
