"""The tasks API and commands over the same service: a task's life as JSON, refusals naming their
field in the user's language, and the terminal's commands."""

import json
import re
from datetime import date, timedelta

import pytest

from tests.factories import create_user, write_csv
from tests.test_cli import ORG, run
from tests.web.test_bad_input import bearer

DEADLINE = (date.today() + timedelta(days=60)).isoformat()


@pytest.fixture
def people(session, org):
    create_user(session, "sam", [("supervisor", org.G)])
    session.flush()


def body(**changes):
    return {
        "unit_code": "A1",
        "title": "两金压降",
        "owner": "alice",
        "deadline": DEADLINE,
        "co_units": ["A2"],
        "milestones": [{"title": "方案", "due_on": DEADLINE}],
    } | changes


def test_a_tasks_life_through_the_api(client, session, org, people):
    sam, alice, bob = bearer(session, "sam"), bearer(session, "alice"), bearer(session, "bob")
    made = client.post("/api/tasks", json=body(), headers=sam)
    assert made.status_code == 201, made.text
    task = made.json()
    assert (task["state"], task["co_units"], task["verbs"]) == ("assigned", ["A2"], ["cancel", "merge", "carry_over"])
    url = f"/api/tasks/{task['id']}"
    assert client.get(url, headers=bob).status_code == 404
    assert client.get(url, headers=alice).json()["co_units"] == []  # A2 is out of alice's sight
    assert client.post(f"{url}/verbs/accept", json={}, headers=alice).json()["state"] == "accepted"
    milestone = task["milestones"][0]["id"]
    progress = {"percent": 60, "narrative": "过半", "milestone_id": milestone}
    reported = client.post(f"{url}/progress", json=progress, headers=alice)
    assert reported.status_code == 201
    assert reported.json()["state"] == "in_progress"
    assert reported.json()["milestones"][0]["done_on"] == date.today().isoformat()
    assert client.post(f"{url}/verbs/report_completion", json={}, headers=alice).status_code == 200
    refused = client.post(f"{url}/verbs/verify", json={}, headers=alice)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "责任人不能对自己的事项执行「验收销号」"  # her language
    done = client.post(f"{url}/verbs/verify", json={}, headers=sam).json()
    assert (done["state"], done["percent"], [e["verb"] for e in done["history"]][-1]) == ("verified", 100, "verify")
    listed = client.get("/api/tasks?unit=A&state=verified", headers=sam).json()
    assert [t["id"] for t in listed["items"]] == [task["id"]]
    assert client.get("/api/tasks", headers=bob).json()["total"] == 0
    assert client.get("/api/tasks?unit=A1", headers=bob).status_code == 404


def test_a_bad_plan_is_refused_naming_each_field_in_the_users_language(client, session, org, people):
    sam = bearer(session, "sam")
    late = body(deadline="2020-01-01", assigned_on="2020-02-01", milestones=[{"title": "x", "due_on": "2020-03-01"}])
    refused = client.post("/api/tasks", json=late, headers=sam)
    assert refused.status_code == 422
    fields = [d["field"] for d in refused.json()["error"]["details"]]
    assert fields == ["deadline", "milestones[1]"]
    assert client.get("/api/tasks", headers=sam).json()["total"] == 0


def test_the_commands_assign_act_report_and_show(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("users", "add", "sam", "--display-name", "Sam", "--grant", "supervisor@G")
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    refused = run("tasks", "create", "--unit", "A1", "--title", "压降", "--owner", "alice", "--deadline", "2020-01-01",
                  "--assigned-on", "2020-02-01", "--lang", "zh", "--as", "sam", ok=False)  # fmt: skip
    assert refused.exit_code == 2
    assert "截止日期 2020-01-01 早于交办日期 2020-02-01" in refused.output
    made = run("tasks", "create", "--unit", "A1", "--title", "压降", "--owner", "alice", "--deadline", DEADLINE,
               "--milestone", f"{DEADLINE}=方案", "--co-unit", "A", "--as", "sam").output  # fmt: skip
    number = re.search(r"Task #(\d+) assigned to alice", made).group(1)  # PostgreSQL's ids need not start at 1
    assert f"Task #{number} is accepted." in run("tasks", "act", number, "accept", "--as", "alice").output
    run("tasks", "progress", number, "--percent", "50", "--milestone", "1", "--narrative", "方案已定", "--as", "alice")
    refused = run("tasks", "act", number, "verify", "--as", "alice", "--lang", "zh", ok=False)
    assert refused.exit_code == 1
    assert "not possible in state 'in_progress'" in refused.output
    run("tasks", "act", number, "report_completion", "--as", "alice")
    refused = run("tasks", "act", number, "verify", "--as", "alice", "--lang", "zh", ok=False)
    assert "责任人不能对自己的事项执行「验收销号」" in refused.output
    shown = json.loads(run("tasks", "show", number, "--format", "json", "--as", "alice").output)
    assert (shown["state"], shown["percent"], shown["milestones"][0]["done_on"]) == (
        "completion_reported",
        50,
        date.today().isoformat(),
    )
    assert "verified" in run("tasks", "act", number, "verify", "--as", "sam").output
    listed = run("tasks", "list", "--mine", "--as", "alice").output
    assert f"#{number}" in listed
    assert "1 task(s)." in listed
