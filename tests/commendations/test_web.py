"""The register's page, its Excel download, the unit's page and the JSON API: HQ records on the
form (a refusal shown beside the form, nothing stored), everyone reads their subtrees only, in
Chinese and English."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from pacer.models import Commendation
from tests.web.test_bad_input import bearer
from tests.webclient import page_token


def _award(client, **changes) -> None:
    form = {"code": "two_one", "name_zh": "两优一先", "name_en": "Two Excellences and One Advance"}
    form |= {"category": "honour", "recipients": "both", "csrf_token": page_token(client, "/commendations")}
    sent = client.post("/commendations/awards", data=form | changes)
    assert sent.status_code == 303, sent.text


def _commend(client, **changes):
    form = {"award": "two_one", "year": "2025", "unit_code": "A1", "citation_zh": "按期完成", "citation_en": "On time"}
    return client.post("/commendations", data=form | {"csrf_token": page_token(client, "/commendations")} | changes)


def test_hq_records_a_commendation_on_the_page_and_every_reader_sees_their_own(signed_in, session, org):
    grace = signed_in("grace")
    _award(grace)
    saved = _commend(grace)
    assert saved.status_code == 303, saved.text
    assert _commend(grace, unit_code="B1", distinction_zh="一等奖", distinction_en="First prize").status_code == 303
    page = grace.get("/commendations?year=2025&lang=en").text
    assert "Two Excellences and One Advance" in page
    assert "First prize" in page
    assert 'data-testid="commend-form"' in page
    victor = signed_in("victor")
    seen = victor.get("/commendations").text
    assert 'data-unit="A1"' in seen
    assert 'data-unit="B1"' not in seen
    assert 'data-testid="commend-form"' not in seen  # readers do not record
    unit_page = victor.get("/admin/org/A1?lang=zh").text
    assert unit_page.count('data-testid="unit-commendations"') == 1  # in the page once, never in its title
    title = unit_page[unit_page.index("<title>") : unit_page.index("</title>")]
    assert "<section" not in title
    assert "两优一先" not in title
    assert "2025 · 两优一先" in unit_page
    assert "该单位尚无表彰记录" in victor.get("/admin/org/A2?lang=zh").text


def test_a_refused_commendation_is_shown_in_the_reader_s_language_and_nothing_is_stored(signed_in, session, org):
    grace = signed_in("grace")
    _award(grace)
    assert _commend(grace).status_code == 303
    again = _commend(grace)
    assert again.status_code == 422
    assert "该单位的 2025 年度“两优一先”已有记录" in again.text
    english = grace.post(
        "/commendations?lang=en",
        data={"award": "two_one", "year": "20x5", "unit_code": "A1", "csrf_token": page_token(grace, "/commendations")},
    )
    assert english.status_code == 422
    assert "is not a number" in english.text
    unknown = _commend(grace, person_id="424242")
    assert "没有编号为 424242 的人员" in unknown.text
    assert session.scalar(select(func.count()).select_from(Commendation)) == 1
    assert _commend(signed_in("victor")).status_code == 403


def test_the_register_downloads_as_excel_in_both_languages(signed_in, org):
    grace = signed_in("grace")
    _award(grace)
    _commend(grace, citation_zh="=1+1 不是公式")
    for lang, heading, award in (("zh", "年度", "两优一先"), ("en", "Year", "Two Excellences and One Advance")):
        book = grace.get(f"/commendations.xlsx?year=2025&lang={lang}")
        assert book.status_code == 200
        rows = list(load_workbook(BytesIO(book.content)).worksheets[0].iter_rows(values_only=True))
        assert rows[0][0] == heading
        assert rows[1][:5] == (2025, award, "", "A1", "单位A1" if lang == "zh" else "Unit A1")
    zh = list(load_workbook(BytesIO(grace.get("/commendations.xlsx?lang=zh").content)).worksheets[0].values)
    assert zh[1][6] == "=1+1 不是公式"  # text, never a formula


def test_the_json_api_lists_filters_and_adds(client, session, org):
    grace, bob = bearer(session, "grace"), bearer(session, "bob")
    award = {"code": "cloud", "name_zh": "云应用大赛", "name_en": "Cloud Contest", "category": "competition"}
    made = client.post("/api/commendations/awards", json=award | {"recipients": "units"}, headers=grace)
    assert made.status_code == 201, made.text
    body = {"award": "cloud", "year": 2025, "unit_code": "A2", "distinction_en": "Second prize"}
    added = client.post("/api/commendations", json=body, headers=grace)
    assert added.status_code == 201, added.text
    assert (added.json()["unit_code"], added.json()["person_id"]) == ("A2", None)
    refused = client.post("/api/commendations", json=body, headers=grace)
    assert refused.status_code == 422
    assert "recorded already" in refused.text
    listed = client.get("/api/commendations?award=cloud&unit=A", headers=grace).json()
    assert [(c["unit_code"], c["award"]["code"]) for c in listed] == [("A2", "cloud")]
    assert client.get("/api/commendations", headers=bob).json() == []
    assert client.get("/api/commendations?unit=A", headers=bob).status_code == 404
    assert client.post("/api/commendations", json=body | {"year": 2024}, headers=bob).status_code == 403
    assert [a["code"] for a in client.get("/api/commendations/awards", headers=bob).json()] == ["cloud"]
