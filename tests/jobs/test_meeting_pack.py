"""The meeting pack as a job: the group's economic report followed by a brief of each unit right
below it, one Word document; an economic report job of a unit kept like any other."""

from __future__ import annotations

import io

from docx import Document

from pacer.auth.permissions import load_actor
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.files import service as files
from pacer.jobs.runner import run_pending, transactions
from pacer.jobs.service import result
from pacer.reports import generate
from tests.conftest import Org
from tests.reports.conftest import add_figures


def test_the_meeting_pack_holds_the_group_report_and_a_brief_per_unit(database_url):
    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        org = Org(session)
        add_figures(session, org)
    with unit_of_work(engine, writes=True) as session:
        grace = load_actor(session, "grace")
        fields = {"kind": "meeting_pack", "unit": "G", "period": "2025-09", "span": "half", "format": "docx"}
        pack_id = generate.start(session, grace, fields | {"lang": "en"}, None, org_today()).id
        unit_id = generate.start(
            session, grace, fields | {"kind": "economic", "unit": "A", "lang": "zh"}, None, org_today()
        ).id
    assert run_pending(transactions(session_factory(engine))) == [(pack_id, "done"), (unit_id, "done")]
    with unit_of_work(engine) as session:
        grace = load_actor(session, "grace")
        _, stored = result(session, grace, pack_id)
        doc = Document(io.BytesIO(files.content(session, stored)))
        assert stored.filename == "meeting-pack-G-2025-09-half-en.docx"
        _, own = result(session, grace, unit_id)
        assert own.filename == "economic-A-2025-09-half-zh.docx"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Briefs of the units" in headings
    briefs = headings[headings.index("Briefs of the units") + 1 :]
    assert [h for h in briefs if h.startswith("Unit ")] == ["Unit A (A)", "Unit B (B)"]
    assert len(doc.tables) >= 3  # the group's key table and each brief's


def org_today():
    from datetime import date

    return date(2025, 10, 20)
