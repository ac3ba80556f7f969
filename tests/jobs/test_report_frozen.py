"""An approved economic report is frozen in both languages: figures changed after approval
change neither its Chinese nor its English file; once re-opened, the files follow the data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from pacer.analysis.serve.service import clear
from pacer.auth.permissions import load_actor
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.files import service as files
from pacer.jobs.runner import run_pending, transactions
from pacer.jobs.service import result
from pacer.models import Fact, Indicator
from pacer.reports import generate, record
from tests.conftest import Org
from tests.reports.conftest import add_figures

FIELDS = {"kind": "economic", "unit": "G", "period": "2025-06", "span": "half", "format": "html"}


def _files(engine) -> dict[str, bytes]:
    with unit_of_work(engine, writes=True) as session:
        grace = load_actor(session, "grace")
        ids = {
            lang: generate.start(session, grace, FIELDS | {"lang": lang}, None, date(2025, 7, 20)).id
            for lang in ("zh", "en")
        }
    run_pending(transactions(session_factory(engine)))
    with unit_of_work(engine) as session:
        grace = load_actor(session, "grace")
        return {lang: files.content(session, result(session, grace, i)[1]) for lang, i in ids.items()}


def test_figures_changed_after_approval_change_neither_language_s_file(database_url):
    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        add_figures(session, Org(session))
    with unit_of_work(engine, writes=True) as session:
        hannah, grace = load_actor(session, "hannah"), load_actor(session, "grace")
        rec = record.open_record(session, hannah, "G", "economic", "2025-06", "half")
        record.edit(session, hannah, rec.id, {"problems": "PROBLEMS-AS-APPROVED"})
        record.act(session, hannah, rec.id, "submit")
        record.act(session, grace, rec.id, "approve")
        record_id = rec.id
        version = record.versions(session, rec.id)[0]
        assert set(version.figures["reports"]) == {"zh", "en"}
    approved = _files(engine)
    assert all(b"PROBLEMS-AS-APPROVED" in body for body in approved.values())
    with unit_of_work(engine, writes=True) as session:
        revenue = session.scalar(select(Indicator.id).where(Indicator.code == "revenue"))
        session.execute(update(Fact).where(Fact.indicator_id == revenue).values(value=Fact.value * 3))
    clear()  # the engine rebuilt on the changed figures
    assert _files(engine) == approved
    with unit_of_work(engine, writes=True) as session:
        record.act(session, load_actor(session, "grace"), record_id, "reopen", "figures corrected")
    reopened = _files(engine)
    assert reopened["zh"] != approved["zh"]
    assert reopened["en"] != approved["en"]
