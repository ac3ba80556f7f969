"""A measurement file (CSV or Parquet, already read within PACER_UPLOAD_MAX_BYTES) as subgroups.

Columns of a measured (variables) characteristic: ``value`` (required) and ``subgroup`` (the
subgroup's number; without it, runs of the characteristic's subgroup size in row order continue
the stored subgroups). Of a counted (attribute) characteristic: ``count`` (required: nonconforming
units for p and np, nonconformities for c and u), one row per subgroup, with its sample size in
``size`` (else the characteristic's) and optionally ``subgroup``. Either may give ``time`` (when
the subgroup was measured, ISO 8601) and ``batch`` (its lot), read from the subgroup's first row.
A CSV's header is row 1; a Parquet file's first row is row 1. Pure apart from parsing bytes.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq

from pacer.characteristics.validation import BATCH_LIMIT, MAX_PROBLEMS, Incoming
from pacer.errors import Problem, ValidationFailed

VALUE, COUNT, SIZE, SUBGROUP, TIME, BATCH = "value", "count", "size", "subgroup", "time", "batch"
Table = tuple[list[str], list[tuple[int, list[object]]]]  # column names, (row, cells) of each data row


def read(filename: str, content: bytes, last: int, size: int, counted: bool = False) -> list[Incoming]:
    """The file's subgroups, or ValidationFailed naming each bad row and column."""
    extension = filename.rpartition(".")[2].lower()
    readers: dict[str, Callable[[bytes], Table | Problem]] = {"csv": _csv, "parquet": _parquet}
    if extension not in readers:
        raise _refused(filename, [Problem(f"'{filename}' is neither .csv nor .parquet", field="file",
                                          zh=f"“{filename}”不是 .csv 或 .parquet 文件")])  # fmt: skip
    table = readers[extension](content)
    if isinstance(table, Problem):
        raise _refused(filename, [table])
    names, rows = table
    needed = COUNT if counted else VALUE
    if needed not in names:
        shown = ", ".join(names) or "none"
        raise _refused(filename, [Problem(f"no column '{needed}' (the file has: {shown})", row=1, field=needed,
                                          zh=f"缺少 {needed} 列（文件中的列：{shown}）")])  # fmt: skip
    problems: list[Problem] = []
    items: list[Incoming] = []
    for row, cells in rows:
        cell = dict(zip(names, cells, strict=False))
        item = _item(cell, row, needed, last + 1 + (len(items) if counted else len(items) // size), problems)
        if item is not None:
            items.append(item)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise _refused(filename, problems[:MAX_PROBLEMS])
    if not items:
        raise _refused(filename, [Problem("the file has no measurements", zh="文件中没有测量值")])
    return items if counted else _runs(items)


def _item(cell: dict[str, object], row: int, needed: str, following: int, problems: list[Problem]) -> Incoming | None:
    before = len(problems)
    number = _number(cell.get(needed), row, needed, problems)
    label = _subgroup(cell[SUBGROUP], row, problems) if SUBGROUP in cell else following
    sample = _number(cell[SIZE], row, SIZE, problems) if _given(cell.get(SIZE)) else None
    at = _moment(cell[TIME], row, problems) if _given(cell.get(TIME)) else None
    batch = str(cell.get(BATCH) or "").strip()
    if len(batch) > BATCH_LIMIT:
        problems.append(Problem(f"a batch has at most {BATCH_LIMIT} characters", row=row, field=BATCH,
                                zh=f"批次号最多 {BATCH_LIMIT} 个字符"))  # fmt: skip
    if len(problems) > before or number is None or label is None:
        return None
    return Incoming(label, (number,), row, size=sample, measured_at=at, batch=batch)


def _given(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _refused(filename: str, problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(problems, filename or "upload")


def _csv(content: bytes) -> Table | Problem:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return Problem("the file is not text (UTF-8 or GB18030)", field="file", zh="文件不是文本（UTF-8 或 GB18030）")
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return Problem(f"the file cannot be read as CSV ({exc})", field="file", zh=f"无法按 CSV 读取文件（{exc}）")
    names = [c.strip().lower() for c in (lines[0] if lines else [])]
    rows: list[tuple[int, list[object]]] = [
        (row, [c.strip() for c in line])
        for row, line in enumerate(lines[1:], start=2)
        if any(c.strip() for c in line)  # a blank line, as spreadsheets leave at the end, is no row
    ]
    return names, rows


def _parquet(content: bytes) -> Table | Problem:
    try:
        table = pq.read_table(io.BytesIO(content))
    except (pa.ArrowInvalid, OSError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Problem(f"the file is not a readable Parquet file ({text})", field="file",
                       zh=f"文件不是可读的 Parquet 文件（{text}）")  # fmt: skip
    names = [n.strip().lower() for n in table.column_names]
    columns = [table.column(i).to_pylist() for i in range(len(names))]
    return names, [(row, list(cells)) for row, cells in enumerate(zip(*columns, strict=True), start=1)]


def _number(cell: object, row: int, column: str, problems: list[Problem]) -> float | None:
    if cell is None or cell == "":
        problems.append(Problem("no value", row=row, field=column, zh="没有数值"))
        return None
    try:
        number = float(cell) if isinstance(cell, int | float) else float(str(cell).replace(",", ""))
    except ValueError:
        problems.append(Problem(f"'{cell}' is not a number", row=row, field=column, zh=f"“{cell}”不是数字"))
        return None
    if not math.isfinite(number):
        problems.append(Problem(f"{cell} is not a finite number", row=row, field=column, zh=f"{cell} 不是有限数"))
        return None
    return number


def _moment(cell: object, row: int, problems: list[Problem]) -> datetime | None:
    """A time as ISO 8601 text (a date alone is its midnight) or a Parquet timestamp; UTC unless given."""
    if isinstance(cell, datetime):
        found: datetime | None = cell
    elif isinstance(cell, date):
        found = datetime(cell.year, cell.month, cell.day)
    else:
        try:
            found = datetime.fromisoformat(str(cell).strip())
        except ValueError:
            found = None
    if found is None:
        problems.append(Problem(f"'{cell}' is not a time (e.g. 2026-11-03T08:15)", row=row, field=TIME,
                                zh=f"“{cell}”不是时间（例如 2026-11-03T08:15）"))  # fmt: skip
        return None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found


def _subgroup(cell: object, row: int, problems: list[Problem]) -> int | None:
    number = _number(cell, row, SUBGROUP, problems)
    if number is None:
        return None
    if not number.is_integer() or number < 1:
        problems.append(Problem(f"'{cell}' is not a subgroup number (1, 2, 3 …)", row=row, field=SUBGROUP,
                                zh=f"“{cell}”不是子组编号（1、2、3……）"))  # fmt: skip
        return None
    return int(number)


def _runs(rows: list[Incoming]) -> list[Incoming]:
    """Consecutive rows of one subgroup make one item, with the first row's time and batch (a
    subgroup seen again makes another, which the batch check refuses as a duplicate)."""
    out: list[Incoming] = []
    for item in rows:
        if out and out[-1].subgroup == item.subgroup:
            first = out[-1]
            out[-1] = Incoming(first.subgroup, (*first.values, *item.values), first.row,
                               measured_at=first.measured_at, batch=first.batch)  # fmt: skip
        else:
            out.append(item)
    return out
