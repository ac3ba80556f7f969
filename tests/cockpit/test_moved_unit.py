"""A unit that moved out of a viewer's subtree: cached answers never show it to that viewer, and a
wider viewer's answers are never the folded ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pacer.analysis.serve.service import build
from pacer.web.deps import get_analysis_dep
from tests.factories import move_unit

# A2 leaves A for B at the start of July 2025: A's bridge for September still has A2's first half
# year, and so does its bridge for June, a month before the move.
MOVED_NAMES = ("单位A2", "Unit A2")
PERIODS = ("2025-06", "2025-09")


@pytest.fixture
def moved(figures, session, app):
    move_unit(session, figures.A2, figures.B, date(2025, 7, 1))
    analysis = build(session.connection())
    app.dependency_overrides[get_analysis_dep] = lambda: analysis
    return figures


def _codes(bridge: dict) -> set[str]:
    return {line["unit"]["code"] for line in bridge["lines"] if line["unit"]}


def _outside(bridge: dict) -> list[dict]:
    return [line for line in bridge["lines"] if line["line"] == "outside"]


@pytest.mark.parametrize("period", PERIODS)
def test_a_narrower_viewer_does_not_get_the_moved_unit_from_a_bridge_a_wider_viewer_asked_first(
    signed_in, moved, period
):
    grace, victor = signed_in("grace"), signed_in("victor")
    wide = grace.get(f"/api/cockpit/A/bridge?period={period}&indicator=revenue").json()
    assert "A2" in _codes(wide)
    assert not _outside(wide)

    narrow = victor.get(f"/api/cockpit/A/bridge?period={period}&indicator=revenue").json()
    assert _codes(narrow) == {"A1"}
    # the moved unit's part is one line that says what it is, never the unit's own figures
    (outside,) = _outside(narrow)
    a2 = next(line for line in wide["lines"] if line["unit"] and line["unit"]["code"] == "A2")
    assert Decimal(outside["change"]) == Decimal(a2["change"])
    assert outside["unit"] is None
    own = [line for line in narrow["lines"] if line["line"] == "own"]
    assert all(Decimal(line["change"]) == 0 for line in own)  # A has no figures of its own


@pytest.mark.parametrize("period", PERIODS)
def test_a_wider_viewer_gets_the_moved_unit_after_a_narrower_viewer_asked_first(signed_in, moved, period):
    grace, victor = signed_in("grace"), signed_in("victor")
    assert victor.get(f"/api/cockpit/A/bridge?period={period}").status_code == 200
    wide = grace.get(f"/api/cockpit/A/bridge?period={period}").json()
    assert "A2" in _codes(wide)
    assert not _outside(wide)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/cockpit/A?period={period}",
        "/api/cockpit/A/charts/bridge?period={period}&indicator=revenue",
        "/cockpit/A?period={period}",
        "/cockpit/A/charts/bridge.svg?period={period}&indicator=revenue",
    ],
)
def test_every_form_of_the_bridge_is_cut_to_the_viewer_after_a_wider_viewer_warmed_it(signed_in, moved, path, period):
    grace, victor = signed_in("grace"), signed_in("victor")
    wide = grace.get(path.format(period=period))
    assert wide.status_code == 200
    assert any(name in wide.text for name in MOVED_NAMES)
    narrow = victor.get(path.format(period=period))
    assert narrow.status_code == 200
    assert not any(name in narrow.text for name in MOVED_NAMES)
    # and the wider viewer still gets the full answer once the narrower one is cached
    assert any(name in grace.get(path.format(period=period)).text for name in MOVED_NAMES)


@pytest.mark.parametrize("path", ["/cockpit/A?period=2025-06", "/cockpit/A/indicators/revenue?period=2025-06"])
def test_the_rendered_parts_kept_for_one_viewer_are_never_shown_to_another_who_sees_less(signed_in, moved, path):
    """A2 was A's child in June: the ranking, the off-track list and the tiles' page parts name
    it for the wider viewer only, whichever of them asked first."""
    grace, victor = signed_in("grace"), signed_in("victor")
    narrow_first = victor.get(path).text
    wide = grace.get(path).text
    narrow_again = victor.get(path).text
    assert any(name in wide for name in MOVED_NAMES)
    assert not any(name in narrow_first for name in MOVED_NAMES)
    assert narrow_again == narrow_first


def test_the_folded_line_is_named_in_both_languages(signed_in, moved):
    victor = signed_in("victor")
    zh = victor.get("/cockpit/A?period=2025-09&lang=zh").text
    en = victor.get("/cockpit/A?period=2025-09&lang=en").text
    assert "现不在您权限范围内的单位" in zh
    assert "Units now outside your view" in en
    spec = victor.get("/api/cockpit/A/charts/bridge?period=2025-09&indicator=revenue&lang=en").json()
    labels = {row["label"] for row in spec["data"]["values"]} if "data" in spec else set()
    labels |= {row["label"] for layer in spec.get("layer", []) for row in layer.get("data", {}).get("values", [])}
    assert "Units now outside your view" in labels


@pytest.mark.parametrize("code", ["revenue", "profit_margin"])
def test_the_command_line_bridge_names_the_moved_units_line_for_what_it_is(moved, session, code):
    from pacer.analysis.shown.wording import bridge_line
    from pacer.auth.permissions import load_actor
    from pacer.cli import present as report

    analysis = build(session.connection())
    wide = report.bridge_report(
        report.open_scope(session, load_actor(session, "grace"), analysis, "A", "2025-09", "en"), code
    )
    narrow = report.bridge_report(
        report.open_scope(session, load_actor(session, "victor"), analysis, "A", "2025-09", "en"), code
    )
    a2 = next(ln for ln in wide["lines"] if ln["unit"] and ln["unit"]["code"] == "A2")
    (outside,) = [ln for ln in narrow["lines"] if ln["line"] == "outside"]
    assert outside["unit"] is None
    assert outside["change"] == a2["change"]
    assert [ln["unit"]["code"] for ln in narrow["lines"] if ln["unit"]] == ["A1"]
    own = {ln["line"]: ln for ln in wide["lines"] if ln["unit"] is None}["own"]
    assert {ln["line"]: ln for ln in narrow["lines"] if ln["unit"] is None}["own"] == own
    assert sum(Decimal(ln["change"]["value"]) for ln in narrow["lines"]) == Decimal(narrow["change"]["value"])
    assert bridge_line("outside", "zh") == "现不在您权限范围内的单位"
