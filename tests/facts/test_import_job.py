"""HQ's figures import in the browser runs as a job: the upload is kept as the job's file and the
job queued in one transaction; the runner imports it in one transaction, and the job page shows
the counts, or every problem by sheet and cell with nothing stored."""

from __future__ import annotations

import io

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from pacer.files import repository as files
from pacer.jobs.kinds import said
from pacer.jobs.runner import run_pending
from pacer.models import AuditEntry, Fact, Job, StoredFile, Submission
from tests.facts.test_workbook_template import figure
from tests.facts.workbooks import fill, row_of, template
from tests.jobs.conftest import quiet_app, tx  # noqa: F401  (fixtures)
from tests.webclient import app, page_token, signed_in  # noqa: F401  (fixtures)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _send(who, name: str, content: bytes, lang: str = "en"):
    token = page_token(who, "/imports/figures")
    return who.post(f"/imports/figures?lang={lang}", data={"csrf_token": token}, files={"file": (name, content, XLSX)})


def _counts(session) -> list[int]:
    return [session.scalar(select(func.count()).select_from(m)) for m in (Fact, AuditEntry)]


def test_an_hq_workbook_of_a_sheet_per_unit_is_imported_by_a_job(quiet_app, signed_in, session, org, tmp_path, tx):  # noqa: F811
    book = template(session, tmp_path, "A", scope="children", actor=org.group_admin, name="hq.xlsx")
    fill(book, "A1", {"revenue": 10, "operating_cost": 4})
    fill(book, "A2", {"revenue": 20})
    grace = signed_in("grace")
    page = grace.get("/imports/figures?lang=en")
    assert page.status_code == 200
    assert "Import monthly figures" in page.text
    assert "Files up to 16 MiB." in page.text  # the limit as people read it (PACER_IMPORT_MAX_BYTES)
    asked = _send(grace, "hq.xlsx", book.read_bytes())
    assert asked.status_code == 303
    job_id = int(asked.headers["location"].rsplit("/", 1)[1])
    job = session.get(Job, job_id)
    assert (job.state, job.kind, job.requested_by, job.unit_id) == ("queued", "facts_import", "grace", org.G.id)
    kept = session.get(StoredFile, job.parameters["file_id"])  # the upload, kept with the job
    assert (kept.owner, kept.filename) == (f"job:{job_id}", "hq.xlsx")
    assert files.content(session, kept.id) == book.read_bytes()
    assert figure(session, org.A1, "revenue") is None  # nothing before the job runs
    assert run_pending(tx) == [(job_id, "done")]
    assert (figure(session, org.A1, "revenue"), figure(session, org.A2, "revenue")) == (1000, 2000)
    shown = grace.get(f"/api/jobs/{job_id}?lang=en").json()
    assert (shown["state"], shown["progress"], shown["file"]) == ("done", 1.0, None)
    assert shown["message"] == "3 figures imported: 3 new, 0 changed, 0 unchanged; 0 warnings"
    done = grace.get(f"/jobs/{job_id}?lang=en").text
    assert "3 figures imported" in done
    assert '<a href="/imports/figures">Import another file</a>' in done  # back where imports are asked for
    assert "Generate a report" not in done
    assert "已导入 3 个数据" in grace.get(f"/jobs/{job_id}?lang=zh").text


def test_a_refused_workbook_fails_its_job_naming_sheet_and_cell_and_stores_nothing(
    quiet_app,  # noqa: F811
    signed_in,  # noqa: F811
    session,
    org,
    tmp_path,
    tx,  # noqa: F811
):
    book = template(session, tmp_path, "A", scope="children", actor=org.group_admin, name="hq.xlsx")
    fill(book, "A1", {"revenue": 10})
    fill(book, "A2", {"revenue": "12万"})
    grace = signed_in("grace")
    job_id = int(_send(grace, "hq.xlsx", book.read_bytes()).headers["location"].rsplit("/", 1)[1])
    before = _counts(session)
    assert run_pending(tx) == [(job_id, "failed")]
    assert _counts(session) == before  # not A1's good figure either
    error = grace.get(f"/api/jobs/{job_id}").json()["error"]
    assert error.startswith("hq.xlsx: ")
    assert f"sheet A2, cell F{row_of(book, 'A2', 'revenue')}, field 'value': '12万' uses a multiplier (万)" in error
    assert "hq.xlsx" in grace.get(f"/jobs/{job_id}?lang=en").text


def test_a_csv_is_imported_and_a_bad_row_is_named(quiet_app, signed_in, session, org, tx):  # noqa: F811
    grace = signed_in("grace")
    good = b"unit_code,indicator_code,period,value\nA1,revenue,2025-01,10\nB1,revenue,2025-01,5\n"
    first = int(_send(grace, "month.csv", good).headers["location"].rsplit("/", 1)[1])
    bad = b"unit_code,indicator_code,period,value\nA1,revenue,2025-02,10\nA2,nope,2025-02,5\n"
    second = int(_send(grace, "bad.csv", bad, "zh").headers["location"].rsplit("/", 1)[1])
    assert run_pending(tx) == [(first, "done"), (second, "failed")]
    assert figure(session, org.B1, "revenue", 202501) == 500
    assert figure(session, org.A1, "revenue", 202502) is None
    error = session.get(Job, second).error  # in the language it was asked in, naming the file as sent
    assert error.startswith("bad.csv：第 3 行，indicator_code：")
    assert "nope" in error
    sources = session.scalars(select(Submission.source).where(Submission.unit_id == org.B1.id)).all()
    assert sources == ["month.csv"]  # the audit trail's name of the load: the file, not where the job put it


def test_what_is_no_csv_or_workbook_is_refused_at_once_and_queues_nothing(quiet_app, signed_in, session, org):  # noqa: F811
    grace = signed_in("grace")
    before = session.scalar(select(func.count()).select_from(Job))
    refused = _send(grace, "notes.pdf", b"%PDF-1.7\n")
    assert refused.status_code == 422
    assert "only a CSV (.csv) or a filled template (.xlsx)" in refused.text
    none = grace.post("/imports/figures", data={"csrf_token": page_token(grace, "/imports/figures")})
    assert none.status_code == 422
    assert session.scalar(select(func.count()).select_from(Job)) == before


def test_a_unit_reporter_imports_only_their_units_figures(quiet_app, signed_in, session, org, tx):  # noqa: F811
    alice = signed_in("alice")
    rows = b"unit_code,indicator_code,period,value\nB1,revenue,2025-01,5\n"
    job_id = int(_send(alice, "other.csv", rows).headers["location"].rsplit("/", 1)[1])
    assert run_pending(tx) == [(job_id, "failed")]
    assert figure(session, org.B1, "revenue", 202501) is None
    assert "B1" in session.get(Job, job_id).error


def test_a_steps_words_take_their_values():
    assert said("facts_import", "read|5000|297610", "en") == "Read 5,000 of 297,610"
    assert said("facts_import", "store|1|2", "zh") == "已保存 1 / 2 个数据"
    assert said("facts_import", "stored|1", "en") == "stored|1"  # too few values: shown as it is


def test_the_bar_moves_while_the_import_runs_on_postgresql_and_at_its_end_on_sqlite(database_url, monkeypatch):
    """What another connection reads of the job while its import's transaction is open: its
    progress on PostgreSQL; on SQLite (the import holds the one write lock) nothing until the end."""
    from pacer.auth.permissions import load_actor
    from pacer.db import get_engine, session_factory, unit_of_work
    from pacer.facts import import_pages
    from pacer.jobs import runner
    from tests.conftest import Org

    with Session(get_engine()) as session:
        Org(session)
        session.commit()
    seen: list[tuple[str, str]] = []
    made = runner._reporter

    def watched(transactions, job_id, quiet):
        report = made(transactions, job_id, quiet)

        def told(fraction: float, message: str) -> None:
            report(fraction, message)
            with get_engine().connect() as other:
                seen.append(tuple(other.execute(select(Job.state, Job.message).where(Job.id == job_id)).one()))

        return told

    monkeypatch.setattr(runner, "_reporter", watched)
    rows = "".join(f"A1,revenue,2024-{m:02d},{m}\n" for m in range(1, 13)).encode()
    upload = UploadFile(io.BytesIO(b"unit_code,indicator_code,period,value\n" + rows), filename="year.csv")
    with unit_of_work(writes=True) as session:
        job_id = import_pages.start(session, load_actor(session, "grace"), upload, "en").id
    assert runner.run_pending(runner.transactions(session_factory(get_engine()))) == [(job_id, "done")]
    assert seen, "the import told no progress"
    if get_engine().dialect.name == "postgresql":
        assert seen[0] == ("running", "read|0|12")
    else:
        assert set(seen) == {("running", "")}
    with Session(get_engine()) as session:
        assert session.get_one(Job, job_id).message == "stored|12|12|0|0|0"
    get_engine().dispose()
