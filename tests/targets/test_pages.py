"""The targets page and its JSON twin, as the personas of the small group use them."""

import re

from sqlalchemy import func, select

from pacer.models import AuditEntry, Target
from tests.factories import create_user
from tests.targets.test_service import current
from tests.webclient import page_token, set_passwords

PAGE = "/targets/2026/A"


def post(client, path, data):
    """The grid's form of the page at ``path``, with ``data`` in its cells."""
    page, _, query = path.partition("?")
    token = page_token(client, page)
    year, unit = page.split("/")[2:4]
    return client.post(f"/targets/{year}?{query}", data={"csrf_token": token, "unit": unit, **data})


def test_the_grid_shows_units_indicators_and_last_years_actual(signed_in, figures):
    hannah = signed_in("hannah")
    page = hannah.get(f"{PAGE}?lang=en&set=key")
    assert page.status_code == 200
    html = page.text
    assert "Targets 2026: Unit A" in html
    assert 'name="A1|revenue|ensure"' in html
    assert 'name="A2|total_profit|strive"' in html
    assert 'name="B1|revenue|ensure"' not in html  # not under A
    # A's 2025 revenue: A1 11 months of 3.3m + A2 12 of 2.2m (in yuan, scale 2)
    assert "62,700,000.00" in html


def test_an_analyst_sets_targets_as_values_and_as_growth(signed_in, figures, session):
    hannah = signed_in("hannah")
    answer = post(
        hannah,
        f"{PAGE}?set=key",
        {
            "A1|revenue|ensure": "40,000,000",
            "A2|revenue|basis": "growth",
            "A2|revenue|ensure": "5",
            "A2|revenue|phasing": "last_year",
        },
    )
    assert answer.status_code == 303, answer.text
    assert "saved=2-0-0" in answer.headers["location"]
    assert current(session, figures.A1, "revenue", 2026, "ensure").value == 4_000_000_000
    a2 = current(session, figures.A2, "revenue", 2026, "ensure")
    assert (a2.basis, a2.growth_bp, a2.value) == ("growth", 500, 2_772_000_000)  # 26.4m x 1.05
    assert a2.phasing_bp is not None
    assert sum(a2.phasing_bp) == 10_000
    shown = hannah.get(answer.headers["location"] + "&lang=en").text
    assert "Saved: 2 set, 0 revised, 0 unchanged." in shown


def test_a_revision_without_a_reason_is_shown_beside_the_cell_and_nothing_is_stored(signed_in, figures, session):
    hannah = signed_in("hannah")
    post(hannah, f"{PAGE}?set=key", {"A1|revenue|ensure": "100"})
    audits = session.scalar(select(func.count()).select_from(AuditEntry))
    answer = post(hannah, f"{PAGE}?set=key&lang=zh", {"A1|revenue|ensure": "120", "A2|revenue|ensure": "50"})
    assert answer.status_code == 422
    assert 'aria-invalid="true" aria-describedby="p-A1-revenue-reason-1' in answer.text
    assert "修改已有目标须填写调整原因" in answer.text
    assert 'value="120"' in answer.text  # what was typed stays
    assert current(session, figures.A1, "revenue", 2026, "ensure").value == 10_000
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == audits
    ok = post(hannah, f"{PAGE}?set=key", {"A1|revenue|ensure": "120", "A1|revenue|reason": "new contract"})
    assert ok.status_code == 303
    assert current(session, figures.A1, "revenue", 2026, "ensure").revision == 2


def test_a_bad_number_is_named_beside_its_cell(signed_in, figures, session):
    hannah = signed_in("hannah")
    answer = post(hannah, f"{PAGE}?set=key&lang=en", {"A1|revenue|strive": "12x"})
    assert answer.status_code == 422
    assert re.search(r'name="A1\|revenue\|strive" value="12x"[^>]*aria-invalid="true"', answer.text)
    assert "is not a number" in answer.text
    assert session.scalar(select(func.count()).select_from(Target).where(Target.year == 2026)) == 0


def test_children_that_do_not_add_up_show_a_warning_row_and_a_spread_fills_them(signed_in, figures, session):
    hannah = signed_in("hannah")
    post(hannah, f"{PAGE}?set=key", {"A|revenue|ensure": "1000", "A1|revenue|ensure": "600"})
    html = hannah.get(f"{PAGE}?set=key&lang=en").text
    assert 'data-gap="A|revenue|ensure"' in html
    assert "add up to 600.00, the unit&#39;s is 1,000.00: a difference of 400.00" in html
    spread = hannah.get(f"{PAGE}?set=key&lang=en&spread=A:revenue:ensure:last_year").text
    # A1 had 36.3m and A2 26.4m last year: 1,000 splits 578.95 / 421.05 (largest remainder)
    assert 'name="A1|revenue|ensure" value="578.95"' in spread
    assert 'name="A2|revenue|ensure" value="421.05"' in spread
    assert current(session, figures.A1, "revenue", 2026, "ensure").value == 60_000  # nothing stored yet


def test_a_viewer_reads_the_grid_but_cannot_post_it(signed_in, figures, session):
    victor = signed_in("victor")
    page = victor.get(PAGE)
    assert page.status_code == 200
    assert 'name="A1|revenue|ensure"' not in page.text
    assert post(victor, PAGE, {"A1|revenue|ensure": "1"}).status_code == 403
    token = page_token(victor, PAGE)
    assert victor.post("/targets/2026", data={"csrf_token": token, "unit": "B"}).status_code == 404


def test_a_reporter_sees_no_parent_and_an_outsider_nothing(signed_in, figures):
    assert signed_in("alice").get(PAGE).status_code == 404
    assert signed_in("alice").get("/targets/2026/A1").status_code == 200
    assert signed_in("oscar").get(PAGE).status_code == 404


def test_an_analyst_of_one_subtree_cannot_set_anothers_targets(signed_in, figures, session):
    create_user(session, "bella", [("hq_analyst", figures.B)])
    set_passwords(session, "bella")
    bella = signed_in("bella")
    assert bella.get(PAGE).status_code == 404
    assert post(bella, "/targets/2026/B", {"B1|revenue|ensure": "5"}).status_code == 303
    # the JSON twin refuses a unit outside the node the same way the page cannot reach it
    from tests.web.test_bad_input import bearer

    answer = bella.post(
        "/api/targets/2026/B",
        json={"rows": [{"unit_code": "A1", "indicator_code": "revenue", "tier": "ensure", "value": "1"}]},
        headers=bearer(session, "bella"),
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["field"] == "unit_code"


def test_the_json_twin_gives_the_grid_and_takes_rows(signed_in, figures, session):
    from tests.web.test_bad_input import bearer

    hannah, auth = signed_in("hannah"), bearer(session, "hannah")
    rows = [
        {"unit_code": "A", "indicator_code": "revenue", "tier": "ensure", "value": "1000", "phasing": "linear"},
        {"unit_code": "A1", "indicator_code": "revenue", "tier": "ensure", "value": "700"},
    ]
    saved = hannah.post("/api/targets/2026/A", json={"rows": rows}, headers=auth)
    assert saved.json() == {"created": 2, "revised": 0, "unchanged": 0, "warnings": []}
    grid = hannah.get("/api/targets/2026/A?set=key", headers=auth).json()
    line = next(x for x in grid["lines"] if x["unit_code"] == "A" and x["indicator_code"] == "revenue")
    assert line["ensure"]["value"] == "1000.00"
    assert line["ensure"]["phasing_pct"][:5] == ["8.34", "8.34", "8.34", "8.34", "8.33"]
    assert line["gaps"] == [
        {"tier": "ensure", "parent": "1000.00", "children_sum": "700.00", "difference": "300.00", "missing": ["A2"]}
    ]
    check = hannah.get("/api/targets/2026/A/check", headers=auth).json()
    assert [(c["unit_code"], c["difference"]) for c in check] == [("A", "300.00")]


def test_the_workbook_downloads_and_uploads_back_unchanged(signed_in, figures, session):
    hannah = signed_in("hannah")
    post(hannah, f"{PAGE}?set=key", {"A1|revenue|ensure": "100"})
    book = hannah.get(f"{PAGE}/export.xlsx?set=key")
    assert book.status_code == 200
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
    token = page_token(hannah, PAGE)
    form = {"csrf_token": token, "unit": "A"}
    answer = hannah.post("/targets/2026/import", data=form, files={"file": ("t.xlsx", book.content)})
    assert answer.status_code == 303
    assert "saved=0-0-1" in answer.headers["location"]
    bad = hannah.post("/targets/2026/import", data=form, files={"file": ("t.xlsx", b"not a workbook")})
    assert bad.status_code == 422
    assert "不是" in bad.text or "not an Excel workbook" in bad.text


def test_the_chooser_lists_the_viewers_units(signed_in, figures):
    html = signed_in("victor").get("/targets?lang=en").text
    assert "/targets/2026/A" in html or "/targets/" in html
    assert "Unit B" not in html
    assert signed_in("victor").get("/targets?year=2026&unit=A").headers["location"] == "/targets/2026/A"


def test_the_grid_follows_who_reports_what(signed_in, figures, session):
    from pacer.indicators.assignment_write import AssignmentIn, assign

    rule = AssignmentIn(indicator_code="inventory", kind="institute", exclude=True, from_month="2026-01", reason="r")
    assign(session, figures.hq_analyst, rule)
    grid = signed_in("hannah").get("/api/targets/2026/A?set=two_funds").json()
    lines = {(x["unit_code"], x["indicator_code"]) for x in grid["lines"]}
    assert ("A1", "inventory") not in lines  # an institute keeps no inventory
    assert ("A1", "two_funds") not in lines  # nor can its two funds be derived
    assert {("A", "inventory"), ("A2", "inventory"), ("A", "two_funds"), ("A1", "accounts_receivable")} <= lines
