"""The entry grid's pages: who may read and change a unit's month, what the grid shows beside
each figure, saving as a plain form (figures typed in 万元), a stale version refused, the list."""

import re

import pytest

from pacer.models import Submission, SubmissionFigure
from tests.factories import create_user
from tests.webclient import page_token, set_passwords

URL = "/submissions/A1/2025-12"


@pytest.fixture
def grid(figures, session):
    from pacer.indicators.assignment_write import AssignmentIn, assign

    for code in ("revenue", "total_profit"):
        assign(
            session,
            figures.hq_analyst,
            AssignmentIn(indicator_code=code, unit_code="A1", from_month="2024-01", reason="月报"),
        )
    create_user(session, "amy", [("unit_approver", figures.A1)])
    set_passwords(session, "amy")
    session.flush()
    return figures


def _save(client, values, version="0", lang="en", **narrative):
    token = page_token(client, URL)
    data = {"csrf_token": token, "unit": "A1", "month": "2025-12", "version": version}
    data |= {f"v.{k}": v for k, v in values.items()} | narrative
    return client.post(f"/submissions/save?lang={lang}", data=data)


def _staged(session, org):
    sub = session.query(Submission).filter_by(unit_id=org.A1.id, period=202512).one_or_none()
    if sub is None:
        return None
    return {f.indicator_id: (f.value, f.basis) for f in session.query(SubmissionFigure).filter_by(submission_id=sub.id)}


def test_the_reporter_sees_the_units_indicators_with_last_year_and_last_month_in_wan_yuan(grid, signed_in):
    page = signed_in("alice").get(f"{URL}?lang=en")
    assert page.status_code == 200, page.text
    html = page.text
    assert 'name="v.revenue"' in html
    assert 'name="v.total_profit"' in html
    assert 'name="v.total_assets"' not in html  # not assigned: the assignment, not the library
    row = html.split('data-code="revenue"')[1].split("</tr>")[0]
    assert "RMB 10k" in row
    assert "3,600.00" in row  # the year 2024 to December: 12 x 3,000,000.00 yuan
    assert "3,630.00" in row  # 2025 to November: 11 x 3,300,000.00 yuan
    assert 'data-code="profit_margin"' in html  # computed from total profit and revenue
    assert 'data-code="rd_intensity"' not in html  # R&D expenditure is not reported
    assert "Financial results" in html


def test_a_viewer_without_report_rights_reads_the_grid_without_inputs(grid, signed_in):
    page = signed_in("victor").get(f"{URL}?lang=en")
    assert page.status_code == 200
    assert 'name="v.revenue"' not in page.text
    assert 'data-testid="read-only"' in page.text
    assert "you do not report for this unit" in page.text


def test_a_unit_outside_the_viewers_subtree_is_not_found_and_not_saved(grid, signed_in, session):
    bob = signed_in("bob")
    assert bob.get(URL).status_code == 404
    token = page_token(bob, "/account")
    refused = bob.post(
        "/submissions/save", data={"csrf_token": token, "unit": "A1", "month": "2025-12", "v.revenue": "1"}
    )
    assert refused.status_code == 404
    shown = re.sub(r'name="csrf_token" value="[^"]*"', "", refused.text)  # a random token may hold "A1"
    assert "A1" not in shown
    assert _staged(session, grid) is None


@pytest.mark.parametrize("month", ["2025-13", "2025-6x", "june"])
def test_a_bad_month_in_the_address_is_refused_naming_it(grid, signed_in, month):
    page = signed_in("alice").get(f"/submissions/A1/{month}?lang=en")
    assert page.status_code == 422
    assert "is not a month: write YYYY-MM" in page.text


def test_figures_typed_in_wan_yuan_are_saved_in_yuan_and_shown_back(grid, signed_in, session):
    from tests.factories import indicator

    alice = signed_in("alice")
    saved = _save(alice, {"revenue": "3,700.5", "total_profit": "(１２)"}, situation="平稳")
    assert saved.status_code == 303, saved.text
    staged = _staged(session, grid)
    assert staged[indicator(session, "revenue").id] == (37_005_000_00, "ytd")
    assert staged[indicator(session, "total_profit").id] == (-120_000_00, "ytd")
    page = alice.get(f"{URL}?saved=1&lang=en").text
    assert 'value="3700.50"' in page
    assert 'value="-12.00"' in page
    assert "Saved (version 1)" in page
    assert "平稳" in page
    margin = page.split('data-testid="derived-profit_margin">')[1].split("<")[0]
    assert margin == "-0.32"  # -120,000 / 37,005,000 x 100, as the rules compute it


def test_a_figure_that_is_not_a_number_is_named_beside_its_cell_and_nothing_is_stored(grid, signed_in, session):
    page = _save(signed_in("alice"), {"revenue": "12万", "total_profit": "5"})
    assert page.status_code == 422
    row = page.text.split('data-code="revenue"')[1].split("</tr>")[0]
    assert "&#39;12万&#39; is not a number" in row
    assert 'aria-invalid="true"' in row
    assert _staged(session, grid) is None


def test_a_stale_version_is_refused_with_a_conflict_and_the_saved_figure_stays(grid, signed_in, session):
    from tests.factories import indicator

    alice = signed_in("alice")
    assert _save(alice, {"revenue": "3,700"}).status_code == 303
    stale = _save(alice, {"revenue": "1"}, version="0")
    assert stale.status_code == 409
    assert "someone else changed this report" in stale.text
    assert _staged(session, grid)[indicator(session, "revenue").id][0] == 37_000_000_00


def test_a_warning_of_the_rules_stands_beside_its_figure_in_the_pages_language(grid, signed_in):
    alice = signed_in("alice")
    assert _save(alice, {"revenue": "9,000"}).status_code == 303
    zh = alice.get(f"{URL}?lang=zh").text
    row = zh.split('data-code="revenue"')[1].split("</tr>")[0]
    assert "警告【同比异动】" in row
    en = alice.get(f"{URL}?lang=en").text
    assert "warning [year-on-year jump] revenue" in en.split('data-code="revenue"')[1].split("</tr>")[0]


def test_the_reporter_submits_from_the_page_and_the_approver_sees_approve(grid, signed_in):
    alice = signed_in("alice")
    assert _save(alice, {"revenue": "3,700", "total_profit": "370"}).status_code == 303
    token = page_token(alice, URL)
    assert (
        alice.post(
            "/submissions/verbs/submit", data={"csrf_token": token, "unit": "A1", "month": "2025-12"}
        ).status_code
        == 303
    )
    page = alice.get(f"{URL}?lang=en").text
    assert 'data-testid="state">submitted' in page
    assert 'name="v.revenue"' not in page  # no longer editable
    amy = signed_in("amy").get(f"{URL}?lang=en").text
    assert 'data-verb="approve"' in amy


def test_submitting_with_a_required_figure_missing_names_it_on_the_page(grid, signed_in):
    alice = signed_in("alice")
    assert _save(alice, {"revenue": "3,700"}).status_code == 303
    token = page_token(alice, URL)
    refused = alice.post(
        "/submissions/verbs/submit?lang=en", data={"csrf_token": token, "unit": "A1", "month": "2025-12"}
    )
    assert refused.status_code == 422
    assert "total_profit" in refused.text
    assert "must be reported" in refused.text


def test_the_list_shows_the_viewers_units_with_their_state_for_the_month(grid, signed_in):
    alice = signed_in("alice")
    _save(alice, {"revenue": "3,700"})
    page = alice.get("/submissions?period=2025-12&lang=en").text
    assert "/submissions/A1/2025-12" in page
    assert "draft" in page
    assert "/submissions/B1/" not in page
    assert signed_in("alice").get("/submissions?period=20251&lang=en").status_code == 422


def test_a_warning_is_explained_beside_its_figure_and_then_the_month_can_be_submitted(grid, signed_in, session):
    alice = signed_in("alice")
    figures = {"revenue": "9,000", "total_profit": "370"}
    assert _save(alice, figures).status_code == 303
    token = page_token(alice, URL)
    unit_month = {"csrf_token": token, "unit": "A1", "month": "2025-12"}
    refused = alice.post("/submissions/verbs/submit?lang=en", data=unit_month)
    assert refused.status_code == 422  # the warning is not explained yet
    assert _save(alice, figures, version="1", **{"x.yoy_jump:revenue": "新签大额合同"}).status_code == 303
    page = alice.get(f"{URL}?lang=en").text
    assert 'name="x.yoy_jump:revenue" value="新签大额合同"' in page
    unit_month["csrf_token"] = page_token(alice, URL)
    assert alice.post("/submissions/verbs/submit", data=unit_month).status_code == 303
    submitted = alice.get(f"{URL}?lang=en").text
    assert "Explanation: 新签大额合同" in submitted


def test_the_workbook_buttons_appear_once_the_application_serves_them(grid, signed_in, app):
    alice = signed_in("alice")
    assert 'data-testid="download-template"' not in alice.get(URL).text
    app.add_api_route("/submissions/{unit_code}/{month}/template.xlsx", lambda: None, methods=["GET"])
    app.add_api_route("/submissions/{unit_code}/{month}/upload", lambda: None, methods=["POST"])
    page = alice.get(f"{URL}?lang=en").text
    assert 'href="/submissions/A1/2025-12/template.xlsx" data-testid="download-template"' in page
    assert 'action="/submissions/A1/2025-12/upload"' in page
    assert 'data-testid="upload-form"' not in signed_in("victor").get(URL).text  # no report rights
