"""The year-end outlook of every indicator for a unit and every unit below, asked for on the
cockpit and made as a job: an Excel workbook whose figures are the engine's outlook, of the units
the asker sees only."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from pacer.analysis.serve.service import build
from pacer.cockpit import outlook_job
from pacer.jobs.runner import run_pending
from pacer.models import Job
from tests.jobs.conftest import quiet_app, tx  # noqa: F401  (fixtures)
from tests.webclient import app, figures, page_token, signed_in  # noqa: F401  (fixtures)


def _ask(who, unit: str, lang: str = "en"):
    token = page_token(who, f"/cockpit/{unit}?period=2025-11&lang={lang}")
    return who.post(f"/cockpit/{unit}/outlook?lang={lang}", data={"csrf_token": token, "period": "2025-11"})


def _rows(who, job_id: int) -> list[tuple]:
    shown = who.get(f"/api/jobs/{job_id}").json()
    assert shown["state"] == "done", shown
    book = load_workbook(io.BytesIO(who.get(shown["file"]["url"]).content), read_only=True)
    return list(book["outlook"].iter_rows(values_only=True))


def test_the_outlook_of_every_unit_below_is_made_as_a_job(quiet_app, signed_in, session, figures, tx, monkeypatch):  # noqa: F811
    analysis = build(session.connection())
    monkeypatch.setattr(outlook_job, "get_analysis", lambda _engine: analysis)  # the engine on this test's rows
    grace = signed_in("grace")
    assert 'data-testid="outlook-job"' in grace.get("/cockpit/G?period=2025-11&lang=en").text
    asked = _ask(grace, "G")
    assert asked.status_code == 303
    job_id = int(asked.headers["location"].rsplit("/", 1)[1])
    job = session.get(Job, job_id)
    assert (job.kind, job.state, job.period, job.unit_id) == ("outlook", "queued", "2025-11", figures.G.id)
    assert run_pending(tx) == [(job_id, "done")]
    head, *rows = _rows(grace, job_id)
    assert head[:4] == ("Unit code", "Unit", "Indicator code", "Indicator")
    assert list(dict.fromkeys(r[0] for r in rows)) == ["G", "A", "B", "A1", "A2", "B1"]
    engine = analysis.engine
    node = analysis.node(figures.G.id)
    [expected] = list(engine.outlook([node], 2025, 11, ["revenue"]).rows())
    [g_revenue] = [r for r in rows if r[0] == "G" and r[2] == "revenue"]
    assert g_revenue[5] == round(expected.ytd, 2)
    assert g_revenue[6] == round(expected.point, 2)
    assert g_revenue[9] == expected.method
    assert g_revenue[10] == round(expected.target_ensure, 2)
    page = grace.get(f"/jobs/{job_id}?lang=zh").text
    assert '<a href="/cockpit/G?period=2025-11">返回驾驶舱</a>' in page  # back to where it was asked for


def test_a_viewer_of_one_academy_gets_its_units_only(quiet_app, signed_in, session, figures, tx, monkeypatch):  # noqa: F811
    analysis = build(session.connection())
    monkeypatch.setattr(outlook_job, "get_analysis", lambda _engine: analysis)
    victor = signed_in("victor")
    assert _ask(victor, "G").status_code == 404  # not in sight: nothing queued
    job_id = int(_ask(victor, "A", "zh").headers["location"].rsplit("/", 1)[1])
    assert run_pending(tx) == [(job_id, "done")]
    head, *rows = _rows(victor, job_id)
    assert head[0] == "单位代码"
    assert {r[0] for r in rows} == {"A", "A1", "A2"}
