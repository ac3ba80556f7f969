"""Only parents are stored: a leaf's figures are read from its own facts, and every answer is the
same whether a unit is a leaf, becomes a parent when the tree changes, moves between parents,
has eliminations booked on it or has a month accepted."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from pacer.analysis import TreeHistory, TreeSegment
from pacer.analysis.core.planes import KEPT

from .strategies import World
from .test_eliminations import Case, naive
from .test_growth import truncated

FIRST_YEAR = 2020
MONTHS = 24
IS_FLOW = np.array([True, False])  # a flow and a stock


def history() -> TreeHistory:
    """0 the group; 1 and 2 under it; 3 and 4 under 1. From August 2020 unit 3 moves under 2
    (2, a leaf until then, becomes a parent); from April 2021 unit 4 leaves the group."""
    parent = np.array([-1, 0, 0, 1, 1], np.int32)
    moved = parent.copy()
    moved[3] = 2
    every, without_4 = np.ones(5, bool), np.array([True, True, True, True, False])
    return TreeHistory((TreeSegment(0, parent, every), TreeSegment(7, moved, every), TreeSegment(15, moved, without_4)))


def case(entries: list[tuple[int, int, int, int]] | None = None) -> Case:
    rng = np.random.default_rng(16)
    values = rng.integers(-(10**9), 10**9, size=(5, 2, MONTHS), dtype=np.int64)
    present = rng.random((5, 2, MONTHS)) > 0.2
    return Case(World(history(), values, present, IS_FLOW), entries or [])


def year_to_date(monthly: np.ndarray, is_flow: np.ndarray = IS_FLOW) -> np.ndarray:
    """Flows summed from January, stocks as they are (what the cube's points hold)."""
    out = monthly.copy()
    for t in range(out.shape[2]):
        if t % 12:
            out[:, is_flow, t] += out[:, is_flow, t - 1]
    return out


def assert_answers_the_walk(e, c: Case) -> None:
    for restate in (False, True):
        total, count = naive(c, restate)
        ytd, seen = e.cube(restate).dense()
        assert ytd.tolist() == year_to_date(total).tolist()
        assert seen.tolist() == year_to_date(count).tolist()
        values, present = e.cube(restate).monthly(np.arange(5), np.arange(2), 0, MONTHS)
        assert values.tolist() == total.tolist()
        assert present.tolist() == (count > 0).tolist()


def test_only_parents_are_stored_and_a_leaf_that_becomes_one_is_among_them() -> None:
    e = case().engine()
    assert e.cube().parents.tolist() == [0, 1, 2]  # 2 is a parent from August 2020
    assert e.cube().ytd.shape == (3, 2, MONTHS)
    assert e.cube(restate=True).parents.tolist() == [0, 2]  # today 1 has no child left
    assert_answers_the_walk(e, case())


def test_a_unit_moved_between_parents_counts_under_each_in_its_own_months() -> None:
    c = case()
    e = c.engine()
    own = np.where(c.world.present, c.world.values, 0)
    december = 11
    ytd, _ = e.cube().points(np.array([1, 2, 3]), np.array([0]), np.array([december]))
    year = own[:, 0, :12]
    assert ytd[0, 0, 0] == year[1].sum() + year[3, :7].sum() + year[4].sum()
    assert ytd[1, 0, 0] == year[2].sum() + year[3, 7:].sum()
    assert ytd[2, 0, 0] == year[3].sum()  # the leaf itself, read from its facts
    restated, _ = e.cube(restate=True).points(np.array([2]), np.array([0]), np.array([december]))
    assert restated[0, 0, 0] == year[2].sum() + year[3].sum()  # today's tree in every month


def test_eliminations_on_a_leaf_leave_it_and_its_ancestors_and_not_in_months_it_is_outside() -> None:
    # on leaf 3 under 1 (March 2020) and under 2 (October 2020); on leaf 4 after it left (May 2021)
    entries = [(3, 0, 2, 5_000), (3, 1, 9, -700), (4, 0, 16, 9_999)]
    c = case(entries)
    e = c.engine()
    plain = case().engine()
    before, _ = plain.cube().points(np.array([0, 1, 2, 3, 4]), np.array([0]), np.array([2, 16]))
    after, _ = e.cube().points(np.array([0, 1, 2, 3, 4]), np.array([0]), np.array([2, 16]))
    assert (before - after)[:, 0, 0].tolist() == [5_000, 5_000, 0, 5_000, 0]
    assert (before - after)[:, 0, 1].tolist() == [0, 0, 0, 0, 0]  # 4 was outside the group
    assert_answers_the_walk(e, c)


def test_a_month_accepted_on_a_leaf_and_its_eliminations_changed_equal_a_rebuild() -> None:
    c = case([(3, 0, 4, 123)])
    e = c.engine()
    e.cube(restate=True)  # both views kept current
    values, present = c.world.values.copy(), c.world.present.copy()
    new = np.array([77_000, 1_234], np.int64)
    e.apply(3, 2020, 5, new, np.array([True, True]))
    values[3, :, 4], present[3, :, 4] = new, True
    e.eliminate(3, 2020, 5, np.array([0, 50], np.int64))  # replaces the month's entries
    e.eliminate(2, 2021, 2, np.array([40, 0], np.int64))  # a node stored in the as-was view
    final = Case(World(history(), values, present, IS_FLOW), [(3, 1, 4, 50), (2, 0, 13, 40)])
    assert_answers_the_walk(e, final)
    rebuilt = final.engine()
    for restate in (False, True):
        assert np.array_equal(e.cube(restate).ytd, rebuilt.cube(restate).ytd)
        assert np.array_equal(e.cube(restate).seen, rebuilt.cube(restate).seen)


@pytest.mark.parametrize("held", [3, 7, 12])
def test_an_engine_grown_past_the_month_a_leaf_becomes_a_parent_equals_one_built_whole(held: int) -> None:
    c = case([(2, 0, 1, 10), (3, 0, 8, 20)])
    old = truncated(c, held).engine()
    old.cube(restate=True)
    assert (2 in old.cube().parents.tolist()) == (held > 7)
    grown = old.resized(MONTHS, c.world.history, None)
    units = np.repeat(np.arange(5), MONTHS - held)
    months = np.tile(np.arange(held, MONTHS), 5)
    grown.replace_months(
        units,
        months,
        c.world.values[units, :, months],
        c.world.present[units, :, months],
        {(u, t): np.array([v, 0], np.int64) for u, _, t, v in c.entries if t >= held},
    )
    assert grown.cube().parents.tolist() == [0, 1, 2]
    assert_answers_the_walk(grown, c)


def test_wide_reads_of_leaves_kept_as_month_planes_stay_exact_through_changes() -> None:
    # 150 leaves x 170 indicators: wide enough for a read of every leaf to make month planes
    n, r = 151, 170
    rng = np.random.default_rng(17)
    is_flow = np.arange(r) % 3 != 0
    values = rng.integers(-(10**9), 10**9, size=(n, r, MONTHS), dtype=np.int64)
    present = rng.random((n, r, MONTHS)) > 0.1
    parent = np.r_[-1, np.zeros(n - 1, int)].astype(np.int32)
    gone = np.ones(n, bool)
    gone[5] = False  # leaf 5 leaves the group from month 15
    tree = TreeHistory((TreeSegment(0, parent, np.ones(n, bool)), TreeSegment(15, parent, gone)))
    c = Case(World(tree, values, present, is_flow), [(9, 0, 13, 700), (9, 1, 14, -30)])
    e = c.engine()
    leaves, months = np.arange(1, n), np.array([3, 11, 13, 14, 16, 23])

    def expected() -> tuple[np.ndarray, np.ndarray]:
        active = np.ones((n, 1, MONTHS), bool)
        active[5, :, 15:] = False
        own = np.where(present & active, values, 0)
        for u, k, t, v in c.entries:
            own[u, k, t] -= v
        count = (present & active).astype(np.int64)
        return year_to_date(own, is_flow)[leaves][..., months], year_to_date(count, is_flow)[leaves][..., months]

    for _ in range(2):  # the first read makes the planes, the second reads them
        ytd, seen = e.cube().points(leaves, None, months)
        assert ytd.tolist() == expected()[0].tolist()
        assert seen.tolist() == expected()[1].tolist()
    assert all(e.cube()._planes.get(int(m)) is not None for m in months[-KEPT:])
    e.apply(7, 2021, 2, np.full(r, 5, np.int64), np.ones(r, bool))  # into the planes of 13..23
    values[7, :, 13], present[7, :, 13] = 5, True
    e.eliminate(9, 2021, 3, np.r_[np.array([0, 0, 11]), np.zeros(r - 3, np.int64)])
    c.entries[1:] = [(9, 2, 14, 11)]
    e.apply(5, 2021, 5, np.full(r, 9, np.int64), np.ones(r, bool))  # outside the group: nothing
    values[5, :, 16], present[5, :, 16] = 9, True
    ytd, seen = e.cube().points(leaves, None, months)
    assert ytd.tolist() == expected()[0].tolist()
    assert seen.tolist() == expected()[1].tolist()
    copied = pickle.loads(pickle.dumps(e, protocol=5))  # as a snapshot holds the engine
    assert copied.cube()._planes.get(int(months[-1])) is None  # no plane travels with it
    assert copied.cube().points(leaves, None, months)[0].tolist() == expected()[0].tolist()
    e.rebuild()  # drops the planes; they are made again
    assert e.cube().points(leaves, None, months)[0].tolist() == expected()[0].tolist()
