"""Idempotent write calls: a retried call with the same Idempotency-Key and body gets the first
response and stores nothing twice; the same key with another body is refused; keys are the
user's own and expire; a token never writes outside its user's units, whatever the key."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from pacer.models import AuditEntry, IdempotencyKey, SubmissionFigure
from pacer.models.base import utcnow
from tests.factories import create_user
from tests.web.test_bad_input import bearer
from tests.webclient import set_passwords

URL = "/api/submissions/A1/2025-01"
FIGURES = {"figures": [{"indicator_code": "revenue", "value": "1,234.5"}], "version": 0}


@pytest.fixture
def people(session, org):
    from pacer.indicators.assignment_write import AssignmentIn, assign

    assign(
        session,
        org.hq_analyst,
        AssignmentIn(indicator_code="revenue", unit_code="A1", from_month="2024-01", reason="月报"),
    )
    create_user(session, "carl", [("unit_reporter", org.A1)])  # a second reporter of A1
    set_passwords(session, "carl")
    session.commit()
    return {name: bearer(session, name) for name in ("alice", "carl", "bob")}


def saves(session) -> int:
    return session.scalar(select(func.count()).where(AuditEntry.action == "submission.save"))


def test_a_retried_put_gets_the_first_response_and_stores_nothing_twice(client, people, session):
    headers = {**people["alice"], "Idempotency-Key": "push-2025-01-A1"}
    first = client.put(URL, headers=headers, json=FIGURES)
    assert first.status_code == 200, first.text
    again = client.put(URL, headers=headers, json=FIGURES)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"] == '"1"'
    session.expire_all()
    assert saves(session) == 1
    assert client.get(URL, headers=people["alice"]).json()["version"] == 1
    assert session.scalar(select(func.count()).select_from(SubmissionFigure)) == 1


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(client, people, session):
    headers = {**people["alice"], "Idempotency-Key": "k-1"}
    client.put(URL, headers=headers, json=FIGURES)
    other = {"figures": [{"indicator_code": "revenue", "value": "99"}], "version": 1}
    refused = client.put(URL, headers=headers, json=other)
    assert refused.status_code == 422
    assert "已用于另一次不同的调用" in refused.json()["error"]["message"]
    assert client.get(URL, headers=people["alice"]).json()["figures"][0]["value"] == "1234.50"
    session.expire_all()
    assert saves(session) == 1


def test_a_retried_verb_is_taken_once(client, people, session):
    alice = people["alice"]
    client.put(URL, headers=alice, json=FIGURES)
    headers = {**alice, "Idempotency-Key": "submit-1"}
    first = client.post(f"{URL}/verbs/submit", headers=headers, json={})
    assert first.json()["state"] == "submitted"
    again = client.post(f"{URL}/verbs/submit", headers=headers, json={})
    assert again.status_code == 200  # not the conflict a second submit would get
    assert again.json()["version"] == first.json()["version"] == 2
    without_key = client.post(f"{URL}/verbs/submit", headers=alice, json={})
    assert without_key.status_code == 409


def test_keys_are_each_users_own(client, people, session):
    client.put(URL, headers={**people["alice"], "Idempotency-Key": "same"}, json=FIGURES)
    carls = {"figures": [{"indicator_code": "revenue", "value": "7"}], "version": 1}
    theirs = client.put(URL, headers={**people["carl"], "Idempotency-Key": "same"}, json=carls)
    assert theirs.status_code == 200
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["figures"][0]["value"] == "7.00"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 2


def test_a_key_is_kept_for_the_configured_hours_then_may_be_used_again(client, people, session):
    headers = {**people["alice"], "Idempotency-Key": "old"}
    client.put(URL, headers=headers, json=FIGURES)
    session.execute(update(IdempotencyKey).values(created_at=utcnow() - timedelta(hours=25)))  # default: 24 h
    session.commit()
    later = {"figures": [{"indicator_code": "revenue", "value": "5"}], "version": 1}
    again = client.put(URL, headers=headers, json=later)
    assert again.status_code == 200
    assert again.json()["version"] == 2


def test_a_refused_call_is_not_remembered_and_a_bad_key_is_refused(client, people, session):
    headers = {**people["alice"], "Idempotency-Key": "first-try"}
    stale = client.put(URL, headers=headers, json={**FIGURES, "version": 5})
    assert stale.status_code == 409
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    assert client.put(URL, headers=headers, json=FIGURES).status_code == 200
    for bad in ("x" * 201, "   ", "键"):
        refused = client.put(URL, headers={**people["alice"], "Idempotency-Key": bad.encode()}, json=FIGURES)
        assert refused.status_code == 422, bad


def test_a_token_writes_nothing_outside_its_units_whatever_the_call(client, people, session):
    bob = {**people["bob"], "Idempotency-Key": "probe"}
    client.put(URL, headers=people["alice"], json=FIGURES)
    for method, path, body in (
        ("PUT", URL, {**FIGURES, "version": 1}),
        ("PUT", f"{URL}/explanations", {"explanations": {"revenue": "x"}, "version": 1}),
        ("POST", f"{URL}/verbs/submit", {}),
        ("PUT", "/api/submissions/A2/2025-01", FIGURES),
    ):
        refused = client.request(method, path, headers=bob, json=body)
        assert refused.status_code == 404, (path, refused.text)
        assert "A1" not in refused.json()["error"]["message"]
    session.expire_all()
    assert saves(session) == 1
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
