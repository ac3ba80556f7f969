"""Who asks about which node and month, and the values of the documents: exact amounts as
decimal strings at the indicator's stored precision."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from pacer.analysis import Analysis, Change, DisplayUnit, Status, Value, default_period, wording
from pacer.auth.permissions import Actor, visible_unit_ids
from pacer.cli.present.documents import ChangeOut, IndicatorRef, Quantity, UnitRef
from pacer.errors import DomainError, NotFound
from pacer.indicators.service import IndicatorRow, list_indicators, set_exists
from pacer.kit import periods

DEFAULT_SET = "key"


@dataclass(frozen=True, eq=False)
class Scope:
    """A visible node at a month with figures, the language and the money display scale."""

    session: Session
    analysis: Analysis
    node: int
    year: int
    month: int
    language: str
    money: DisplayUnit
    visible: frozenset[int] | None  # node indices; None: everything

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def sees(self, node: int) -> bool:
        return self.visible is None or node in self.visible

    def unit(self, node: int) -> UnitRef:
        row = self.analysis.data.unit_rows[node]
        return {"code": row.code, "name": row.name_zh if self.language == "zh" else row.name_en}

    def percent(self, code: str) -> bool:
        """Whether the indicator's values are percentages (their changes are pp)."""
        catalog = self.analysis.engine.catalog
        return bool(catalog.is_percent[catalog.index[code]])

    def indicators(self) -> dict[str, IndicatorRow]:
        return {r.code: r for r in list_indicators(self.session, None, self.year)}

    def indicator(self, code: str) -> IndicatorRef:
        row = self.indicators().get(code)
        if row is None or code not in self.analysis.engine.catalog.index:
            raise NotFound(f"unknown indicator '{code}' (see 'pacer indicators list')")
        return _indicator_ref(row, self.unit_code(code), self.language)

    def unit_code(self, code: str) -> str:
        """The indicator's unit of measure as the engine reads it."""
        catalog = self.analysis.engine.catalog
        return catalog.defs[catalog.index[code]].unit.code

    def set_members(self, set_code: str) -> list[IndicatorRef]:
        if not set_exists(self.session, set_code):
            raise NotFound(f"unknown indicator set '{set_code}' (see 'pacer indicators sets')")
        known = self.analysis.engine.catalog.index
        return [
            _indicator_ref(r, self.unit_code(r.code), self.language)
            for r in list_indicators(self.session, set_code, self.year)
            if r.code in known
        ]


def _indicator_ref(row: IndicatorRow, unit: str, language: str) -> IndicatorRef:
    return {
        "code": row.code,
        "name": row.name_zh if language == "zh" else row.name_en,
        "unit": unit,
        "kind": row.kind,
        "direction": row.direction,
    }


def open_scope(
    session: Session,
    actor: Actor,
    analysis: Analysis,
    unit_code: str | None,
    period: str | None,
    language: str,
    money: DisplayUnit = DisplayUnit.YI_YUAN,
) -> Scope:
    ids = visible_unit_ids(session, actor)
    visible = None if ids is None else frozenset(n for i in ids if (n := analysis.node(i)) is not None)
    year, month = divmod(resolve_period(analysis, period), 100)
    if unit_code is None:
        if visible is not None and not visible:
            raise NotFound("no unit has been granted to you yet; ask an administrator")
        node = 0 if visible is None else min(visible)  # units are in depth-first order of the tree
    else:
        found = analysis.data.unit_index().get(unit_code)
        if found is None or (visible is not None and found not in visible):
            raise NotFound(f"unknown unit '{unit_code}'")  # the same words whether it exists or not
        node = found
    return Scope(session, analysis, node, year, month, language, money, visible)


def resolve_period(analysis: Analysis, text: str | None) -> int:
    """The month asked for (YYYYMM), refused unless the figures cover it; by default the latest
    month complete enough to read (:func:`pacer.analysis.default_period`)."""
    last = analysis.data.last_period
    if text is None:
        return default_period(analysis)
    try:
        period = periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    first = analysis.data.first_year * 100 + 1
    if not first <= period <= last:
        raise NotFound(
            f"no figures for {periods.format_period(period)} (figures run from "
            f"{periods.format_period(first)} to {periods.format_period(last)})"
        )
    return period


# -- values -------------------------------------------------------------------------------------


def quantity(v: Value | None, unit: str) -> Quantity | None:
    return None if v is None else {"value": str(v.decimal), "unit": unit}


def estimate(x: float | None, scale: int, unit: str) -> Quantity | None:
    """A float estimate (a forecast) at the indicator's stored precision."""
    if x is None:
        return None
    d = Decimal(repr(x)).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    return {"value": str(d), "unit": unit}


def change_out(c: Change, ref: IndicatorRef, scale: int, scope: Scope) -> ChangeOut:
    unit = "pp" if scope.percent(ref["code"]) else ref["unit"]
    amount: Quantity | None = (
        None
        if c.change_scaled is None or c.kind.value == "no_data"
        else {"value": str(Decimal(c.change_scaled).scaleb(-scale)), "unit": unit}
    )
    return {
        "kind": c.kind.value,
        "percent": c.percent,
        "change": amount,
        "text": wording.change(c, scope.language, scope.money, scale),
    }


def status_out(s: Status | None, scope: Scope) -> tuple[str | None, str]:
    return (None if s is None else s.value), wording.status(s, scope.language)


def stored_scale(scope: Scope, code: str) -> int:
    catalog = scope.analysis.engine.catalog
    return int(catalog.scale[catalog.index[code]])
