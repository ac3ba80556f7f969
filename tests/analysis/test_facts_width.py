"""Facts held as int32 where a unit's indicator fits, int64 where not: exact either way, sums
past 32 bits exact, and a figure that does not fit widens its unit and indicator, whenever it
arrives."""

from __future__ import annotations

import numpy as np
import pytest

from pacer.analysis import Facts
from pacer.analysis.load.source import DenseFacts
from tests.analysis.support import engine, flow, stock

TOP = 2**31 - 1  # the largest int32
BOTTOM = -(2**31)
INDICATORS = (flow("revenue"), stock("assets"))


def test_figures_at_the_int32_limits_stay_narrow_and_one_past_widens_only_that_unit_and_indicator() -> None:
    values = np.zeros((3, 2, 4), dtype=np.int64)
    values[0, 0, :] = [TOP, BOTTOM, 5, -5]
    values[1, 1, 2] = TOP + 1
    values[2, 0, 3] = BOTTOM - 1
    facts = Facts(values.copy(), np.ones(values.shape, dtype=bool))
    assert facts.narrow.dtype == np.int32
    assert facts.wide_at[0, 0] == -1
    assert sorted(zip(facts.wide_unit.tolist(), facts.wide_r.tolist(), strict=True)) == [(1, 1), (2, 0)]
    assert (facts.narrow[1, 1] == 0).all()
    assert (facts.narrow[2, 0] == 0).all()
    assert np.array_equal(facts.dense(), values)
    assert facts.value(1, 1, 2) == TOP + 1
    assert facts.value(0, 0, 1) == BOTTOM
    ix = np.array([2, 0, 1])
    assert np.array_equal(facts.take(ix, np.array([1, 0]), slice(1, 4)), values[ix][:, [1, 0], 1:4])


def test_sums_past_int32_are_exact() -> None:
    # three leaves at the int32 limit every month: the group's month, YTD and balance pass it
    values = np.zeros((4, 2, 12), dtype=np.int64)
    values[1:, :, :] = TOP
    e = engine([-1, 0, 0, 0], INDICATORS, values, first_year=2024)
    assert e.facts.wide_unit.size == 0  # every figure fits: nothing widened
    march = e.cockpit(0, 2024, 3)
    assert march.row("revenue").value.scaled == 3 * TOP
    assert march.row("revenue").ytd.scaled == 9 * TOP
    assert march.row("assets").value.scaled == 3 * TOP
    assert e.cockpit(0, 2024, 12).row("revenue").ytd.scaled == 36 * TOP
    assert e.cockpit(1, 2024, 12).row("revenue").ytd.scaled == 12 * TOP  # a leaf's own, summed


def test_a_later_month_that_does_not_fit_widens_its_block_and_agrees_with_a_rebuild() -> None:
    values = np.full((4, 2, 24), 1_000, dtype=np.int64)
    live = engine([-1, 0, 0, 1], INDICATORS, values, first_year=2024)
    live.cube(True)  # both views kept current
    assert live.facts.wide_unit.size == 0
    big = np.array([2**40, -(2**35)], dtype=np.int64)
    live.apply(3, 2025, 2, big, np.ones(2, dtype=bool))  # a leaf under a parent under the root
    assert live.facts.wide_at[3, 0] >= 0
    assert live.facts.wide_at[3, 1] >= 0
    assert live.facts.wide_at[2, 0] == -1  # its sibling's figures stay narrow
    values[3, :, 13] = big
    fresh = engine([-1, 0, 0, 1], INDICATORS, values, first_year=2024)
    for restate in (False, True):
        for a, b in zip(live.cube(restate).dense(), fresh.cube(restate).dense(), strict=True):
            assert np.array_equal(a, b)
    assert live.cockpit(0, 2025, 3).row("revenue").ytd.scaled == 2**40 + 11 * 1_000
    assert live.cockpit(0, 2025, 2).row("assets").value.scaled == -(2**35) + 3 * 1_000
    # a figure that fits, arriving for a widened unit and indicator, is kept in its wide row
    live.apply(3, 2025, 2, np.array([7, 8], dtype=np.int64), np.ones(2, dtype=bool))
    assert live.facts.value(3, 0, 13) == 7
    assert live.facts.narrow[3, 0, 13] == 0
    assert live.cockpit(0, 2025, 2).row("revenue").value.scaled == 7 + 3 * 1_000


def test_many_months_replaced_at_once_widen_what_does_not_fit() -> None:
    values = np.full((4, 2, 24), 1_000, dtype=np.int64)
    live = engine([-1, 0, 0, 1], INDICATORS, values, first_year=2024)
    rows = np.array([[TOP, 5], [TOP + 2, BOTTOM - 3]], dtype=np.int64)
    live.replace_months(np.array([2, 3]), np.array([5, 17]), rows, np.ones(rows.shape, dtype=bool))
    values[2, :, 5], values[3, :, 17] = rows
    assert live.facts.wide_at[2, 0] == -1
    assert live.facts.wide_at[3, 0] >= 0
    assert live.facts.wide_at[3, 1] >= 0
    assert np.array_equal(live.facts.dense(), values)
    fresh = engine([-1, 0, 0, 1], INDICATORS, values, first_year=2024)
    for a, b in zip(live.cube().dense(), fresh.cube().dense(), strict=True):
        assert np.array_equal(a, b)
    grown = live.resized(36, live.tree_history, live.targets)  # a new year: the wide rows go along
    assert np.array_equal(grown.facts.dense()[:, :, :24], values)
    assert grown.cockpit(0, 2025, 12).row("revenue").ytd.scaled == fresh.cockpit(0, 2025, 12).row("revenue").ytd.scaled


def test_the_loader_widens_a_unit_and_indicator_whatever_the_order_of_batches() -> None:
    unit_ix = np.array([-1, 0, 1])  # database ids 1, 2
    d = DenseFacts(unit_ix, np.array([-1, 0, 1]), 2)
    d.add(*(np.array(c, dtype=np.int64) for c in ([1, 2], [1, 1], [202402, 202402], [3, 4])))
    d.add(*(np.array(c, dtype=np.int64) for c in ([1], [2], [202403], [2**45])))
    d.add(*(np.array(c, dtype=np.int64) for c in ([1, 1], [2, 1], [202311, 202312], [9, 2**33])))  # earlier months
    facts = d.facts(2023, 15)
    expected = np.zeros((2, 2, 15), dtype=np.int64)
    expected[0, 0, 13], expected[1, 0, 13], expected[0, 1, 14] = 3, 4, 2**45
    expected[0, 1, 10], expected[0, 0, 11] = 9, 2**33
    assert np.array_equal(facts.dense(), expected)
    assert facts.present.sum() == 5
    assert facts.wide_at[0, 0] >= 0
    assert facts.wide_at[0, 1] >= 0
    assert facts.wide_at[1, 0] == -1


def test_facts_of_another_integer_width_are_refused() -> None:
    with pytest.raises(TypeError, match="int64 or int32"):
        Facts(np.zeros((1, 1, 1), dtype=np.int16), np.ones((1, 1, 1), dtype=bool))
