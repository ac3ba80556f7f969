"""Display scales for money (元, 万元, 亿元) that keep a breakdown adding up on screen.

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

from collections.abc import Sequence
from decimal import Decimal
from enum import Enum


class DisplayUnit(Enum):
    """A money display scale: its label and its power of ten in yuan."""

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


def _divisor(scale: int, unit: DisplayUnit, decimals: int) -> tuple[int, int]:
    """(numerator factor, divisor) turning a scaled integer into displayed units exactly."""
    shift = scale + unit.exponent - decimals
    return (1, 10**shift) if shift >= 0 else (10**-shift, 1)


def _round_half_away(numerator: int, divisor: int) -> int:
    q, r = divmod(abs(numerator), divisor)
    q += 2 * r >= divisor
    return q if numerator >= 0 else -q


def to_display_units(scaled: int, scale: int, unit: DisplayUnit, decimals: int) -> int:
    """The value in units of the last displayed digit, rounded half away from zero."""
    mul, div = _divisor(scale, unit, decimals)
    return _round_half_away(scaled * mul, div)


def to_display(scaled: int, scale: int, unit: DisplayUnit = DisplayUnit.YI_YUAN,
               decimals: int = 2) -> Decimal:
    """One amount on a display scale, e.g. 17,000,000,000.00 元 -> Decimal('170.00') 亿元."""
    return Decimal(to_display_units(scaled, scale, unit, decimals)).scaleb(-decimals)


def apportion(total_units: int, parts: Sequence[int], scale: int, unit: DisplayUnit,
              decimals: int) -> list[int]:
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


def breakdown(parts: Sequence[int], scale: int, unit: DisplayUnit = DisplayUnit.YI_YUAN,
              decimals: int = 2) -> tuple[Decimal, list[Decimal]]:
    """Displayed total and parts (see the module docstring for what is guaranteed)."""
    total = to_display_units(sum(parts), scale, unit, decimals)
    shown = apportion(total, parts, scale, unit, decimals)
    return Decimal(total).scaleb(-decimals), [Decimal(s).scaleb(-decimals) for s in shown]


def crossed_breakdown(current: Sequence[int], previous: Sequence[int], scale: int,
                      unit: DisplayUnit = DisplayUnit.YI_YUAN, decimals: int = 2
                      ) -> tuple[tuple[Decimal, Decimal, Decimal], list[tuple[Decimal, Decimal, Decimal]]]:
    """A bridge's lines on screen: ``(current, previous, change)`` of the total and of each line,
    adding up down every column and across every row (current − previous = change), each shown
    figure its exact value rounded down or up, the totals of current and previous rounded half
    away from zero as in :func:`breakdown`.

    The current column is apportioned first; each line's rounding up of it (none, one or two
    displayed units above the floors of previous and change) is then shared between previous
    and change, the previous column taking as many as its rounded total needs, the lines with
    the largest remainder of previous first.
    """
    mul, div = _divisor(scale, unit, decimals)
    change = [c - p for c, p in zip(current, previous, strict=True)]
    total_current = to_display_units(sum(current), scale, unit, decimals)
    shown_current = apportion(total_current, current, scale, unit, decimals)
    prev_split = [divmod(p * mul, div) for p in previous]
    change_split = [divmod(d * mul, div) for d in change]
    ups = [s - fp - fd for s, (fp, _), (fd, _) in zip(shown_current, prev_split, change_split, strict=True)]
    # previous rounds up where it must (both round up, or change cannot), and may where both can
    must = [u == 2 or (u == 1 and change_split[i][1] == 0) for i, u in enumerate(ups)]
    may = [i for i, u in enumerate(ups) if u == 1 and prev_split[i][1] and change_split[i][1]]
    wanted = to_display_units(sum(previous), scale, unit, decimals) - sum(fp for fp, _ in prev_split) - sum(must)
    may.sort(key=lambda i: -prev_split[i][1])
    chosen = set(may[:max(0, min(wanted, len(may)))])
    rows = []
    for i, u in enumerate(ups):
        up_prev = int(must[i] or i in chosen)
        shown_prev = prev_split[i][0] + up_prev
        rows.append((shown_current[i], shown_prev, shown_current[i] - shown_prev))

    def dec(x: int) -> Decimal:
        return Decimal(x).scaleb(-decimals)

    total_previous = sum(r[1] for r in rows) if rows else to_display_units(sum(previous), scale, unit, decimals)
    return ((dec(total_current), dec(total_previous), dec(total_current - total_previous)),
            [(dec(c), dec(p), dec(d)) for c, p, d in rows])
