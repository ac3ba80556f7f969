"""The rolled throughput yield: a product's yield is the product of its steps' first-pass yields;
a unit's month becomes units started and units through first time, stored as audited facts
(idempotent, nothing stored when a row is refused, only at units whose quality the user manages),
and the library's yield is a ratio of sums after aggregation: weighted by the units started."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from pacer.analysis.serve.service import build
from pacer.errors import ValidationFailed
from pacer.models import AuditEntry, Fact, PeriodLock
from pacer.quality import yields
from pacer.quality.calc import StepYield, rolled_yield, throughput
from tests.factories import indicator
from tests.web.test_bad_input import bearer

MONTH = "2025-03"


def rows(*items: tuple[str, str, str, object, object, object]) -> list[yields.StepRow]:
    return [yields.StepRow(i, *item) for i, item in enumerate(items, start=1)]


def stored(session, unit, period=202503):
    """(units started, units through × 100) of ``unit`` in ``period`` as facts."""
    return tuple(
        session.scalar(
            select(Fact.value).where(
                Fact.unit_id == unit.id, Fact.indicator_id == indicator(session, code).id, Fact.period == period
            )
        )
        for code in (yields.STARTED, yields.THROUGH)
    )


def test_a_products_rolled_yield_is_the_product_of_its_step_yields():
    steps = [StepYield("舵机", 1, 100, 95), StepYield("舵机", 2, 98, 90), StepYield("舵机", 3, 90, 88)]
    assert rolled_yield(steps) == Fraction(95, 100) * Fraction(90, 98) * Fraction(88, 90)
    assert throughput(steps) == (100, 100 * rolled_yield(steps))


@given(st.lists(st.tuples(st.integers(1, 500), st.integers(0, 500)), min_size=1, max_size=6))
def test_the_rolled_yield_never_exceeds_its_worst_step(pairs):
    steps = [StepYield("p", i, e, min(p, e)) for i, (e, p) in enumerate(pairs, start=1)]
    assert rolled_yield(steps) <= min(Fraction(s.passed, s.entered) for s in steps)


def test_a_units_yield_is_weighted_by_the_units_each_product_started():
    steps = [StepYield("a", 1, 100, 50), StepYield("b", 1, 900, 900), StepYield("b", 2, 900, 810)]
    started, through = throughput(steps)
    assert (started, through) == (1000, 50 + 810)  # not the mean of 50 % and 90 %


def test_step_yields_become_units_started_and_through_at_each_unit_and_month(session, org):
    done = yields.record(
        session,
        org.group_admin,
        rows(
            ("A1", MONTH, "舵机", 1, 200, 190),
            ("A1", MONTH, "舵机", 2, 195, 185),
            ("A1", MONTH, "电缆", 1, 50, 49),
            ("A2", MONTH, "壳体", "1", "80", "72"),
        ),
    )
    assert done.months == [("A1", 202503), ("A2", 202503)]
    # 200 × 0.95 × 185/195 = 180.256… and 49: 229.26 units through, stored to two decimals
    assert stored(session, org.A1) == (250, 22926)
    assert stored(session, org.A2) == (80, 7200)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_key == "A1/rty_units_through/2025-03"))
    assert (entry.action, entry.after) == ("fact.derive", {"value": "229.26"})
    again = yields.record(session, org.group_admin, rows(("A2", MONTH, "壳体", 1, 80, 72)))
    assert (again.stored.written, again.stored.unchanged) == (0, 2)


def test_the_groups_yield_is_the_ratio_of_its_sums_after_aggregation(session, org):
    yields.record(
        session,
        org.group_admin,
        rows(("A1", MONTH, "舵机", 1, 100, 50), ("A2", MONTH, "壳体", 1, 900, 900), ("A2", MONTH, "壳体", 2, 900, 810)),
    )
    analysis = build(session.connection())
    codes = ["rolled_throughput_yield", "rty_units_started"]
    academy = {r.code: r for r in analysis.engine.cockpit(analysis.node(org.A.id), 2025, 3, codes).rows}
    assert academy["rolled_throughput_yield"].value.number == pytest.approx(86.0)  # 860 of 1,000, not (50 + 90) / 2
    assert academy["rty_units_started"].value.number == 1000
    a1 = {r.code: r for r in analysis.engine.cockpit(analysis.node(org.A1.id), 2025, 3, codes).rows}
    assert a1["rolled_throughput_yield"].value.number == pytest.approx(50.0)


def test_bad_rows_are_refused_by_row_and_column_and_nothing_is_stored(session, org):
    bad = rows(
        ("A1", MONTH, "舵机", 1, 100, 101),
        ("A1", "March", "舵机", 2, 100, 90),
        ("A1", MONTH, "舵机", 0, "many", 1),
        ("A1", MONTH, "", 3, 10, 9),
        ("A1", MONTH, "电缆", 1, 10, 9),
        ("A1", MONTH, "电缆", 1, 10, 8),
    )
    with pytest.raises(ValidationFailed) as refused:
        yields.record(session, org.group_admin, bad)
    said = " | ".join(p.message for p in refused.value.problems)
    for expected in (
        "row 1, column passed: 101 passed of 100 entered",
        "row 2, column month: 'March' is not a month",
        "row 3, column step: 0 is below 1",
        "row 3, column entered: 'many' is not a whole number",
        "row 4, column product: empty",
        "row 6: step 1 of '电缆' at A1 in 2025-03 is also row 5",
    ):
        assert expected in said
    assert stored(session, org.A1) == (None, None)


def test_a_unit_whose_quality_the_user_does_not_manage_is_refused_and_nothing_is_stored(session, org):
    with pytest.raises(ValidationFailed, match="step yields"):
        yields.record(
            session, org.unit_reporter, rows(("A1", MONTH, "舵机", 1, 100, 90), ("B1", MONTH, "壳体", 1, 10, 9))
        )
    with pytest.raises(ValidationFailed) as refused:
        yields.record(
            session, org.group_admin, rows(("A1", MONTH, "舵机", 1, 100, 90), ("ZZ", MONTH, "壳体", 1, 10, 9))
        )
    assert refused.value.problems[0].message == "no unit 'ZZ' whose quality you manage"
    assert stored(session, org.A1) == (None, None)


def test_a_closed_month_is_left_alone(session, org):
    session.add(PeriodLock(period=202503))
    session.flush()
    done = yields.record(session, org.group_admin, rows(("A1", MONTH, "舵机", 1, 100, 90)))
    assert done.stored.locked == 2
    assert stored(session, org.A1) == (None, None)


def test_the_api_takes_step_yields_as_json(client, org, session):
    admin = bearer(session, "grace")
    body = {"rows": [{"unit": "A1", "month": MONTH, "product": "舵机", "step": 1, "entered": 100, "passed": 97}]}
    answer = client.post("/api/quality/yields", json=body, headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["months"] == ["A1/2025-03"]
    bad = {"rows": [{"unit": "A1", "month": MONTH, "product": "舵机", "step": 1, "entered": 100, "passed": 107}]}
    refused = client.post("/api/quality/yields", json=bad, headers=admin)
    assert refused.status_code == 422
    assert "row 1, column passed" in refused.text


def test_nothing_counts_before_any_step_yield(session, org):
    with pytest.raises(ValidationFailed, match="step yields"):
        yields.record(session, org.group_admin, [])
    assert session.scalar(select(func.count()).select_from(Fact)) == 0
