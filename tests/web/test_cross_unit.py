"""Every route of the app, as users at every level, after a group-wide viewer warmed the answers:
no unit outside a viewer's subtrees appears in any answer (by code or by name), and a unit
outside them is not found (404), exactly like a unit that does not exist.

The routes come from the app itself, so a new route is tried as soon as it exists; a route whose
path parameters this test cannot fill fails the test until it learns them. The group has a unit
that moved from one subtree to another, so the answers of months before the move are tried too.
Units get codes and names that cannot occur by chance in a page, a token or a chart.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import zipfile
from collections import Counter
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx2 import Response

from pacer.analysis.serve.service import build
from pacer.auth.permissions import SYSTEM
from pacer.cockpit.charts import CHARTS
from pacer.kit.tabular import Row
from pacer.meetings import service as meetings
from pacer.meetings.schemas import MeetingIn, RequirementIn
from pacer.targets import round as target_round
from pacer.tasks import service as tasks
from pacer.tasks.validation import TaskPlan
from pacer.web.deps import get_analysis_dep
from tests.factories import create_user, move_unit
from tests.hostile import record
from tests.tasks.board_data import followup
from tests.web.test_bad_input import bearer
from tests.webclient import page_token, set_passwords

pytestmark = pytest.mark.slow

UNITS = {  # fixture name -> code, English name, Chinese name
    "G": ("QXG001", "Quasar Group", "类星集团"),
    "A": ("QXA001", "Aster Academy", "紫菀研究院"),
    "A1": ("QXA011", "Aster Optics Institute", "紫菀光学所"),
    "A2": ("QXA012", "Aster Foundry", "紫菀铸造厂"),  # moves from A to B in July 2025
    "B": ("QXB001", "Birch Company", "白桦公司"),
    "B1": ("QXB011", "Birch Mills", "白桦磨坊"),
}
VISIBLE = {  # who sees which units today (A2 is under B now)
    "grace": set(UNITS),
    "hannah": set(UNITS),
    "victor": {"A", "A1"},
    "alice": {"A1"},
    "bob": {"B1"},
    "bianca": {"B", "B1", "A2"},
    "oscar": set(),
}
WIDER = "grace"
NOT_A_UNIT = "QXZ999"
PERIODS = ("2025-06", "2025-09")  # before and after the move
# path parameters other than the unit, by name
FILL = {
    "code": ["revenue", "profit_margin"],
    "name": list(CHARTS),
    "username": ["alice", "grace"],
    "token_id": ["1"],
    "grant_id": ["1"],
    "rule_id": ["1"],
    "fmt": ["svg", "png"],
    "proposal_id": ["1"],
    "task_id": ["1"],
    "notification_id": ["1"],
    "verb": ["submit"],
    "year": ["2025"],
    "month": ["2025-06"],
    "meeting_id": ["1"],
    "file_id": ["1"],
    "requirement_id": ["1"],  # the fixture's requirement (set there)
    "indicator_code": ["revenue"],
    "period": ["2025-06"],
    "job_id": ["1"],  # the fixture's report job of A (set there)
    "record_id": ["1"],  # the fixture's report record of A (set there)
    "person_id": ["1"],
    "problem_id": ["1"],  # the fixture's quality problem of A1 (set there)
    "check_id": ["1"],  # its check at A2 (set there)
    "criterion": ["locate"],
    "leader_id": ["1"],  # the fixture's leader of A (set there)
    "characteristic_id": ["1"],  # the fixture's characteristic of A1 (set there)
    "subgroup": ["1"],
    "statement_id": ["1"],  # the fixture's statement of A1 (set there)
    "result_id": ["1"],  # its year-end assessment (set there)
    "stage": ["yearend"],
}
QUERY = "indicator=revenue&rank=revenue&bridge=revenue"


@pytest.fixture
def group(figures, session, app, monkeypatch):
    move_unit(session, figures.A2, figures.B, date(2025, 7, 1))
    # a meeting's requirements with tasks of A1, A2, A and B1 (the board, roadmap and bulletin)
    monkeypatch.setitem(FILL, "requirement_id", [str(followup(session, figures, date.today()).r1.id)])
    for key, (code, en, zh) in UNITS.items():
        unit = getattr(figures, key)
        unit.code, unit.name_en, unit.name_zh = code, en, zh
    # a target proposal of A for A1, submitted to HQ: its pages, its queue line and the
    # notifications about it name A, which viewers outside A must never see
    proposal = target_round.propose(
        session,
        SYSTEM,
        UNITS["A"][0],
        2026,
        [Row(2, {"unit_code": UNITS["A1"][0], "indicator_code": "revenue", "tier": "ensure", "value": "1"})],
    )
    target_round.act(session, SYSTEM, proposal.id, "submit")
    # a meeting of A attended by A1, with a document: only those who see A may read them
    meeting = meetings.create(
        session,
        SYSTEM,
        MeetingIn(
            unit_code=UNITS["A"][0],
            kind="other",
            title="A",
            held_on="2025-06-30",
            attendee_units=[UNITS["A1"][0]],
            requirements=[RequirementIn(text="A")],
        ),
    )
    document = meetings.add_document(session, SYSTEM, meeting.id, "a.txt", b"A")
    monkeypatch.setitem(FILL, "meeting_id", [str(meeting.id)])
    monkeypatch.setitem(FILL, "file_id", [str(document.id)])
    # a task of A1 with A2 (now under B) as its co-unit: A1's viewers see the task, not A2
    plan = TaskPlan(UNITS["A1"][0], "Task of A1", "alice", date(2027, 6, 30), co_unit_codes=(UNITS["A2"][0],))
    task = tasks.create(session, SYSTEM, plan, today=date(2026, 1, 5))
    monkeypatch.setitem(FILL, "task_id", [str(task.id)])
    _a_report_of_a(session, figures, monkeypatch)
    _a_quality_problem_of_a1(session, monkeypatch)
    _a_leader_of_a(session, figures, monkeypatch)
    _a_characteristic_of_a1(session, monkeypatch)
    _a_statement_of_a1(session, monkeypatch)
    create_user(session, "bianca", [("viewer", figures.B)])  # the moved unit's new second level
    set_passwords(session, "bianca")
    session.flush()
    analysis = build(session.connection())
    app.dependency_overrides[get_analysis_dep] = lambda: analysis
    return figures


def _a_leader_of_a(session, figures, monkeypatch) -> None:
    """A leader in charge at A: ending the term is A's business, out of sight elsewhere."""
    from pacer.models import Person, UnitLeader

    person = Person(name_zh="甲", name_en="Jia")
    session.add(person)
    session.flush()
    leader = UnitLeader(unit_id=figures.A.id, person_id=person.id, role="in_charge", valid_from=date(2025, 1, 1))
    session.add(leader)
    session.flush()
    monkeypatch.setitem(FILL, "leader_id", [str(leader.id)])


def _a_report_of_a(session, figures, monkeypatch) -> None:
    """A finished report job of A asked by victor, with its file, and A's report record: their
    titles and the file name A, which viewers outside A must never see."""
    from pacer.auth.permissions import load_actor
    from pacer.jobs.runner import run_pending, savepoints
    from pacer.reports import generate, record

    fields = {"kind": "bulletin", "unit": UNITS["A"][0], "period": "2025-09", "span": "month", "format": "docx"}
    job = generate.start(session, load_actor(session, "victor"), fields | {"lang": "en"}, None, date.today())
    run_pending(savepoints(session))
    rec = record.open_record(session, SYSTEM, UNITS["A"][0], "bulletin", "2025-09", "month")
    monkeypatch.setitem(FILL, "job_id", [str(job.id)])
    monkeypatch.setitem(FILL, "record_id", [str(rec.id)])


def _a_quality_problem_of_a1(session, monkeypatch) -> None:
    """A quality problem of A1 with a sister check at A2 (now under B): A1's viewers see the
    problem, not the check at A2."""
    from pacer.quality import service as quality
    from pacer.quality import sisters
    from pacer.quality.validation import ProblemPlan

    plan = ProblemPlan(UNITS["A1"][0], "Problem of A1", "test", "minor", date.today(), owner="grace")
    problem = quality.open_problem(session, SYSTEM, plan, attachments=[("a.txt", b"A1")])
    (check,) = sisters.spawn_checks(session, SYSTEM, problem.id, [UNITS["A2"][0]])
    monkeypatch.setitem(FILL, "problem_id", [str(problem.id)])
    monkeypatch.setitem(FILL, "check_id", [str(check.id)])


def _a_statement_of_a1(session, monkeypatch) -> None:
    """A1's responsibility statement for 2025, signed and scored: its pages, scorecard and
    documents name A1, which viewers outside A1 must never see."""
    from pacer.analysis.serve.service import build
    from pacer.assessment import assess, service
    from pacer.assessment.plan import Content

    item = {"code": "revenue", "kind": "quantitative", "indicator": "revenue", "weight": 10_000, "rule": "linear"}
    content = Content.of({"items": [item | {"threshold": 1, "target": 2}]})
    statement = service.draft(session, SYSTEM, UNITS["A1"][0], 2025, "business", content)
    for verb in ("issue", "sign"):
        service.act(session, SYSTEM, statement.id, verb)
    (result,) = assess.record_results(session, SYSTEM, build(session.connection()), 2025, "business", "yearend")
    monkeypatch.setitem(FILL, "statement_id", [str(statement.id)])
    monkeypatch.setitem(FILL, "result_id", [str(result.id)])


def _a_characteristic_of_a1(session, monkeypatch) -> None:
    """A characteristic of A1 with a chart out of control and an excluded point: its pages and
    answers name A1, which viewers outside A1 must never see."""
    from pacer.characteristics import service as characteristics
    from pacer.characteristics.schemas import CharacteristicIn, SubgroupIn

    fields = {"unit_code": UNITS["A1"][0], "code": "C", "name_zh": "C", "name_en": "C", "product": "P",
              "lsl": 0.0, "usl": 20.0, "subgroup_size": 2, "chart": "xbar-r", "phase1_last": 10}  # fmt: skip
    c = characteristics.create(session, SYSTEM, CharacteristicIn.model_validate(fields))
    sent = [SubgroupIn(values=[10.0 + (i % 3) / 10, 10.2 - (i % 2) / 10]) for i in range(12)] + [
        SubgroupIn(values=[15.0, 15.2])
    ]
    characteristics.add(session, SYSTEM, c.id, sent)
    characteristics.exclude(session, SYSTEM, c.id, 2, "a cause")
    monkeypatch.setitem(FILL, "characteristic_id", [str(c.id)])


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route of the app."""
    found = []
    for route in iter_route_contexts(app.routes):
        for method in sorted((route.methods or set()) - {"HEAD"}):
            found.append((method, route.path))
    return found


def requests_for(method: str, path: str, viewer: str) -> list[tuple[str, str | None]]:
    """The requests to try for one route as ``viewer``: (url, unit key or None), each unit once
    outside the viewer's view and at both months inside it."""
    names = re.findall(r"{(\w+)}", path)
    unknown = [n for n in names if n != "unit_code" and n not in FILL]
    assert not unknown, f"{method} {path}: teach this test values for {unknown}"
    units: list[str | None] = [None]
    if "unit_code" in names:
        units = [*UNITS, NOT_A_UNIT]
    out = []
    for unit in units:
        inside = unit is None or unit in VISIBLE[viewer]
        for period in PERIODS if inside else PERIODS[:1]:
            lang = "en" if period == PERIODS[1] else "zh"
            values = {"unit_code": [UNITS[unit][0] if unit in UNITS else NOT_A_UNIT]} if unit else {}
            others = [FILL[n] for n in names if n != "unit_code"]
            for combo in itertools.product(*others):
                filled = dict(zip([n for n in names if n != "unit_code"], combo, strict=True)) | {
                    k: v[0] for k, v in values.items()
                }
                if filled.get("fmt") == "png" and (filled.get("name") != "bridge" or period != PERIODS[1]):
                    continue  # one drawing as PNG is enough: its text cannot be read back anyway
                url = path.format(**filled) + f"?period={period}&lang={lang}&{QUERY}"
                out.append((url, unit))
    return out


def text_of(response: Response) -> str:
    """What a reader can see of an answer: JSON with its characters, a workbook's cells, a page."""
    kind = response.headers.get("content-type", "")
    if kind.startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    if "spreadsheetml" in kind or "wordprocessingml" in kind:
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    if kind.startswith("image/png"):
        assert response.content.startswith(b"\x89PNG")
        return ""
    return response.text + response.headers.get("location", "")


def outside_units_in(body: str, viewer: str) -> list[str]:
    return [word for key, words in UNITS.items() if key not in VISIBLE[viewer] for word in words if word in body]


def call(client: TestClient, method: str, url: str, api: dict[str, str], csrf: str) -> Response:
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):  # a machine client: bearer token, JSON body
        return client.request(method, url, json={}, headers=api)
    return client.request(method, url, data={"csrf_token": csrf})


def test_no_route_shows_a_unit_outside_the_viewers_subtrees(app, group, signed_in, session):
    all_routes = routes(app)
    assert len(all_routes) > 40
    assert ("GET", "/api/cockpit/{unit_code}/bridge") in all_routes
    gets = [r for r in all_routes if r[0] == "GET"]
    # the changing routes after the reading ones (with a form's fields missing, they change
    # nothing), signing in and out last
    changes = sorted((r for r in all_routes if r[0] != "GET"), key=lambda r: r[1] in ("/login", "/logout"))
    problems: list[str] = []
    answered: Counter[str] = Counter()  # viewer -> answers with a body of units in view
    tries: Counter[str] = Counter()

    for viewer in [WIDER, *(v for v in VISIBLE if v != WIDER)]:
        client, api = signed_in(viewer), bearer(session, viewer)
        csrf = page_token(client)
        for method, path in [*gets, *changes]:
            for url, unit in requests_for(method, path, viewer):
                response = call(client, method, url, api, csrf)
                tries[viewer] += 1
                where = f"{viewer}: {method} {url} -> {response.status_code}"
                # /readyz answers 503 while this process is not ready (here: no engine of its own
                # built), which is its answer, not a server error
                if response.status_code >= 500 and (path, response.status_code) != ("/readyz", 503):
                    problems.append(where)
                    continue
                if unit is not None and (unit == NOT_A_UNIT or unit not in VISIBLE[viewer]) and method == "GET":
                    if response.status_code != 404:
                        problems.append(f"{where}, not 404")
                    continue
                answered[viewer] += response.status_code == 200 and unit is not None
                leaked = outside_units_in(text_of(response), viewer)
                if leaked:
                    problems.append(f"{where} shows {leaked}")
    tried = f"{len(all_routes)} routes as {len(VISIBLE)} viewers, each unit in and out of view, before and after a move"
    record("cross-unit access", "every route, the fixture's ids", tried, sum(tries.values()), problems)
    assert not problems, "\n".join(problems[:30])
    # the answers were reached, not refused: every viewer with units saw them at every route
    assert all(answered[v] >= 40 for v in VISIBLE if VISIBLE[v]), answered
    assert answered["oscar"] == 0, answered


def test_the_wider_viewer_was_shown_the_moved_unit(app, group, signed_in):
    """The test above can only find a leak if the wider viewer's answers hold the moved unit."""
    grace = signed_in(WIDER)
    code, en, zh = UNITS["A2"]
    a = UNITS["A"][0]
    assert code in grace.get(f"/api/cockpit/{a}/bridge?period=2025-09&indicator=revenue").text
    assert en in grace.get(f"/cockpit/{a}?period=2025-06&lang=en").text
    assert zh in grace.get(f"/cockpit/{a}/charts/bridge.svg?period=2025-09&indicator=revenue").text
