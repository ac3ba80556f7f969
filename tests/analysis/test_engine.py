"""The engine facade: history, ranking lists, off-track lists, keeping current, restating."""

from __future__ import annotations

import numpy as np
import pytest

from pacer.analysis import ChangeKind, Status, TreeHistory, TreeSegment

from .support import YI, derived, engine, flow, ratio, stock, targets_for

INDICATORS = [flow("revenue"), stock("assets"), derived("margin", ratio("revenue", "assets"))]


def small_group(**kw):
    values = np.zeros((4, 2, 24), np.int64)
    values[1, 0] = 10 * YI
    values[2, 0] = 20 * YI
    values[3, 0, :12] = 5 * YI
    values[3, 0, 12:] = 3 * YI
    values[1:, 1] = 100 * YI
    return engine([-1, 0, 0, 0], INDICATORS, values, first_year=2023, **kw)


def test_history_lists_every_month_with_ytd_and_yoy() -> None:
    rows = small_group().history(0, "revenue").rows()
    assert len(rows) == 24
    assert (rows[0].year, rows[0].month) == (2023, 1)
    assert rows[2].ytd is not None
    assert rows[2].ytd.scaled == 3 * 35 * YI
    assert rows[14].ytd_last_year is not None
    assert rows[14].ytd_last_year.scaled == 105 * YI
    assert rows[14].yoy.kind is ChangeKind.PERCENT
    assert rows[14].yoy.percent == pytest.approx(-2 / 35 * 100)
    assert rows[12].mom.change_scaled == -2 * YI
    assert rows[0].yoy.kind is ChangeKind.NO_DATA


def test_history_of_a_derived_ratio_is_evaluated_per_period() -> None:
    rows = small_group().history(0, "margin").rows()
    assert rows[11].ytd is not None
    assert rows[11].ytd.number == pytest.approx(35 * 12 / 300 * 100)
    assert rows[23].yoy.kind is ChangeKind.PP


def test_rank_any_list_of_nodes_with_spread() -> None:
    ranking = small_group().rank("revenue", 2024, 3, nodes=[3, 1, 2], measure="yoy")
    assert [r.node for r in ranking.rows] == [1, 2, 3]
    assert [r.rank for r in ranking.rows] == [1, 1, 3]
    assert ranking.rows[2].measure == pytest.approx(-40.0)
    assert ranking.dispersion.n_values == 3
    assert ranking.dispersion.min == pytest.approx(-40.0)


def test_rank_needs_nodes_or_a_parent() -> None:
    with pytest.raises(ValueError, match="either nodes or parent"):
        small_group().rank("revenue", 2024, 3)


def test_off_track_lists_children_behind_their_targets_worst_first() -> None:
    targets = targets_for(
        4,
        INDICATORS,
        2023,
        2,
        {
            (1, "revenue", 2024): (100 * YI, None),  # 30 of 100 at a quarter: on track
            (2, "revenue", 2024): (300 * YI, None),  # 60 of 300: 20 % vs 25 %: watch
            (3, "revenue", 2024): (200 * YI, None),  # 9 of 200: off track
        },
    )
    rows = small_group(targets=targets).off_track(0, 2024, 3)
    assert [(r.node, r.status) for r in rows] == [(3, Status.OFF_TRACK), (2, Status.WATCH)]
    assert rows[1].gap_pp == pytest.approx(-5.0)


def test_apply_keeps_every_ancestor_current_in_both_views() -> None:
    history = TreeHistory(
        (
            TreeSegment(0, np.array([-1, 0, 0, 0], np.int32), np.ones(4, bool)),
            TreeSegment(12, np.array([-1, 0, 0, 2], np.int32), np.ones(4, bool)),
        )
    )
    live = small_group(history=history)
    live.cube(restate=True)
    live.apply(3, 2023, 6, np.array([7 * YI, 1 * YI]), np.array([True, False]))
    live.apply(3, 2024, 2, np.array([9 * YI, 4 * YI]), np.array([True, True]))
    rebuilt = engine([-1] * 4, INDICATORS, live.facts.dense(), live.facts.present, history=history, first_year=2023)
    for restate in (False, True):
        assert np.array_equal(live.cube(restate).dense()[0], rebuilt.cube(restate).dense()[0])
        assert np.array_equal(live.cube(restate).dense()[1], rebuilt.cube(restate).dense()[1])
    assert live.cockpit(0, 2023, 6).row("revenue").value.scaled == 37 * YI


def test_rebuild_recomputes_from_the_facts() -> None:
    e = small_group()
    e.facts.record(np.array([1]), np.array([0]), np.array([0]), np.array([11 * YI]))
    e.rebuild()
    assert e.cockpit(0, 2023, 1).row("revenue").value.scaled == 36 * YI


def test_restated_cockpit_compares_last_year_on_todays_tree() -> None:
    history = TreeHistory(
        (
            TreeSegment(0, np.array([-1, 0, 0, -1], np.int32), np.array([1, 1, 1, 0], bool)),
            TreeSegment(12, np.array([-1, 0, 0, 0], np.int32), np.ones(4, bool)),
        )
    )
    e = small_group(history=history)
    as_was = e.cockpit(0, 2024, 1).row("revenue")
    restated = e.cockpit(0, 2024, 1, restate=True).row("revenue")
    assert as_was.ytd_last_year.scaled == 30 * YI
    assert restated.ytd_last_year.scaled == 35 * YI
    assert e.children(0, 2023, 1) == [1, 2]
    assert e.children(0, 2023, 1, restate=True) == [1, 2, 3]


def test_engine_refuses_inputs_that_disagree_in_size() -> None:
    with pytest.raises(ValueError, match="disagree"):
        engine([-1, 0], INDICATORS, np.zeros((3, 2, 12), np.int64))


def test_lower_is_better_indicators_rank_the_smallest_first() -> None:
    inds = [flow("cost", "lower")]
    values = np.zeros((3, 1, 12), np.int64)
    values[1, 0], values[2, 0] = 5 * YI, 3 * YI
    ranking = engine([-1, 0, 0], inds, values, first_year=2023).rank("cost", 2023, 6, parent=0, measure="ytd")
    assert ranking.descending is False
    assert [r.node for r in ranking.rows] == [2, 1]


def test_seasonal_progress_skips_a_reference_year_with_a_month_missing() -> None:
    values = np.zeros((1, 2, 30), np.int64)
    values[0, 0] = 10 * YI
    present = np.ones(values.shape, bool)
    present[0, 0, 3] = False  # April 2023 never reported: 2023 is not a usable profile
    targets = targets_for(1, INDICATORS, 2023, 3, {(0, "revenue", 2024): (120 * YI, None)})
    e = engine([-1], INDICATORS, values, present, targets=targets, first_year=2023)
    row = e.cockpit(0, 2024, 6, ["revenue"], time_basis="seasonal").row("revenue")
    assert row.time_basis == "linear"
    values[0, 0, 0:6] = 5 * YI  # a complete 2023 with a light first half
    e = engine([-1], INDICATORS, values, targets=targets, first_year=2023)
    row = e.cockpit(0, 2024, 6, ["revenue"], time_basis="seasonal").row("revenue")
    assert row.time_basis == "history"
    assert row.time_progress_pct == pytest.approx(30 / 90 * 100)
