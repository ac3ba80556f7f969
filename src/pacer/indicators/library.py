"""The indicator library: definitions of indicators and indicator sets, loaded from YAML.

Pacer ships SASAC's key indicators in ``library.yaml`` next to this module; a group can ship its
own file with the same schema. Loading validates everything another module would otherwise trip
over later (enumerations, bilingual texts, contiguous versions, formulas and their references,
dependency cycles, set members) and reports every problem at once, each naming the indicator or
set and the field. Pure: no database.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from pacer.indicators.formula import BALANCE_FUNCTIONS, CODE_PATTERN, Formula, FormulaError, parse
from pacer.indicators.specs import (
    CATEGORIES,
    DIRECTIONS,
    KINDS,
    MAX_SCALE,
    REPORTINGS,
    SCHEMA,
    UNITS,
    IndicatorSetSpec,
    IndicatorSpec,
    IndicatorVersion,
    Library,
    LibraryError,
    SetMember,
    derived_dependencies,
)

__all__ = ["Library", "LibraryError", "load_library", "parse_library"]


def load_library(path: Path | str | Mapping[str, Any] | None = None) -> Library:
    """Load and validate a library.

    ``path`` is a YAML file, or the already loaded content of one (a mapping with
    ``indicators`` and ``sets``); by default the library packaged with Pacer.
    Raises :class:`LibraryError` listing every problem found.
    """
    if isinstance(path, Mapping):
        return parse_library(path)
    if path is None:
        text = files("pacer.indicators").joinpath("library.yaml").read_text(encoding="utf-8")
        source = "the packaged library"
    else:
        text, source = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise LibraryError([f"{source}: not valid YAML: {exc}"]) from None
    return parse_library(data)


def parse_library(data: Any) -> Library:
    """Validate already loaded library content (see :func:`load_library`)."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise LibraryError(["library: expected a mapping with 'indicators' and 'sets'"])
    top = _Fields(data, "library", problems, {"schema", "indicators", "sets"})
    if top.raw.get("schema", SCHEMA) != SCHEMA:
        top.problem("schema", f"this version of Pacer reads schema {SCHEMA}")
    raw_indicators, raw_sets = top.items("indicators"), top.items("sets", required=False)
    declared = _declared_kinds(raw_indicators)
    indicators = _read_indicators(raw_indicators, problems)
    _check_formulas(indicators, declared, problems)
    sets = _read_sets(raw_sets, declared, problems)
    if problems:
        raise LibraryError(problems)
    return Library(indicators=indicators, sets=sets)


# ---- reading fields ---------------------------------------------------------------------------


class _Fields:
    """Typed access to one mapping of the YAML, recording problems against its owner."""

    def __init__(self, raw: Any, owner: str, problems: list[str], allowed: set[str], prefix: str = "") -> None:
        self.owner, self.problems, self.prefix = owner, problems, prefix
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.count = len(problems)
        if not isinstance(raw, Mapping):
            where = f"field {prefix.rstrip('.')!r}" if prefix else "entry"
            self.problems.append(f"{owner}: {where}: expected a mapping, got {raw!r}")
        for key in self.raw:
            if key not in allowed:
                self.problem(str(key), "unknown field")

    @property
    def ok(self) -> bool:
        return len(self.problems) == self.count

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.owner}: field {self.prefix + key!r}: {message}")

    def text(self, key: str, required: bool = True) -> str:
        value = self.raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "missing or empty text")
            return ""
        return value.strip()

    def choice(self, key: str, options: tuple[str, ...]) -> Any:
        value = self.raw.get(key)
        if value not in options:
            found = "missing" if value is None else f"{value!r} is not valid"
            self.problem(key, f"{found}; expected one of {', '.join(options)}")
        return value

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self.raw.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"expected a whole number, got {value!r}")
            return None
        return value

    def year_range(self, required_from: bool) -> tuple[int | None, int | None]:
        start = self.integer("from_year", required=required_from)
        end = self.integer("to_year", required=False)
        if start is not None and end is not None and end < start:
            self.problem("to_year", f"{end} is before from_year {start}")
        return start, end

    def items(self, key: str, required: bool = True) -> list[Any]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value:
            self.problem(key, "expected a non-empty list")
            return []
        return value

    def unique_code(self, seen: set[str]) -> None:
        code = self.raw.get("code")
        if isinstance(code, str):
            if code in seen:
                self.problem("code", f"duplicate code {code!r}")
            seen.add(code)

    def code(self) -> str:
        value = self.raw.get("code")
        if not isinstance(value, str) or not CODE_PATTERN.match(value):
            self.problem("code", f"{value!r} is not a snake_case code")
        elif value in BALANCE_FUNCTIONS:
            self.problem("code", f"{value!r} is reserved for the formula function")
        return str(value)


def _owner(kind: str, raw: Any, index: int) -> str:
    code = raw.get("code") if isinstance(raw, Mapping) else None
    return f"{kind} {code!r}" if isinstance(code, str) else f"{kind} #{index + 1}"


def _declared_kinds(raw_indicators: list[Any]) -> dict[str, str | None]:
    # Cross-references are checked against every declared code, even one whose own entry is
    # invalid, so that a single mistake is reported once rather than again at each reference.
    return {
        raw["code"]: raw.get("kind")
        for raw in raw_indicators
        if isinstance(raw, Mapping) and isinstance(raw.get("code"), str)
    }


# ---- indicators -------------------------------------------------------------------------------

_INDICATOR_FIELDS = {"code", "category", "unit", "scale", "direction", "kind", "reporting", "versions", "eliminated"}
_VERSION_FIELDS = {"from_year", "to_year", "name_zh", "name_en", "definition_zh", "definition_en", "formula"}


def _read_indicators(raw_indicators: list[Any], problems: list[str]) -> dict[str, IndicatorSpec]:
    indicators: dict[str, IndicatorSpec] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_indicators):
        fields = _Fields(raw, _owner("indicator", raw, index), problems, _INDICATOR_FIELDS)
        fields.unique_code(seen)
        spec = _read_indicator(fields)
        if spec is not None:
            indicators[spec.code] = spec
    return indicators


def _read_indicator(fields: _Fields) -> IndicatorSpec | None:
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
    eliminated = fields.raw.get("eliminated", False)
    if not isinstance(eliminated, bool):
        fields.problem("eliminated", f"expected true or false, got {eliminated!r}")
    elif eliminated and kind == "derived":
        fields.problem(
            "eliminated",
            "a derived indicator is computed after consolidation; eliminate the indicators it is computed from",
        )
    spec = IndicatorSpec(
        code=code,
        category=fields.choice("category", CATEGORIES),
        unit=fields.choice("unit", UNITS),
        scale=scale or 0,
        direction=fields.choice("direction", DIRECTIONS),
        kind=kind,
        reporting=reporting,
        versions=_read_versions(fields, kind == "derived"),
        eliminated=eliminated is True,
    )
    return spec if fields.ok else None


def _read_versions(fields: _Fields, derived: bool) -> tuple[IndicatorVersion, ...]:
    versions = []
    for index, raw in enumerate(fields.items("versions")):
        prefix = f"versions[{index}]."
        entry = _Fields(raw, fields.owner, fields.problems, _VERSION_FIELDS, prefix)
        version = _read_version(entry, derived)
        if version is not None:
            versions.append(version)
    versions.sort(key=lambda version: version.from_year)
    _check_contiguous(fields, versions)
    return tuple(versions)


_TEXTS = ("name_zh", "name_en", "definition_zh", "definition_en")


def _read_version(entry: _Fields, derived: bool) -> IndicatorVersion | None:
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


def _check_contiguous(fields: _Fields, versions: list[IndicatorVersion]) -> None:
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

_SET_FIELDS = {"code", "name_zh", "name_en", "description_zh", "description_en", "members"}
_MEMBER_FIELDS = {"code", "from_year", "to_year"}


def _read_sets(
    raw_sets: list[Any], declared: dict[str, str | None], problems: list[str]
) -> dict[str, IndicatorSetSpec]:
    sets: dict[str, IndicatorSetSpec] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_sets):
        fields = _Fields(raw, _owner("set", raw, index), problems, _SET_FIELDS)
        fields.unique_code(seen)
        spec = IndicatorSetSpec(
            code=fields.code(),
            name_zh=fields.text("name_zh"),
            name_en=fields.text("name_en"),
            description_zh=fields.text("description_zh", required=False),
            description_en=fields.text("description_en", required=False),
            members=_read_members(fields, declared),
        )
        if fields.ok:
            sets[spec.code] = spec
    return sets


def _read_members(fields: _Fields, declared: dict[str, str | None]) -> tuple[SetMember, ...]:
    members: list[SetMember] = []
    for index, raw in enumerate(fields.items("members")):
        if isinstance(raw, str):  # a member for all years may be written as its bare code
            raw = {"code": raw}
        entry = _Fields(raw, fields.owner, fields.problems, _MEMBER_FIELDS, f"members[{index}].")
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
