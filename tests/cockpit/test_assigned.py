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


def test_a_new_rule_reaches_the_cached_engine_of_every_process(database_url, tmp_path):
    from typer.testing import CliRunner

    from pacer.analysis import assigned_at
    from pacer.analysis.serve import service
    from pacer.cli import app
    from pacer.db import get_engine
    from tests.factories import write_csv

    runner = CliRunner()
    org = write_csv(
        tmp_path / "org.csv", "code,name_zh,name_en,kind,parent_code", "G,集团,Group,group,", "A1,一所,One,institute,G"
    )
    facts = write_csv(tmp_path / "f.csv", "unit_code,indicator_code,period,value,basis", "A1,inventory,2025-01,5,")
    for args in (["org", "import", str(org)], ["facts", "import", str(facts)]):
        assert runner.invoke(app, args).exit_code == 0
    service.clear()
    before = service.get_analysis(get_engine())
    assert assigned_at(before, 202503) is None
    args = ["indicators", "assign", "--indicator", "inventory", "--kind", "institute", "--exclude"]
    result = runner.invoke(app, [*args, "--from", "2025-03", "--reason", "no stock"])
    assert result.exit_code == 0, result.output
    after = service.get_analysis(get_engine())
    node = after.node(
        next(int(i) for i, r in zip(after.data.unit_ids, after.data.unit_rows, strict=True) if r.code == "A1")
    )
    inventory = [d.code for d in after.data.indicators if d.kind != "derived"].index("inventory")
    assert not assigned_at(after, 202503)[node, inventory]
    assert assigned_at(after, 202502)[node, inventory]
    service.clear()
