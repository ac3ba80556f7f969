"""The demo group's own library file into the database, as the group's (its units of measure,
categories, indicators and sets, validated against what Pacer's library already put there), and
its rules of who reports which set."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import SYSTEM
from pacer.demo.config import DemoConfig
from pacer.demo.records import DemoGroup
from pacer.indicators.assignment_write import AssignmentIn, assign
from pacer.indicators.library import Known, load_library
from pacer.indicators.specs import IndicatorSetSpec, SetMember
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


def assign_sets(session: Session, config: DemoConfig, group: DemoGroup, ids: dict[str, int]) -> int:
    """The configured assignment rules, from the first month with figures, through the
    assignment service as HQ would add them. Fillers (volume for benchmarks) form a set of
    their own, assigned wherever the express report is. Returns the number of rules."""
    if config.own is None:
        return 0
    rules = list(config.own.assignments)
    if group.extra_indicators:
        members = tuple(SetMember(f.code) for f in group.extra_indicators)
        write_set(session, None, IndicatorSetSpec(STATISTICS, "统计指标", "Statistics", "", "", members), ids, "group")
        session.flush()
        rules += [replace(r, set_code=STATISTICS) for r in config.own.assignments if r.set_code == "express_report"]
    start = f"{group.first_year}-01"
    for rule in rules:
        item = AssignmentIn(
            set_code=rule.set_code,
            kind=rule.kind or "",
            tag=f"{rule.tag}={rule.value}" if rule.tag else "",
            from_month=start,
            reason=REASON,
        )
        assign(session, SYSTEM, item, source="demo_group.yaml")
    return len(rules)


STATISTICS = "statistics"
REASON = "演示集团的指标分配 The demo group's assignment of indicator sets"
