"""Pure target arithmetic: monthly phasing, a parent's target spread over its children, and the
check that the children's targets add up to their parent's. No I/O; exact integers only.

Split is twelve monthly shares in basis points (1/100 of a percent) adding up to exactly
10,000: the analysis engine reads the ensure tier's phasing for a flow's time progress.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WHOLE = 10_000  # 100.00 % in basis points
MONTHS = 12
PHASINGS = ("linear", "last_year", "typed")
SPREADS = ("last_year", "equal")
# units whose figures are ratios: a parent's value is not the sum of its children's
RATIO_UNITS = ("percent", "yuan_per_person")


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to the non-negative ``weights`` (at least one positive), in
    integers adding up to exactly ``total``: each share rounded down, then the units left over
    go to the largest remainders (ties: the earlier position). A negative total is split as its
    magnitude and negated."""
    if not weights or min(weights) < 0 or sum(weights) <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    magnitude, whole = abs(total), sum(weights)
    shares = [magnitude * w // whole for w in weights]
    left = magnitude - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(magnitude * weights[i] % whole), i))
    for i in order[:left]:
        shares[i] += 1
    return shares if total >= 0 else [-s for s in shares]


def linear_phasing() -> list[int]:
    """Twelve equal months: 8.34 % for January to April, 8.33 % after (adding up to 100.00 %)."""
    return allocate(WHOLE, [1] * MONTHS)


@dataclass(frozen=True)
class Split:
    """Integers that add up to a whole (monthly shares, or children's targets), and why a method
    asked for could not be followed, if so."""

    shares: list[int]
    warning: str | None = None  # why the profile asked for could not be used


def last_year_phasing(monthly: Sequence[int | None]) -> Split:
    """Each month's share of last year's total (the unit subtree's monthly amounts of a flow).
    A year with a month missing, a negative month or no positive total has no seasonality to
    follow: linear, with a warning saying why."""
    if len(monthly) != MONTHS or any(m is None for m in monthly):
        return Split(linear_phasing(), "last year has no figures for every month: linear phasing used")
    months = [int(m) for m in monthly if m is not None]
    if min(months) < 0 or sum(months) <= 0:
        return Split(linear_phasing(), "last year's monthly figures are not all positive: linear phasing used")
    return Split(allocate(WHOLE, months))


def valid_phasing(shares: Sequence[int]) -> bool:
    return len(shares) == MONTHS and min(shares) >= 0 and sum(shares) == WHOLE


def cumulative(shares: Sequence[int]) -> list[int]:
    """The share of the year reached by the end of each month, in basis points."""
    out, total = [], 0
    for share in shares:
        total += share
        out.append(total)
    return out


def spread(total: int, method: str, last_year: Sequence[int | None]) -> Split:
    """A parent's ``total`` over its children: ``equal``, or ``last_year`` in proportion to each
    child's actual last year (equal, with a warning, when a child has none or one is negative,
    or they add up to nothing). The result adds up to ``total`` exactly; ``shares`` are the
    children's targets here, in the order given."""
    if method not in SPREADS:
        raise ValueError(f"spread must be one of {', '.join(SPREADS)}, not '{method}'")
    n = len(last_year)
    if n == 0:
        raise ValueError("there are no children to spread over")
    if method == "equal":
        return Split(allocate(total, [1] * n))
    if any(v is None for v in last_year):
        return Split(allocate(total, [1] * n), "a child has no figures for last year: spread equally")
    weights = [int(v) for v in last_year if v is not None]
    if min(weights) < 0 or sum(weights) <= 0:
        return Split(allocate(total, [1] * n), "last year's figures are not all positive: spread equally")
    return Split(allocate(total, weights))


def additive(kind: str, unit: str, unit_adds_up: bool | None = None) -> bool:
    """Whether a parent's figure is the sum of its children's: flows and balances whose unit of
    measure adds up (money, persons, items, a group's tonnes), not derived indicators nor ratios.
    ``unit_adds_up`` is the unit's own flag where the group's table of units has it."""
    if kind not in ("flow", "stock"):
        return False
    if unit_adds_up is not None:
        return unit_adds_up
    return unit not in RATIO_UNITS and "_per_" not in unit


@dataclass(frozen=True)
class Gap:
    """Children's targets that do not add up to their parent's: ``difference`` = parent − sum."""

    parent: int | None
    children_sum: int
    difference: int | None
    missing: tuple[str, ...]  # children without a target


def cascade_gap(parent: int | None, children: dict[str, int | None]) -> Gap | None:
    """None when the children's targets add up to the parent's exactly (or when no child has a
    target: nothing was cascaded); a :class:`Gap` otherwise, never a correction."""
    given = {code: v for code, v in children.items() if v is not None}
    if not given:
        return None
    total = sum(given.values())
    missing = tuple(sorted(code for code, v in children.items() if v is None))
    if parent is not None and total == parent and not missing:
        return None
    return Gap(parent, total, None if parent is None else parent - total, missing)
