"""Answers kept per engine version: reused for the same question, never beyond what a viewer sees."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pacer.analysis.serve.service import build
from pacer.web import charts as render_charts
from pacer.web.deps import get_analysis_dep


@pytest.fixture
def one_engine(figures, session, app):
    """One engine for every request of the test, as in a running server (so caches are warm)."""
    analysis = build(session.connection())
    app.dependency_overrides[get_analysis_dep] = lambda: analysis
    return figures


def test_a_warm_cache_gives_the_same_answers(signed_in, one_engine):
    grace = signed_in("grace")
    first = grace.get("/api/cockpit/G?period=2025-06").json()
    assert grace.get("/api/cockpit/G?period=2025-06").json() == first
    assert grace.get("/cockpit/G?period=2025-06").status_code == 200
    assert grace.get("/cockpit/G?period=2025-06").text.count('data-testid="ranking"') == 1


def test_a_viewer_with_a_narrower_grant_sees_no_more_after_a_wider_one_warmed_the_cache(signed_in, one_engine):
    grace, victor = signed_in("grace"), signed_in("victor")
    assert grace.get("/cockpit/G").status_code == 200
    assert {u["code"] for u in grace.get("/api/units").json()["items"]} >= {"G", "A", "B"}
    assert victor.get("/cockpit/G").status_code == 404
    assert victor.get("/api/cockpit/G/ranking").status_code == 404
    assert {u["code"] for u in victor.get("/api/units").json()["items"]} == {"A", "A1", "A2"}
    assert victor.get("/api/cockpit/A").status_code == 200


def test_the_off_track_list_is_cut_to_the_viewer_after_the_group_view_warmed_it(signed_in, one_engine):
    grace, victor = signed_in("grace"), signed_in("victor")
    grace.get("/api/cockpit/A/off-track?period=2025-06")
    rows = victor.get("/api/cockpit/A/off-track?period=2025-06").json()["items"]
    assert {r["unit"]["code"] for r in rows} <= {"A1", "A2"}


def test_a_chart_image_is_drawn_once_per_engine_version(signed_in, one_engine, monkeypatch):
    drawn: list[dict] = []
    real = render_charts.to_svg
    monkeypatch.setattr(render_charts, "to_svg", lambda spec: drawn.append(spec) or real(spec))
    grace = signed_in("grace")
    first = grace.get("/cockpit/G/charts/trend.svg?period=2025-06")
    second = grace.get("/cockpit/G/charts/trend.svg?period=2025-06")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(drawn) == 1


def test_a_new_engine_version_answers_afresh(signed_in, one_engine, session, app):
    from sqlalchemy import update

    from pacer.models import Fact, Indicator

    grace = signed_in("grace")
    before = grace.get("/api/cockpit/G/tiles?period=2025-06").json()
    revenue_id = session.scalar(
        Indicator.__table__.select().with_only_columns(Indicator.id).where(Indicator.code == "revenue")
    )
    session.execute(
        update(Fact)
        .where(Fact.unit_id == one_engine.B1.id, Fact.indicator_id == revenue_id, Fact.period == 202506)
        .values(value=Fact.value + 100)
    )
    session.flush()
    fresh = build(session.connection())
    app.dependency_overrides[get_analysis_dep] = lambda: fresh
    after = grace.get("/api/cockpit/G/tiles?period=2025-06").json()

    def revenue(tiles: list[dict]) -> Decimal:
        return next(Decimal(t["ytd"]) for t in tiles if t["indicator"]["code"] == "revenue")

    assert revenue(after) == revenue(before) + 1  # 100 at the stored scale of 2 decimals


def test_answers_are_kept_across_a_change_the_engine_does_not_hold(figures, session):
    """A new change marker over the same engine (a submission saved, a task's progress) keeps the
    answers; a new engine (figures changed) answers afresh."""
    from dataclasses import replace

    from pacer.cockpit import cache

    analysis = build(session.connection())
    made: list[str] = []

    def make(name: str):
        return lambda: made.append(name) or name

    assert cache.cached(analysis, ("question",), make("first")) == "first"
    moved = replace(analysis, marker=analysis.marker + 1)
    assert cache.cached(moved, ("question",), make("again")) == "first"
    assert cache.size(moved) == cache.size(analysis) == 1
    fresh = build(session.connection())
    assert cache.cached(fresh, ("question",), make("fresh")) == "fresh"
    assert made == ["first", "fresh"]


def _raise_revenue(session, figures, app) -> None:
    """B1's revenue of June 2025 up by 100, and a new engine over it, as a change of figures makes."""
    from sqlalchemy import update

    from pacer.models import Fact, Indicator

    revenue_id = session.scalar(
        Indicator.__table__.select().with_only_columns(Indicator.id).where(Indicator.code == "revenue")
    )
    session.execute(
        update(Fact)
        .where(Fact.unit_id == figures.B1.id, Fact.indicator_id == revenue_id, Fact.period == 202506)
        .values(value=Fact.value + 10**6)
    )
    session.flush()
    fresh = build(session.connection())
    app.dependency_overrides[get_analysis_dep] = lambda: fresh


@pytest.mark.parametrize(
    "path",
    [
        "/cockpit/G?period=2025-06&rank=revenue",
        "/cockpit/G/indicators/revenue?period=2025-06",
        "/cockpit/G/ranking.xlsx?period=2025-06&rank=revenue",
        "/cockpit/G/indicators/revenue/export.xlsx?period=2025-06",
    ],
)
def test_the_rendered_parts_and_files_kept_are_made_again_for_a_new_engine(signed_in, one_engine, session, app, path):
    grace = signed_in("grace")
    before = grace.get(path)
    assert grace.get(path).content == before.content  # kept: the same bytes
    _raise_revenue(session, one_engine, app)
    after = grace.get(path)
    assert before.status_code == after.status_code == 200
    assert after.content != before.content


def test_a_withdrawn_grant_holds_from_the_next_request(signed_in, one_engine, session):
    from sqlalchemy import delete

    from pacer.models import RoleGrant, User

    victor = signed_in("victor")
    assert victor.get("/cockpit/A?period=2025-06").status_code == 200
    victor_id = session.scalar(User.__table__.select().with_only_columns(User.id).where(User.username == "victor"))
    session.execute(delete(RoleGrant).where(RoleGrant.user_id == victor_id))
    session.commit()  # as another request would (a refused request rolls back what is not)
    assert victor.get("/cockpit/A?period=2025-06").status_code == 404
    assert victor.get("/api/cockpit/A?period=2025-06").status_code == 404
    assert victor.get("/cockpit/A/indicators/revenue?period=2025-06").status_code == 404
