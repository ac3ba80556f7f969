"""Measurement files folded into what the charts take: subgroup statistics, or counts and sizes.

Subgroups are consecutive rows with the same value in the subgroup column (``subgroup``), or
consecutive runs of ``size`` rows. A subgroup that shows up again after another one is refused as
a duplicate; with whole-number subgroup labels a skipped number is refused as a missing subgroup;
with ``size`` a last subgroup of another size is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pacer.spc.data.files import MAX_POINTS, BadFile, Batch, batches, labels, numbers
from pacer.spc.model import Subgroups


@dataclass
class Folded:
    """Subgroup statistics read from a file, with each subgroup's label and first row."""

    groups: Subgroups
    labels: list[str]
    rows: list[int]
    values: int = 0
    below: int = 0
    above: int = 0
    # values below / above the specification per subgroup (when a specification is given)
    below_by: np.ndarray | None = None
    above_by: np.ndarray | None = None


@dataclass
class _Fold:
    path: Path
    limit: int
    spec: tuple[float | None, float | None] = (None, None)
    parts: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    outside: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def add(self, keys: np.ndarray, values: np.ndarray, rows: np.ndarray) -> None:
        """Fold complete subgroups (runs of equal keys) into statistics."""
        starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
        for start in starts.tolist():
            key = str(keys[start])
            if key in self.seen:
                raise BadFile(
                    f"{self.path.name}: row {int(rows[start])}: subgroup {key} appears again "
                    f"(it began at row {self.seen[key]}): a duplicate or rows out of order"
                )
            self.seen[key] = int(rows[start])
            self.names.append(key)
            self.rows.append(int(rows[start]))
        if len(self.names) > self.limit:
            raise BadFile(
                f"{self.path.name}: row {self.rows[self.limit]}: more than {self.limit:,} points for one chart"
            )
        n = np.diff(np.concatenate((starts, [values.size])))
        mean = np.add.reduceat(values, starts) / n
        dev = values - np.repeat(mean, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            sd = np.where(n > 1, np.sqrt(np.add.reduceat(dev * dev, starts) / (n - 1)), np.nan)
        rng = np.maximum.reduceat(values, starts) - np.minimum.reduceat(values, starts)
        self.parts.append((n, mean, rng, sd))
        lsl, usl = self.spec
        below = np.add.reduceat((values < lsl).astype(np.int64), starts) if lsl is not None else np.zeros_like(n)
        above = np.add.reduceat((values > usl).astype(np.int64), starts) if usl is not None else np.zeros_like(n)
        self.outside.append((below, above))

    def outside_by(self) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate([b for b, _ in self.outside]), np.concatenate([a for _, a in self.outside])

    def result(self) -> Subgroups:
        if not self.parts:
            raise BadFile(f"{self.path.name} has no data rows")
        n, mean, rng, sd = (np.concatenate([p[i] for p in self.parts]) for i in range(4))
        return Subgroups(n=n.astype(np.int64), mean=mean, range=rng, sd=sd)


def read_subgroups(
    path: Path,
    value: str,
    *,
    subgroup: str | None = None,
    size: int | None = None,
    spec: tuple[float | None, float | None] = (None, None),
    limit: int = MAX_POINTS,
    block_size: int = 1 << 22,
) -> Folded:
    """Subgroup statistics of ``value``: by the ``subgroup`` column, by runs of ``size`` rows, or
    one value per point. Values below/above ``spec`` are counted on the way."""
    if size is not None and size < 1:
        raise BadFile(f"--size {size}: a subgroup has at least one value")
    fold = _Fold(path, limit, spec)
    carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    total = below = above = 0
    columns = [value] + ([subgroup] if subgroup else [])
    for batch in batches(path, columns, block_size):
        values = numbers(path, batch, value)
        rows = batch.first_row + np.arange(values.size)
        keys = _keys(path, batch, subgroup, size, total, values.size)
        total += values.size
        below += int(np.sum(values < spec[0])) if spec[0] is not None else 0
        above += int(np.sum(values > spec[1])) if spec[1] is not None else 0
        if carry is not None:
            keys, values, rows = (np.concatenate((a, b)) for a, b in zip(carry, (keys, values, rows), strict=True))
        last = int(np.flatnonzero(keys != keys[-1])[-1]) + 1 if np.any(keys != keys[-1]) else 0
        if last:
            fold.add(keys[:last], values[:last], rows[:last])
        carry = (keys[last:], values[last:], rows[last:])
    if carry is not None and carry[0].size:
        if size is not None and carry[0].size != size:
            raise BadFile(f"{path.name}: rows {int(carry[2][0])}–{int(carry[2][-1])}: the last subgroup has "
                          f"{carry[0].size} value{'s' if carry[0].size != 1 else ''}, not {size}")  # fmt: skip
        fold.add(*carry)
    groups = fold.result()
    if subgroup:
        _no_gaps(path, fold.names, fold.rows)
    below_by, above_by = fold.outside_by()
    return Folded(groups, fold.names, fold.rows, total, below, above, below_by, above_by)


def _keys(path: Path, batch: Batch, subgroup: str | None, size: int | None, before: int, count: int) -> np.ndarray:
    if subgroup:
        return labels(path, batch, subgroup)
    step = size or 1
    return np.asarray((before + np.arange(count)) // step + 1)


def _no_gaps(path: Path, names: list[str], rows: list[int]) -> None:
    """Whole-number labels that rise must rise by one: a skipped number is a missing subgroup."""
    try:
        numbers_ = np.array([int(n) for n in names])
    except ValueError:
        return
    steps = np.diff(numbers_)
    if numbers_.size > 1 and np.all(steps > 0) and np.any(steps > 1):
        i = int(np.flatnonzero(steps > 1)[0])
        raise BadFile(f"{path.name}: row {rows[i + 1]}: subgroup {numbers_[i] + 1} is missing "
                      f"(subgroup {numbers_[i + 1]} follows {numbers_[i]})")  # fmt: skip


@dataclass
class Counts:
    counts: np.ndarray
    sizes: np.ndarray | None
    labels: list[str]


def read_counts(
    path: Path, value: str, *, size: int | str | None = None, label: str | None = None, limit: int = MAX_POINTS
) -> Counts:
    """One point per row: the count in ``value`` out of ``size`` (a number or a column)."""
    columns = [value] + ([size] if isinstance(size, str) else []) + ([label] if label else [])
    counts: list[np.ndarray] = []
    sizes: list[np.ndarray] = []
    names: list[np.ndarray] = []
    points = 0
    for batch in batches(path, list(dict.fromkeys(columns))):
        count = numbers(path, batch, value)
        _whole(path, batch, value, count)
        counts.append(count)
        if isinstance(size, str):
            sizes.append(numbers(path, batch, size))
        names.append(labels(path, batch, label) if label else np.arange(points, points + count.size) + 1)
        points += count.size
        if points > limit:
            raise BadFile(
                f"{path.name}: row {batch.first_row + count.size - (points - limit)}: more than {limit:,} points"
            )
    if not counts:
        raise BadFile(f"{path.name} has no data rows")
    all_counts = np.concatenate(counts)
    all_sizes = np.concatenate(sizes) if sizes else (np.full(all_counts.size, float(size)) if size else None)
    return Counts(all_counts, all_sizes, _unique_labels(path, [str(n) for n in np.concatenate(names)], label))


def _whole(path: Path, batch: Batch, column: str, values: np.ndarray) -> None:
    bad = values < 0
    if bad.any():
        row = batch.first_row + int(np.flatnonzero(bad)[0])
        raise BadFile(f"{path.name}: row {row}, column {column!r}: a count cannot be negative")


def _unique_labels(path: Path, names: list[str], column: str | None) -> list[str]:
    if column:
        first: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in first:
                raise BadFile(
                    f"{path.name}: column {column!r}: sample {name} appears twice (points {first[name]} and {i + 1})"
                )
            first[name] = i + 1
    return names
