"""The tasks' pages: assign from the form (and from an off-track indicator), the owner's and the
supervising side's verbs, progress, refusals shown on the page with nothing stored, the lists,
the indicator's chart; a task outside the viewer's subtrees is not found."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from pacer.models.followup import Task
from tests.webclient import page_token

DEADLINE = date.today() + timedelta(days=90)


def form(**changes):
    return {
        "title": "两金压降 10%",
        "unit_code": "A1",
        "owner": "alice",
        "deadline": DEADLINE.isoformat(),
        "milestones": f"{(date.today() + timedelta(days=30)).isoformat()} 方案印发\n{DEADLINE.isoformat()} 压降到位",
        "co_units": "A2",
        "indicator_code": "revenue",
        "indicator_goal": "年底回升",
    } | changes


def assign(client, **changes):
    return client.post("/tasks", data=form(**changes) | {"csrf_token": page_token(client, "/tasks/new")})


def verb(client, task_id, name, **data):
    return client.post(f"/tasks/{task_id}/verbs/{name}", data={"csrf_token": page_token(client)} | data)


def test_a_task_assigned_on_the_form_goes_to_sign_off_on_its_page(signed_in, figures, session):
    grace, alice, bob = signed_in("grace"), signed_in("alice"), signed_in("bob")
    made = assign(grace)
    assert made.status_code == 303, made.text
    task_id = int(made.headers["location"].rsplit("/", 1)[1])
    page = alice.get(f"/tasks/{task_id}?lang=en").text
    assert 'data-verb="accept"' in page
    assert "Unit A2" not in page  # a co-unit out of alice's sight is not named
    assert bob.get(f"/tasks/{task_id}").status_code == 404
    assert verb(alice, task_id, "accept").status_code == 303
    progress = {"csrf_token": page_token(alice), "percent": "60", "narrative": "方案已印发"}
    assert alice.post(f"/tasks/{task_id}/progress", data=progress).status_code == 303
    assert verb(alice, task_id, "report_completion").status_code == 303
    page = alice.get(f"/tasks/{task_id}?lang=en").text
    assert 'data-verb="verify"' not in page
    refused = verb(alice, task_id, "verify")
    assert refused.status_code == 403
    assert "责任人不能对自己的事项执行「验收销号」" in refused.text
    assert 'data-verb="verify"' in grace.get(f"/tasks/{task_id}").text
    assert verb(grace, task_id, "verify").status_code == 303
    page = grace.get(f"/tasks/{task_id}?lang=en").text
    assert re.search(r'data-testid="state">verified<', page)
    assert "方案已印发" in page
    assert f"/tasks/{task_id}" in alice.get("/tasks/mine").text
    assert f"/tasks/{task_id}" in grace.get("/tasks?unit=A&state=verified").text
    assert f"/tasks/{task_id}" not in bob.get("/tasks").text
    assert bob.get("/tasks?unit=A1").status_code == 404


def test_a_refused_plan_is_shown_on_the_form_and_nothing_is_stored(signed_in, figures, session):
    grace = signed_in("grace")
    refused = assign(grace, deadline="2020-01-01", assigned_on="2020-02-01", milestones="someday 方案")
    assert refused.status_code == 422
    assert 'data-testid="problems"' in refused.text
    assert "第 1 行应为“日期 名称”" in refused.text
    assert 'value="两金压降 10%"' in refused.text  # what was typed stays
    refused = assign(grace, deadline="2020-01-01", assigned_on="2020-02-01", milestones="", owner="bob")
    assert "截止日期 2020-01-01 早于交办日期 2020-02-01" in refused.text
    assert "责任人 bob 没有单位 A1 的报送权限" in refused.text
    assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_an_off_track_indicator_becomes_a_gap_closing_task_in_one_action(signed_in, figures, session):
    grace = signed_in("grace")
    prefilled = grace.get("/tasks/new?kind=gap&unit=A1&indicator=revenue&period=2025-06&lang=en").text
    assert 'name="kind" value="gap"' in prefilled
    assert 'name="indicator_code" maxlength="64" value="revenue"' in prefilled
    assert 'data-testid="gap-note"' in prefilled
    made = assign(grace, kind="gap", source="cockpit 2025-06", assigned_on="2025-07-01", milestones="2025-09-30 方案")
    task_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert session.get(Task, task_id).kind == "gap"
    spec = grace.get(f"/api/tasks/{task_id}/chart?lang=en").json()
    layers = spec["layer"]
    months = layers[0]["data"]["values"]
    assert [m["month"] for m in months][::11] == ["2024-07-15", "2025-06-15"]  # a year before the assignment
    assert months[-1]["month"] == "2025-11-15"  # A1's last month with figures
    kinds = {e["kind"] for e in layers[1]["data"]["values"]}
    assert kinds == {"assigned", "milestone", "deadline"}
    page = grace.get(f"/tasks/{task_id}").text
    assert 'data-testid="trend-table"' in page
    assert grace.get(f"/tasks/{task_id}/chart.svg").text.startswith("<svg")


def test_the_cockpits_off_track_list_offers_the_gap_task_to_who_supervises(signed_in, figures):
    cockpit = signed_in("grace").get("/cockpit/G?period=2025-06").text
    assert 'href="/tasks/new?kind=gap&unit=G&indicator=revenue&period=2025-06"' in cockpit
    assert 'data-testid="gap-task"' not in signed_in("victor").get("/cockpit/A?period=2025-06").text


def test_evidence_goes_with_a_progress_report_and_a_bad_file_stores_nothing(signed_in, figures, session):
    from pacer.models import StoredFile
    from pacer.models.followup import ProgressReport

    grace, alice, bob = signed_in("grace"), signed_in("alice"), signed_in("bob")
    task_id = int(assign(grace).headers["location"].rsplit("/", 1)[1])
    verb(alice, task_id, "accept")

    def report(files):
        data = {"csrf_token": page_token(alice), "percent": "30", "narrative": "台账已建"}
        return alice.post(f"/tasks/{task_id}/progress", data=data, files=files)

    for name, body in (("../../x.txt", b"plain"), ("run.exe", b"MZ\x90\x00"), ("fake.pdf", b"not a pdf")):
        refused = report([("evidence", (name, body, "application/octet-stream"))])
        assert refused.status_code in (413, 422), refused.text
        assert 'data-testid="problems"' in refused.text
    assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
    stored = report([("evidence", ("台账.txt", "两金台账".encode(), "text/plain"))])
    assert stored.status_code == 303
    (file_id,) = session.scalars(select(StoredFile.id)).all()
    page = alice.get(f"/tasks/{task_id}").text
    assert f'href="/tasks/{task_id}/evidence/{file_id}"' in page
    got = grace.get(f"/tasks/{task_id}/evidence/{file_id}")
    assert (got.status_code, got.content) == (200, "两金台账".encode())
    assert "attachment" in got.headers["content-disposition"]
    assert bob.get(f"/tasks/{task_id}/evidence/{file_id}").status_code == 404


def test_a_progress_report_whose_empty_file_field_comes_as_text_is_stored_without_evidence(signed_in, figures, session):
    from pacer.models import StoredFile
    from pacer.models.followup import ProgressReport

    grace, alice = signed_in("grace"), signed_in("alice")
    task_id = int(assign(grace).headers["location"].rsplit("/", 1)[1])
    verb(alice, task_id, "accept")
    empty_part = [("evidence", ("", b"", "application/octet-stream"))]  # what a browser sends
    for files in (None, empty_part, [("other", ("note.txt", b"", "text/plain"))]):
        data = {"csrf_token": page_token(alice), "percent": "20", "narrative": "无附件", "evidence": ""}
        sent = alice.post(f"/tasks/{task_id}/progress", data=data, files=files)
        assert sent.status_code == 303, sent.text
    assert session.scalar(select(func.count()).select_from(ProgressReport)) == 3
    assert session.scalar(select(func.count()).select_from(StoredFile)) == 0
