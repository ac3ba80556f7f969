"""The assessment's figures as a reader sees them: each indicator on a display scale of its unit
of measure, money no larger than the group's money scale allows (the setting and the helper the
cockpit and the reports use), one scale per unit of measure on a page so that revenue and profit
read in the same 亿元 or 万元; a qualitative item's rate in percent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import UnitOfMeasure, units_from_rows
from pacer.cockpit import format as fmt
from pacer.cockpit.schemas import Display
from pacer.group_settings.service import current as group_settings
from pacer.models import Indicator, MeasureUnit
from pacer.web import i18n

DASH = "—"


@dataclass(frozen=True)
class Shown:
    """Displays by indicator code; a code it does not hold (a qualitative item's rate, in
    hundredths of a percent) reads as a percentage."""

    displays: dict[str, Display]

    def figure(self, value: int | None, code: str | None, scale: int) -> str:
        """``value`` (scaled at ``scale`` decimals in the indicator's unit) on its display."""
        if value is None:
            return DASH
        display = self.displays.get(code or "")
        exact = Decimal(value).scaleb(-scale)
        if display is None:
            return i18n.number(exact, scale)
        return fmt.amount(exact, display)

    def label(self, code: str | None) -> str:
        display = self.displays.get(code or "")
        return "%" if display is None else display.label


def shown(session: Session, lang: str, figures: Iterable[tuple[str | None, int, int | None]]) -> Shown:
    """The displays of the indicators among ``figures`` ((indicator code, scale, value) for every
    figure a page or document shows), each unit of measure sized by its largest figure."""
    figures = [(c, s, v) for c, s, v in figures if c]
    codes = sorted({c for c, _, _ in figures if c})
    if not codes:
        return Shown({})
    unit_of = dict(
        session.execute(select(Indicator.code, Indicator.unit).where(Indicator.code.in_(codes))).tuples().all()
    )
    table = session.execute(select(MeasureUnit.__table__).order_by(MeasureUnit.position, MeasureUnit.code)).all()
    units: dict[str, UnitOfMeasure] = units_from_rows(table)
    measures = {c: units[unit_of[c]] for c in codes if unit_of.get(c) in units}
    biggest: dict[tuple[str, int], Decimal] = {}
    keys: dict[str, tuple[str, int]] = {}
    for code, scale, value in figures:
        if code not in measures:
            continue
        key = keys[code] = (measures[code].code, scale)
        size = abs(Decimal(value).scaleb(-scale)) if value is not None else Decimal(0)
        biggest[key] = max(biggest.get(key, Decimal(0)), size)
    money = group_settings(session).money_scale
    by_unit = {m.code: m for m in measures.values()}
    displays = {key: fmt.display_for(by_unit[key[0]], size, lang, key[1], money) for key, size in biggest.items()}
    return Shown({code: displays[key] for code, key in keys.items()})
