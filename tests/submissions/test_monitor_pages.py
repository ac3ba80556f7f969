"""The reporting monitor's page and JSON: counts, the tree with each unit's status and its link
to the unit's month, drill-down and filters; HQ's reminder (POST with CSRF, once a day)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pacer.models import Notification
from tests.submissions.test_monitor import Month
from tests.web.test_bad_input import bearer
from tests.webclient import page_token, set_passwords

PAGE = "/submissions/monitor?period=2025-01"


@pytest.fixture
def month(session, org):
    done = Month(session, org)
    set_passwords(session, "ann", "amy")
    return done


def rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-unit="(\w+)" data-status="(\w*)"', html))


def reminders(session) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "reminder"))


def test_hq_sees_every_unit_with_its_status_counts_and_link(signed_in, month):
    page = signed_in("hannah").get(PAGE + "&lang=en")
    assert page.status_code == 200
    assert rows(page.text) == {
        "G": "not_started",
        "A": "draft",
        "A1": "accepted",
        "A2": "returned",
        "A3": "approved",
        "B": "",
        "B1": "submitted",
    }
    assert page.text.count('data-late="1"') == 3
    assert 'href="/submissions/A1/2025-01"' in page.text
    assert 'href="/submissions/monitor?period=2025-01&amp;node=A"' in page.text  # drill-down
    total = re.search(r'data-testid="monitor-total">(.*?)</tr>', page.text, re.S).group(1)
    assert re.findall(r'data-status="(\w+)">(\d+)<', total) == [
        ("not_started", "1"),
        ("draft", "1"),
        ("submitted", "1"),
        ("approved", "1"),
        ("accepted", "1"),
        ("returned", "1"),
        ("late", "3"),
    ]
    assert "Remind late units (3)" in page.text
    assert "at most once a day" in page.text


def test_drilling_down_and_filtering_late_units(signed_in, month):
    hannah = signed_in("hannah")
    assert list(rows(hannah.get(PAGE + "&node=A").text)) == ["A", "A1", "A2", "A3"]
    assert list(rows(hannah.get(PAGE + "&status=late").text)) == ["G", "A", "A2"]
    assert list(rows(hannah.get(PAGE + "&node=A&status=accepted").text)) == ["A1"]
    assert hannah.get(PAGE + "&status=lost").status_code == 422
    assert hannah.get("/submissions/monitor?period=2025-13").status_code == 422


def test_the_reminder_is_sent_once_a_day_and_the_page_says_so(signed_in, month, session):
    hannah = signed_in("hannah")
    token = page_token(hannah, PAGE)
    first = hannah.post("/submissions/monitor/remind", data={"csrf_token": token, "period": "2025-01"})
    assert first.status_code == 303
    assert "reminded=2" in first.headers["location"]
    assert "unreachable=1" in first.headers["location"]
    shown = hannah.get(first.headers["location"] + "&lang=en").text
    assert "Reminded 2 unit(s), 2 people in all." in shown
    assert "1 unit(s) have no reporter to remind." in shown
    again = hannah.post("/submissions/monitor/remind", data={"csrf_token": token, "period": "2025-01"})
    assert "reminded=0" in again.headers["location"]
    assert "already=2" in again.headers["location"]
    assert reminders(session) == 2
    refused = hannah.post("/submissions/monitor/remind", data={"period": "2025-01"})  # no CSRF token
    assert refused.status_code == 403


def test_a_viewer_sees_its_subtree_without_the_reminder_and_may_not_send_it(signed_in, month, session):
    victor = signed_in("victor")
    page = victor.get(PAGE)
    assert list(rows(page.text)) == ["A", "A1", "A2", "A3"]
    assert "remind-late" not in page.text
    assert victor.get(PAGE + "&node=B1").status_code == 404
    token = page_token(victor, PAGE)
    assert (
        victor.post("/submissions/monitor/remind", data={"csrf_token": token, "period": "2025-01"}).status_code == 403
    )
    assert reminders(session) == 0


def test_the_json_twin_and_its_reminder(client, month, session):
    headers = bearer(session, "ann")  # A's analyst
    body = client.get("/api/submissions/monitor?period=2025-01", headers=headers).json()
    assert body["node"] == "A"
    assert body["totals"]["total"] == 4
    assert body["totals"]["late"] == 2
    assert [(u["unit_code"], u["status"], u["late"]) for u in body["units"]] == [
        ("A", "draft", True),
        ("A1", "accepted", False),
        ("A2", "returned", True),
        ("A3", "approved", False),
    ]
    assert body["units"][1]["link"] == "/submissions/A1/2025-01"
    assert [lv["level"] for lv in body["levels"]] == [2, 3]
    late = client.get("/api/submissions/monitor?period=2025-01&status=late", headers=headers).json()
    assert [u["unit_code"] for u in late["units"]] == ["A", "A2"]
    assert client.get("/api/submissions/monitor?period=2025-01&node=B1", headers=headers).status_code == 404
    done = client.post("/api/submissions/monitor/remind", json={"period": "2025-01"}, headers=headers).json()
    assert done == {"reminded": ["A", "A2"], "already": [], "unreachable": [], "people": 2}
    again = client.post("/api/submissions/monitor/remind", json={"period": "2025-01"}, headers=headers).json()
    assert again["already"] == ["A", "A2"]
