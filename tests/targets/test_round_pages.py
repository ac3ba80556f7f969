"""The target round in the browser's pages and in the JSON API: the same service, the same
refusals, and the verbs each viewer may take as buttons."""

import pytest
from sqlalchemy import select

from pacer.models import Notification, Target
from tests.factories import create_user
from tests.web.test_bad_input import bearer
from tests.webclient import page_token, set_passwords

ROWS = "unit_code,indicator_code,tier,value\nA1,revenue,ensure,100\nA2,revenue,ensure,50\n"


@pytest.fixture
def amy(session, org):
    actor = create_user(session, "amy", [("unit_approver", org.A)])
    set_passwords(session, "amy")
    session.commit()
    return actor


def test_an_approver_proposes_and_hq_returns_then_accepts_in_the_pages(signed_in, org, amy, session):
    browser = signed_in("amy")
    listing = browser.get("/target-proposals?lang=en")
    assert "New target proposal" in listing.text
    created = browser.post(
        "/target-proposals",
        data={"csrf_token": page_token(browser, "/target-proposals"), "unit_code": "A", "year": "2026", "rows": ROWS},
    )
    assert created.status_code == 303
    path = created.headers["location"]
    page = browser.get(f"{path}?lang=en")
    assert 'data-verb="submit"' in page.text
    assert "A2" in page.text
    assert browser.post(f"{path}/verbs/submit", data={"csrf_token": page_token(browser, path)}).status_code == 303

    hannah = signed_in("hannah")
    assert 'data-testid="unread-count"' in hannah.get("/inbox").text  # told of the submission
    hq_page = hannah.get(f"{path}?lang=en").text
    assert 'data-verb="accept"' in hq_page
    assert 'data-verb="return"' in hq_page
    assert 'name="reason"' in hq_page
    token = page_token(hannah, path)
    refused = hannah.post(f"{path}/verbs/return", data={"csrf_token": token, "reason": " "})
    assert refused.status_code == 422
    assert "needs a reason" in refused.text
    assert hannah.post(f"{path}/verbs/return", data={"csrf_token": token, "reason": "A2 too low"}).status_code == 303
    assert "A2 too low" in browser.get(f"{path}?lang=en").text  # on the timeline

    token = page_token(browser, path)
    assert browser.post(f"{path}/verbs/revise", data={"csrf_token": token}).status_code == 303
    rows = ROWS.replace("ensure,50", "ensure,80")
    assert browser.post(f"{path}/rows", data={"csrf_token": token, "rows": rows}).status_code == 303
    assert browser.post(f"{path}/verbs/submit", data={"csrf_token": token}).status_code == 303
    assert hannah.post(f"{path}/verbs/accept", data={"csrf_token": page_token(hannah, path)}).status_code == 303
    assert "accepted" in hannah.get(f"{path}?lang=en").text
    values = session.scalars(select(Target.value).where(Target.unit_id == org.A2.id, Target.is_current.is_(True)))
    assert values.all() == [8000]


def test_problems_are_listed_on_the_page_and_nothing_is_stored(signed_in, org, amy, session):
    browser = signed_in("amy")
    token = page_token(browser, "/target-proposals")
    bad = "unit_code,indicator_code,tier,value\nB1,revenue,ensure,1\nA1,revenue,ensure,1,9\n"
    refused = browser.post(
        "/target-proposals", data={"csrf_token": token, "unit_code": "A", "year": "2026", "rows": bad}
    )
    assert refused.status_code == 422
    assert "row 2, field &#39;unit_code&#39;: &#39;B1&#39; is not A or a unit below it" in refused.text
    assert "row 3: 5 cells but the header has 4" in refused.text
    assert "No target proposals yet" in browser.get("/target-proposals?lang=en").text


def test_a_viewer_without_a_verb_sees_no_buttons_and_cannot_act(signed_in, org, amy, session, client):
    api = bearer(session, "amy")
    made = client.post(
        "/api/target-proposals",
        headers=api,
        json={
            "unit_code": "A",
            "year": 2026,
            "rows": [{"unit_code": "A1", "indicator_code": "revenue", "tier": "ensure", "value": "1"}],
        },
    )
    assert made.status_code == 201, made.text
    path = f"/target-proposals/{made.json()['id']}"
    victor = signed_in("victor")  # sees A, may do nothing there
    page = victor.get(f"{path}?lang=en").text
    assert "There is nothing for you to do here now" in page
    assert victor.post(f"{path}/verbs/submit", data={"csrf_token": page_token(victor, path)}).status_code == 403
    bob = signed_in("bob")
    assert bob.get(path).status_code == 404


def test_the_json_twin_goes_round_and_refuses_what_the_pages_refuse(client, org, amy, session):
    amy_api, hq_api = bearer(session, "amy"), bearer(session, "hannah")
    row = {"unit_code": "A1", "indicator_code": "revenue", "tier": "ensure", "value": "100"}
    made = client.post(
        "/api/target-proposals", headers=amy_api, json={"unit_code": "A", "year": 2026, "rows": [row], "submit": True}
    ).json()
    assert (made["state"], made["verbs"]) == ("submitted", [])
    url = f"/api/target-proposals/{made['id']}"
    assert client.get(url, headers=hq_api).json()["verbs"] == ["accept", "return"]
    assert client.post(f"{url}/verbs/return", headers=hq_api, json={}).status_code == 422
    assert client.post(f"{url}/verbs/revise", headers=hq_api, json={}).status_code == 409
    accepted = client.post(f"{url}/verbs/accept", headers=hq_api, json={}).json()
    assert [e["verb"] for e in accepted["history"]] == ["create", "submit", "accept"]
    assert client.get("/api/target-proposals", headers=bearer(session, "bob")).json()["total"] == 0
    assert client.get("/api/target-proposals", headers=hq_api).json()["total"] == 1
    refused = client.post("/api/target-proposals", headers=hq_api, json={"unit_code": "A", "year": 2026, "rows": [row]})
    assert refused.status_code == 403  # HQ does not approve A: it cannot propose for it
    told = session.scalars(select(Notification.title_en).where(Notification.user_id == amy.user_id)).all()
    assert any("accepted" in t for t in told)


def test_the_queue_shows_a_submitted_proposal_to_hq_only(client, org, amy, session):
    amy_api, hq_api = bearer(session, "amy"), bearer(session, "hannah")
    row = {"unit_code": "A1", "indicator_code": "revenue", "tier": "ensure", "value": "100"}
    client.post(
        "/api/target-proposals", headers=amy_api, json={"unit_code": "A", "year": 2026, "rows": [row], "submit": True}
    )
    queue = client.get("/api/inbox/queue", headers=hq_api).json()
    assert queue["total"] == 1
    assert queue["items"][0]["unit_code"] == "A"
    assert client.get("/api/inbox/queue", headers=amy_api).json()["total"] == 0
    assert client.get("/api/inbox/queue", headers=bearer(session, "bob")).json()["total"] == 0
