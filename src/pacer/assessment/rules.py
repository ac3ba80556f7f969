"""What a responsibility statement holds, as plain values (no I/O).

Numbers are exact integers: an item's value, threshold, target and band bounds are scaled
integers at the item's ``scale`` (the indicator's stored decimals); growth rates, shares and caps
are basis points (1/100 of a percent); points are hundredths of a point (100.00 points = 10,000).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BP = 10_000  # 100.00 % in basis points
POINTS_SCALE = 2  # points are stored in hundredths
FULL_MARKS = 100 * 10**POINTS_SCALE  # the weights of a statement add up to 100.00 points
MONTHS = 12
KINDS = ("linear", "stepwise", "zero_defects", "growth")
MAX_CAP = 2 * BP  # an item may earn at most twice its weight for over-achievement


@dataclass(frozen=True)
class Band:
    """One step of a stepwise rule: reaching ``bound`` (at or above it, or at or below it when
    lower is better) earns ``share`` basis points of the weight."""

    bound: int
    share: int


@dataclass(frozen=True)
class Rule:
    """How an item's value becomes points.

    - ``linear``: nothing at or short of ``threshold``, the weight at ``target`` (the strive
      tier), in proportion between; beyond the target up to ``cap`` basis points of the weight.
    - ``stepwise``: the share of the best band reached; nothing short of every band.
    - ``zero_defects``: the weight when the value (a count of defects) is 0, else nothing.
    - ``growth``: linear on the growth rate against last year, (value - previous) / |previous|,
      with ``threshold`` and ``target`` in basis points.

    ``lower_is_better`` (two funds, debt ratio, costs): the target lies below the threshold and
    bands are reached from above; a linear rule needs no other change.
    """

    kind: str
    threshold: int | None = None
    target: int | None = None
    bands: tuple[Band, ...] = ()
    lower_is_better: bool = False
    cap: int = BP


@dataclass(frozen=True)
class Item:
    """A quantitative item: an indicator, its weight in hundredths of a point and its rule.

    ``prorate``: the item's value accumulates over the year (a flow: revenue, profit), so a unit
    that exists for only part of the period, or a provisional mid-year assessment, is held to the
    share of the threshold, target and bands that its months represent. Balances and ratios
    (``prorate`` False) are held to their targets as they stand.
    """

    code: str
    weight: int
    rule: Rule
    scale: int = 2
    prorate: bool = False
    name: tuple[str, str] = ("", "")  # (中文, English)


@dataclass(frozen=True)
class Adjustment:
    """A bonus or a deduction: ``per_event`` hundredths of a point for each event (an award, a
    major quality accident, a safety incident), ``limit`` at most in total."""

    code: str
    kind: str  # "bonus" | "deduction"
    per_event: int
    limit: int
    name: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Veto:
    """An event that caps the grade whatever the points (一票否决): at most ``grade``."""

    code: str
    grade: str
    name: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class Grades:
    """Grade bands, best first: a total at or above a band's minimum (hundredths of a point)
    earns its grade; the last band (minimum 0) takes every total below the others too."""

    bands: tuple[tuple[str, int], ...] = (("A", 9_000), ("B", 8_000), ("C", 6_000), ("D", 0))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.bands)

    def of(self, points: int) -> str:
        for name, minimum in self.bands:
            if points >= minimum:
                return name
        return self.bands[-1][0]

    def worst(self, a: str, b: str) -> str:
        return max(a, b, key=self.names.index)


@dataclass(frozen=True)
class Statement:
    """A unit's items for a year and domain, as scored: the weights add up to ``total_weight``."""

    items: tuple[Item, ...]
    adjustments: tuple[Adjustment, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    grades: Grades = field(default_factory=Grades)
    total_weight: int = FULL_MARKS


@dataclass(frozen=True)
class Span:
    """The months an assessment covers (``through``: 12 at year end, 6 for the mid-year
    provisional score) and the first month the unit existed (1 unless created this year)."""

    through: int = MONTHS
    first: int = 1

    @property
    def months(self) -> int:
        return max(self.through - self.first + 1, 0)
