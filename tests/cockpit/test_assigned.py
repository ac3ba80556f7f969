"""The cockpit's "not reported" and the month's completeness follow who reports what."""

from __future__ import annotations

from pacer.analysis.serve.completeness import reporting
from pacer.analysis.serve.service import build
from pacer.auth.permissions import SYSTEM
from pacer.indicators.assignment_service import AssignmentIn, assign


def _assign(session, code: str, exclude: bool = False, **selector: str) -> None:
    item = AssignmentIn(indicator_code=code, exclude=exclude, from_month="2025-01", reason="r", **selector)
    assign(session, SYSTEM, item)


def test_an_institute_not_assigned_inventory_is_not_missing_it_and_a_factory_assigned_it_is(
    session, signed_in, figures
):
    for kind in ("institute", "factory", "company"):
        _assign(session, "revenue", kind=kind)
        _assign(session, "total_profit", kind=kind)
    _assign(session, "inventory", kind="factory")
    body = signed_in("grace").get("/api/cockpit/G/not-reported?period=2025-06").json()
    assert [(r["unit"]["code"], [m["code"] for m in r["missing"]]) for r in body["items"]] == [("A2", ["inventory"])]
    page = signed_in("grace").get("/cockpit/G?period=2025-06&lang=en").text
    assert "missing: Inventory" in page


def test_without_rules_only_a_silent_unit_is_listed_as_before(signed_in, figures):
    body = signed_in("grace").get("/api/cockpit/G/not-reported?period=2025-12").json()
    assert [(r["unit"]["code"], r["missing"]) for r in body["items"]] == [("A1", [])]


def test_a_unit_no_longer_assigned_what_it_reported_is_not_waited_for(session, figures):
    assert (reporting(build(session.connection()), 202512).expected) == 3
    for code in ("revenue", "total_profit"):
        item = AssignmentIn(indicator_code=code, unit_code="A1", exclude=True, from_month="2025-12", reason="r")
        assign(session, SYSTEM, item)
    state = reporting(build(session.connection()), 202512)
    assert (state.reported, state.expected) == (2, 2)
    assert reporting(build(session.connection()), 202511).expected == 3  # November as it was
