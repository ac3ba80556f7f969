"""Excel in the browser for one unit's month: the template downloads, the filled workbook
uploads into the month's submission as a draft (through the same service and rules) and the
browser goes back to the month's page; a bad workbook is refused on a page naming the sheet and
cell, and the database is left exactly as it was."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from pacer.config import get_settings
from pacer.facts.template import STAMP_SHEET
from pacer.kit.xlsx import XLSX
from pacer.models import AuditEntry, Fact, PeriodLock, Submission, SubmissionCheck, SubmissionFigure
from pacer.submissions import service
from tests.factories import create_user, indicator
from tests.facts import test_workbook_corpus as corpus
from tests.facts.workbooks import fill, row_of, template
from tests.webclient import page_token, set_passwords

CJK = re.compile("[\u4e00-\u9fff]")
MONTH = "2025-01"
PAGE = f"/submissions/A1/{MONTH}"
# the corpus's cases that are about the file itself (the others name a unit, month or actor)
CASES = [c for c in corpus.CASES if c not in (corpus.another_unit, corpus.another_month, corpus.not_granted)]
CASES.remove(corpus.locked_month)  # a locked month is refused before the figures are read: below


def counts(session):
    session.expire_all()
    tables = (Fact, Submission, SubmissionFigure, SubmissionCheck, AuditEntry)
    return [session.scalar(select(func.count()).select_from(m)) for m in tables]


def upload(client, path, url=f"{PAGE}/upload", **form):
    token = page_token(client)
    files = {"file": (path.name, path.read_bytes(), XLSX)}
    return client.post(url, data={"csrf_token": token, **form}, files=files)


@pytest.fixture
def alice(signed_in):
    return signed_in("alice")


def test_the_months_template_downloads_as_the_terminal_writes_it(alice, signed_in):
    got = alice.get(f"{PAGE}/template.xlsx")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith(XLSX)
    assert f'filename="figures-A1-{MONTH}.xlsx"' in got.headers["content-disposition"]
    stamp = load_workbook(io.BytesIO(got.content))[STAMP_SHEET]
    assert [c.value for c in stamp[2]][:4] == ["A1", "A1", MONTH, "pacer-facts/1"]
    assert signed_in("bob").get(f"{PAGE}/template.xlsx").status_code == 404  # not bob's unit


def test_a_filled_template_becomes_the_months_draft_and_the_browser_goes_to_its_page(alice, session, tmp_path):
    got = alice.get(f"{PAGE}/template.xlsx")
    path = tmp_path / "filled.xlsx"
    path.write_bytes(got.content)
    fill(path, "A1", {"revenue": "1,234.5", "total_profit": "(3)"})
    sent = upload(alice, path)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == PAGE
    session.expire_all()
    found = service.get(session, service_actor(session, "alice"), "A1", 202501)
    assert found.state == "draft"
    assert {i.code: f.value for i, f in found.figures} == {"revenue": 123450, "total_profit": -300}
    assert counts(session)[0] == 0  # a draft: nothing of record yet


def service_actor(session, username):
    from pacer.auth.permissions import load_actor

    return load_actor(session, username)


def test_a_warning_from_an_upload_names_its_cell(alice, session, org, tmp_path):
    session.add(Fact(unit_id=org.A1.id, indicator_id=indicator(session, "revenue").id, period=202401, value=100))
    session.commit()
    path = fill(template(session, tmp_path), "A1", {"revenue": 1000, "total_profit": 1})
    assert upload(alice, path).status_code == 303
    session.expire_all()
    check = session.scalars(select(SubmissionCheck).where(SubmissionCheck.rule == "yoy_jump")).one()
    assert (check.key, check.cell) == ("yoy_jump:revenue", f"A1!F{row_of(path, 'A1', 'revenue')}")
    assert f"A1!F{row_of(path, 'A1', 'revenue')}" in check.message_zh


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_a_bad_workbook_is_refused_on_a_page_naming_where_and_stores_nothing(
    case, lang, alice, session, org, tmp_path, monkeypatch
):
    monkeypatch.setenv("PACER_IMPORT_MAX_BYTES", "200000")
    get_settings.cache_clear()
    try:
        path, _, (sheet, cell, words) = case(session, org, tmp_path)
        session.commit()
        before = counts(session)
        refused = upload(alice, path, url=f"{PAGE}/upload?lang={lang}")
    finally:
        get_settings.cache_clear()
    assert refused.status_code == 422, refused.text[:300]
    table = refused.text.split('data-testid="upload-problem-table"')[1].split("</tbody>")[0]
    rows = table.split("<tr>")[2:]  # after the header's
    if lang == "en":
        assert words in table.replace("&#39;", "'")
        row = table.split(words.split("'")[0])[0].rsplit("<tr>", 1)[-1]
    else:  # every problem in Chinese, where it is as in English
        assert words not in table.replace("&#39;", "'")
        assert all(CJK.search(r.rsplit("<td>", 1)[-1]) for r in rows), rows
        row = next(r for r in rows if f"<td>{sheet or ''}</td>" in r and (not cell or f"<td>{cell}</td>" in r))
    assert f"<td>{sheet or ''}</td>" in row
    if cell:
        assert f"<td>{cell}</td>" in row
    assert counts(session) == before


def test_a_template_of_another_unit_month_or_version_is_refused_naming_it(alice, session, org, tmp_path):
    before = counts(session)
    other_unit = fill(template(session, tmp_path, unit="B1", name="b1.xlsx"), "B1", {"revenue": 1})
    assert "unknown unit" in upload(alice, other_unit, url=f"{PAGE}/upload?lang=en").text  # not alice's: unknown
    assert "未知单位“B1”" in upload(alice, other_unit).text  # in alice's language
    other_month = fill(template(session, tmp_path, name="jan.xlsx"), "A1", {"revenue": 1})
    refused = upload(alice, other_month, url="/submissions/A1/2025-02/upload?lang=en")
    assert refused.status_code == 422
    assert "a template of 2025-01, not 2025-02" in refused.text
    assert (
        "这是 2025-01 的模板，不是 2025-02 的" in upload(alice, other_month, url="/submissions/A1/2025-02/upload").text
    )
    old = corpus.another_version(session, org, tmp_path)[0]
    assert "version &#39;pacer-facts/0&#39;" in upload(alice, old, url=f"{PAGE}/upload?lang=en").text
    assert "模板版本为“pacer-facts/0”" in upload(alice, old).text
    assert counts(session) == before


def test_a_locked_month_or_a_unit_not_granted_takes_no_upload(alice, signed_in, session, org, tmp_path):
    path = fill(template(session, tmp_path), "A1", {"revenue": 1, "total_profit": 1})
    create_user(session, "amy", [("unit_approver", org.A1)])
    set_passwords(session, "amy")
    session.add(PeriodLock(period=202501))
    session.commit()
    before = counts(session)
    locked = upload(alice, path)
    assert locked.status_code == 409
    assert "2025-01 已锁定" in locked.text  # said on the upload's page, in the user's language
    assert upload(signed_in("bob"), path).status_code == 404
    assert upload(signed_in("amy"), path).status_code == 403  # sees A1, does not report for it
    assert counts(session) == before


def test_an_upload_needs_the_forms_csrf_token_and_a_file(alice, session, tmp_path):
    path = fill(template(session, tmp_path), "A1", {"revenue": 1})
    files = {"file": (path.name, path.read_bytes(), XLSX)}
    assert alice.post(f"{PAGE}/upload", files=files).status_code == 403
    empty = alice.post(f"{PAGE}/upload", data={"csrf_token": page_token(alice)})
    assert empty.status_code == 422
    assert "请选择要上传的 Excel 文件" in empty.text
    assert counts(session)[1] == 0
