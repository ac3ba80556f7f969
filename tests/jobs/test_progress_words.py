"""A running job's step shows in the page's language: the work reports a step's key and the
pages and the API word it in Chinese or English, whatever the language of the file."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from pacer.analysis import Analysis
from pacer.auth.permissions import SYSTEM, load_actor
from pacer.jobs.context import JobContext
from pacer.jobs.kinds import get, said
from pacer.models import Job
from pacer.reports import EconomicRequest, build_economic, render
from pacer.reports.jobs import STEPS
from tests.jobs.test_report_generation import _ask
from tests.reports.conftest import analysis, group  # noqa: F401  (fixtures)
from tests.tasks.board_data import followup


def test_a_running_english_job_s_step_reads_in_chinese_on_a_chinese_page(quiet_app, signed_in, session, org):
    victor = signed_in("victor")
    job_id = int(_ask(victor, lang="en").headers["location"].rsplit("/", 1)[1])
    session.execute(update(Job).where(Job.id == job_id).values(state="running", progress=0.7, message="docx"))
    session.flush()
    for path in ("/jobs?lang=zh", f"/jobs/{job_id}?lang=zh"):
        page = victor.get(path).text
        assert "正在生成 Word 文件" in page
        assert ">docx<" not in page
    assert "Writing the Word file" in victor.get(f"/jobs/{job_id}?lang=en").text
    assert victor.get(f"/api/jobs/{job_id}?lang=zh").json()["message"] == "正在生成 Word 文件"
    assert victor.get(f"/api/jobs/{job_id}?lang=en").json()["message"] == "Writing the Word file"


def test_every_step_the_bulletin_work_reports_has_words_in_both_languages(session, org, monkeypatch):
    monkeypatch.setattr("pacer.jobs.context.PROGRESS_EVERY", 0.0)
    followup(session, org, date.today())
    seen: list[str] = []
    month = f"{date.today().year}-{date.today().month:02d}"
    parameters = {"unit_code": "A", "period": month, "span": "year", "lang": "en", "fmt": "docx"}
    ctx = JobContext(
        0, "bulletin", parameters, load_actor(session, "victor"), org.A.id, session, lambda f, m: seen.append(m)
    )
    get("bulletin").work(ctx)
    assert seen
    assert all(m in STEPS for m in seen)
    assert {said("bulletin", m, "zh") for m in seen} <= {zh for zh, _ in STEPS.values()}


def test_every_step_the_economic_report_and_its_renderers_report_has_words(session, analysis: Analysis):  # noqa: F811
    seen: list[str] = []
    report = build_economic(
        session, SYSTEM, EconomicRequest(None, "2025-06", "half", "en"), analysis=analysis,
        progress=lambda f, m: seen.append(m),
    )  # fmt: skip
    for fmt in ("docx", "html", "pdf"):
        render(report, fmt, "en", None, progress=lambda f, m: seen.append(m))
    assert {"figures", "charts", "docx", "html", "pdf"} <= set(seen)
    assert set(seen) <= set(STEPS)
    assert all(said("economic", m, "zh") != m for m in seen)
