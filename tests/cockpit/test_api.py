"""The cockpit's JSON API: the numbers, and the visibility rule on every route."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

ROUTES = [
    "/api/cockpit/{u}",
    "/api/cockpit/{u}/tiles",
    "/api/cockpit/{u}/ranking",
    "/api/cockpit/{u}/off-track",
    "/api/cockpit/{u}/bridge",
    "/api/cockpit/{u}/outlook",
    "/api/cockpit/{u}/not-reported",
    "/api/cockpit/{u}/charts/trend",
    "/api/cockpit/{u}/charts/cumulative",
    "/api/cockpit/{u}/charts/bridge",
    "/api/cockpit/{u}/charts/outlook",
    "/api/cockpit/{u}/charts/history",
    "/api/cockpit/{u}/indicators/revenue",
]
PAGES = [
    "/cockpit/{u}",
    "/cockpit/{u}/ranking.xlsx",
    "/cockpit/{u}/indicators/revenue",
    "/cockpit/{u}/indicators/revenue/export.xlsx",
    "/cockpit/{u}/charts/trend.svg",
    "/cockpit/{u}/charts/bridge.png",
]


def test_group_cockpit_consolidates_the_leaves(signed_in, figures):
    body = signed_in("grace").get("/api/cockpit/G?period=2025-06").json()
    revenue = next(t for t in body["tiles"] if t["indicator"]["code"] == "revenue")
    assert Decimal(revenue["ytd"]) == Decimal(6 * 600 * 10_000) * Decimal("1.1")
    assert revenue["yoy"]["kind"] == "percent"
    assert round(revenue["yoy"]["percent"], 6) == 10.0
    assert revenue["target_ensure"] is not None
    assert revenue["status"] in ("on_track", "watch", "off_track")
    assert [c["code"] for c in body["children"]] == ["A", "B"]
    assert body["breadcrumbs"] == []


def test_a_loss_both_years_is_worded_not_a_percentage(signed_in, figures):
    tiles = signed_in("grace").get("/api/cockpit/B1/tiles?period=2025-06&lang=zh").json()
    profit = next(t for t in tiles if t["indicator"]["code"] == "total_profit")
    assert profit["yoy"]["kind"] == "loss_unchanged"
    assert profit["yoy"]["percent"] is None


def test_bridge_lines_add_up_to_the_change(signed_in, figures):
    body = signed_in("grace").get("/api/cockpit/G/bridge?period=2025-06").json()
    assert sum(Decimal(line["change"]) for line in body["lines"]) == Decimal(body["change"])


def test_ranking_is_paginated(signed_in, figures):
    page = signed_in("grace").get("/api/cockpit/A/ranking?period=2025-06&limit=1&offset=1").json()
    assert page["total"] == 2
    assert page["limit"] == 1
    assert len(page["items"]) == 1
    assert page["items"][0]["unit"]["code"] in ("A1", "A2")
    assert len(page["items"][0]["trend"]) == 12


def test_a_unit_with_figures_last_month_and_none_now_has_not_reported(signed_in, figures):
    body = signed_in("grace").get("/api/cockpit/G/not-reported?period=2025-12").json()
    assert [r["unit"]["code"] for r in body["items"]] == ["A1"]


def test_reporter_lands_on_their_own_unit(signed_in, figures):
    alice = signed_in("alice")
    response = alice.get("/cockpit")
    assert response.status_code == 303
    assert response.headers["location"] == "/cockpit/A1"
    assert [u["code"] for u in alice.get("/api/units").json()["items"]] == ["A1"]


@pytest.mark.parametrize("route", ROUTES + PAGES)
def test_reporter_cannot_tell_a_sibling_unit_from_a_missing_one(signed_in, figures, route):
    alice = signed_in("alice")
    assert alice.get(route.format(u="A1") + "?period=2025-06").status_code == 200
    for code in ("B1", "B", "G", "A"):
        guessed = alice.get(route.format(u=code) + "?period=2025-06")
        missing = alice.get(route.format(u="NOPE") + "?period=2025-06")
        assert guessed.status_code == missing.status_code == 404
        assert _same(guessed.text, code) == _same(missing.text, "NOPE")


def _same(text: str, code: str) -> str:
    """The answer with the asked-for code and the per-session CSRF token blanked out."""
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", text).replace(f"/cockpit/{code}", "/cockpit/X")
    return text.replace(f"'{code}'", "'X'").replace(f"&#39;{code}&#39;", "'X'")


def test_academy_viewer_sees_the_academy_subtree_only(signed_in, figures):
    victor = signed_in("victor")
    body = victor.get("/api/cockpit/A?period=2025-06").json()
    assert [c["code"] for c in body["children"]] == ["A1", "A2"]
    assert body["breadcrumbs"] == []  # G is above the grant: not shown
    assert victor.get("/api/cockpit/G").status_code == 404
    assert victor.get("/api/cockpit/A1").json()["breadcrumbs"] == [{"code": "A", "name": "单位A"}]


def test_outsider_sees_no_units(signed_in, figures):
    oscar = signed_in("oscar")
    assert oscar.get("/api/units").json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert "尚未给您授权任何单位" in oscar.get("/cockpit").text
    assert oscar.get("/api/cockpit/G").status_code == 404


def test_a_period_without_figures_is_404(signed_in, figures):
    grace = signed_in("grace")
    assert grace.get("/api/cockpit/G?period=2030-01").status_code == 404
    assert grace.get("/api/cockpit/G?period=13").status_code == 422


def test_an_unknown_indicator_is_404(signed_in, figures):
    grace = signed_in("grace")
    assert grace.get("/api/cockpit/G/indicators/nope").status_code == 404
    assert grace.get("/api/cockpit/G/ranking?indicator=nope").status_code == 404


def test_chart_spec_is_vega_lite_in_the_requested_language(signed_in, figures):
    spec = signed_in("grace").get("/api/cockpit/G/charts/trend?period=2025-06&lang=en").json()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert "months this year and last" in spec["title"]["text"]
    assert {row["year"] for row in spec["data"]["values"]} == {"2024", "2025"}


def test_api_requires_authentication(client, figures):
    assert client.get("/api/cockpit/G").status_code == 401
    assert client.get("/api/units").status_code == 401


def test_openapi_and_local_docs_are_served(client):
    assert "/api/cockpit/{unit_code}" in client.get("/openapi.json").json()["paths"]
    docs = client.get("/docs").text
    assert "/static/docs/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200


def test_a_derived_ratios_bridge_is_in_pp_and_adds_up(signed_in, figures):
    grace = signed_in("grace")
    body = grace.get("/api/cockpit/G/bridge?period=2025-06&indicator=profit_margin").json()
    assert body["method"] == "ratio"
    assert body["yoy"]["kind"] == "pp"
    assert (
        sum(Decimal(line["change"]) for line in body["lines"])
        == Decimal(body["change"])
        == Decimal(body["current"]) - Decimal(body["previous"])
    )
    page = grace.get("/cockpit/G?period=2025-06&bridge=profit_margin&lang=en").text
    assert "YoY (pp)" in page
    chart = grace.get("/api/cockpit/G/charts/bridge?period=2025-06&indicator=profit_margin").json()
    # the waterfall is of the ratio: it ends at this year's margin
    values = next(layer["data"]["values"] for layer in [chart, *chart.get("layer", [])] if "data" in layer)
    assert values[-1]["kind"] == "total"
    assert values[-1]["end"] == float(body["current"])


def test_a_formula_changed_this_year_compares_with_last_years_formula(signed_in, figures, session):
    from sqlalchemy import select

    from pacer.models import IndicatorVersion
    from tests.factories import indicator

    margin = indicator(session, "profit_margin")
    version = session.scalars(select(IndicatorVersion).where(IndicatorVersion.indicator_id == margin.id)).one()
    version.to_year = 2024
    session.add(
        IndicatorVersion(
            indicator_id=margin.id,
            from_year=2025,
            to_year=None,
            name_zh=version.name_zh,
            name_en=version.name_en,
            definition_zh="",
            definition_en="",
            formula="total_profit / revenue * 1000",
        )
    )
    session.flush()
    tile = signed_in("grace").get("/api/cockpit/A/indicators/profit_margin?period=2025-06").json()["tile"]
    # A's profit is a tenth of its revenue in both years: 10 % by the old formula, 100 by the new
    assert Decimal(tile["ytd_last_year"]) == Decimal("10.00")
    assert Decimal(tile["ytd"]) == Decimal("100.00")


def test_eliminations_booked_on_a_unit_have_their_own_bridge_line(signed_in, figures, session):
    from pacer.models import EliminationEntry
    from tests.factories import indicator

    revenue = indicator(session, "revenue")
    grace = signed_in("grace")
    before = grace.get("/api/cockpit/A/bridge?period=2025-06").json()
    # A1 sold 10万元 a month to A2 in 2025: A eliminates it
    session.add_all(
        EliminationEntry(
            unit_id=figures.A.id,
            indicator_id=revenue.id,
            period=202500 + m,
            value=10 * 10_000 * 100,
            counterparty="A1 -> A2",
        )
        for m in range(1, 7)
    )
    session.flush()
    body = grace.get("/api/cockpit/A/bridge?period=2025-06").json()
    lines = {line["line"]: line for line in body["lines"] if line["line"] != "child"}
    assert Decimal(lines["eliminations"]["change"]) == Decimal(-600_000)  # 60万元, in yuan
    assert Decimal(body["change"]) == Decimal(before["change"]) - 600_000
    assert sum(Decimal(line["change"]) for line in body["lines"]) == Decimal(body["change"])
    zh = grace.get("/cockpit/A?period=2025-06&lang=zh").text
    en = grace.get("/cockpit/A?period=2025-06&lang=en").text
    assert "内部抵销" in zh
    assert "Intra-group eliminations" in en
