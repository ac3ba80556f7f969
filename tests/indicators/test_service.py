"""Loading the library into the database: changes are audited, so cached engines notice them."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.indicators.formula import parse
from pacer.indicators.library import Library, load_library
from pacer.indicators.sync import sync_library
from pacer.models import AuditEntry, Indicator, IndicatorVersion


def _with_new_roe_formula(library: Library, from_year: int) -> Library:
    roe = library.indicators["roe"]
    last = roe.latest
    text = "net_profit / owners_equity * 100"
    versions = (
        *roe.versions[:-1],
        replace(last, to_year=from_year - 1),
        replace(last, from_year=from_year, to_year=None, formula=text, parsed=parse(text)),
    )
    return replace(library, indicators={**library.indicators, "roe": replace(roe, versions=versions)})


def _audited(session: Session) -> list[tuple[str, str]]:
    return [
        (a.action, a.entity_key)
        for a in session.scalars(select(AuditEntry).where(AuditEntry.entity == "indicator").order_by(AuditEntry.id))
    ]


def test_syncing_the_same_library_again_changes_and_audits_nothing(session: Session) -> None:
    before = _audited(session)
    assert sync_library(session)["changed"] == 0
    assert _audited(session) == before


def test_a_new_formula_version_is_stored_and_audited(session: Session) -> None:
    before = _audited(session)
    changed = _with_new_roe_formula(load_library(), 2025)
    assert sync_library(session, changed)["changed"] == 1
    assert _audited(session) == [*before, ("indicator.versions", "roe")]
    roe_id = session.scalar(select(Indicator.id).where(Indicator.code == "roe"))
    stored = session.execute(
        select(IndicatorVersion.from_year, IndicatorVersion.formula)
        .where(IndicatorVersion.indicator_id == roe_id)
        .order_by(IndicatorVersion.from_year)
    ).all()
    assert stored[-2:] == [
        (stored[-2][0], load_library().indicators["roe"].latest.formula),
        (2025, "net_profit / owners_equity * 100"),
    ]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "indicator.versions")).one()
    assert entry.after["versions"][-1]["formula"] == "net_profit / owners_equity * 100"
    # once stored, the same library is no change
    assert sync_library(session, changed)["changed"] == 0
    assert _audited(session) == [*before, ("indicator.versions", "roe")]


def test_the_database_holds_the_built_in_units_categories_and_new_fields(session: Session) -> None:
    from pacer.models import IndicatorCategory, MeasureUnit

    units = {u.code: u for u in session.scalars(select(MeasureUnit))}
    assert (units["wan_yuan"].factor, units["wan_yuan"].dimension, units["wan_yuan"].origin) == (
        "10000",
        "money",
        "builtin",
    )
    assert (units["percent"].percent, units["percent"].additive) == (True, False)
    assert session.scalar(select(IndicatorCategory.name_en).where(IndicatorCategory.code == "quality")) == "Quality"
    headcount = session.scalars(select(Indicator).where(Indicator.code == "headcount")).one()
    assert (headcount.never_negative, headcount.origin, headcount.customized) == (True, "builtin", False)
