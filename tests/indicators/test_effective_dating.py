"""A definition changed from a year keeps the earlier years' definition, and the analysis of the
earlier years keeps the formula then in force (through the real engine)."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy.orm import Session

from pacer.analysis.serve.service import build
from pacer.indicators.edits import revised_versions
from pacer.indicators.transfer import apply_document, export_library
from pacer.models import Fact
from tests.conftest import Org
from tests.factories import indicator


def _figures(session: Session, org: Org) -> None:
    revenue, rd = indicator(session, "revenue"), indicator(session, "rd_expense")
    for year in (2024, 2025):
        for month in range(1, 13):
            period = year * 100 + month
            # year-to-date figures: revenue 1,000.00 a month, R&D 30.00 a month
            session.add(Fact(unit_id=org.A1.id, indicator_id=revenue.id, period=period, value=100_000 * month))
            session.add(Fact(unit_id=org.A1.id, indicator_id=rd.id, period=period, value=3_000 * month))
    session.flush()


def _intensity(session: Session, org: Org, year: int) -> float | None:
    analysis = build(session.connection())
    node = analysis.node(org.G.id)
    assert node is not None
    value = analysis.engine.cockpit(node, year, 12, ["rd_intensity"]).row("rd_intensity").ytd
    return None if value is None else value.number


def test_a_formula_changed_from_2025_leaves_2024s_analysis_as_it_was(session: Session, org: Org) -> None:
    _figures(session, org)
    before_2024, before_2025 = _intensity(session, org, 2024), _intensity(session, org, 2025)
    document = yaml.safe_load(export_library(session))
    entry = next(e for e in document["indicators"] if e["code"] == "rd_intensity")
    entry["versions"] = revised_versions(entry["versions"], 2025, {"formula": "rd_expense / revenue * 1000"})

    apply_document(session, document, org.hq_analyst)

    assert before_2024 == pytest.approx(3.0)
    assert _intensity(session, org, 2024) == pytest.approx(before_2024)
    assert before_2025 == pytest.approx(3.0)
    assert _intensity(session, org, 2025) == pytest.approx(30.0)


def test_a_change_from_a_year_closes_the_version_in_force_the_year_before() -> None:
    versions = [
        {"from_year": 2019, "to_year": 2020, "name_en": "Old", "formula": "a"},
        {"from_year": 2021, "to_year": None, "name_en": "Now", "formula": "a"},
    ]

    revised = revised_versions(versions, 2025, {"name_en": "New", "formula": "a"})

    assert revised == [
        versions[0],
        {"from_year": 2021, "to_year": 2024, "name_en": "Now", "formula": "a"},
        {"from_year": 2025, "to_year": None, "name_en": "New", "formula": "a"},
    ]
    assert revised_versions(versions, 2021, {"name_en": "Renamed"})[1]["name_en"] == "Renamed"
    assert revised_versions(versions, 2025, {"name_en": "Now"}) == versions
    with pytest.raises(ValueError, match="no version is in force in 2018"):
        revised_versions(versions, 2018, {"name_en": "Earlier"})
