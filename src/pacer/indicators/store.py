"""The library of record, read from the database as library specs: what an export writes, what
an import is compared with, and what a file may refer to without declaring it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from pacer.indicators import repository
from pacer.indicators.formula import parse
from pacer.indicators.library import Known
from pacer.indicators.specs import (
    CategorySpec,
    IndicatorSetSpec,
    IndicatorSpec,
    IndicatorVersion,
    Library,
    MeasureUnitSpec,
    SetMember,
)
from pacer.models import Indicator, IndicatorCategory, MeasureUnit
from pacer.models import IndicatorVersion as VersionRow


def stored_library(session: Session) -> Library:
    """Every unit, category, indicator (built-in and the group's own) and set in the database."""
    versions = repository.versions(session)
    indicators = {row.code: indicator_spec(row, versions.get(row.id, [])) for row in repository.indicators(session)}
    members = repository.set_members(session)
    sets = {
        row.code: IndicatorSetSpec(
            code=row.code,
            name_zh=row.name_zh,
            name_en=row.name_en,
            description_zh=row.description_zh,
            description_en=row.description_en,
            members=tuple(SetMember(code, m.from_year, m.to_year) for m, code in members.get(row.id, [])),
            origin=_origin(row.origin),
        )
        for row in repository.sets(session)
    }
    return Library(
        indicators=indicators,
        sets=sets,
        units={row.code: unit_spec(row) for row in repository.units(session)},
        categories={row.code: category_spec(row) for row in repository.categories(session)},
    )


def known(session: Session) -> Known:
    """What the database holds that a file may refer to without declaring it."""
    return Known(
        units={row.code: unit_spec(row) for row in repository.units(session)},
        categories=frozenset(row.code for row in repository.categories(session)),
        indicators={row.code: row.kind for row in repository.indicators(session)},
    )


def unit_spec(row: MeasureUnit) -> MeasureUnitSpec:
    return MeasureUnitSpec(
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        symbol_zh=row.symbol_zh,
        symbol_en=row.symbol_en,
        dimension=row.dimension,
        factor=Decimal(row.factor),
        additive=row.additive,
        percent=row.percent,
        display=row.display,
        origin=_origin(row.origin),
    )


def category_spec(row: IndicatorCategory) -> CategorySpec:
    return CategorySpec(row.code, row.name_zh, row.name_en, _origin(row.origin))


def indicator_spec(row: Indicator, versions: list[VersionRow]) -> IndicatorSpec:
    return IndicatorSpec(
        code=row.code,
        category=row.category,
        unit=row.unit,
        scale=row.scale,
        direction=_any(row.direction),
        kind=_any(row.kind),
        reporting=_any(row.reporting),
        versions=tuple(version_spec(v) for v in versions),
        eliminated=row.eliminated,
        origin=_origin(row.origin),
        never_negative=row.never_negative,
        retired_from=row.retired_from,
        band_low=row.band_low,
        band_high=row.band_high,
    )


def version_spec(row: VersionRow) -> IndicatorVersion:
    parsed = parse(row.formula) if row.formula else None
    return IndicatorVersion(
        row.from_year,
        row.to_year,
        row.name_zh,
        row.name_en,
        row.definition_zh,
        row.definition_en,
        formula=row.formula,
        parsed=parsed,
    )


def _origin(value: str) -> Any:
    return "group" if value == "group" else "builtin"


def _any(value: str | None) -> Any:  # the columns hold what the library validated
    return value
