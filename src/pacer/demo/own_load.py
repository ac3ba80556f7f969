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
from pacer.indicators.specs import IndicatorSetSpec, SetMember
from pacer.indicators.sync import write_set
from pacer.indicators.transfer import apply_document
from pacer.models import Indicator


def load_own_library(session: Session, config: DemoConfig) -> dict[str, int]:
    """Import the configured group's own library file as ``pacer indicators import`` does (after
    Pacer's library); returns every indicator's id by code."""
    if config.own is not None:
        apply_document(session, config.own.library, SYSTEM, "group_indicators.yaml")
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
    return len(rules) + _consolidating(session, group, sorted({r.set_code for r in rules}), start)


def _consolidating(session: Session, group: DemoGroup, sets: list[str], start: str) -> int:
    """A unit with units below it reports nothing of its own: its figures are theirs added up
    (its own line is its headquarters unit's), so each of its sets is excluded for it."""
    parents = sorted({u.parent_code for u in group.units if u.parent_code} | {m.new_parent_code for m in group.moves})
    for code in parents:
        for set_code in sets:
            item = AssignmentIn(set_code=set_code, unit_code=code, exclude=True, from_month=start, reason=CONSOLIDATING)
            assign(session, SYSTEM, item, source="demo_group.yaml")
    return len(parents) * len(sets)


STATISTICS = "statistics"
CONSOLIDATING = "合并单位：数据为下属单位之和，本级不填报"
REASON = "演示集团按单位类型和标签分配指标集"  # a reason as HQ would type it, in the demo users' language
