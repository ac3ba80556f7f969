"""Window values: YTD and period sums of flows, balances of stocks, derived indicators evaluated
after aggregation."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import IndicatorDef, TreeHistory
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.tree import TreeTimeline
from pacer.analysis.core.windows import Window, evaluate_windows, span_months

from .strategies import World, naive_monthly, worlds
from .support import YUAN, StandIn, derived, ratio, ratio_to_average, total

FAST = settings(max_examples=60, deadline=None)


def indicators_for(world: World) -> list[IndicatorDef]:
    return [IndicatorDef(f"r{r}", "flow" if f else "stock", YUAN, 2) for r, f in enumerate(world.is_flow)]


def setup(world: World, extra: list[IndicatorDef]) -> tuple[Cube, IndicatorCatalog]:
    catalog = IndicatorCatalog(indicators_for(world) + extra)
    cube = Cube(world.facts(), TreeTimeline(world.history, world.n_months), world.is_flow)
    return cube, catalog


@st.composite
def world_and_window(draw: st.DrawFn) -> tuple[World, Window, str]:
    world = draw(worlds(min_months=1, max_months=30))
    span = draw(st.sampled_from(["month", "quarter", "half", "ytd", "year"]))
    year = draw(st.integers(0, (world.n_months - 1) // 12))
    last_allowed = min(12, world.n_months - 12 * year)
    month = draw(st.integers(1, 12 if span == "year" else last_allowed))
    return world, Window.span(year, span, month), span


@FAST
@given(world_and_window())
def test_flows_sum_their_months_and_stocks_take_the_last_balance(
    case: tuple[World, Window, str],
) -> None:
    world, window, _ = case
    cube, catalog = setup(world, [])
    n = world.n_units
    got = evaluate_windows(cube, catalog, np.arange(n), np.arange(len(catalog)), [window])[0]
    monthly, count = naive_monthly(world)
    if window.last >= world.n_months:
        assert not got.present.any()
        return
    months = slice(window.first, window.last + 1)
    for r, flow in enumerate(world.is_flow):
        expected = monthly[:, r, months].sum(axis=1) if flow else monthly[:, r, window.last]
        seen = count[:, r, months].any(axis=1) if flow else count[:, r, window.last] > 0
        assert got.scaled[:, r].tolist() == [int(x) for x in expected]
        assert got.present[:, r].tolist() == seen.tolist()
        assert np.allclose(got.number[seen, r], got.scaled[seen, r] / 100)


@FAST
@given(worlds(min_months=1, max_months=26))
def test_a_derived_ratio_is_the_ratio_of_the_consolidated_sums(world: World) -> None:
    num, den = "r0", f"r{len(world.is_flow) - 1}"
    cube, catalog = setup(world, [derived("ratio", ratio(num, den))])
    t = world.n_months - 1
    window = Window.of(t // 12, 1, t % 12 + 1)
    got = evaluate_windows(cube, catalog, np.arange(world.n_units), np.arange(len(catalog)), [window])[0]
    monthly, _ = naive_monthly(world)

    def consolidated(r: int) -> np.ndarray:
        if world.is_flow[r]:
            return monthly[:, r, window.first : t + 1].sum(axis=1)
        return monthly[:, r, t]

    a, b = consolidated(0), consolidated(len(world.is_flow) - 1)
    for node in range(world.n_units):
        value = got.number[node, -1]
        if not (got.present[node, 0] and got.present[node, len(world.is_flow) - 1]) or b[node] == 0:
            assert math.isnan(value)
            assert not got.present[node, -1]
        else:
            assert value == pytest.approx(a[node] / b[node] * 100, rel=1e-12)
            # exact expectation; the engine divides in float64, so allow its rounding of
            # the quotient (a few units in the last place) on top of the half-unit rounding
            exact = Fraction(int(a[node]) * 10000, int(b[node]))
            assert abs(int(got.scaled[node, -1]) - exact) <= Fraction(1, 2) + abs(exact) / 2**50


def test_a_group_ratio_is_not_the_average_of_unit_ratios() -> None:
    # unit 1: 40 / 100 = 40 %, unit 2: 1 / 10 = 10 %; group 41 / 110 = 37.27 %, not 25 %
    world = World(
        TreeHistory.constant([-1, 0, 0]),
        np.array([[[0], [0]], [[40], [100]], [[1], [10]]], np.int64),
        np.ones((3, 2, 1), bool),
        np.array([True, True]),
    )
    cube, catalog = setup(world, [derived("share", ratio("r0", "r1"))])
    got = evaluate_windows(cube, catalog, np.array([0]), np.arange(3), [Window.of(0, 1, 1)])[0]
    assert got.number[0, 2] == pytest.approx(41 / 110 * 100)
    assert got.scaled[0, 2] == 3727


def test_avg_uses_the_previous_december_as_opening_balance() -> None:
    # equity 100 at Dec of year 0, 140 in March of year 1; profit 3 a month
    values = np.zeros((1, 2, 15), np.int64)
    values[0, 0] = 3
    values[0, 1, :12] = 100
    values[0, 1, 12:] = 140
    world = World(TreeHistory.constant([-1]), values, np.ones(values.shape, bool), np.array([True, False]))
    cube, catalog = setup(world, [derived("roe", ratio_to_average("r0", "r1"))])
    got = evaluate_windows(cube, catalog, np.array([0]), np.arange(3), [Window.span(1, "ytd", 3)])[0]
    assert got.number[0, 2] == pytest.approx(9 / 120 * 100)


def test_opening_of_a_flow_is_missing_so_a_formula_misusing_it_yields_no_value() -> None:
    values = np.ones((1, 1, 14), np.int64)
    world = World(TreeHistory.constant([-1]), values, np.ones(values.shape, bool), np.array([True]))
    bad = StandIn(frozenset({"r0"}), lambda v, o: o["r0"] + v["r0"])
    cube, catalog = setup(world, [derived("bad", bad, unit="yuan")])
    got = evaluate_windows(cube, catalog, np.array([0]), np.arange(2), [Window.of(1, 1, 2)])[0]
    assert not got.present[0, 1]


def test_derived_of_derived_is_evaluated_in_dependency_order() -> None:
    values = np.array([[[30], [20], [100]]], np.int64)
    world = World(TreeHistory.constant([-1]), values, np.ones(values.shape, bool), np.array([False, False, True]))
    extra = [
        derived("ratio", ratio("two_funds", "r2")),  # listed before what it uses
        derived("two_funds", total("r0", "r1"), unit="yuan"),
    ]
    cube, catalog = setup(world, extra)
    got = evaluate_windows(cube, catalog, np.array([0]), np.arange(5), [Window.of(0, 1, 1)])[0]
    assert got.number[0, 4] == pytest.approx(0.5)
    assert got.number[0, 3] == pytest.approx(50.0)


def test_a_circular_formula_is_refused() -> None:
    with pytest.raises(ValueError, match="circular"):
        IndicatorCatalog([derived("a", ratio("b", "b")), derived("b", ratio("a", "a"))])


@pytest.mark.parametrize(
    ("span", "month", "expected"),
    [
        ("month", 5, (5, 5)),
        ("quarter", 5, (4, 5)),
        ("quarter", 6, (4, 6)),
        ("half", 5, (1, 5)),
        ("half", 9, (7, 9)),
        ("ytd", 9, (1, 9)),
        ("year", 3, (1, 12)),
    ],
)
def test_spans_run_from_their_first_month_to_the_given_month(span: str, month: int, expected: tuple[int, int]) -> None:
    assert span_months(span, month) == expected
