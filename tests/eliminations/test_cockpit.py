"""The cockpit of a parent unit shows, on request (a link, no script), its consolidated figures
before eliminations beside those after them and the amount eliminated, from the engine."""

from __future__ import annotations

from pacer.analysis.serve.service import build
from pacer.kit.numbers import format_scaled
from tests.webclient import page_token

GRID = {"period": "2025-06", "seller_code_1": "A1", "buyer_code_1": "A2", "indicator_code_1": "revenue"}


def _engine_revenue(session, code: str) -> tuple[int, int]:
    """A unit's consolidated June revenue after eliminations, as the engine computes it, and its scale."""
    analysis = build(session.connection())
    engine = analysis.engine
    i = engine.catalog.index["revenue"]
    measures = engine.measures([analysis.data.unit_index()[code]], 2025, 6, ["revenue"])
    return int(measures.value.scaled[0, measures.column(i)]), int(engine.catalog.scale[i])


def _row(text: str) -> str:
    return text.split('data-testid="before-eliminations"')[1].split('data-indicator="revenue"')[1].split("</tr>")[0]


def test_a_parent_cockpit_shows_its_figures_before_and_after_eliminations_as_the_engine_does(
    figures, signed_in, session
):
    grace = signed_in("grace")
    saved = grace.post("/admin/eliminations", data={**GRID, "value_1": "100", "csrf_token": page_token(grace)})
    assert saved.status_code == 303, saved.text
    net, scale = _engine_revenue(session, "A")
    eliminated = 100 * 10**scale
    plain = grace.get("/cockpit/A?period=2025-06&lang=en")
    assert 'data-testid="before-eliminations"' not in plain.text
    assert "/cockpit/A?period=2025-06&amp;eliminations=before#eliminations" in plain.text
    assert "Show figures before eliminations" in plain.text
    page = grace.get("/cockpit/A?period=2025-06&eliminations=before&lang=en")
    assert page.status_code == 200
    row = _row(page.text)
    assert f">{format_scaled(net, scale)}<" in row
    assert f">{format_scaled(eliminated, scale)}<" in row
    assert f">{format_scaled(net + eliminated, scale)}<" in row
    assert "Consolidated figures before and after eliminations" in page.text
    zh = grace.get("/cockpit/A?period=2025-06&eliminations=before&lang=zh")
    assert "合并数：抵销前与抵销后" in zh.text
    assert f">{format_scaled(net + eliminated, scale)}<" in _row(zh.text)


def test_the_amount_eliminated_follows_the_entries_and_reaches_every_parent_above(figures, signed_in, session):
    grace = signed_in("grace")
    grace.post("/admin/eliminations", data={**GRID, "value_1": "40", "csrf_token": page_token(grace)})
    net, scale = _engine_revenue(session, "G")
    row = _row(grace.get("/cockpit/G?period=2025-06&eliminations=before&lang=en").text)
    assert f">{format_scaled(40 * 10**scale, scale)}<" in row
    assert f">{format_scaled(net + 40 * 10**scale, scale)}<" in row


def test_a_unit_without_children_offers_no_such_view(figures, signed_in):
    grace = signed_in("grace")
    page = grace.get("/cockpit/A1?period=2025-06&eliminations=before&lang=en")
    assert page.status_code == 200
    assert 'data-testid="before-eliminations"' not in page.text
    assert 'data-testid="show-before"' not in page.text


def test_an_unknown_value_of_the_toggle_is_refused(figures, signed_in):
    assert signed_in("grace").get("/cockpit/A?period=2025-06&eliminations=sideways").status_code == 422
