"""The columnar path's default engine: subgroup statistics in one compiled pass (numba, see
:mod:`.kernels`) over a Parquet file stored sorted by characteristic and subgroup, read with pyarrow
(memory-mapped, one row group at a time: no copy of the whole columns is ever made), the next row
groups read by another thread while one is computed.

The result is the same :class:`~pacer.spc.data.columnar.SubgroupTable` DuckDB gives. A file that
does not suit the single pass (rows not sorted, an empty cell, a NaN value, a characteristic with
two specification rows, a column that is not there) gives None, and the caller lets DuckDB group
it (and name what is wrong).
"""

from __future__ import annotations

import ctypes
import mmap
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pacer.spc.data import kernels

if TYPE_CHECKING:  # columnar imports this module when it runs
    from pacer.spc.data.columnar import SubgroupTable

# Up to this many rows, room for one subgroup per row is reserved (only what is written is
# touched); past it the subgroups are counted in a first pass over the keys.
RESERVE_ROWS = 1 << 28

# Row groups read ahead of the one being computed.
READ_AHEAD = 2

Batch = tuple[np.ndarray, np.ndarray, np.ndarray]


class _Keys:
    """A key column as integers in the key's own order: integers as they are, anything else
    (text, dates …) as its rank among the column's distinct values."""

    def __init__(self, column: pa.ChunkedArray | None = None) -> None:
        self.distinct: pa.Array | None = None
        if column is not None and not pa.types.is_integer(column.type):
            self.distinct = pc.unique(column).sort()

    def codes(self, column: Any) -> Any:
        return column if self.distinct is None else pc.index_in(column, value_set=self.distinct)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        if self.distinct is None:
            return codes
        return np.asarray(self.distinct.to_numpy(zero_copy_only=False)[codes])


def subgroup_table_compiled(
    measurements: Path,
    specs: Path | None,
    characteristic: str,
    subgroup: str,
    value: str,
    reserve_rows: int = RESERVE_ROWS,
) -> SubgroupTable | None:
    """Every subgroup's statistics in one pass, or None when the file needs DuckDB's grouping."""
    from pacer.spc.data.columnar import SubgroupTable

    columns = [characteristic, subgroup, value]
    try:
        file = pq.ParquetFile(measurements, memory_map=True)
    except (OSError, pa.ArrowException):
        return None
    schema = file.schema_arrow
    if any(schema.get_field_index(c) < 0 for c in columns) or not _numeric(schema.field(value).type):
        return None
    table: pa.Table | None = None
    chars = _Keys()
    if not all(pa.types.is_integer(schema.field(c).type) for c in columns[:2]):
        table = file.read(columns)
        chars, subs = _Keys(table.column(characteristic)), _Keys(table.column(subgroup))
        table = pa.table([chars.codes(table.column(characteristic)), subs.codes(table.column(subgroup)),
                          table.column(value)], names=["c", "s", "v"])  # fmt: skip

    def batches() -> Iterator[Batch | None]:
        return _row_groups(file, columns) if table is None else _batches(table.to_batches())

    limits = _limits(specs, chars)
    if limits is None:
        return None
    rows = file.metadata.num_rows
    capacity = rows if rows <= reserve_rows else _count(batches())
    if capacity < 0:
        return None
    acc, key = np.zeros(8), np.zeros(7, np.int64)
    # no subgroup has more rows than the file: the counts take 4 bytes where that is room enough
    counts = np.empty(0, np.int32 if rows < 2**31 else np.int64)
    try:
        out = _one_pass(batches(), limits, capacity, counts, acc, key)
    except _NeedsGrouping:
        return None
    if out is None:
        out = kernels.allocate(0, np.empty(0, schema.field(characteristic).type.to_pandas_dtype()), counts)
    kernels.finish(acc, key, *out)
    size = int(key[kernels.NEXT])
    out_key, out_i, out_f = out[0][:size], out[1][:, :size], out[2][:, :size]
    return SubgroupTable(
        characteristic=chars.decode(out_key), n=out_i[0], mean=out_f[0], range=out_f[1], sd=out_f[2],
        below=out_i[1], above=out_i[2],
    )  # fmt: skip


class _NeedsGrouping(Exception):
    """The file does not suit the single pass (the caller lets DuckDB group it)."""


def _one_pass(
    batches: Iterator[Batch | None],
    limits: tuple[np.ndarray, np.ndarray, np.ndarray],
    capacity: int,
    counts: np.ndarray,
    acc: np.ndarray,
    key: np.ndarray,
) -> Any:
    """The kernel over every batch into results allocated on the first (None for a file of no
    rows), their pages made ahead of the pass on another thread."""
    out = None
    with ThreadPoolExecutor(1) as helper:
        room: _Room | None = None
        seen = 0
        for batch in batches:
            if batch is None:
                raise _NeedsGrouping
            if batch[0].size == 0:
                continue
            if out is None:
                out = kernels.allocate(capacity, batch[0], counts)
                room = _Room(out, helper)
            if kernels.subgroup_stats(*batch, *limits, acc, key, *out) < 0:
                raise _NeedsGrouping
            seen += batch[0].size
            if room is not None:
                room.ahead(int(key[kernels.NEXT]), seen, batch[0].size)
    return out


class _Room:
    """Makes the result's pages ahead of the pass, on another thread: the pages the next batches'
    subgroups are expected to fill (at the rate of subgroups per row so far), in one call per part
    (Linux's MADV_POPULATE_WRITE, which changes no content) rather than one page fault per page in
    the pass. Elsewhere, or where the call fails, the pass makes its pages itself."""

    def __init__(self, out: tuple[np.ndarray, np.ndarray, np.ndarray], helper: ThreadPoolExecutor) -> None:
        self.rows = [out[0], *out[1], *out[2]]
        self.capacity, self.made, self.helper, self.works = out[0].size, 0, helper, _madvise is not None

    def ahead(self, written: int, rows: int, batch: int) -> None:
        """After ``rows`` rows gave ``written`` subgroups, in batches of ``batch`` rows."""
        if not self.works or rows == 0:
            return
        upto = min(self.capacity, written + (written * BATCHES_AHEAD * batch) // rows + _PAGE)
        if upto > self.made:
            self.helper.submit(self._make, max(self.made, written), upto)
            self.made = upto

    def _make(self, first: int, last: int) -> None:
        for row in self.rows:
            start = row.ctypes.data + first * row.itemsize
            aligned = start - start % _PAGE
            if _madvise is None or _madvise(aligned, row.ctypes.data + last * row.itemsize - aligned, 23) != 0:
                self.works = False  # MADV_POPULATE_WRITE not known here: the pass makes its pages
                return


def _libc_madvise() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    call.argtypes, call.restype = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int], ctypes.c_int
    return call


_madvise = _libc_madvise()
_PAGE = mmap.PAGESIZE
# Batches whose subgroups' pages are made ahead of the pass.
BATCHES_AHEAD = 2


def _numeric(kind: pa.DataType) -> bool:
    return bool(pa.types.is_floating(kind) or pa.types.is_integer(kind))


def _row_groups(file: pq.ParquetFile, columns: list[str]) -> Iterator[Batch | None]:
    """The row groups' batches, each row group read (by another thread) while the one before is
    being computed."""
    count = file.num_row_groups
    with ThreadPoolExecutor(1) as reader:
        ahead = deque(reader.submit(file.read_row_group, i, columns=columns) for i in range(min(READ_AHEAD, count)))
        for i in range(count):
            group = ahead.popleft().result()
            if i + READ_AHEAD < count:
                ahead.append(reader.submit(file.read_row_group, i + READ_AHEAD, columns=columns))
            yield from _batches(group.to_batches())


def _batches(batches: list[pa.RecordBatch]) -> Iterator[Batch | None]:
    """The columns of each batch as arrays (no copy), None for a batch with an empty cell."""
    for batch in batches:
        if any(batch.column(i).null_count for i in range(3)):
            yield None
            return
        value = batch.column(2)
        if value.type != pa.float64():
            value = pc.cast(value, pa.float64())
        yield batch.column(0).to_numpy(), batch.column(1).to_numpy(), value.to_numpy()


def _count(batches: Iterator[Batch | None]) -> int:
    """How many subgroups there are (-1 when the rows are not sorted or a cell is empty)."""
    last, total = np.zeros(3, np.int64), 0
    for batch in batches:
        found = -1 if batch is None else kernels.count_subgroups(batch[0], batch[1], last)
        if found < 0:
            return -1
        total += found
    return total


def _limits(specs: Path | None, chars: _Keys) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The specification limits by characteristic (as key numbers, sorted), or None when a
    characteristic has two rows (DuckDB's join then counts its values twice)."""
    if specs is None:
        return np.empty(0, np.int64), np.empty(0), np.empty(0)
    try:
        table = pq.read_table(specs, columns=["characteristic", "lsl", "usl"])
    except (OSError, KeyError, pa.ArrowException):
        return None
    codes: Any = chars.codes(table.column("characteristic"))
    keep = pc.is_valid(codes)
    table, codes = table.filter(keep), codes.filter(keep)
    if not pa.types.is_integer(codes.type):
        return None
    keys = np.asarray(codes.to_numpy(), dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if keys.size > 1 and bool((keys[1:] == keys[:-1]).any()):
        return None

    def column(name: str) -> np.ndarray:
        array = pc.cast(table.column(name), pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(array, dtype=float)[order]

    return keys, column("lsl"), column("usl")
