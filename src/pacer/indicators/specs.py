"""What the indicator library holds: units of measure, categories, indicators with their dated
versions (names, definitions, formulas) and indicator sets with their dated members. Read and
validated by :mod:`pacer.indicators.library`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, get_args

from pacer.indicators.formula import Formula

Direction = Literal["higher", "lower", "band"]
Kind = Literal["flow", "stock", "derived"]
Reporting = Literal["monthly", "ytd"]

Origin = Literal["builtin", "group"]

DIRECTIONS: tuple[str, ...] = get_args(Direction)
KINDS: tuple[str, ...] = get_args(Kind)
REPORTINGS: tuple[str, ...] = get_args(Reporting)
ORIGINS: tuple[str, ...] = get_args(Origin)
MAX_SCALE = 6
SCHEMA = 1


class LibraryError(ValueError):
    """An indicator library that does not validate; ``problems`` lists every finding."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid indicator library:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class MeasureUnitSpec:
    """A unit of measure: ``factor`` of its dimension's base unit (the one with factor 1)."""

    code: str
    name_zh: str
    name_en: str
    symbol_zh: str
    symbol_en: str
    dimension: str
    factor: Decimal
    additive: bool
    percent: bool
    display: bool = True
    origin: Origin = "builtin"

    @property
    def is_base(self) -> bool:
        return self.factor == 1


@dataclass(frozen=True)
class CategorySpec:
    """A category grouping indicators on pages and in lists."""

    code: str
    name_zh: str
    name_en: str
    origin: Origin = "builtin"


@dataclass(frozen=True)
class IndicatorVersion:
    """An indicator's names, definitions and formula over a range of years."""

    from_year: int
    to_year: int | None
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    formula: str | None = None
    parsed: Formula | None = field(default=None, compare=False, repr=False)

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator: what it measures, how it is reported, and its versions in year order."""

    code: str
    category: str  # a category code
    unit: str  # a unit of measure's code; figures are stored in it
    scale: int
    direction: Direction
    kind: Kind
    reporting: Reporting | None
    versions: tuple[IndicatorVersion, ...]
    eliminated: bool = False  # consolidation takes elimination entries for intra-group amounts
    origin: Origin = "builtin"
    never_negative: bool = False  # no figure can be below zero (persons, items)
    retired_from: int | None = None  # the first year in which it is retired
    band_low: int | None = None  # direction band's default range, scaled like the figures
    band_high: int | None = None

    def version_for(self, year: int) -> IndicatorVersion:
        """The version in force in ``year``; KeyError naming the code and year if none is."""
        for version in self.versions:
            if version.covers(year):
                return version
        raise KeyError(f"indicator {self.code!r} has no version for {year}")

    def formula_for(self, year: int) -> Formula:
        """The compiled formula in force in ``year``; KeyError if not derived or no version."""
        parsed = self.version_for(year).parsed
        if parsed is None:
            raise KeyError(f"indicator {self.code!r} is {self.kind}, it has no formula")
        return parsed

    @property
    def is_derived(self) -> bool:
        return self.kind == "derived"

    @property
    def latest(self) -> IndicatorVersion:
        return self.versions[-1]

    @property
    def name_zh(self) -> str:
        return self.latest.name_zh

    @property
    def name_en(self) -> str:
        return self.latest.name_en

    @property
    def definition_zh(self) -> str:
        return self.latest.definition_zh

    @property
    def definition_en(self) -> str:
        return self.latest.definition_en


@dataclass(frozen=True)
class SetMember:
    """An indicator's membership of a set, optionally limited to a range of years."""

    code: str
    from_year: int | None = None
    to_year: int | None = None

    def covers(self, year: int) -> bool:
        return (self.from_year is None or self.from_year <= year) and (self.to_year is None or year <= self.to_year)


@dataclass(frozen=True)
class IndicatorSetSpec:
    """A named selection of indicators, such as 一利五率, whose membership may change by year."""

    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    members: tuple[SetMember, ...]
    origin: Origin = "builtin"

    def members_for(self, year: int) -> list[str]:
        """Codes of the members in ``year``, in set order; empty outside the set's years."""
        return [member.code for member in self.members if member.covers(year)]


@dataclass(frozen=True)
class Library:
    """Validated units, categories, indicators and sets, each keyed by code in file order."""

    indicators: dict[str, IndicatorSpec]
    sets: dict[str, IndicatorSetSpec]
    units: dict[str, MeasureUnitSpec] = field(default_factory=dict)
    categories: dict[str, CategorySpec] = field(default_factory=dict)

    def reported(self) -> list[str]:
        """Codes of the indicators units report (flows and stocks), in file order."""
        return [code for code, spec in self.indicators.items() if not spec.is_derived]

    def derived_order(self) -> list[str]:
        """Codes of derived indicators, each after every derived indicator it refers to."""
        graph = derived_dependencies(self.indicators)
        seen: set[str] = set()
        return [done for code in graph for done in postorder(code, graph, seen)]


def derived_dependencies(indicators: Mapping[str, IndicatorSpec]) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {}
    for code, spec in indicators.items():
        if spec.is_derived:
            references = set().union(*(v.parsed.references for v in spec.versions if v.parsed))
            graph[code] = sorted(ref for ref in references if ref in indicators and indicators[ref].is_derived)
    return graph


def postorder(code: str, graph: dict[str, list[str]], seen: set[str]) -> Iterator[str]:
    if code in seen or code not in graph:
        return
    seen.add(code)
    for dependency in graph[code]:
        yield from postorder(dependency, graph, seen)
    yield code
