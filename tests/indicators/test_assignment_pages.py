"""The page and JSON API of who reports what: HQ adds and closes rules, everyone reads them,
and a unit role changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from pacer.models import IndicatorAssignment
from tests.webclient import page_token


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(IndicatorAssignment))


def _rule(**fields):
    body = {"indicator_code": "inventory", "kind": "institute", "exclude": True}
    return {**body, "from_period": "2025-03", "reason": "institutes keep no inventory", **fields}


def test_hq_adds_a_rule_in_the_form_and_the_page_shows_it_in_force_and_in_the_history(signed_in, session):
    hannah = signed_in("hannah")
    page = hannah.get("/indicators/assignments?period=2025-03&lang=en")
    assert 'data-testid="add-rule"' in page.text
    form = {
        "csrf_token": page_token(hannah, "/indicators/assignments"),
        "effect": "exclude",
        "target": "indicator",
        "indicator_code": "inventory",
        "set_code": "express_report",
        "selector": "kind",
        "kind": "institute",
        "from_period": "2025-03",
        "reason": "institutes keep no inventory",
    }
    response = hannah.post("/indicators/assignments", data=form)
    assert response.status_code == 303
    assert _count(session) == 1
    shown = hannah.get("/indicators/assignments?period=2025-03&unit=A1&lang=en").text
    assert "Rules in force in 2025-03" in shown
    assert "institutes keep no inventory" in shown
    unit_view = shown.split('data-testid="unit-view"')[1].split("Rules reaching this unit")[0]
    assert ">revenue</code>" in unit_view
    assert ">inventory</code>" not in unit_view
    assert "No rule is in force in this month." in hannah.get("/indicators/assignments?period=2025-02&lang=en").text


def test_bad_form_input_is_shown_on_the_page_with_every_problem_and_nothing_is_stored(signed_in, session):
    grace = signed_in("grace")
    form = {
        "csrf_token": page_token(grace, "/indicators/assignments"),
        "target": "set",
        "set_code": "nope",
        "selector": "tag",
        "tag": "civil",
        "from_period": "2025-13",
        "reason": "x",
    }
    response = grace.post("/indicators/assignments?lang=en", data=form)
    assert response.status_code == 422
    assert "unknown indicator set" in response.text
    assert "is not key=value" in response.text
    assert "is not a period" in response.text
    assert _count(session) == 0


def test_a_unit_role_reads_the_page_without_the_forms_and_cannot_assign(signed_in, session):
    alice = signed_in("alice")
    page = alice.get("/indicators/assignments?lang=en")
    assert page.status_code == 200
    assert 'data-testid="add-rule"' not in page.text
    token = page_token(alice, "/indicators/assignments")
    form = {"csrf_token": token, "target": "indicator", "indicator_code": "inventory", "selector": "unit"}
    form |= {"unit_code": "A1", "effect": "exclude", "from_period": "2025-03", "reason": "mine"}
    assert alice.post("/indicators/assignments", data=form).status_code == 403
    api = alice.post(
        "/api/indicators/assignments", json=_rule(kind="", unit_code="A1"), headers={"X-CSRF-Token": token}
    )
    assert api.status_code == 403
    assert _count(session) == 0


def test_the_api_adds_lists_resolves_and_closes_rules(signed_in, session):
    grace = signed_in("grace")
    headers = {"X-CSRF-Token": page_token(grace)}
    made = grace.post("/api/indicators/assignments", json=_rule(), headers=headers)
    assert made.status_code == 201, made.text
    rule_id = made.json()["id"]
    listed = grace.get("/api/indicators/assignments?period=2025-03").json()
    assert [r["id"] for r in listed["in_force"]] == [rule_id]
    assert listed["may_assign"] is True
    unit = grace.get("/api/indicators/assignments/units/A1?period=2025-03&lang=en").json()
    codes = [i["code"] for i in unit["indicators"]]
    assert "inventory" not in codes
    assert "revenue" in codes
    assert "two_funds" not in codes  # derived from inventory, which A1 does not report
    assert next(i for i in unit["indicators"] if i["code"] == "revenue")["category_name"]
    closed = grace.post(
        f"/api/indicators/assignments/{rule_id}/close",
        json={"from_period": "2025-06", "reason": "a warehouse"},
        headers=headers,
    ).json()
    assert (closed["to_period"], closed["closed_reason"]) == ("2025-05", "a warehouse")
    assert grace.get("/api/indicators/assignments?period=2025-06").json()["in_force"] == []


def test_a_unit_outside_the_viewers_subtree_reads_as_unknown(signed_in):
    bob = signed_in("bob")
    hidden = bob.get("/api/indicators/assignments/units/A1")
    missing = bob.get("/api/indicators/assignments/units/NOPE")
    assert hidden.status_code == missing.status_code == 404
    assert bob.get("/indicators/assignments?unit=A1").status_code == 404
    assert bob.get("/api/indicators/assignments/units/B1").status_code == 200


def test_an_api_rule_with_problems_names_each_field(signed_in):
    grace = signed_in("grace")
    bad = _rule(indicator_code="", set_code="", kind="planet", from_period="June", reason="")
    response = grace.post("/api/indicators/assignments", json=bad, headers={"X-CSRF-Token": page_token(grace)})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"set", "kind", "from", "reason"}
