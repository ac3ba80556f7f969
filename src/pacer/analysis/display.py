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
