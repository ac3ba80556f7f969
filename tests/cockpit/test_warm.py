"""The latest month's answers computed ahead of the first view: the same answers under the same
keys as a request's, never beyond what a viewer sees, and given up for a newer engine version."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from pacer.analysis.serve.engine import Engine
from pacer.analysis.serve.service import build, change_marker
from pacer.auth.permissions import SYSTEM
from pacer.cockpit import cache
from pacer.cockpit import ranking as ranks
from pacer.cockpit import warm as warming
from pacer.cockpit.scope import open_scope
from pacer.web.deps import get_analysis_dep


@pytest.fixture
def analysis(figures, session, app):
    """One current engine for every request of the test, as in a running server."""
    conn = session.connection()
    current = build(conn, marker=change_marker(conn))
    app.dependency_overrides[get_analysis_dep] = lambda: current
    return current


def _no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, an answer that is not kept fails."""

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("computed again")

    for name in ("cockpit", "off_track", "outlook", "bridge", "rank"):
        monkeypatch.setattr(Engine, name, fail)


def test_the_walk_keeps_what_the_cockpit_asks_for_the_latest_month(signed_in, analysis, session, app, monkeypatch):
    grace = signed_in("grace")
    fresh = build(session.connection())  # another engine version: answers computed on request
    app.dependency_overrides[get_analysis_dep] = lambda: fresh
    expected = {code: grace.get(f"/api/cockpit/{code}").json() for code in ("G", "A")}
    app.dependency_overrides[get_analysis_dep] = lambda: analysis
    assert warming.warm(session.connection(), analysis, ["zh", "en"]) == 2 * len(warming.node_order(analysis))
    _no_engine(monkeypatch)
    for code in ("G", "A", "B", "A1"):
        for path in (
            f"/api/cockpit/{code}",
            f"/cockpit/{code}",
            f"/api/cockpit/{code}/ranking",
            f"/api/cockpit/{code}?lang=en",
            f"/cockpit/{code}?lang=en",
        ):
            assert grace.get(path).status_code == 200, path
    assert {code: grace.get(f"/api/cockpit/{code}").json() for code in ("G", "A")} == expected


def test_the_walk_reaches_no_viewer_beyond_their_grants(signed_in, analysis, session):
    warming.warm(session.connection(), analysis, ["zh"])
    victor = signed_in("victor")
    assert victor.get("/cockpit/G").status_code == 404
    assert victor.get("/api/cockpit/G/ranking").status_code == 404
    assert victor.get("/api/cockpit/B").status_code == 404
    body = victor.get("/api/cockpit/A").json()
    assert [c["code"] for c in body["children"]] == ["A1", "A2"]
    assert {r["unit"]["code"] for r in body["off_track"]} <= {"A1", "A2"}
    assert {u["code"] for u in victor.get("/api/units").json()["items"]} == {"A", "A1", "A2"}


def test_the_walk_gives_up_for_a_newer_engine_version_or_when_stopped(analysis, session):
    stale = replace(analysis, marker=analysis.marker - 1)
    assert warming.warm(session.connection(), stale, ["zh"]) == 0
    assert cache.size(stale) == 0
    assert warming.warm(session.connection(), analysis, ["zh"], stop=lambda: True) == 0
    assert cache.size(analysis) == 0


def test_the_walk_goes_on_through_changes_the_engine_does_not_hold(analysis, session):
    from pacer.auth.service import add_user

    add_user(session, "newcomer", "Newcomer", ["viewer@G"], actor="system")
    session.flush()
    assert change_marker(session.connection()) > analysis.marker  # a user and a grant, audited
    assert warming.warm(session.connection(), analysis, ["zh"]) == len(warming.node_order(analysis))
    assert cache.size(analysis) > 0


def test_the_walk_leaves_room_in_the_cache(analysis, session, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 8)
    warming.warm(session.connection(), analysis, ["zh", "en"])
    assert cache.size(analysis) <= 8 // 2 + 8  # stops once half is used (one node adds a few)


def test_the_warmer_walks_each_engine_version_once_in_the_background(analysis, session, monkeypatch):
    monkeypatch.setattr(warming, "get_analysis", lambda _: analysis)
    monkeypatch.setattr(warming.gc, "freeze", lambda: None)  # not the whole test process
    warmer = warming.Warmer(session.connection(), ["zh"], poll=0.01)
    warmer.start()
    try:
        assert warmer.walked.wait(30)
    finally:
        warmer.stop()
    assert not warmer.thread.is_alive()
    assert cache.size(analysis) > 0


def test_the_ranking_trends_are_each_month_s_own_values(analysis, session):
    """One call over twelve months gives what a call per month gives."""
    engine = analysis.engine
    for unit, period in (("G", "2025-06"), ("A", "2024-03"), ("G", "2025-12")):
        scope = open_scope(session, SYSTEM, analysis, unit, period, "zh")
        for code in ("revenue", "total_profit"):
            trends = ranks._trends(scope, code, scope.children)
            for n in scope.children:
                expected = []
                for back in range(ranks.TREND_MONTHS - 1, -1, -1):
                    t = 12 * (scope.year - analysis.data.first_year) + scope.month - 1 - back
                    if t < 0:
                        continue
                    pm = engine.measures([n], analysis.data.first_year + t // 12, t % 12 + 1, [code])
                    col = pm.column(engine.catalog.index[code])
                    expected.append(float(pm.value.number[0, col]) if pm.value.present[0, col] else None)
                got = trends[n]
                assert len(got) == len(expected)
                assert all(
                    (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b))
                    for a, b in zip(got, expected, strict=True)
                ), (unit, period, code, n)


def test_a_warmer_without_an_engine_says_so_once_and_keeps_trying(monkeypatch, caplog):
    import logging
    import time

    asked: list[int] = []

    def no_engine(_: object) -> None:
        asked.append(1)
        raise RuntimeError("no figures yet")

    monkeypatch.setattr(warming, "get_analysis", no_engine)
    warmer = warming.Warmer(None, ["zh"], poll=0.01, logger=logging.getLogger("test.warmer"))
    with caplog.at_level(logging.ERROR, logger="test.warmer"):
        warmer.start()
        deadline = time.monotonic() + 10
        while len(asked) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        warmer.stop()
    assert len(asked) >= 3
    assert not warmer.walked.is_set()
    assert len([r for r in caplog.records if r.name == "test.warmer"]) == 1
