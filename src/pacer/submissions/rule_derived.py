"""Derived values of one unit's month, for the derived-indicator rule: each derived indicator
whose inputs the month has, and each configured identity (a reported figure that equals a
formula of others). Pure; floats only to compare, never stored."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from pacer.indicators.formula import Formula, FormulaError, parse
from pacer.kit.numbers import to_decimal

if TYPE_CHECKING:
    from pacer.submissions.rules import RuleContext


def _inputs(figures: Mapping[str, int], context: RuleContext, year_to_date: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    for code, value in figures.items():
        ind = context.indicators.get(code)
        if ind is None or ind.kind == "derived":
            continue
        if year_to_date and ind.kind == "flow":
            value += context.ytd_before.get(code, 0)
        out[code] = value / 10**ind.scale  # int / int rounds correctly: the same float as via Decimal
    return out


@lru_cache(maxsize=1024)
def _formula(text: str) -> Formula | None:
    """A formula parsed once, however many unit-months ask (None: it does not parse)."""
    try:
        return parse(text)
    except FormulaError:
        return None


def _evaluate(text: str, values: dict[str, float], context: RuleContext, scale: int) -> Decimal | None:
    formula = _formula(text)
    if formula is None or not formula.references <= values.keys():
        return None
    opening: dict[str, float] = {}
    for code in formula.balance_references:
        closing = context.last_december.get(code)
        if closing is None:
            return None
        opening[code] = float(to_decimal(closing, context.indicators[code].scale))
    try:
        result = float(formula.evaluate(values, opening))
    except FormulaError:
        return None
    if math.isnan(result) or math.isinf(result):
        return None
    return Decimal(repr(result)).quantize(Decimal(1).scaleb(-scale))


def computed(figures: Mapping[str, int], context: RuleContext) -> Iterator[tuple[str, int | None, Decimal]]:
    """(code, the figure the unit gave for it or None, the value its formula gives), in code
    order: derived indicators over the year to date, identities over the month's figures."""
    ytd = _inputs(figures, context, year_to_date=True)
    month = _inputs(figures, context, year_to_date=False)
    for code in sorted(context.indicators):
        ind = context.indicators[code]
        if ind.kind == "derived" and ind.formula:
            value = _evaluate(ind.formula, ytd, context, ind.scale)
            if value is not None:
                yield code, figures.get(code), value
        elif code in context.config.identities and code in figures and ind.kind != "derived":
            value = _evaluate(context.config.identities[code], month, context, ind.scale)
            if value is not None:
                yield code, figures[code], value
