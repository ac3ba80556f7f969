"""The meeting pack prints each unit's brief on a page of its own: the PDF has the group report's
pages and one more page per reporting unit."""

from __future__ import annotations

import subprocess
from datetime import date

from pacer.auth.permissions import load_actor
from pacer.db import get_engine, session_factory, unit_of_work
from pacer.files import service as files
from pacer.jobs.runner import run_pending, transactions
from pacer.jobs.service import result
from pacer.reports import generate
from tests.conftest import Org
from tests.reports.conftest import add_figures


def _pages(pdf: bytes, tmp_path, name: str) -> int:
    path = tmp_path / name
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_each_unit_s_brief_is_one_page_of_the_pack(database_url, tmp_path):
    engine = get_engine()
    with unit_of_work(engine, writes=True) as session:
        add_figures(session, Org(session))
    fields = {"unit": "G", "period": "2025-09", "span": "half", "format": "pdf", "lang": "zh"}
    with unit_of_work(engine, writes=True) as session:
        grace = load_actor(session, "grace")
        ids = [
            generate.start(session, grace, fields | {"kind": kind}, None, date(2025, 10, 20)).id
            for kind in ("meeting_pack", "economic")
        ]
    run_pending(transactions(session_factory(engine)))
    with unit_of_work(engine) as session:
        grace = load_actor(session, "grace")
        pack, group = (files.content(session, result(session, grace, i)[1]) for i in ids)
    assert _pages(pack, tmp_path, "pack.pdf") == _pages(group, tmp_path, "group.pdf") + 2  # A's brief, B's brief
