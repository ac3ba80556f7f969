"""A measurement file (CSV or Parquet, already read within PACER_UPLOAD_MAX_BYTES) as subgroups.

Columns: ``value`` (required) and ``subgroup`` (the subgroup's number; without it, runs of the
characteristic's subgroup size in row order continue the stored subgroups). A CSV's header is
row 1; a Parquet file's first row is row 1. Pure apart from parsing bytes: no database.
"""

from __future__ import annotations

import csv
import io
import math

import pyarrow as pa
import pyarrow.parquet as pq

from pacer.characteristics.validation import MAX_PROBLEMS, Incoming
from pacer.errors import Problem, ValidationFailed

VALUE, SUBGROUP = "value", "subgroup"
Cells = list[tuple[int, object, object]]  # (row, subgroup cell or None, value cell)


def read(filename: str, content: bytes, last: int, size: int) -> list[Incoming]:
    """The file's subgroups, or ValidationFailed naming each bad row and column."""
    extension = filename.rpartition(".")[2].lower()
    if extension == "csv":
        cells, has_subgroup = _csv(content)
    elif extension == "parquet":
        cells, has_subgroup = _parquet(content)
    else:
        raise _refused(filename, [Problem(f"'{filename}' is neither .csv nor .parquet", field="file",
                                          zh=f"“{filename}”不是 .csv 或 .parquet 文件")])  # fmt: skip
    if isinstance(cells, Problem):
        raise _refused(filename, [cells])
    problems: list[Problem] = []
    rows: list[tuple[int, int, float]] = []
    for row, group, cell in cells:
        number = _number(cell, row, VALUE, problems)
        label = _subgroup(group, row, problems) if has_subgroup else last + 1 + len(rows) // size
        if number is not None and label is not None:
            rows.append((row, label, number))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise _refused(filename, problems)
    if not rows:
        raise _refused(filename, [Problem("the file has no measurements", zh="文件中没有测量值")])
    return _runs(rows)


def _refused(filename: str, problems: list[Problem]) -> ValidationFailed:
    return ValidationFailed(problems, filename or "upload")


def _columns_problem(names: list[str]) -> Problem | None:
    if VALUE not in names:
        shown = ", ".join(names) or "none"
        return Problem(f"no column 'value' (the file has: {shown})", row=1, field=VALUE,
                       zh=f"缺少 value 列（文件中的列：{shown}）")  # fmt: skip
    return None


def _csv(content: bytes) -> tuple[Cells | Problem, bool]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return Problem(
            "the file is not text (UTF-8 or GB18030)", field="file", zh="文件不是文本（UTF-8 或 GB18030）"
        ), False
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        return Problem(
            f"the file cannot be read as CSV ({exc})", field="file", zh=f"无法按 CSV 读取文件（{exc}）"
        ), False
    names = [c.strip().lower() for c in (lines[0] if lines else [])]
    missing = _columns_problem(names)
    if missing:
        return missing, False
    at, group = names.index(VALUE), names.index(SUBGROUP) if SUBGROUP in names else None
    cells: Cells = []
    for row, line in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in line):
            continue  # a blank line, as spreadsheets leave at the end
        cells.append((row, _at(line, group) if group is not None else None, _at(line, at)))
    return cells, group is not None


def _at(line: list[str], index: int) -> str:
    return line[index].strip() if index < len(line) else ""


def _parquet(content: bytes) -> tuple[Cells | Problem, bool]:
    try:
        table = pq.read_table(io.BytesIO(content))
    except (pa.ArrowInvalid, OSError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Problem(f"the file is not a readable Parquet file ({text})", field="file",
                       zh=f"文件不是可读的 Parquet 文件（{text}）"), False  # fmt: skip
    names = [n.strip().lower() for n in table.column_names]
    missing = _columns_problem(names)
    if missing:
        return missing, False
    values = table.column(names.index(VALUE)).to_pylist()
    groups = table.column(names.index(SUBGROUP)).to_pylist() if SUBGROUP in names else [None] * len(values)
    return [(row, g, v) for row, (g, v) in enumerate(zip(groups, values, strict=True), start=1)], SUBGROUP in names


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


def _subgroup(cell: object, row: int, problems: list[Problem]) -> int | None:
    number = _number(cell, row, SUBGROUP, problems)
    if number is None:
        return None
    if not number.is_integer() or number < 1:
        problems.append(Problem(f"'{cell}' is not a subgroup number (1, 2, 3 …)", row=row, field=SUBGROUP,
                                zh=f"“{cell}”不是子组编号（1、2、3……）"))  # fmt: skip
        return None
    return int(number)


def _runs(rows: list[tuple[int, int, float]]) -> list[Incoming]:
    """Consecutive rows of one subgroup make one item (a subgroup seen again makes another, which
    the batch check refuses as a duplicate)."""
    out: list[Incoming] = []
    for row, label, number in rows:
        if out and out[-1].subgroup == label:
            last = out[-1]
            out[-1] = Incoming(label, (*last.values, number), last.row)
        else:
            out.append(Incoming(label, (number,), row))
    return out
