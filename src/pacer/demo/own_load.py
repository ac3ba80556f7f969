"""The demo group's own library file into the database, as the group's: its units of measure,
categories, indicators and sets, validated against what Pacer's library already put there."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.demo.config import DemoConfig
from pacer.indicators.library import Known, load_library
from pacer.indicators.sync import write_category, write_indicator, write_set, write_unit
from pacer.models import Indicator

ACTOR = "demo"


def load_own_library(session: Session, config: DemoConfig) -> dict[str, int]:
    """Store the configured group's own library (after Pacer's); returns indicator ids by code."""
    if config.own is not None:
        builtin = load_library()
        known = Known(
            units=builtin.units,
            categories=frozenset(builtin.categories),
            indicators={code: spec.kind for code, spec in builtin.indicators.items()},
        )
        own = load_library(config.own.library, known, origin="group")
        for position, unit in enumerate(own.units.values(), start=len(builtin.units)):
            write_unit(session, None, unit, ACTOR, position)
        for position, category in enumerate(own.categories.values(), start=len(builtin.categories)):
            write_category(session, None, category, ACTOR, position)
        session.flush()
        ids = {}
        for spec in own.indicators.values():
            row, _ = write_indicator(session, None, spec, None, ACTOR)
            ids[spec.code] = row.id
        for set_spec in own.sets.values():
            write_set(session, None, set_spec, ids, origin="group")
        session.flush()
    return dict(session.execute(select(Indicator.code, Indicator.id)).tuples().all())
