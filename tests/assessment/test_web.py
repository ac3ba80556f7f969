"""The statements and the assessment through the JSON API and the pages, in both languages:
drafted, refused, signed, scored, adjusted, downloaded as Word and Excel; nothing across the
unit subtree."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.assessment.conftest import LAST_YEAR, YEAR, business_items
from tests.web.test_bad_input import bearer
from tests.webclient import page_token, set_passwords, sign_in

pytestmark = pytest.mark.usefixtures("targets")


@pytest.fixture
def served(app, session):
    """The app answering from an engine built on this test's transaction."""
    from pacer.analysis.serve.service import build
    from pacer.web.deps import get_analysis_dep

    app.dependency_overrides[get_analysis_dep] = lambda: build(session.connection())
    return app


def _body(**changes) -> dict:
    return {"unit_code": "A", "year": YEAR, "domain": "business", "items": business_items(**changes)}


def test_a_statement_is_drafted_issued_and_signed_through_the_api(client, session, org, signer):
    hannah, amy, bob = (bearer(session, u) for u in ("hannah", "amy", "bob"))
    made = client.post("/api/statements", json=_body(), headers=hannah)
    assert made.status_code == 201, made.text
    url = f"/api/statements/{made.json()['id']}"
    assert made.json()["state"] == "draft"
    assert made.json()["verbs"] == ["issue"]
    assert client.post(f"{url}/verbs/issue", json={}, headers=hannah).json()["state"] == "issued"
    assert client.post(f"{url}/verbs/sign", json={}, headers=amy).json()["state"] == "signed"
    assert client.get(url, headers=bob).status_code == 404
    assert client.post(f"{url}/verbs/countersign", json={}, headers=bob).status_code == 404


def test_bad_weights_are_refused_in_the_callers_language_and_nothing_stored(client, session, org):
    hannah = bearer(session, "hannah")
    refused = client.post("/api/statements?lang=zh", json=_body(tasks={"weight": 1500}), headers=hannah)
    assert refused.status_code == 422
    assert "各考核项权重合计 95.00 分，应为 100.00 分" in refused.text
    assert client.get("/api/assessment/league", params={"year": YEAR}, headers=hannah).json() == []


def test_a_change_after_signing_without_a_reason_is_refused(client, session, org, signer):
    hannah, amy = bearer(session, "hannah"), bearer(session, "amy")
    url = f"/api/statements/{client.post('/api/statements', json=_body(), headers=hannah).json()['id']}"
    client.post(f"{url}/verbs/issue", json={}, headers=hannah)
    client.post(f"{url}/verbs/sign", json={}, headers=amy)
    changed = {"items": business_items(revenue={"target": 1_100_000_00})}
    assert client.put(url, json=changed, headers=hannah).status_code == 422
    again = client.put(url, json=changed | {"reason": "调增"}, headers=hannah)
    assert again.status_code == 200
    assert again.json()["state"] == "draft"
    assert [v["version"] for v in again.json()["versions"]] == [1, 2]


@pytest.fixture
def scored(client, session, org, scene, served):
    hannah = bearer(session, "hannah")
    computed = client.post("/api/assessment/compute", json={"year": LAST_YEAR, "domain": "business"}, headers=hannah)
    assert computed.status_code == 200, computed.text
    return computed.json()[0]


def test_the_league_table_and_scorecard_pages_show_the_working_in_both_languages(session, org, scored, served):
    set_passwords(session, "hannah", "bob")
    from fastapi.testclient import TestClient

    with TestClient(served, follow_redirects=False) as c:
        sign_in(c, "hannah")
        zh = c.get(f"/assessment?year={LAST_YEAR}&lang=zh")
        assert zh.status_code == 200
        assert "<h1>2025年度经营业绩考核</h1>" in zh.text
        assert 'data-unit="A"' in zh.text
        assert "<h1>Business performance assessment, 2025</h1>" in c.get(f"/assessment?year={LAST_YEAR}&lang=en").text
        en = c.get(f"/statements/{scored['statement_id']}?lang=en").text
        assert "Unit A: business performance responsibility statement, 2025" in en
        assert "The working, item by item" in en
        assert "68.34" in en  # the total: 48 + 15 + 5 + 3.34 - 3
        # money on the group's scale (万元 for figures of a million yuan), never in full yuan digits
        revenue = en[en.index('data-item="revenue"') :].split("</tr>")[0]
        assert ">RMB 10k<" in revenue
        assert ">102.00<" in revenue  # 1,020,000 yuan
        assert "1,020,000" not in en
        # the year is closed: nothing is left to win, so no what-if; re-opening is worded as such
        assert 'data-testid="what-if"' not in en
        assert "Re-opening a statement for a change needs a reason" in en
        assert "Returning needs a reason" not in en
        refused = c.post(
            f"/assessment/results/{scored['id']}/adjust?lang=zh",
            data={"statement_id": scored["statement_id"], "change": "5", "reason": " ", "csrf_token": page_token(c)},
        )
        assert refused.status_code == 422
        assert "调整考核得分须书面说明原因" in refused.text
        done = c.post(
            f"/assessment/results/{scored['id']}/adjust",
            data={
                "statement_id": scored["statement_id"],
                "change": "5",
                "reason": "专项任务",
                "csrf_token": page_token(c),
            },
        )
        assert done.status_code == 303
        assert "73.34" in c.get(done.headers["location"] + "&lang=en").text


def test_the_statement_downloads_as_word_and_the_league_table_as_excel(client, session, org, scored):
    hannah = bearer(session, "hannah")
    word = client.get(f"/api/statements/{scored['statement_id']}/statement.docx?lang=zh", headers=hannah)
    assert word.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "2025年度经营业绩责任书" in text
    assert "单位A" in text
    cells = [c.text for t in Document(io.BytesIO(word.content)).tables for row in t.rows for c in row.cells]
    assert "营业收入" in cells
    assert "90.00" in cells  # the revenue threshold, 900,000 yuan, in 万元
    assert "万元" in cells
    book = client.get(f"/api/assessment/league.xlsx?year={LAST_YEAR}&lang=en", headers=hannah)
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[:4] == ["A", "Unit A", "-", "signed by the unit"] and "68.34" in row for row in values)


def test_a_scorecard_across_the_subtree_is_not_found(client, session, org, scored):
    bob = bearer(session, "bob")
    assert client.get(f"/api/statements/{scored['statement_id']}/results/yearend", headers=bob).status_code == 404
    assert client.get(f"/api/statements/{scored['statement_id']}/statement.docx", headers=bob).status_code == 404
    assert (
        client.post(
            f"/api/assessment/results/{scored['id']}/adjustments", json={"points": 1, "reason": "x"}, headers=bob
        ).status_code
        == 404
    )


def test_the_unit_page_lists_the_units_statements_in_both_languages(session, org, scored, served):
    set_passwords(session, "hannah")
    from fastapi.testclient import TestClient

    with TestClient(served, follow_redirects=False) as c:
        sign_in(c, "hannah")
        en = c.get("/admin/org/A?lang=en").text
        listed = en[en.index('data-testid="unit-statements"') :].split("</table>")[0]
        assert f'<a href="/statements/{scored["statement_id"]}">{LAST_YEAR}</a>' in listed
        assert "Business performance" in listed
        assert '<th scope="col">State</th>' in listed
        assert "Responsibility statements" in en
        zh = c.get("/admin/org/A?lang=zh").text
        assert "经营业绩" in zh[zh.index('data-testid="unit-statements"') :].split("</table>")[0]
        other = c.get("/admin/org/B?lang=en").text
        assert "The unit has no responsibility statement." in other
        assert 'data-testid="unit-statements"' not in other
