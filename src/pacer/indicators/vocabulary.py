"""Units of measure and categories of a library file: read, and checked together with those
already known (the database's), so that a group's file may declare only its own."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pacer.indicators.fields import Fields, owner
from pacer.indicators.specs import ORIGINS, CategorySpec, MeasureUnitSpec

_UNIT_FIELDS = {
    "code",
    "name_zh",
    "name_en",
    "symbol_zh",
    "symbol_en",
    "dimension",
    "factor",
    "additive",
    "percent",
    "display",
    "origin",
}
_CATEGORY_FIELDS = {"code", "name_zh", "name_en", "origin"}
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_SYMBOL = 32
MAX_NAME = 100


def factor_text(factor: Decimal) -> str:
    """A factor as stored and written: plain digits, no exponent, no trailing zeros."""
    return format(factor.normalize(), "f")


def read_units(raw_units: list[Any], problems: list[str], origin: str) -> dict[str, MeasureUnitSpec]:
    units: dict[str, MeasureUnitSpec] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_units):
        fields = Fields(raw, owner("unit", raw, index), problems, _UNIT_FIELDS)
        fields.unique_code(seen)
        code = _short_code(fields)
        dimension = fields.raw.get("dimension")
        if not isinstance(dimension, str) or not _SNAKE.match(dimension) or len(dimension) > 32:
            fields.problem("dimension", f"{dimension!r} is not a snake_case word of at most 32 characters")
        spec = MeasureUnitSpec(
            code=code,
            name_zh=_limited(fields, "name_zh", MAX_NAME),
            name_en=_limited(fields, "name_en", MAX_NAME),
            symbol_zh=_symbol(fields, "symbol_zh"),
            symbol_en=_symbol(fields, "symbol_en"),
            dimension=str(dimension),
            factor=fields.decimal("factor") or Decimal(1),
            additive=fields.flag("additive", True),
            percent=fields.flag("percent", False),
            display=fields.flag("display", True),
            origin=_origin(fields, origin),
        )
        if fields.ok:
            units[spec.code] = spec
    return units


def read_categories(raw_categories: list[Any], problems: list[str], origin: str) -> dict[str, CategorySpec]:
    categories: dict[str, CategorySpec] = {}
    seen: set[str] = set()
    for index, raw in enumerate(raw_categories):
        fields = Fields(raw, owner("category", raw, index), problems, _CATEGORY_FIELDS)
        fields.unique_code(seen)
        spec = CategorySpec(
            code=_short_code(fields),
            name_zh=_limited(fields, "name_zh", MAX_NAME),
            name_en=_limited(fields, "name_en", MAX_NAME),
            origin=_origin(fields, origin),
        )
        if fields.ok:
            categories[spec.code] = spec
    return categories


def dimension_problems(units: Iterable[MeasureUnitSpec]) -> list[str]:
    """Every dimension needs exactly one base unit (factor 1), which the others are multiples of;
    a percentage unit is its dimension's only kind."""
    by_dimension: dict[str, list[MeasureUnitSpec]] = {}
    for unit in units:
        by_dimension.setdefault(unit.dimension, []).append(unit)
    problems = []
    for dimension, members in by_dimension.items():
        bases = [unit.code for unit in members if unit.is_base]
        if len(bases) != 1:
            found = f"has {len(bases)} ({', '.join(bases)})" if bases else "has none"
            first = next((u for u in members if not u.is_base), members[0]).code
            problems.append(
                f"unit {first!r}: field 'dimension': dimension {dimension!r} needs exactly one unit "
                f"with factor 1 (its base), {found}"
            )
        if len({unit.additive for unit in members}) > 1 or len({unit.percent for unit in members}) > 1:
            problems.append(
                f"unit {members[-1].code!r}: field 'additive': units of dimension {dimension!r} "
                "must agree on additive and percent"
            )
    return problems


def merged(known: Mapping[str, MeasureUnitSpec], declared: Mapping[str, MeasureUnitSpec]) -> list[MeasureUnitSpec]:
    """The units in force once ``declared`` (a file's) replace ``known`` (the database's)."""
    return list({**known, **declared}.values())


def _short_code(fields: Fields) -> str:
    code = fields.code()
    if len(code) > 32:
        fields.problem("code", f"{code!r} is longer than 32 characters")
    return code


def _limited(fields: Fields, key: str, size: int) -> str:
    text = fields.text(key)
    if len(text) > size:
        fields.problem(key, f"longer than {size} characters")
    return text


def _symbol(fields: Fields, key: str) -> str:
    value = fields.raw.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_SYMBOL:
        fields.problem(key, f"expected a text of at most {MAX_SYMBOL} characters, got {value!r}")
        return ""
    return value.strip()


def _origin(fields: Fields, default: str) -> Any:
    if "origin" not in fields.raw:
        return default
    return fields.choice("origin", ORIGINS)
