"""The submissions' JSON API: the same service as the terminal, scoped to the token's units,
with the version as ETag and a conflict (409) for a stale one."""

import pytest

from tests.factories import create_user
from tests.web.test_bad_input import bearer
from tests.webclient import set_passwords

URL = "/api/submissions/A1/2025-01"


@pytest.fixture
def people(session, org):
    from pacer.indicators.assignment_write import AssignmentIn, assign

    assign(
        session,
        org.hq_analyst,
        AssignmentIn(indicator_code="revenue", unit_code="A1", from_month="2024-01", reason="月报"),
    )
    create_user(session, "amy", [("unit_approver", org.A1)])
    set_passwords(session, "amy")
    session.commit()
    return {name: bearer(session, name) for name in ("alice", "amy", "hannah", "bob")}


def test_a_month_goes_from_put_to_accepted_through_the_api(client, people):
    alice, amy, hannah = people["alice"], people["amy"], people["hannah"]
    body = {"figures": [{"indicator_code": "revenue", "value": "1,234.5"}], "narrative": {"situation": "生产平稳"}}
    saved = client.put(URL, headers={**alice, "If-Match": '"0"'}, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == '"1"'
    assert (saved.json()["state"], saved.json()["verbs"]) == ("draft", ["submit"])
    assert saved.json()["figures"] == [
        {"indicator_code": "revenue", "value": "1234.50", "basis": "ytd"}
    ]  # its reporting basis
    assert saved.json()["narrative"]["situation"] == "生产平稳"
    client.post(f"{URL}/verbs/submit", headers=alice, json={})
    assert client.post(f"{URL}/verbs/return", headers=amy, json={}).status_code == 422
    assert client.post(f"{URL}/verbs/accept", headers=amy, json={}).status_code == 409  # not approved
    client.post(f"{URL}/verbs/approve", headers=amy, json={})
    assert client.post(f"{URL}/verbs/accept", headers=amy, json={}).status_code == 403
    accepted = client.post(f"{URL}/verbs/accept", headers=hannah, json={"version": 3}).json()
    assert (accepted["state"], accepted["verbs"]) == ("accepted", ["reopen"])
    assert [e["verb"] for e in accepted["history"]] == ["create", "submit", "approve", "accept"]
    assert client.get(URL, headers=hannah).headers["ETag"] == '"4"'
    assert client.get("/api/submissions?state=accepted", headers=hannah).json()["total"] == 1


def test_two_puts_of_one_version_the_second_gets_409_and_the_first_stays(client, people):
    alice = people["alice"]
    first = {"figures": [{"indicator_code": "revenue", "value": "1"}]}
    client.put(URL, headers=alice, json={**first, "version": 0})
    version = client.get(URL, headers=alice).json()["version"]
    ours = {"figures": [{"indicator_code": "revenue", "value": "10"}], "version": version}
    theirs = {"figures": [{"indicator_code": "revenue", "value": "99"}], "version": version}
    assert client.put(URL, headers=alice, json=ours).status_code == 200
    conflict = client.put(URL, headers=alice, json=theirs)
    assert conflict.status_code == 409
    assert "reload it and try again" in conflict.json()["error"]["message"]
    assert client.get(URL, headers=alice).json()["figures"][0]["value"] == "10.00"
    assert client.put(URL, headers=alice, json={"figures": first["figures"]}).status_code == 428


def test_a_token_reaches_only_its_users_units(client, people):
    bob = people["bob"]
    refused = client.put(
        URL, headers=bob, json={"figures": [{"indicator_code": "revenue", "value": "1"}], "version": 0}
    )
    assert refused.status_code == 404
    client.put(
        URL, headers=people["alice"], json={"figures": [{"indicator_code": "revenue", "value": "1"}], "version": 0}
    )
    assert client.get(URL, headers=bob).status_code == 404
    assert client.get("/api/submissions", headers=bob).json()["total"] == 0
    assert client.get("/api/submissions/A1/2025-13", headers=people["alice"]).status_code == 422
