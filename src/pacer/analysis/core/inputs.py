"""The arrays the analysis engine is built from, as a loader hands them over.

Conventions shared by every input:

- units are indexed ``0..n-1`` (every unit that ever existed; a node of the tree is a unit);
- months are indexed ``0..T-1`` from January of ``first_year`` (``t = 12 * (year - first_year)
  + month - 1``);
- reported amounts are exact scaled integers: ``value * 10**scale``, held as int32 where they
  fit (see :mod:`pacer.analysis.core.facts`), summed in int64;
- the engine takes ownership of the fact arrays: it zeroes values that are not present and
  ``apply`` writes into them, so a loader must not share them with anything else.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from pacer.analysis.core.facts import Facts as Facts

Kind = Literal["flow", "stock", "derived"]
Direction = Literal["higher", "lower", "band"]

Int64Array = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@runtime_checkable
class Formula(Protocol):
    """A derived indicator's formula, as ``pacer.indicators.formula.parse`` returns it.

    ``values`` maps each referenced code to float64 arrays in the referenced indicator's own unit
    (a percent indicator in percent: 65.0 means 65 %); ``opening`` maps the same codes to the
    opening balance (the previous December) for stocks and to NaN for flows, which is what
    ``avg(x) = (opening(x) + x) / 2`` needs. The result is float64 in the derived indicator's
    unit, NaN where a denominator is zero or an input is missing.
    """

    @property
    def references(self) -> frozenset[str]: ...

    def evaluate(self, values: Mapping[str, FloatArray], opening: Mapping[str, FloatArray]) -> FloatArray: ...


@dataclass(frozen=True)
class Units:
    """Every unit that ever existed, in index order."""

    codes: tuple[str, ...]
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.names and len(self.names) != len(self.codes):
            raise ValueError("units: names and codes differ in length")
        if len(set(self.codes)) != len(self.codes):
            raise ValueError("units: duplicate unit code")

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True, eq=False)
class TreeSegment:
    """The org tree as it was from ``first_month`` until the next segment starts.

    ``parent[u]`` is the parent unit, -1 for a root or a unit absent from this tree; ``active[u]``
    says whether the unit exists in this span. Figures of inactive units are kept but are not
    consolidated for the months of this segment.
    """

    first_month: int
    parent: Int32Array
    active: BoolArray


@dataclass(frozen=True, eq=False)
class TreeHistory:
    """Effective-dated org trees: segments in month order, the first one starting at month 0."""

    segments: tuple[TreeSegment, ...]

    def __post_init__(self) -> None:
        if not self.segments:
            raise ValueError("tree history: at least one segment is needed")
        if self.segments[0].first_month != 0:
            raise ValueError("tree history: the first segment must start at month 0")
        starts = [s.first_month for s in self.segments]
        if any(b <= a for a, b in itertools.pairwise(starts)):
            raise ValueError("tree history: segment first months must increase strictly")
        n = len(self.segments[0].parent)
        if any(len(s.parent) != n or len(s.active) != n for s in self.segments):
            raise ValueError("tree history: every segment must cover all units")

    @property
    def n_units(self) -> int:
        return len(self.segments[0].parent)

    @classmethod
    def constant(cls, parent: Sequence[int] | Int32Array) -> TreeHistory:
        """One tree for all months, every unit active."""
        p = np.asarray(parent, dtype=np.int32)
        return cls((TreeSegment(0, p, np.ones(len(p), dtype=bool)),))


@dataclass(frozen=True)
class UnitScale:
    """A unit of measure a value may be shown in: its code, its ``factor`` relative to its
    dimension's base unit (an exact positive decimal) and its symbol in each language."""

    code: str
    factor: Decimal
    symbol_zh: str
    symbol_en: str

    def symbol(self, language: str) -> str:
        return self.symbol_zh if language == "zh" else self.symbol_en


@dataclass(frozen=True)
class UnitOfMeasure:
    """An indicator's unit of measure, as the group's unit table defines it.

    ``additive``: sums over units and months mean something (money, headcount, mass, energy);
    ``percent``: values are percentages, so their changes are percentage points. ``ladder`` lists
    the units of the same dimension a value may be shown in, smallest factor first (empty: the
    unit itself). The engine reads the semantics only; it never knows a unit by its code.
    """

    code: str
    dimension: str
    factor: Decimal
    symbol_zh: str
    symbol_en: str
    additive: bool = False
    percent: bool = False
    ladder: tuple[UnitScale, ...] = ()

    def __post_init__(self) -> None:
        if self.factor <= 0:
            raise ValueError(f"unit {self.code}: the factor must be positive")
        if any(b.factor < a.factor for a, b in itertools.pairwise(self.ladder)):
            raise ValueError(f"unit {self.code}: the display ladder must go from the smallest factor up")

    @property
    def own(self) -> UnitScale:
        """The unit itself as a display scale."""
        return UnitScale(self.code, self.factor, self.symbol_zh, self.symbol_en)

    @property
    def scales(self) -> tuple[UnitScale, ...]:
        """The scales a value of this unit may be shown in (the unit itself when none is declared)."""
        return self.ladder or (self.own,)


@dataclass(frozen=True)
class FormulaVersion:
    """A derived indicator's formula for the years ``from_year..to_year`` (``to_year`` None:
    open-ended)."""

    from_year: int
    to_year: int | None
    formula: Formula


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator. ``scale`` is the number of decimal places stored exactly.

    For ``direction == 'band'`` the two target tiers are read as the band's bounds: ``ensure`` is
    the lower bound and ``strive`` the upper bound.

    A derived indicator whose formula changed over the years lists its ``versions`` (in year
    order, contiguous); each year is then evaluated by the version valid in it, years before the
    first version by the first and years after the last by ``formula``, which is the latest
    definition's. Without ``versions``, ``formula`` holds for every year.
    """

    code: str
    kind: Kind
    unit: UnitOfMeasure
    scale: int
    direction: Direction = "higher"
    formula: Formula | None = None
    versions: tuple[FormulaVersion, ...] = ()

    def __post_init__(self) -> None:
        if self.kind == "derived" and self.formula is None:
            raise ValueError(f"indicator {self.code}: a derived indicator needs a formula")
        if self.kind != "derived" and (self.formula is not None or self.versions):
            raise ValueError(f"indicator {self.code}: only derived indicators have a formula")
        if not 0 <= self.scale <= 8:
            raise ValueError(f"indicator {self.code}: scale must be 0..8")
        for a, b in itertools.pairwise(self.versions):
            if a.to_year is None or a.to_year < a.from_year or b.from_year != a.to_year + 1:
                raise ValueError(
                    f"indicator {self.code}: formula versions must be contiguous spans of years in year order"
                )

    @property
    def formulas(self) -> tuple[Formula, ...]:
        """Every formula the indicator has had, the latest last (empty for reported ones)."""
        if self.formula is None:
            return ()
        earlier = [v.formula for v in self.versions if v.formula is not self.formula]
        return (*earlier, self.formula)

    def formula_for(self, year: int) -> Formula | None:
        """The formula that evaluates ``year``."""
        for v in self.versions:  # contiguous and in order: the first not over yet
            if v.to_year is None or year <= v.to_year:
                return v.formula
        return self.formula


@dataclass(frozen=True, eq=False)
class Eliminations:
    """Elimination entries for intra-group amounts, as equal-length columns: the consolidating
    ``unit``, the ``reported`` position of the indicator, the ``month`` index and the scaled,
    signed ``value`` removed (a flow's amount for the month, a stock's balance at its end).
    Entries on the same unit, indicator and month add up. The amount leaves the unit's
    consolidated figure and, through it, every ancestor's; whether a value exists is still
    decided by the reported facts alone."""

    unit: Int64Array
    reported: Int64Array
    month: Int64Array
    value: Int64Array

    def __post_init__(self) -> None:
        columns = (self.unit, self.reported, self.month, self.value)
        if any(c.dtype != np.int64 or c.ndim != 1 for c in columns):
            raise TypeError("eliminations: every column must be a flat int64 array")
        if len({len(c) for c in columns}) != 1:
            raise ValueError("eliminations: columns differ in length")

    def __len__(self) -> int:
        return len(self.value)

    @classmethod
    def none(cls) -> Eliminations:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, empty, empty)


TIER_ENSURE = 0
TIER_STRIVE = 1


@dataclass(frozen=True, eq=False)
class Targets:
    """Annual targets ``values[node, indicator, year - first_year, tier]`` (tier 0 = ensure,
    1 = strive), scaled like the indicator, for every indicator of the list (derived ones too).

    ``phasing[node, indicator, year, month]`` optionally spreads the annual target over the
    months in basis points; a row that does not add up to 10,000 counts as absent.
    """

    values: Int64Array
    present: BoolArray
    first_year: int
    phasing: Int32Array | None = None
    # one year's values and presence with each node's row contiguous, made on first use
    _years: dict[int, tuple[Int64Array, BoolArray]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.values.ndim != 4 or self.values.shape[3] != 2:
            raise ValueError("targets: values must be [nodes, indicators, years, 2]")
        if self.present.shape != self.values.shape:
            raise ValueError("targets: present must match values")
        if self.phasing is not None and self.phasing.shape != (*self.values.shape[:3], 12):
            raise ValueError("targets: phasing must be [nodes, indicators, years, 12]")

    def of_year(self, year_index: int) -> tuple[Int64Array, BoolArray]:
        """``values`` and ``present`` of one year as ``[node, indicator, tier]``, C-contiguous,
        so that gathering nodes reads whole rows (the arrays are treated as read-only once an
        engine reads them; the copies are cached)."""
        if year_index not in self._years:
            self._years[year_index] = (
                np.ascontiguousarray(self.values[:, :, year_index]),
                np.ascontiguousarray(self.present[:, :, year_index]),
            )
        return self._years[year_index]

    @classmethod
    def empty(cls, n_nodes: int, n_indicators: int, first_year: int, n_years: int) -> Targets:
        shape = (n_nodes, n_indicators, n_years, 2)
        return cls(np.zeros(shape, np.int64), np.zeros(shape, bool), first_year)
