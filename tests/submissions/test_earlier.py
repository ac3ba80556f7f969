"""A unit enters month N while N-1 awaits acceptance: its draft is saved, its year-to-date checks
use N-1's latest saved figures, N-1 is named as provisional (service, API, grid), and the months
are accepted in order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pacer.errors import ValidationFailed
from pacer.models import Fact
from pacer.submissions import service
from tests.factories import indicator
from tests.submissions.test_service import approver, assign_month, figures  # noqa: F401  (a fixture)
from tests.webclient import set_passwords

JAN, FEB = 202501, 202502


@pytest.fixture
def january(session, org, approver):  # noqa: F811
    assign_month(session, org.hq_analyst, units=("A1",))
    service.save_figures(session, org.unit_reporter, "A1", JAN, figures("revenue=100", "total_profit=10"))
    service.act(session, org.unit_reporter, "A1", JAN, "submit")
    return approver


def test_february_is_saved_while_january_awaits_acceptance_checked_against_januarys_figures(session, org, january):
    feb = service.save_figures(session, org.unit_reporter, "A1", FEB, figures("revenue=90", "total_profit=25"))
    assert feb.provisional == [JAN]
    assert {i.code: (f.value, f.basis) for i, f in feb.figures}["revenue"] == (9000, "ytd")
    [fell] = [c for c in feb.checks if c.key == "ytd_decrease:revenue"]  # 90 to date after January's 100
    assert fell.values["ytd_before"].startswith("100.00")
    assert fell.values["ytd"].startswith("90.00")
    assert session.scalars(select(Fact)).all() == []  # nothing of record yet


def test_without_an_earlier_month_pending_nothing_is_provisional(session, org, january):
    assert service.get(session, org.unit_reporter, "A1", JAN).provisional == []


def test_the_months_are_accepted_in_order(session, org, january):
    amy = january
    service.save_figures(session, org.unit_reporter, "A1", FEB, figures("revenue=250", "total_profit=25"))
    service.act(session, org.unit_reporter, "A1", FEB, "submit")
    service.act(session, amy, "A1", FEB, "approve")
    tried = session.begin_nested()  # as a request's transaction, rolled back on the refusal
    with pytest.raises(ValidationFailed, match="needs A1's 'revenue' for every earlier month"):
        service.act(session, org.hq_analyst, "A1", FEB, "accept")
    tried.rollback()
    service.act(session, amy, "A1", JAN, "approve")
    service.act(session, org.hq_analyst, "A1", JAN, "accept")
    assert service.get(session, org.unit_reporter, "A1", FEB).provisional == []
    service.act(session, org.hq_analyst, "A1", FEB, "accept")
    revenue = indicator(session, "revenue").id
    stored = session.execute(
        select(Fact.period, Fact.value).where(Fact.unit_id == org.A1.id, Fact.indicator_id == revenue)
    )
    assert dict(stored.tuples().all()) == {JAN: 10000, FEB: 15000}  # February's month: 250 - 100


@pytest.mark.parametrize(("lang", "words"), [("zh", "2025-01 的月报尚未接受"), ("en", "2025-01 not yet accepted")])
def test_the_grid_and_the_api_name_the_provisional_month(session, org, january, signed_in, lang, words):
    service.save_figures(session, org.unit_reporter, "A1", FEB, figures("revenue=250"))
    set_passwords(session, "alice")
    session.commit()
    alice = signed_in("alice")
    page = alice.get(f"/submissions/A1/2025-02?lang={lang}")
    assert words in page.text
    assert alice.get("/api/submissions/A1/2025-02").json()["provisional_months"] == ["2025-01"]
    assert 'data-testid="provisional"' not in alice.get(f"/submissions/A1/2025-01?lang={lang}").text
