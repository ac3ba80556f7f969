"""The indicator library: units of measure, categories, indicators and indicator sets, loaded
from YAML.

Pacer ships SASAC's key indicators in ``library.yaml`` next to this module; a group can ship its
own file with the same schema. Loading validates everything another module would otherwise trip
over later (enumerations, units and their dimensions, bilingual texts, contiguous versions,
formulas and their references, dependency cycles, set members) and reports every problem at
once, each naming the entry and the field. Pure: no database; what the database already holds
comes in as :class:`Known`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from pacer.indicators.fields import Fields, owner
from pacer.indicators.formula import Formula, FormulaError, parse
from pacer.indicators.specs import (
    DIRECTIONS,
    KINDS,
    MAX_SCALE,
    ORIGINS,
    REPORTINGS,
    SCHEMA,
    IndicatorSetSpec,
    IndicatorSpec,
    IndicatorVersion,
    Library,
    LibraryError,
    MeasureUnitSpec,
    SetMember,
    derived_dependencies,
)
from pacer.indicators.vocabulary import dimension_problems, merged, read_categories, read_units
from pacer.kit.numbers import TARGET_LIMIT, parse_scaled

__all__ = ["Known", "Library", "LibraryError", "load_library", "parse_library"]


@dataclass(frozen=True)
class Known:
    """What the database already holds, which a file may refer to without declaring it: units
    of measure, category codes, and indicator codes with their kinds."""

    units: Mapping[str, MeasureUnitSpec] = field(default_factory=dict)
    categories: frozenset[str] = frozenset()
    indicators: Mapping[str, str] = field(default_factory=dict)


def load_library(
    path: Path | str | Mapping[str, Any] | None = None, known: Known | None = None, origin: str = "builtin"
) -> Library:
    """Load and validate a library.

    ``path`` is a YAML file, or the already loaded content of one (a mapping with
    ``indicators`` and ``sets``); by default the library packaged with Pacer. ``known`` is what
    the file may refer to without declaring it; ``origin`` the origin of entries that do not
    say (a group's import gives group).
    Raises :class:`LibraryError` listing every problem found.
    """
    if isinstance(path, Mapping):
        return parse_library(path, known, origin)
    if path is None:
        text = files("pacer.indicators").joinpath("library.yaml").read_text(encoding="utf-8")
        source = "the packaged library"
    else:
        text, source = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise LibraryError([f"{source}: not valid YAML: {exc}"]) from None
    return parse_library(data, known, origin)


_TOP_FIELDS = {"schema", "units", "categories", "indicators", "sets"}


def parse_library(data: Any, known: Known | None = None, origin: str = "builtin") -> Library:
    """Validate already loaded library content (see :func:`load_library`)."""
    known = known or Known()
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise LibraryError(["library: expected a mapping with 'indicators' and 'sets'"])
    top = Fields(data, "library", problems, _TOP_FIELDS)
    if top.raw.get("schema", SCHEMA) != SCHEMA:
        top.problem("schema", f"this version of Pacer reads schema {SCHEMA}")
    units = read_units(top.items("units", required=False), problems, origin)
    problems.extend(dimension_problems(merged(known.units, units)))
    categories = read_categories(top.items("categories", required=False), problems, origin)
    raw_indicators, raw_sets = top.items("indicators"), top.items("sets", required=False)
    declared = {**known.indicators, **_declared_kinds(raw_indicators)}
    vocabulary = _Vocabulary({**known.units, **units}, known.categories | categories.keys(), origin)
    indicators = _read_indicators(raw_indicators, problems, vocabulary)
    _check_formulas(indicators, declared, problems)
    sets = _read_sets(raw_sets, declared, problems, origin)
    if problems:
        raise LibraryError(problems)
    return Library(indicators=indicators, sets=sets, units=units, categories=categories)


@dataclass(frozen=True)
class _Vocabulary:
    units: Mapping[str, MeasureUnitSpec]
    categories: frozenset[str] | set[str]
    origin: Any  # builtin or group, for entries that do not say


def _declared_kinds(raw_indicators: list[Any]) -> dict[str, str | None]:
    # Cross-references are checked against every declared code, even one whose own entry is
    # invalid, so that a single mistake is reported once rather than again at each reference.
    return {
        raw["code"]: raw.get("kind")
        for raw in raw_indicators
        if isinstance(raw, Mapping) and isinstance(raw.get("code"), str)
    }


# ---- indicators -------------------------------------------------------------------------------

_INDICATOR_FIELDS = {
    "code",
    "category",
    "unit",
    "scale",
    "direction",
    "kind",
    "reporting",
    "versions",
    "eliminated",
    "origin",
    "never_negative",
    "retired_from",
    "band",
}
_VERSION_FIELDS = {"from_year", "to_year", "name_zh", "name_en", "definition_zh", "definition_en", "formula"}


def _read_indicators(
    raw_indicators: list[Any], problems: list[str], vocabulary: _Vocabulary
) -> dict[str, IndicatorSpec]:
    indicators: dict[str, IndicatorSpec] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_indicators):
        fields = Fields(raw, owner("indicator", raw, index), problems, _INDICATOR_FIELDS)
        fields.unique_code(seen)
        spec = _read_indicator(fields, vocabulary)
        if spec is not None:
            indicators[spec.code] = spec
    return indicators


def _read_indicator(fields: Fields, vocabulary: _Vocabulary) -> IndicatorSpec | None:
    code = fields.code()
    kind = fields.choice("kind", KINDS)
    scale = fields.integer("scale")
    if scale is not None and not 0 <= scale <= MAX_SCALE:
        fields.problem("scale", f"{scale} is outside 0..{MAX_SCALE}")
    reporting = fields.raw.get("reporting")
    if kind == "derived" and reporting is not None:
        fields.problem("reporting", "a derived indicator is computed, not reported")
    elif kind != "derived":
        reporting = fields.choice("reporting", REPORTINGS)
    eliminated = fields.flag("eliminated")
    if eliminated and kind == "derived":
        fields.problem(
            "eliminated",
            "a derived indicator is computed after consolidation; eliminate the indicators it is computed from",
        )
    direction = fields.choice("direction", DIRECTIONS)
    band = _band(fields, direction, scale or 0)
    spec = IndicatorSpec(
        code=code,
        category=_known_code(fields, "category", vocabulary.categories, "categories"),
        unit=_known_code(fields, "unit", vocabulary.units.keys(), "units"),
        scale=scale or 0,
        direction=direction,
        kind=kind,
        reporting=reporting,
        versions=_read_versions(fields, kind == "derived"),
        eliminated=eliminated,
        origin=fields.choice("origin", ORIGINS) if "origin" in fields.raw else vocabulary.origin,
        never_negative=fields.flag("never_negative"),
        retired_from=fields.integer("retired_from", required=False),
        band_low=band[0],
        band_high=band[1],
    )
    return spec if fields.ok else None


def _known_code(fields: Fields, key: str, codes: Any, section: str) -> str:
    value = fields.raw.get(key)
    if not isinstance(value, str) or value not in codes:
        found = "missing" if value is None else f"{value!r} is not declared"
        fields.problem(key, f"{found}; expected one of the library's {section}: {', '.join(sorted(codes))}")
    return str(value)


def _band(fields: Fields, direction: Any, scale: int) -> tuple[int | None, int | None]:
    raw = fields.raw.get("band")
    if raw is None:
        return None, None
    if direction != "band":
        fields.problem("band", "only an indicator with direction band has a band")
        return None, None
    entry = Fields(raw, fields.owner, fields.problems, {"low", "high"}, "band.")
    low, high = (_band_bound(entry, key, scale) for key in ("low", "high"))
    if low is not None and high is not None and low > high:
        entry.problem("high", "is below low")
    return low, high


def _band_bound(entry: Fields, key: str, scale: int) -> int | None:
    value = entry.raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        entry.problem(key, f"expected a number, got {value!r}")
        return None
    try:
        return parse_scaled(str(value), scale, TARGET_LIMIT)
    except ValueError as exc:
        entry.problem(key, str(exc))
        return None


def _read_versions(fields: Fields, derived: bool) -> tuple[IndicatorVersion, ...]:
    versions = []
    for index, raw in enumerate(fields.items("versions")):
        prefix = f"versions[{index}]."
        entry = Fields(raw, fields.owner, fields.problems, _VERSION_FIELDS, prefix)
        version = _read_version(entry, derived)
        if version is not None:
            versions.append(version)
    versions.sort(key=lambda version: version.from_year)
    _check_contiguous(fields, versions)
    return tuple(versions)


_TEXTS = ("name_zh", "name_en", "definition_zh", "definition_en")


def _read_version(entry: Fields, derived: bool) -> IndicatorVersion | None:
    start, end = entry.year_range(required_from=True)
    texts = {key: entry.text(key) for key in _TEXTS}
    formula, parsed = entry.raw.get("formula"), None
    if derived and not (isinstance(formula, str) and formula.strip()):
        entry.problem("formula", "a derived indicator needs a formula")
    elif not derived and formula is not None:
        entry.problem("formula", "only a derived indicator has a formula")
    elif derived and isinstance(formula, str):
        try:
            parsed = parse(formula)
        except FormulaError as exc:
            entry.problem("formula", str(exc))
    if not entry.ok or start is None:
        return None
    text = parsed.text if parsed is not None else None
    return IndicatorVersion(start, end, **texts, formula=text, parsed=parsed)


def _check_contiguous(fields: Fields, versions: list[IndicatorVersion]) -> None:
    for before, after in itertools.pairwise(versions):
        if before.to_year is None or after.from_year <= before.to_year:
            fields.problem("versions", f"{_years(before)} overlaps {_years(after)}")
        elif after.from_year > before.to_year + 1:
            missing = _span(before.to_year + 1, after.from_year - 1)
            between = f"between {_years(before)} and {_years(after)}"
            fields.problem("versions", f"no version for {missing}, {between}")


def _years(version: IndicatorVersion) -> str:
    return _span(version.from_year, version.to_year)


def _span(start: int, end: int | None) -> str:
    return str(start) if start == end else f"{start}-{end if end is not None else '…'}"


# ---- formulas ---------------------------------------------------------------------------------


def _check_formulas(indicators: dict[str, IndicatorSpec], declared: dict[str, str | None], problems: list[str]) -> None:
    for spec in indicators.values():
        for index, version in enumerate(spec.versions):
            if version.parsed is not None:
                where = f"indicator {spec.code!r}: field 'versions[{index}].formula'"
                found = _reference_problems(version.parsed, declared)
                problems.extend(f"{where}: {problem}" for problem in found)
    for cycle in _cycles(derived_dependencies(indicators)):
        problems.append(f"indicator {cycle[0]!r}: field 'formula': dependency cycle {' -> '.join(cycle)}")


def _reference_problems(formula: Formula, declared: dict[str, str | None]) -> Iterator[str]:
    for code in sorted(formula.references - declared.keys()):
        yield f"refers to unknown indicator {code!r}"
    for code in sorted(formula.balance_references & declared.keys()):
        # Opening balances are reported for stocks only; an average of a year-to-date flow
        # would have no meaning.
        if declared[code] != "stock":
            yield f"avg() and opening() need a stock, {code!r} is {declared[code]}"


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(code: str, path: list[str]) -> None:
        if code in path:
            cycles.append([*path[path.index(code) :], code])
            return
        if code in done:
            return
        for dependency in graph[code]:
            visit(dependency, [*path, code])
        done.add(code)

    for code in graph:
        visit(code, [])
    return cycles


# ---- sets -------------------------------------------------------------------------------------

_SET_FIELDS = {"code", "name_zh", "name_en", "description_zh", "description_en", "members", "origin"}
_MEMBER_FIELDS = {"code", "from_year", "to_year"}


def _read_sets(
    raw_sets: list[Any], declared: Mapping[str, str | None], problems: list[str], origin: Any
) -> dict[str, IndicatorSetSpec]:
    sets: dict[str, IndicatorSetSpec] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_sets):
        fields = Fields(raw, owner("set", raw, index), problems, _SET_FIELDS)
        fields.unique_code(seen)
        spec = IndicatorSetSpec(
            code=fields.code(),
            name_zh=fields.text("name_zh"),
            name_en=fields.text("name_en"),
            description_zh=fields.text("description_zh", required=False),
            description_en=fields.text("description_en", required=False),
            members=_read_members(fields, declared),
            origin=fields.choice("origin", ORIGINS) if "origin" in fields.raw else origin,
        )
        if fields.ok:
            sets[spec.code] = spec
    return sets


def _read_members(fields: Fields, declared: Mapping[str, str | None]) -> tuple[SetMember, ...]:
    members: list[SetMember] = []
    for index, raw in enumerate(fields.items("members")):
        if isinstance(raw, str):  # a member for all years may be written as its bare code
            raw = {"code": raw}
        entry = Fields(raw, fields.owner, fields.problems, _MEMBER_FIELDS, f"members[{index}].")
        code = entry.raw.get("code")
        if not isinstance(code, str) or code not in declared:
            entry.problem("code", f"{code!r} is not a known indicator")
        start, end = entry.year_range(required_from=False)
        member = SetMember(str(code), start, end)
        if any(_overlap(member, other) for other in members):
            entry.problem("code", f"{code!r} is already a member in some of these years")
        members.append(member)
    return tuple(members)


def _overlap(a: SetMember, b: SetMember) -> bool:
    low = max(_bound(a.from_year, -math.inf), _bound(b.from_year, -math.inf))
    high = min(_bound(a.to_year, math.inf), _bound(b.to_year, math.inf))
    return a.code == b.code and low <= high


def _bound(year: int | None, open_end: float) -> float:
    return open_end if year is None else year
