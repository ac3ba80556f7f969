"""The cockpit pages: readable without JavaScript, in Chinese and English, with exports and images."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook


def test_cockpit_page_shows_tiles_ranking_and_drill_down_links(signed_in, figures):
    page = signed_in("grace").get("/cockpit/G?period=2025-06")
    assert page.status_code == 200
    assert 'data-testid="tile-revenue"' in page.text
    assert "营业收入" in page.text
    assert 'href="/cockpit/A?period=2025-06"' in page.text
    assert 'href="/cockpit/G/indicators/revenue?period=2025-06"' in page.text
    assert "<noscript><img" in page.text  # charts without JavaScript


def test_cockpit_page_speaks_english_on_request(signed_in, figures):
    page = signed_in("grace").get("/cockpit/G?period=2025-06&lang=en")
    assert "Operating revenue" in page.text
    assert "Units ranked" in page.text
    assert "Jan–Jun 2025" in page.text


def test_indicator_page_lists_months_and_children(signed_in, figures):
    page = signed_in("victor").get("/cockpit/A/indicators/revenue?period=2025-06")
    assert page.status_code == 200
    assert 'data-testid="months"' in page.text
    assert "2025-06" in page.text
    assert "单位A1" in page.text
    assert "单位B1" not in page.text


def test_ranking_export_is_an_excel_workbook_of_the_visible_children(signed_in, figures):
    response = signed_in("grace").get("/cockpit/G/ranking.xlsx?period=2025-06")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:] if r[0] is not None] in (["A", "B"], ["B", "A"])


def test_indicator_export_has_months_and_children(signed_in, figures):
    response = signed_in("alice").get("/cockpit/A1/indicators/revenue/export.xlsx?period=2025-06")
    book = load_workbook(BytesIO(response.content))
    months = list(book.worksheets[0].iter_rows(values_only=True))
    assert months[1][0] == "2025-06"
    assert len(months) == 1 + 18


def test_chart_images_render_offline(signed_in, figures):
    grace = signed_in("grace")
    svg = grace.get("/cockpit/G/charts/cumulative.svg?period=2025-06")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert "<svg" in svg.text
    png = grace.get("/cockpit/G/charts/trend.png?period=2025-06&lang=en")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_pages_for_hidden_units_are_404_pages_not_errors(signed_in, figures):
    page = signed_in("bob").get("/cockpit/A1")
    assert page.status_code == 404
    assert "找不到该页面或您无权查看" in page.text


def test_the_cockpit_opens_on_the_latest_complete_month_and_says_when_a_month_is_incomplete(signed_in, figures):
    # A1 has not reported December 2025: November is the latest month every unit has reported
    grace = signed_in("grace")
    home = grace.get("/cockpit/G")
    assert home.status_code == 200
    assert '?period=2025-11"' in home.text
    assert '?period=2025-12"' not in home.text
    assert 'data-testid="month-incomplete"' not in home.text
    december = grace.get("/cockpit/G?period=2025-12")
    assert "2025-12 仍在报送中：应报送的 3 家单位中已有 2 家报送" in december.text
    english = grace.get("/cockpit/G?period=2025-12&lang=en")
    assert "2025-12 is still being reported: 2 of the 3 units that should report it have" in english.text
    api = grace.get("/api/cockpit/G")
    assert api.status_code == 200
    assert api.json()["period"] == "2025-11"
