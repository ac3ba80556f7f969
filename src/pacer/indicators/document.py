"""A library as the content of a library file (the schema :mod:`pacer.indicators.library`
reads), so that an export read back is the same library. Pure."""

from __future__ import annotations

from typing import Any

import yaml

from pacer.indicators.specs import SCHEMA, IndicatorSetSpec, IndicatorSpec, Library, MeasureUnitSpec
from pacer.indicators.vocabulary import factor_text
from pacer.kit.numbers import format_scaled

HEADER = (
    "# Pacer indicator library: units of measure, categories, indicators and indicator sets.\n"
    "# Edit and load with 'pacer indicators import FILE' (field reference: the packaged library.yaml).\n"
)


def library_document(library: Library) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "units": [_unit(unit) for unit in library.units.values()],
        "categories": [
            {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en, "origin": c.origin}
            for c in library.categories.values()
        ],
        "indicators": [indicator_entry(spec) for spec in library.indicators.values()],
        "sets": [_set(spec) for spec in library.sets.values()],
    }


def library_yaml(library: Library) -> str:
    text: str = yaml.dump(
        library_document(library),
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return HEADER + text


def _unit(unit: MeasureUnitSpec) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name_zh": unit.name_zh,
        "name_en": unit.name_en,
        "symbol_zh": unit.symbol_zh,
        "symbol_en": unit.symbol_en,
        "dimension": unit.dimension,
        "factor": factor_text(unit.factor),
        "additive": unit.additive,
        "percent": unit.percent,
        "display": unit.display,
        "origin": unit.origin,
    }


def indicator_entry(spec: IndicatorSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": spec.code,
        "origin": spec.origin,
        "category": spec.category,
        "unit": spec.unit,
        "scale": spec.scale,
        "direction": spec.direction,
        "kind": spec.kind,
    }
    if spec.reporting is not None:
        entry["reporting"] = spec.reporting
    optional = {
        "eliminated": spec.eliminated or None,
        "never_negative": spec.never_negative or None,
        "retired_from": spec.retired_from,
        "band": _band(spec),
    }
    entry |= {key: value for key, value in optional.items() if value is not None}
    entry["versions"] = [
        {
            "from_year": v.from_year,
            "to_year": v.to_year,
            "name_zh": v.name_zh,
            "name_en": v.name_en,
            "definition_zh": v.definition_zh,
            "definition_en": v.definition_en,
            **({"formula": v.formula} if v.formula is not None else {}),
        }
        for v in spec.versions
    ]
    return entry


def _band(spec: IndicatorSpec) -> dict[str, str] | None:
    if spec.band_low is None or spec.band_high is None:
        return None
    return {"low": format_scaled(spec.band_low, spec.scale), "high": format_scaled(spec.band_high, spec.scale)}


def _set(spec: IndicatorSetSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "name_zh": spec.name_zh,
        "name_en": spec.name_en,
        **({"description_zh": spec.description_zh} if spec.description_zh else {}),
        **({"description_en": spec.description_en} if spec.description_en else {}),
        "origin": spec.origin,
        "members": [
            m.code if m.from_year is None and m.to_year is None else _member(m.code, m.from_year, m.to_year)
            for m in spec.members
        ],
    }


def _member(code: str, start: int | None, end: int | None) -> dict[str, Any]:
    return {"code": code, **({"from_year": start} if start else {}), **({"to_year": end} if end else {})}
