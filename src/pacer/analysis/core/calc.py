"""Pure, vectorised formulas of the analysis: change, time progress, completion, status, need.

Every function works on whole arrays (broadcasting) and returns arrays; codes for kinds and
statuses are small integers here and become enums in :mod:`pacer.analysis.answers.results`.
Percentages are in percent (44.7 means 44.7 %); gaps and ratio changes in percentage points.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from pacer.analysis.core.inputs import BoolArray, FloatArray

Int8Array = npt.NDArray[np.int8]


class ChangeCode(IntEnum):
    """How a value compares with its base; only PERCENT carries a percentage."""

    NO_DATA = 0
    PERCENT = 1  # ordinary change in %: (current - previous) / previous
    PP = 2  # percent-unit indicators compare in percentage points
    NEW = 3  # previous is zero: no percentage
    BOTH_ZERO = 4
    TURNED_PROFITABLE = 5  # negative -> positive (扭亏为盈 for a profit indicator)
    TURNED_LOSS = 6  # positive -> negative
    LOSS_NARROWED = 7  # negative both times, less negative now (减亏)
    LOSS_WIDENED = 8  # negative both times, more negative now (增亏)
    LOSS_UNCHANGED = 9


class StatusCode(IntEnum):
    NONE = 0  # no target or no value: not judged
    ON_TRACK = 1
    WATCH = 2
    OFF_TRACK = 3


@dataclass(frozen=True)
class Thresholds:
    """Status rules. Running totals (flows) are judged by the gap to time progress; levels
    (stocks, ratios) by how far they miss the target or cap."""

    on_track_gap_pp: float = -2.0
    watch_gap_pp: float = -5.0
    level_watch_pp: float = 2.0


def _sign_table() -> np.ndarray:
    table = np.zeros(27, dtype=np.int8)
    for sp, sc, sd in itertools.product((-1, 0, 1), repeat=3):
        if sp == 0:
            code = ChangeCode.BOTH_ZERO if sc == 0 else ChangeCode.NEW
        elif sp > 0:
            code = ChangeCode.PERCENT if sc >= 0 else ChangeCode.TURNED_LOSS
        elif sc > 0:
            code = ChangeCode.TURNED_PROFITABLE
        else:
            code = {1: ChangeCode.LOSS_NARROWED, -1: ChangeCode.LOSS_WIDENED, 0: ChangeCode.LOSS_UNCHANGED}[sd]
        table[sp * 9 + sc * 3 + sd + 13] = code
    return table


_SIGN_TABLE = _sign_table()


def classify_change(
    current: FloatArray,
    previous: FloatArray,
    ok: BoolArray,
    is_percent: BoolArray | bool,
) -> tuple[Int8Array, FloatArray, FloatArray]:
    """Year-on-year (or any) change: ``(code, current - previous, percent)``.

    ``ok`` says where both values exist. The percentage is (current - previous) / previous for
    a positive base only; the sign cases carry the change as an amount instead.
    """
    cur, prev, ok, pct_unit = np.broadcast_arrays(current, previous, ok, is_percent)
    c, p = np.where(ok, cur, 0.0), np.where(ok, prev, 0.0)
    # one table lookup on the signs of (previous, current, current - previous)
    key = (np.sign(p) * 9 + np.sign(c) * 3 + np.sign(c - p) + 13).astype(np.intp)
    code = _SIGN_TABLE[key]
    code = np.where(pct_unit, np.int8(ChangeCode.PP), code)
    code = np.where(ok, code, np.int8(ChangeCode.NO_DATA))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = np.where(ok, cur - prev, np.nan)
        pct = np.where(code == ChangeCode.PERCENT, change / np.abs(prev) * 100.0, np.nan)
    return code, change, pct


def linear_progress(month: int) -> float:
    """Share of the year elapsed at the end of ``month`` (1..12)."""
    return month / 12.0


def history_shares(monthly: FloatArray, present: BoolArray) -> FloatArray:
    """Seasonal profile from reference years: ``[..., years, 12] -> [..., 12]``.

    Share reached by month m = Σ over complete years of YTD(m) / Σ of their annual totals
    (pooled, so a large year weighs more). NaN where no year is complete or the pooled total is
    not positive, which callers read as "fall back to linear".
    """
    return ytd_shares(np.cumsum(monthly, axis=-1), np.asarray(present.all(axis=-1)))


def ytd_shares(ytd: FloatArray, complete: BoolArray) -> FloatArray:
    """:func:`history_shares` from year-to-date values ``[..., years, months]`` (any months,
    the last one being December) and which years are complete ``[..., years]``."""
    pooled = np.where(complete[..., None], ytd, 0.0).sum(axis=-2)
    total = pooled[..., -1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, pooled / total, np.nan)


def phasing_shares(basis_points: npt.NDArray[np.integer]) -> FloatArray:
    """Cumulative share per month from a target's monthly phasing; NaN unless it adds to 100 %."""
    cum = np.cumsum(basis_points, axis=-1, dtype=np.int64)
    valid = cum[..., 11:12] == 10_000
    return np.where(valid, cum / 10_000.0, np.nan)


def judge(
    value: FloatArray,
    ensure: FloatArray,
    strive: FloatArray,
    progress: FloatArray,
    accumulates: BoolArray,
    lower: BoolArray,
    band: BoolArray,
    is_percent: BoolArray,
    thresholds: Thresholds,
) -> tuple[FloatArray, FloatArray, FloatArray, Int8Array]:
    """``(completion %, completion vs strive %, gap pp, status code)`` against the ensure tier.

    Missing inputs are NaN. A running total's gap is (value - target × progress) / |target|
    in pp, sign-flipped for lower-is-better caps, which equals completion - time progress when
    the target is positive and still reads sensibly for a loss target. A level's gap is its
    distance to the target in pp (percent units) or in % of the target, positive when better.
    For a band, ``ensure`` and ``strive`` are the lower and upper bounds. A cap of zero on a
    lower-is-better indicator is a zero-defect target ("零缺陷"): any occurrence is off track,
    none is on track, whatever the time of year.
    """
    sign = np.where(lower, -1.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        completion = np.where((ensure > 0) & ~band, value / ensure * 100.0, np.nan)
        completion_strive = np.where((strive > 0) & ~band, value / strive * 100.0, np.nan)
        running_gap = sign * (value - ensure * progress) / np.abs(ensure) * 100.0
        level_gap = _distance(sign * (value - ensure), ensure, is_percent)
        band_gap = np.minimum(
            0.0,
            np.minimum(
                _distance(value - ensure, ensure, is_percent),
                _distance(strive - value, strive, is_percent),
            ),
        )
    running = accumulates & ~band
    gap = np.where(band, band_gap, np.where(running, running_gap, level_gap))
    gap = np.where(np.isfinite(gap), gap, np.nan) + 0.0  # + 0.0 turns -0.0 into 0.0
    on_line = np.where(running, thresholds.on_track_gap_pp, 0.0)
    watch_line = np.where(running, thresholds.watch_gap_pp, -thresholds.level_watch_pp)
    status = np.full(gap.shape, StatusCode.OFF_TRACK, dtype=np.int8)
    status[gap >= watch_line] = StatusCode.WATCH
    status[gap >= on_line] = StatusCode.ON_TRACK
    status[np.isnan(gap)] = StatusCode.NONE
    # spending past a cap is off track however early in the year
    over_cap = running & lower & (value > ensure) & (status != StatusCode.NONE)
    status[over_cap] = StatusCode.OFF_TRACK
    zero = np.broadcast_to(lower & ~band & (ensure == 0) & ~np.isnan(value), status.shape)
    status[zero] = np.where(np.broadcast_to(value, status.shape)[zero] > 0, StatusCode.OFF_TRACK, StatusCode.ON_TRACK)
    return completion, completion_strive, gap, status


def _distance(delta: FloatArray, bound: FloatArray, is_percent: BoolArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(is_percent, delta, delta / np.abs(bound) * 100.0)


def required_monthly(remaining: FloatArray, month: int) -> FloatArray:
    """Average per remaining month that closes ``remaining`` by December (NaN in December)."""
    left = 12 - month
    return remaining / left if left > 0 else np.full_like(remaining, np.nan, dtype=np.float64)


def dispersion(values: FloatArray) -> dict[str, float]:
    """min, max, mean, population std and coefficient of variation, NaN ignored."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        nan = float("nan")
        return {"count": 0.0, "min": nan, "max": nan, "mean": nan, "std": nan, "cv": nan}
    mean = float(v.mean())
    std = float(v.std())
    cv = std / abs(mean) if mean != 0 else float("nan")
    return {"count": float(v.size), "min": float(v.min()), "max": float(v.max()), "mean": mean, "std": std, "cv": cv}


def rank_order(values: FloatArray, descending: bool) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Order along axis 0 (stable: ties keep input order; NaN last) and competition ranks
    (1, 2, 2, 4; 0 for NaN), for ``values`` of shape [items] or [items, columns]."""
    keys = np.asarray(values, dtype=np.float64)
    keys = -keys if descending else keys
    order = np.argsort(keys, axis=0, kind="stable")
    ranked = np.take_along_axis(keys, order, axis=0)
    position = np.arange(len(keys)).reshape((-1,) + (1,) * (keys.ndim - 1))
    # equal neighbours share the rank of the first of them (competition ranking)
    starts = np.ones(ranked.shape, dtype=bool)
    starts[1:] = ranked[1:] != ranked[:-1]
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=0)
    ranks = np.empty(keys.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=0)
    return order, np.where(np.isnan(keys), 0, ranks)


def competition_ranks(values: FloatArray, descending: bool) -> npt.NDArray[np.int64]:
    """The ranks of :func:`rank_order` (1, 2, 2, 4 along axis 0; 0 for NaN) for ``values`` of
    shape [items, columns], without the order.

    Each column is sorted as one row of integers that keep the floats' order with the item's
    position in the lowest bits: a plain (vectorised) sort of numbers instead of an argsort,
    several times faster. Dropping those low bits can only make nearly equal keys look equal;
    such a column comes out of order by its exact keys, which is checked, and is ranked again by
    an argsort.
    """
    keys = np.asarray(values, dtype=np.float64).T
    keys = np.negative(keys, order="C") if descending else np.ascontiguousarray(keys)
    n_cols, n = keys.shape
    ranks = np.zeros(keys.shape, dtype=np.int64)
    if n == 0 or n_cols == 0:
        return ranks.T
    bits = keys.view(np.int64)
    exact = bits ^ ((bits >> 63) & np.int64(0x7FFF_FFFF_FFFF_FFFF))  # ordered like the floats
    missing = np.isnan(keys)
    exact[missing] = np.iinfo(np.int64).max  # NaN last, whatever its sign bit
    low = max(1, int(n - 1).bit_length())
    if low > 16:  # too many items to pack: argsort every column
        return _ranks_by_argsort(keys, np.arange(n_cols), ranks).T
    packed = np.sort((exact & ~np.int64((1 << low) - 1)) | np.arange(n), axis=-1)
    # flat positions: one-dimensional take and put are much faster than paired index arrays
    at = (packed & np.int64((1 << low) - 1)) + (np.arange(n_cols) * n)[:, None]
    ordered = np.take(exact, at)
    wrong = np.flatnonzero((ordered[:, 1:] < ordered[:, :-1]).any(axis=-1))
    ranked = np.take(keys, at)
    starts = np.empty(ranked.shape, dtype=bool)
    starts[:, :1] = True
    np.not_equal(ranked[:, 1:], ranked[:, :-1], out=starts[:, 1:])
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0), axis=-1)
    ranks.reshape(-1)[at.reshape(-1)] = (first + 1).reshape(-1)
    if wrong.size:
        _ranks_by_argsort(keys, wrong, ranks)
    ranks[missing] = 0
    return ranks.T


def _ranks_by_argsort(
    keys: FloatArray, rows: npt.NDArray[np.intp], ranks: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Competition ranks of ``keys[rows]`` (each row ascending) into ``ranks[rows]``."""
    sub = keys[rows]
    order = np.argsort(sub, axis=-1)
    at = np.arange(len(rows))[:, None]
    ranked = sub[at, order]
    starts = np.ones(ranked.shape, dtype=bool)
    starts[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(sub.shape[1]), 0), axis=-1)
    out = np.empty(sub.shape, dtype=np.int64)
    out[at, order] = first + 1
    ranks[rows] = out
    ranks[np.isnan(keys)] = 0
    return ranks
