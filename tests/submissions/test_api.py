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
    assert "请重新载入后再试" in conflict.json()["error"]["message"]  # in alice's language
    again = client.put(f"{URL}?lang=en", headers=alice, json=theirs)
    assert "reload it and try again" in again.json()["error"]["message"]
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


def test_warnings_are_explained_through_the_api_and_block_submitting_until_then(client, people, session, org):
    from pacer.models import Fact
    from tests.factories import indicator

    session.add(Fact(unit_id=org.A1.id, indicator_id=indicator(session, "revenue").id, period=202401, value=10000))
    session.commit()
    alice, hannah = people["alice"], people["hannah"]
    body = {"figures": [{"indicator_code": "revenue", "value": "1000"}], "version": 0}
    saved = client.put(URL, headers=alice, json=body).json()
    [check] = saved["checks"]
    assert (check["key"], check["severity"], check["explanation"]) == ("yoy_jump:revenue", "warning", "")
    assert "同比异动" in check["message_zh"]
    assert check["values"]["change"] == "+900.0 %"
    refused = client.post(f"{URL}/verbs/submit", headers=alice, json={})
    assert refused.status_code == 422
    assert "yoy_jump:revenue" in refused.text
    wrong = client.put(f"{URL}/explanations", headers=alice, json={"explanations": {"cash": "x"}, "version": 1})
    assert wrong.status_code == 422
    assert "cash" in wrong.text
    assert client.put(f"{URL}/explanations", headers=alice, json={"explanations": {"revenue": "x"}}).status_code == 428
    notes = {"explanations": {"yoy_jump:revenue": "新合同投产"}, "version": 1}
    assert client.put(f"{URL}/explanations", headers=hannah, json=notes).status_code == 403
    explained = client.put(f"{URL}/explanations", headers=alice, json=notes)
    assert explained.status_code == 200, explained.text
    assert explained.json()["checks"][0]["explained_by"] == "alice"
    assert client.post(f"{URL}/verbs/submit", headers=alice, json={}).status_code == 200
    seen = client.get(URL, headers=hannah).json()["checks"]
    assert [(c["key"], c["explanation"]) for c in seen] == [("yoy_jump:revenue", "新合同投产")]


def test_the_figures_call_carries_the_explanations_and_a_stray_one_stores_nothing(client, people, session, org):
    from pacer.models import Fact
    from tests.factories import indicator

    session.add(Fact(unit_id=org.A1.id, indicator_id=indicator(session, "revenue").id, period=202401, value=10000))
    session.commit()
    alice = people["alice"]
    figures = [{"indicator_code": "revenue", "value": "1000"}]
    stray = client.put(URL, headers=alice, json={"figures": figures, "version": 0, "explanations": {"cash": "x"}})
    assert stray.status_code == 422
    assert client.get(URL, headers=alice).status_code == 404  # nothing stored, not even the draft
    body = {"figures": figures, "version": 0, "explanations": {"yoy_jump:revenue": "新合同投产"}}
    saved = client.put(URL, headers=alice, json=body).json()
    assert saved["checks"][0]["explanation"] == "新合同投产"
    assert client.post(f"{URL}/verbs/submit", headers=alice, json={}).status_code == 200
