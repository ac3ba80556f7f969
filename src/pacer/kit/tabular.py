"""Read tabular input files into rows that remember where they came from.

A file is read as a stream: rows are yielded one at a time, never the whole file at once, and
the problems found are kept up to a bound and only counted beyond it. A file larger than the
configured bound (``PACER_IMPORT_MAX_BYTES``) is refused before it is read.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from pacer.errors import Problem, ValidationFailed

PROBLEM_LIMIT = 100  # problems listed; the rest are counted ("and N more")
MAX_CELL_CHARS = 1_000  # longer than any column an import fills (names and counterparties: 200)
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # the line in the file; the header is row 1, as a spreadsheet shows it
    values: dict[str, str]

    def get(self, field: str) -> str:
        value = (self.values.get(field) or "").strip()
        return csv_text(value) if value.startswith("'") else value


class ProblemSink(Protocol):
    """Where a row's checks put the problems they find: a list, or :class:`Problems`."""

    def append(self, problem: Problem, /) -> None: ...


class Problems:
    """The problems of one input: the first ``limit`` kept with where they are, the rest counted.
    Used like a list (``append``, ``+=``, ``len``, truth, iteration over the kept ones)."""

    def __init__(self, limit: int = PROBLEM_LIMIT) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self.more = 0
        self.count = 0  # kept and counted: ``len``, read as a plain attribute row by row

    def append(self, problem: Problem) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(problem)
        else:
            self.more += 1

    def __iadd__(self, problems: Iterable[Problem]) -> Problems:
        for problem in problems:
            self.append(problem)
        return self

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.kept)

    def failure(self, source: str) -> ValidationFailed:
        return ValidationFailed(self.kept, source, self.more)


def _encoding(path: Path, source: str) -> str:
    # Spreadsheets in China save CSV as UTF-8 with a BOM or as GB18030; accept both. The file is
    # checked chunk by chunk, so memory does not grow with its size.
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValidationFailed([Problem("the file is neither UTF-8 nor GB18030 text")], source)


def import_max_bytes() -> int:
    """The largest input file an import takes (PACER_IMPORT_MAX_BYTES)."""
    from pacer.config import get_settings

    return get_settings().import_max_bytes


def check_size(path: Path, source: str, limit: int) -> None:
    """Refuse a missing file, or one over ``limit`` bytes, before anything reads it."""
    if not path.is_file():
        raise ValidationFailed([Problem(f"file not found: {path}")], source)
    size = path.stat().st_size
    if size > limit:
        raise ValidationFailed(
            [
                Problem(
                    f"the file has {size:,} bytes, more than the {limit:,} an import takes "
                    "(PACER_IMPORT_MAX_BYTES); split it into several files"
                )
            ],
            source,
        )


def read_csv(
    path: Path,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    problems: Problems | None = None,
    max_bytes: int | None = None,
) -> Iterator[Row]:
    """The rows of a CSV file whose header holds every ``required`` column, one at a time; blank
    lines skipped. A file that cannot be read, is too large, or whose header is wrong is refused
    at once (ValidationFailed); a row that cannot be read goes to ``problems`` (when none is
    given, the rows' problems are raised at the end). A file without rows is refused."""
    source = str(path)
    check_size(path, source, import_max_bytes() if max_bytes is None else max_bytes)
    encoding = _encoding(path, source)
    return _rows(path, encoding, required, optional, problems, source)


def _rows(
    path: Path,
    encoding: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: Problems | None,
    source: str,
) -> Iterator[Row]:
    own = problems is None
    found = Problems() if problems is None else problems
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise ValidationFailed([Problem("the file is empty", row=1)], source) from None
        except csv.Error as exc:
            raise ValidationFailed([Problem(f"the header cannot be read: {exc}", row=1)], source) from None
        head = [Problem("required column is missing", row=1, field=c) for c in required if c not in header]
        known = set(required) | set(optional)
        head += [Problem("unknown column", row=1, field=h[:40]) for h in header if h and h not in known]
        if head:
            raise ValidationFailed(head, source)
        rows = 0
        number = 1
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                # the csv module's own bound: a cell over 131,072 characters (or a broken quote)
                found.append(Problem(f"the row cannot be read: {exc}", row=number))
                break
            if not any(c.strip() for c in cells):
                continue
            rows += 1
            if len(cells) > len(header):
                found.append(Problem(f"{len(cells)} cells but the header has {len(header)}", row=number))
                continue
            long = [h for h, c in zip(header, cells, strict=False) if len(c) > MAX_CELL_CHARS]
            if long:
                found += (Problem(f"longer than {MAX_CELL_CHARS:,} characters", number, h) for h in long)
                continue
            yield Row(number, dict(zip(header, cells, strict=False)))
    if rows == 0:
        raise ValidationFailed([Problem("the file has a header but no rows: nothing to import", row=2)], source)
    if own and found:
        raise found.failure(source)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (it begins with = + - @, a tab or a
    carriage return) gets a leading apostrophe (OWASP's CSV injection advice); numbers such as
    ``-12.50`` are left as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        Decimal(value)
    except InvalidOperation:
        return "'" + value
    return value


def csv_text(cell: str) -> str:
    """The text that :func:`csv_safe` protected, read back: a file exported by Pacer and imported
    again keeps its names as they were."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) and csv_safe(cell[1:]) == cell:
        return cell[1:]
    return cell


def write_csv(rows: Sequence[Mapping[str, object]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else csv_safe(row.get(c)) for c in columns})
    return out.getvalue()
