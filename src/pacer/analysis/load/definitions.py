"""The indicator definitions and the group's units of measure, read into the engine's terms.

An indicator's ``unit`` column holds a code of the ``measure_unit`` table; the engine gets the
unit's semantics (additive, percent) and the display ladder of its dimension, never its code's
meaning, so a unit the group adds (t, tce, tce per 10,000 yuan) works like a built-in one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Protocol, cast

import numpy as np
from sqlalchemy import Connection, select

from pacer.analysis.core.inputs import FormulaVersion, IndicatorDef, UnitOfMeasure, UnitScale
from pacer.indicators.formula import Formula, parse
from pacer.models import Indicator, IndicatorVersion, MeasureUnit


def _factor(text: str | Decimal) -> Decimal:
    try:
        factor = Decimal(str(text))
    except InvalidOperation:
        factor = Decimal(0)
    return factor if factor.is_finite() and factor > 0 else Decimal(1)


class UnitRow(Protocol):
    """A unit of measure as the table (or a library file's ``units`` section) holds it."""

    @property
    def code(self) -> str: ...
    @property
    def symbol_zh(self) -> str: ...
    @property
    def symbol_en(self) -> str: ...
    @property
    def dimension(self) -> str: ...
    @property
    def factor(self) -> str | Decimal: ...
    @property
    def additive(self) -> bool: ...
    @property
    def percent(self) -> bool: ...
    @property
    def display(self) -> bool: ...


def units_from_rows(rows: Iterable[UnitRow]) -> dict[str, UnitOfMeasure]:
    """Every unit of measure by code, each with the display ladder of its dimension (its units
    marked ``display``, smallest factor first)."""
    rows = list(rows)
    ladders: dict[str, list[UnitScale]] = {}
    for r in rows:
        if r.display:
            ladders.setdefault(r.dimension, []).append(UnitScale(r.code, _factor(r.factor), r.symbol_zh, r.symbol_en))
    out = {}
    for r in rows:
        out[r.code] = UnitOfMeasure(
            r.code,
            r.dimension,
            _factor(r.factor),
            r.symbol_zh,
            r.symbol_en,
            additive=bool(r.additive),
            percent=bool(r.percent),
            ladder=tuple(sorted(ladders.get(r.dimension, ()), key=lambda s: s.factor)),
        )
    return out


def load_units(conn: Connection) -> dict[str, UnitOfMeasure]:
    """Every unit of measure of the group's table by code (see :func:`units_from_rows`)."""
    rows = conn.execute(select(MeasureUnit.__table__).order_by(MeasureUnit.position, MeasureUnit.code)).all()
    return units_from_rows(cast(list[UnitRow], rows))


def unknown_unit(code: str) -> UnitOfMeasure:
    """A unit code the table does not hold: shown as it is, neither summed nor in pp."""
    return UnitOfMeasure(code, code, Decimal(1), code, code)


def load_indicators(conn: Connection, units: Mapping[str, UnitOfMeasure]) -> tuple[list[IndicatorDef], np.ndarray]:
    """The indicators in id order, each with its unit's semantics and its formula versions."""
    rows = conn.execute(select(Indicator.__table__).order_by(Indicator.id)).all()
    # Each year of a derived indicator is evaluated by the formula of the version valid in it.
    versions: dict[int, list[FormulaVersion]] = {}
    parsed: dict[str, Formula] = {}
    for ind_id, from_year, to_year, text in conn.execute(
        select(
            IndicatorVersion.indicator_id,
            IndicatorVersion.from_year,
            IndicatorVersion.to_year,
            IndicatorVersion.formula,
        )
        .where(IndicatorVersion.formula.is_not(None))
        .order_by(IndicatorVersion.indicator_id, IndicatorVersion.from_year)
    ):
        formula = parsed.setdefault(text, parse(text))  # one object per text: one call per text
        versions.setdefault(ind_id, []).append(FormulaVersion(from_year, to_year, formula))
    defs = []
    for r in rows:
        mine = tuple(versions.get(r.id, ())) if r.kind == "derived" else ()
        several = len({id(v.formula) for v in mine}) > 1
        defs.append(
            IndicatorDef(
                code=r.code,
                kind=r.kind,
                unit=units.get(r.unit) or unknown_unit(r.unit),
                scale=r.scale,
                direction=r.direction,
                formula=mine[-1].formula if mine else None,
                versions=mine if several else (),
            )
        )
    return defs, np.array([r.id for r in rows], dtype=np.int64)
