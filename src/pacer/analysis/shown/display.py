"""Display scales (元/万元/亿元, t/kt, tce/ktce …) and figures on them that keep a breakdown
adding up on screen.

A value is shown on one scale of its unit's dimension, the largest of the dimension's display
units that the column's largest magnitude reaches (the smallest one below that): one scale per
column, so a parent and its children compare and add up at a glance (:func:`choose`).

Rounding every figure on its own breaks "parent = Σ children" on the displayed digits.
:func:`breakdown` guarantees instead, for a total and the parts it is made of (children plus an
own/elimination line, exactly adding up in scaled integers):

1. the total is rounded half away from zero (四舍五入) to the displayed precision;
2. each part is its exact value rounded down or up to that precision, so it is never off by a
   full displayed unit (largest-remainder apportionment decides which parts round up);
3. the displayed parts add up exactly to the displayed total.

Applying it top-down (a child's displayed value as the total of its own children, via
:func:`apportion`) keeps 2 and 3 at every level of a tree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from pacer.analysis.core.inputs import UnitOfMeasure


class DisplayUnit(Enum):
    """A money display scale for figures stored in yuan: its label and its power of ten in yuan
    (the terminal's choice of 万元 or 亿元)."""

    YUAN = ("元", "RMB", 0)
    WAN_YUAN = ("万元", "RMB 10k", 4)
    YI_YUAN = ("亿元", "RMB 100m", 8)

    @property
    def label(self) -> str:
        """The Chinese label (万元); :meth:`label_in` gives either language's."""
        return self.value[0]

    def label_in(self, language: str) -> str:
        return self.value[0] if language == "zh" else self.value[1]

    @property
    def exponent(self) -> int:
        return self.value[2]

    @property
    def ratio(self) -> Fraction:
        return Fraction(10**self.exponent)


@dataclass(frozen=True)
class DisplayScale:
    """The scale a column of one unit's values is shown on: the shown unit's ``code`` and
    symbols, ``ratio`` (how many of the stored unit make one shown unit, exactly), the decimals
    shown, and whether the values are percentages (changes then read in pp)."""

    code: str
    ratio: Fraction
    symbol_zh: str
    symbol_en: str
    decimals: int = 2
    percent: bool = False

    @property
    def label(self) -> str:
        return self.symbol_zh

    def label_in(self, language: str) -> str:
        return self.symbol_zh if language == "zh" else self.symbol_en

    @property
    def divisor(self) -> Decimal:
        """``ratio`` as a decimal (exact for the ratios of decimal factors that divide evenly)."""
        return Decimal(self.ratio.numerator) / Decimal(self.ratio.denominator)


Shown = DisplayUnit | DisplayScale


def _magnitude(x: float | Decimal | int | None) -> Decimal | None:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return abs(x if isinstance(x, Decimal) else Decimal(repr(x)) if isinstance(x, float) else Decimal(x))


def choose(unit: UnitOfMeasure, magnitude: float | Decimal | int | None, scale: int = 2) -> DisplayScale:
    """The scale for a column of ``unit``'s values whose largest absolute value is ``magnitude``
    (in ``unit``): the largest display unit of the dimension that the magnitude reaches, else the
    smallest. Shown in its own unit a value keeps its stored decimals (at most two); on another
    scale it has two."""
    scales = unit.scales
    pick = scales[0]
    size = _magnitude(magnitude)
    if size is not None:
        base = size * unit.factor
        pick = max((s for s in scales if s.factor <= base), key=lambda s: s.factor, default=pick)
    ratio = Fraction(pick.factor) / Fraction(unit.factor)
    decimals = min(scale, 2) if ratio == 1 else 2
    return DisplayScale(pick.code, ratio, pick.symbol_zh, pick.symbol_en, decimals, unit.percent)


def _divisor(scale: int, unit: Shown, decimals: int) -> tuple[int, int]:
    """(numerator factor, divisor) turning a scaled integer into displayed units exactly."""
    exact = Fraction(10**decimals, 10**scale) / unit.ratio
    return exact.numerator, exact.denominator


def _round_half_away(numerator: int, divisor: int) -> int:
    q, r = divmod(abs(numerator), divisor)
    q += 2 * r >= divisor
    return q if numerator >= 0 else -q


def to_display_units(scaled: int, scale: int, unit: Shown, decimals: int) -> int:
    """The value in units of the last displayed digit, rounded half away from zero."""
    mul, div = _divisor(scale, unit, decimals)
    return _round_half_away(scaled * mul, div)


def to_display(scaled: int, scale: int, unit: Shown = DisplayUnit.YI_YUAN, decimals: int = 2) -> Decimal:
    """One amount on a display scale, e.g. 17,000,000,000.00 元 -> Decimal('170.00') 亿元."""
    return Decimal(to_display_units(scaled, scale, unit, decimals)).scaleb(-decimals)


def apportion(total_units: int, parts: Sequence[int], scale: int, unit: Shown, decimals: int) -> list[int]:
    """Displayed units of ``parts`` adding up to ``total_units``, each its exact value rounded
    down or up. ``total_units`` must itself be the exact sum rounded down or up."""
    mul, div = _divisor(scale, unit, decimals)
    split = [divmod(p * mul, div) for p in parts]
    floors, remainders = [f for f, _ in split], [r for _, r in split]
    extra = total_units - sum(floors)
    if not 0 <= extra <= sum(1 for r in remainders if r):
        raise ValueError("apportion: the total is not a rounding of the parts' sum")
    # largest remainders first; ties go to the earlier part so the result is deterministic
    ranked = sorted(range(len(parts)), key=lambda i: -remainders[i])
    up = set(ranked[:extra])
    return [f + (i in up) for i, f in enumerate(floors)]


def breakdown(
    parts: Sequence[int], scale: int, unit: Shown = DisplayUnit.YI_YUAN, decimals: int = 2
) -> tuple[Decimal, list[Decimal]]:
    """Displayed total and parts (see the module docstring for what is guaranteed)."""
    total = to_display_units(sum(parts), scale, unit, decimals)
    shown = apportion(total, parts, scale, unit, decimals)
    return Decimal(total).scaleb(-decimals), [Decimal(s).scaleb(-decimals) for s in shown]


def crossed_breakdown(
    current: Sequence[int],
    previous: Sequence[int],
    scale: int,
    unit: Shown = DisplayUnit.YI_YUAN,
    decimals: int = 2,
) -> tuple[tuple[Decimal, Decimal, Decimal], list[tuple[Decimal, Decimal, Decimal]]]:
    """A bridge's lines on screen: ``(current, previous, change)`` of the total and of each line,
    adding up down every column and across every row (current − previous = change), each shown
    figure its exact value rounded down or up, and the totals of current and previous rounded
    half away from zero as in :func:`breakdown` (controlled rounding of a two-column table;
    where previous's total is an exact half that current's rounding leaves out of reach, it
    rounds the other way).

    In displayed units every line is its floors plus what rounds up: ``u`` for previous, ``v``
    for change, ``u + v`` for current. The lines whose current rounds up are chosen by largest
    remainder, then exchanged one at a time (the least remainder given up) until the previous
    column can reach its rounded total; previous then rounds up where it must and, among the
    lines where it may, where its remainder is largest.
    """
    mul, div = _divisor(scale, unit, decimals)
    n = len(current)
    prev = [divmod(p * mul, div) for p in previous]
    change = [divmod((c - p) * mul, div) for c, p in zip(current, previous, strict=True)]
    cur = [divmod(c * mul, div) for c in current]
    total_current = to_display_units(sum(current), scale, unit, decimals)
    wanted_prev = to_display_units(sum(previous), scale, unit, decimals) - sum(f for f, _ in prev)
    ranges = _previous_ranges(prev, change, div)
    up = set(_largest_remainders(cur, total_current - sum(f for f, _ in cur)))
    free = [i for i in range(n) if cur[i][1]]  # lines whose current may round either way
    lo, hi = _exchange_until_reachable(ranges, cur, up, free, wanted_prev)
    target = min(max(wanted_prev, lo), hi)
    flexible = sorted((i for i in range(n) if ranges[i][i in up] == (0, 1)), key=lambda i: -prev[i][1])
    raised = set(flexible[: target - lo])
    rows = []
    for i in range(n):
        shown_cur = cur[i][0] + (i in up)
        shown_prev = prev[i][0] + (ranges[i][i in up][0] or i in raised)
        rows.append((shown_cur, shown_prev, shown_cur - shown_prev))

    def dec(x: int) -> Decimal:
        return Decimal(x).scaleb(-decimals)

    total_previous = sum(r[1] for r in rows)
    return (
        (dec(total_current), dec(total_previous), dec(total_current - total_previous)),
        [(dec(c), dec(p), dec(d)) for c, p, d in rows],
    )


# Each line's previous-up range [lo, hi] with its current rounded down (index 0) or up (1).
_Ranges = tuple[tuple[int, int], tuple[int, int]]


def _previous_ranges(prev: list[tuple[int, int]], change: list[tuple[int, int]], div: int) -> list[_Ranges]:
    """How far each line's previous may round up (0 or 1 displayed unit), with its current
    rounded down or up, from the remainders of previous and change."""
    ranges: list[_Ranges] = []
    for (_, rp), (_, rd) in zip(prev, change, strict=True):
        if rp and rd:
            both = rp + rd
            ranges.append(((0, 0), (0, 1)) if both < div else ((0, 1), (0, 1)) if both == div else ((0, 1), (1, 1)))
        elif rp:
            ranges.append(((0, 0), (1, 1)))  # change is exact: previous rounds as current does
        else:
            ranges.append(((0, 0), (0, 0)))  # previous is exact
    return ranges


def _bounds(ranges: list[_Ranges], up: set[int]) -> tuple[int, int]:
    """The least and most of previous's lines that can round up, given the lines ``up``."""
    lo = sum(r[i in up][0] for i, r in enumerate(ranges))
    return lo, sum(r[i in up][1] for i, r in enumerate(ranges))


def _exchange_until_reachable(
    ranges: list[_Ranges], cur: list[tuple[int, int]], up: set[int], free: list[int], wanted_prev: int
) -> tuple[int, int]:
    """Exchange lines of ``up`` (current rounded up) one at a time, the least remainder given up,
    until previous's rounded total ``wanted_prev`` is within reach; returns the final bounds."""
    lo, hi = _bounds(ranges, up)
    while not lo <= wanted_prev <= hi:
        side = 1 if wanted_prev > hi else 0  # 1: raise hi, 0: lower lo
        outs = [i for i in up if (ranges[i][0][side] - ranges[i][1][side]) * (1 if side else -1) >= 0]
        ins = [i for i in free if i not in up and (ranges[i][1][side] - ranges[i][0][side]) * (1 if side else -1) >= 0]
        moves = [(cur[i][1] - cur[j][1], i, j) for i in outs for j in ins if _gain(ranges, i, j, side) > 0]
        if not moves:
            break  # no exchange helps: previous keeps the nearest total it can reach
        _, i, j = min(moves)
        up.discard(i)
        up.add(j)
        lo, hi = _bounds(ranges, up)
    return lo, hi


def _gain(ranges: list[_Ranges], out: int, into: int, side: int) -> int:
    """How much exchanging a line's rounding up of current (``out``) for another's (``into``)
    raises hi (side 1) or lowers lo (side 0) of the previous column."""
    delta = (ranges[out][0][side] - ranges[out][1][side]) + (ranges[into][1][side] - ranges[into][0][side])
    return delta if side else -delta


def _largest_remainders(split: Sequence[tuple[int, int]], extra: int) -> list[int]:
    """The ``extra`` parts to round up: the largest remainders (ties to the earlier part)."""
    ranked = sorted((i for i, (_, r) in enumerate(split) if r), key=lambda i: -split[i][1])
    return ranked[: max(0, extra)]
