"""The meeting pack: the group's report followed by a one-page brief of each reporting unit (the
units right below the node that the reader sees): its summary paragraph and key-indicator table,
drawn from the unit's own economic report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.models import Unit, UnitParentage
from pacer.org.repository import parentage_on
from pacer.reports import Report, Section, Table, drawn

BRIEFS = ("各单位简报", "Briefs of the units")


def reporting_units(session: Session, actor: Actor, node_code: str) -> list[Unit]:
    """The units right below the node in today's tree that the actor sees, by code."""
    parent = select(Unit.id).where(Unit.code == node_code).scalar_subquery()
    stmt = (
        select(Unit)
        .join(UnitParentage, UnitParentage.unit_id == Unit.id)
        .where(parentage_on(date.today()), UnitParentage.parent_id == parent)
        .order_by(Unit.code)
    )
    return list(session.scalars(restrict(stmt, actor, Unit.id, READ)))


def brief(report: Report) -> Section:
    """A unit's page: its report's overall section under the unit's name, from the top of a page."""
    overall = report.section("overall") or (report.sections[0] if report.sections else None)
    blocks = tuple(
        replace(b, key=f"{b.key}-{report.unit_code}") if isinstance(b, Table) else b
        for b in (overall.blocks if overall else ())
    )
    name = (
        f"{report.unit_name}（{report.unit_code}）"
        if report.lang == "zh"
        else f"{report.unit_name} ({report.unit_code})"
    )
    return Section(f"brief-{report.unit_code}", name, blocks, new_page=True)


def meeting_pack(
    session: Session,
    actor: Actor,
    group: Report,
    p: dict[str, Any],
    progress: Callable[[float, str], None],
    units: list[Unit] | None = None,
) -> Report:
    """The group's report with the briefs appended as its last section (of ``units``, by
    default the reporting units below the group's node)."""
    units = reporting_units(session, actor, group.unit_code) if units is None else units
    briefs = []
    for i, unit in enumerate(units):
        report = drawn.economic_report(session, actor, unit.code, p["period"], p["span"], p["lang"])
        briefs.append(brief(report))
        progress((i + 1) / len(units), unit.code)
    if not briefs:
        return group
    heading = BRIEFS[0] if p["lang"] == "zh" else BRIEFS[1]
    # the heading on the first brief's page; every brief starts a page of its own
    briefs[0] = replace(briefs[0], new_page=False)
    return replace(group, sections=(*group.sections, Section("briefs", heading, (), tuple(briefs), new_page=True)))
