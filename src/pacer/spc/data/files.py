"""Read a measurement file (CSV or Parquet) as a stream of record batches, checking as it goes.

Nothing is loaded whole: values are folded into subgroup statistics batch by batch (a subgroup
may straddle two batches), and a file whose chart would exceed ``MAX_POINTS`` points is refused
at the row where it does. Every refusal is one sentence naming the file, the row (a CSV's header
is row 1, as a spreadsheet shows it; a Parquet file's first row is row 1) and the column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pacer.errors import DomainError

MAX_POINTS = 1_000_000
_BLOCK = 1 << 22


class BadFile(DomainError):
    status = 422


@dataclass
class Batch:
    first_row: int  # file row of the batch's first record
    columns: dict[str, pa.Array]


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            first = next(csv.reader(handle), None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise BadFile(f"{path.name}: row 1 cannot be read as CSV text ({exc})") from None
    if first is None:
        raise BadFile(f"{path.name} is empty")
    return [c.strip() for c in first]


def batches(path: Path, columns: list[str], block_size: int = _BLOCK) -> Iterator[Batch]:
    """The named columns of a .csv or .parquet file, batch by batch (strings for CSV)."""
    if not path.is_file():
        raise BadFile(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise BadFile(f"{path.name}: give a .csv or .parquet file")
    present = _header(path) if suffix == ".csv" else _parquet_columns(path)
    missing = [c for c in columns if c not in present]
    if missing:
        raise BadFile(f"{path.name}: no column {missing[0]!r} (the file has {', '.join(present) or 'no columns'})")
    twice = [c for c in columns if present.count(c) > 1]
    if twice:
        raise BadFile(f"{path.name}: the column {twice[0]!r} appears twice in row 1")
    try:
        yield from (
            _csv_batches(path, present, columns, block_size)
            if suffix == ".csv"
            else _parquet_batches(path, columns, block_size)
        )
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BadFile(f"{path.name} cannot be read: {text}") from None


def _parquet_columns(path: Path) -> list[str]:
    if path.stat().st_size == 0:
        raise BadFile(f"{path.name} is empty")
    try:
        return list(pq.ParquetFile(path).schema_arrow.names)
    except (pa.ArrowInvalid, OSError) as exc:
        raise BadFile(f"{path.name} is not a readable Parquet file ({str(exc).splitlines()[0]})") from None


def _csv_batches(path: Path, header: list[str], columns: list[str], block_size: int) -> Iterator[Batch]:
    # the header as read (names trimmed, as they were checked), not as Arrow would name the columns
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=block_size, column_names=header, skip_rows=1),
        convert_options=pacsv.ConvertOptions(
            include_columns=columns,
            column_types=dict.fromkeys(columns, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    row = 2
    for record in reader:
        yield Batch(row, {c: record.column(c) for c in columns})
        row += record.num_rows


def _parquet_batches(path: Path, columns: list[str], block_size: int) -> Iterator[Batch]:
    row = 1
    for record in pq.ParquetFile(path).iter_batches(batch_size=max(1, block_size // 8), columns=columns):
        yield Batch(row, {c: record.column(c) for c in columns})
        row += record.num_rows


def numbers(path: Path, batch: Batch, column: str) -> np.ndarray:
    """The column as finite floats, or a refusal naming the first row that is not one."""
    array = batch.columns[column]
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        try:
            array = pc.cast(pc.utf8_trim_whitespace(array), pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            _refuse_text(path, batch, column)
    elif not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_decimal(array.type)):
        raise BadFile(f"{path.name}: column {column!r} holds {array.type}, not numbers")
    if array.null_count:
        row = batch.first_row + int(np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False))[0])
        raise BadFile(f"{path.name}: row {row}, column {column!r}: no value")
    values = array.cast(pa.float64()).to_numpy(zero_copy_only=False)
    bad = ~np.isfinite(values)
    if bad.any():
        row = batch.first_row + int(np.flatnonzero(bad)[0])
        raise BadFile(f"{path.name}: row {row}, column {column!r}: {values[bad][0]} is not a finite number")
    return np.asarray(values, dtype=float)


def _refuse_text(path: Path, batch: Batch, column: str) -> None:
    for offset, cell in enumerate(batch.columns[column].to_pylist()):
        try:
            float(str(cell).strip()) if cell is not None else 0.0
        except ValueError:
            raise BadFile(
                f"{path.name}: row {batch.first_row + offset}, column {column!r}: {cell!r} is not a number"
            ) from None
    raise BadFile(f"{path.name}: column {column!r} holds something that is not a number")


def labels(path: Path, batch: Batch, column: str) -> np.ndarray:
    array = batch.columns[column]
    if array.null_count:
        row = batch.first_row + int(np.flatnonzero(array.is_null().to_numpy(zero_copy_only=False))[0])
        raise BadFile(f"{path.name}: row {row}, column {column!r}: no subgroup")
    return np.asarray(pc.cast(array, pa.string()).to_numpy(zero_copy_only=False), dtype=object)
