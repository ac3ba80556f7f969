"""The supervising department (督办部门) a task is issued on behalf of: named when it is assigned,
else the issuer's own department or unit; the bulletin counts by it and names it in the reader's
language. Rectification items of an inspection or audit name their source, are shown and are
filtered like every task."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest

from pacer.auth.permissions import load_actor
from pacer.errors import ValidationFailed
from pacer.tasks import service
from pacer.tasks.board import BoardAsk, board
from pacer.tasks.bulletin import bulletin, department_code, department_name, parse_period
from pacer.tasks.bulletin_export import xlsx_bytes
from tests.factories import create_unit, create_user
from tests.tasks.conftest import DEADLINE, TODAY, plan
from tests.webclient import page_token


@pytest.fixture
def ops(session, org):
    return create_unit(session, "OPS", org.G, kind="department", name_zh="运营管理部", name_en="Operations Department")


def test_a_task_is_supervised_by_the_issuers_department_or_unit_unless_one_is_named(session, org, supervisor, ops):
    # sam supervises at the group, which has no department of his: the group issues it
    assert service.create(session, supervisor, plan(), today=TODAY).department_id == org.G.id
    # one granted in an HQ department issues on its behalf, even with a grant at the group too
    dora = create_user(session, "dora", [("supervisor", org.G), ("supervisor", ops)])
    assert service.create(session, dora, plan(), today=TODAY).department_id == ops.id
    named = service.create(session, supervisor, plan(department_code="OPS"), today=TODAY)
    assert named.department_id == ops.id
    view = service.get(session, supervisor, named.id)
    assert view.department is not None
    assert view.department.code == "OPS"


def test_a_sub_task_keeps_its_parents_department(session, org, supervisor, ops):
    create_user(session, "ann", [("unit_reporter", org.A)])
    parent = service.create(session, supervisor, plan(unit_code="A", owner="ann", department_code="OPS"), today=TODAY)
    (child,) = service.decompose(session, supervisor, parent.id, [plan(deadline=parent.deadline)], today=TODAY)
    assert child.department_id == ops.id


def test_an_unknown_department_is_refused_naming_the_field(session, org, supervisor):
    with pytest.raises(ValidationFailed) as refused:
        service.create(session, supervisor, plan(department_code="NOPE"), today=TODAY)
    assert [p.field for p in refused.value.problems] == ["department"]


def test_the_bulletin_names_departments_in_both_languages_and_counts_one_without_as_not_set(
    session, org, supervisor, ops
):
    service.create(
        session, supervisor, plan(department_code="OPS", deadline=TODAY + timedelta(days=5), milestones=()), today=TODAY
    )
    late = service.create(session, supervisor, plan(deadline=TODAY + timedelta(days=3), milestones=()), today=TODAY)
    late.department_id = None  # as recorded before departments were
    session.flush()
    day = TODAY + timedelta(days=10)
    b = bulletin(session, supervisor, parse_period(str(TODAY), str(day), day))
    assert [(department_code(d), t.due, t.overdue) for d, t in b.departments] == [("OPS", 1, 1), ("", 1, 1)]
    assert [department_name(d, "zh") for d, _ in b.departments] == ["运营管理部", "未指定"]
    assert [department_name(d, "en") for d, _ in b.departments] == ["Operations Department", "not set"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(b, "en")))
    rows = [[c.value for c in row] for row in book["By department"].iter_rows()]
    assert [r[0] for r in rows] == ["Department", "Operations Department", "not set", "Total"]


def test_a_rectification_item_names_the_inspection_or_audit_it_answers(session, org, supervisor):
    with pytest.raises(ValidationFailed) as refused:
        service.create(session, supervisor, plan(kind="rectification"), today=TODAY)
    assert [p.field for p in refused.value.problems] == ["source"]
    item = service.create(
        session, supervisor, plan(kind="rectification", source="2026年第一轮巡视反馈问题3"), today=TODAY
    )
    assert (item.kind, item.source, item.requirement_id) == ("rectification", "2026年第一轮巡视反馈问题3", None)
    service.create(session, supervisor, plan(title="会议要求事项"), today=TODAY)
    shown = board(session, supervisor, BoardAsk(kind="rectification"), today=TODAY)
    assert [line.task.title for line in shown.lines] == [item.title]
    assert shown.total == 1


def test_a_rectification_item_is_assigned_on_the_form_and_shown_with_its_source(signed_in, figures, session):
    grace = signed_in("grace")
    form = signed_in("grace").get("/tasks/new?lang=en").text
    for field in ('name="kind"', 'value="rectification"', 'name="department_code"'):
        assert field in form
    data = {
        "title": "审计发现问题整改",
        "unit_code": "A1",
        "owner": "alice",
        "deadline": (date.today() + timedelta(days=60)).isoformat(),
        "kind": "rectification",
        "source": "2026年内部审计报告第5项",
        "csrf_token": page_token(grace, "/tasks/new"),
    }
    made = grace.post("/tasks", data=data)
    assert made.status_code == 303, made.text
    page = grace.get(made.headers["location"] + "?lang=zh").text
    assert "巡视审计整改" in page
    assert "2026年内部审计报告第5项" in page
    assert 'data-testid="department"' in page
    listed = grace.get("/tasks/board?kind=rectification&lang=en").text
    assert "审计发现问题整改" in listed
    assert "审计发现问题整改" not in grace.get("/tasks/board?kind=requirement&lang=en").text
    refused = grace.post("/tasks", data=data | {"source": "", "csrf_token": page_token(grace, "/tasks/new")})
    assert refused.status_code == 422
    assert "整改事项须写明所整改的巡视、检查或审计" in refused.text


def test_a_department_outside_the_viewers_units_is_counted_but_not_named(session, org, supervisor, ops):
    task = service.create(session, supervisor, plan(department_code="OPS", milestones=()), today=TODAY)
    alice = load_actor(session, "alice")  # reports for A1: sees neither OPS nor the group
    day = DEADLINE + timedelta(days=1)
    b = bulletin(session, alice, parse_period(str(TODAY), str(day), day))
    assert [(department_name(d, "zh"), t.due) for d, t in b.departments] == [("上级督办部门", 1)]
    assert [department_name(d, "en") for d, _ in b.departments] == ["a department above"]
    assert service.get(session, alice, task.id).department is None
    assert service.get(session, supervisor, task.id).department == ops
