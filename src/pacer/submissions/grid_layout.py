"""The entry grid's layout for one year's library and one list of reported indicators: its lines
(the reported indicators, then each derived one computable from them), grouped by category,
each with the unit it is typed in and its formula as the page's script evaluates it.

It depends on the library alone, so it is worked out once and kept while the library stays as it
is (:mod:`pacer.indicators.memo`): every unit with the same indicators shares it, and a
300-line grid costs a look-up instead of reading and converting the library again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.indicators.formula import FormulaError, parse
from pacer.indicators.memo import Memo
from pacer.models import Indicator, IndicatorCategory, MeasureUnit
from pacer.submissions.entry import EntryUnit, FormulaTree, entry_unit, formula_tree
from pacer.submissions.rules import IndicatorDef


@dataclass(frozen=True, slots=True)
class LineSpec:
    """What a line shows whatever the unit and month: shared, never changed."""

    code: str
    name_zh: str
    name_en: str
    kind: str  # flow | stock | derived
    basis: str  # ytd | monthly (a flow's), balance (a stock's), derived
    scale: int
    unit: EntryUnit
    formula: FormulaTree | None


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    name_zh: str
    name_en: str
    lines: tuple[LineSpec, ...]


def layout(
    session: Session, memo: Memo, year: int, defs: Mapping[str, IndicatorDef], reported: list[str]
) -> tuple[Section, ...]:
    """The sections of a grid of ``reported`` in ``year`` (``defs``: that year's definitions)."""
    key = ("grid.layout", year, tuple(reported))
    return memo.get(key, lambda: _layout(_library(session, memo), defs, reported))


@dataclass(frozen=True)
class _Library:
    units: Mapping[str, EntryUnit]  # indicator code -> the unit it is typed in
    category_of: Mapping[str, str]  # indicator code -> category code
    categories: tuple[tuple[str, str, str], ...]  # code, name_zh, name_en; in order, those in use


def _library(session: Session, memo: Memo) -> _Library:
    return memo.get(("grid.library",), lambda: _read_library(session))


def _read_library(session: Session) -> _Library:
    measures = {m.code: m for m in session.scalars(select(MeasureUnit))}
    typed = {code: entry_unit(code, measures) for code in measures}
    rows = session.execute(select(Indicator.code, Indicator.unit, Indicator.category)).tuples().all()
    units = {code: typed.get(unit) or entry_unit(unit, measures) for code, unit, _ in rows}
    category_of = {code: category for code, _, category in rows}
    used = set(category_of.values())
    categories = tuple(
        (c.code, c.name_zh, c.name_en)
        for c in session.scalars(select(IndicatorCategory).order_by(IndicatorCategory.position))
        if c.code in used
    )
    return _Library(units, category_of, categories)


def _layout(library: _Library, defs: Mapping[str, IndicatorDef], reported: list[str]) -> tuple[Section, ...]:
    wanted = [c for c in reported if c in defs]
    have = set(wanted)
    for code, ind in defs.items():
        if ind.kind == "derived" and ind.formula:
            try:
                refs = parse(ind.formula).references
            except FormulaError:
                continue
            if refs and refs <= have:
                wanted.append(code)
    grouped: dict[str, tuple[str, str, list[LineSpec]]] = {code: (zh, en, []) for code, zh, en in library.categories}
    for code in wanted:
        ind = defs[code]
        category = library.category_of.get(code, "")
        lines = grouped.setdefault(category, (category, category, []))[2]
        lines.append(_spec(ind, library.units.get(code) or EntryUnit("", "")))
    return tuple(
        Section(code, zh, en, tuple(sorted(lines, key=lambda x: x.kind == "derived")))  # stable: derived last
        for code, (zh, en, lines) in grouped.items()
        if lines
    )


def _spec(ind: IndicatorDef, unit: EntryUnit) -> LineSpec:
    basis = {"stock": "balance", "derived": "derived"}.get(ind.kind, ind.reporting or "monthly")
    formula = formula_tree(ind.formula) if ind.kind == "derived" and ind.formula else None
    return LineSpec(ind.code, ind.name_zh, ind.name_en, ind.kind, basis, ind.scale, unit, formula)
