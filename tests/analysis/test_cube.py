"""Consolidation: exact sums over effective-dated trees, year-to-date storage, incremental apply."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import TreeHistory, TreeSegment
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.tree import Tree, TreeTimeline

from .strategies import World, naive_monthly, segment_at, worlds

FAST = settings(max_examples=60, deadline=None)


def cube_of(world: World, restate: bool = False) -> Cube:
    timeline = TreeTimeline(world.history, world.n_months, restate=restate)
    return Cube(world.facts(), timeline, world.is_flow)


def monthly(cube: Cube) -> tuple[np.ndarray, np.ndarray]:
    n, r, t = cube.facts.shape
    return cube.monthly(np.arange(n), np.arange(r), 0, t)


@FAST
@given(worlds())
def test_every_node_is_its_own_figures_plus_its_subtree_under_that_months_tree(
    world: World,
) -> None:
    values, present = monthly(cube_of(world))
    expected, count = naive_monthly(world)
    assert values.tolist() == expected.tolist()
    assert present.tolist() == (count > 0).tolist()


@FAST
@given(worlds())
def test_parent_equals_own_plus_children_at_every_month(world: World) -> None:
    cube = cube_of(world)
    values, _ = monthly(cube)
    own = np.where(world.present, world.values, 0)
    for t in range(world.n_months):
        seg = segment_at(world.history, t)
        for node in np.flatnonzero(seg.active):
            kids = np.flatnonzero((seg.parent == node) & seg.active)
            expected = own[node, :, t] + values[kids, :, t].sum(axis=0)
            assert values[node, :, t].tolist() == expected.tolist()


@FAST
@given(worlds(max_months=40))
def test_flows_are_stored_year_to_date_and_stocks_as_balances(world: World) -> None:
    cube = cube_of(world)
    values, _ = monthly(cube)
    for t in range(world.n_months):
        january = t - t % 12
        ytd = values[:, :, january : t + 1].sum(axis=2)
        expected = np.where(world.is_flow, ytd, values[:, :, t])
        assert cube.dense()[0][:, :, t].tolist() == expected.tolist()


@FAST
@given(worlds())
def test_restated_history_equals_consolidating_every_month_with_the_latest_tree(
    world: World,
) -> None:
    latest = world.history.segments[-1]
    today_only = World(
        TreeHistory((TreeSegment(0, latest.parent, latest.active),)), world.values, world.present, world.is_flow
    )
    restated, plain = cube_of(world, restate=True), cube_of(today_only)
    assert np.array_equal(restated.dense()[0], plain.dense()[0])
    assert np.array_equal(restated.dense()[1], plain.dense()[1])
    expected, _ = naive_monthly(world, restate=True)
    assert monthly(restated)[0].tolist() == expected.tolist()


@st.composite
def worlds_with_updates(draw: st.DrawFn) -> tuple[World, list]:
    world = draw(worlds())
    n, r, t = world.values.shape
    updates = []
    for _ in range(draw(st.integers(1, 12))):
        unit, month = draw(st.integers(0, n - 1)), draw(st.integers(0, t - 1))
        values = np.array(draw(st.lists(st.integers(-(10**12), 10**12), min_size=r, max_size=r)), dtype=np.int64)
        present = np.array(draw(st.lists(st.booleans(), min_size=r, max_size=r)))
        updates.append((unit, month, values, present))
    return world, updates


@FAST
@given(worlds_with_updates())
def test_applying_submissions_one_by_one_equals_a_full_rebuild(case: tuple[World, list]) -> None:
    world, updates = case
    live = cube_of(world)
    restated = Cube(live.facts, TreeTimeline(world.history, world.n_months, restate=True), world.is_flow)
    for unit, month, values, present in updates:
        dv, dc = live.apply(unit, month, values, present)
        restated.propagate(unit, month, dv, dc)
    fresh = World(world.history, live.facts.dense(), live.facts.present.copy(), world.is_flow)
    rebuilt, rebuilt_restated = cube_of(fresh), cube_of(fresh, restate=True)
    assert np.array_equal(live.dense()[0], rebuilt.dense()[0])
    assert np.array_equal(live.dense()[1], rebuilt.dense()[1])
    assert np.array_equal(restated.dense()[0], rebuilt_restated.dense()[0])
    assert np.array_equal(restated.dense()[1], rebuilt_restated.dense()[1])


def test_absent_figures_are_not_consolidated_even_if_the_array_holds_a_number() -> None:
    world = World(
        TreeHistory.constant([-1, 0]),
        np.array([[[5]], [[7]]], np.int64),
        np.array([[[True]], [[False]]]),
        np.array([True]),
    )
    cube = cube_of(world)
    assert cube.dense()[0][0, 0, 0] == 5
    assert cube.dense()[1][1, 0, 0] == 0


def test_figures_of_a_unit_outside_that_months_tree_are_kept_but_not_consolidated() -> None:
    history = TreeHistory(
        (
            TreeSegment(0, np.array([-1, 0], np.int32), np.array([True, False])),
            TreeSegment(1, np.array([-1, 0], np.int32), np.array([True, True])),
        )
    )
    world = World(history, np.full((2, 1, 2), 10, np.int64), np.ones((2, 1, 2), bool), np.array([False]))
    cube = cube_of(world)
    assert cube.dense()[0][0, 0].tolist() == [10, 20]
    assert cube.facts.dense()[1, 0, 0] == 10


def test_a_tree_with_a_cycle_is_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        Tree(np.array([1, 0], np.int32), np.array([True, True]))


def test_an_active_unit_under_an_inactive_parent_is_refused() -> None:
    with pytest.raises(ValueError, match="inactive parent"):
        Tree(np.array([-1, 0], np.int32), np.array([False, True]))


def test_tree_history_must_start_at_month_zero_and_increase() -> None:
    seg = TreeSegment(1, np.array([-1], np.int32), np.array([True]))
    with pytest.raises(ValueError, match="month 0"):
        TreeHistory((seg,))
    zero = TreeSegment(0, seg.parent, seg.active)
    with pytest.raises(ValueError, match="increase"):
        TreeHistory((zero, zero))
