"""The bridge: children's contributions plus the own line add up to the change exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import IndicatorDef, TreeHistory, TreeSegment

from .strategies import World, naive_monthly, worlds
from .support import YI, YUAN, engine, flow

FAST = settings(max_examples=80, deadline=None)


def engine_for(world: World):
    indicators = [IndicatorDef(f"r{r}", "flow" if f else "stock", YUAN, 2) for r, f in enumerate(world.is_flow)]
    return engine([-1] * world.n_units, indicators, world.values, world.present, history=world.history, first_year=2020)


@st.composite
def bridge_cases(draw: st.DrawFn):
    world = draw(worlds(min_months=13, max_months=30))
    node = draw(st.integers(0, world.n_units - 1))
    r = draw(st.integers(0, len(world.is_flow) - 1))
    t = draw(st.integers(12, world.n_months - 1))
    span = draw(st.sampled_from(["month", "quarter", "half", "ytd"]))
    return world, node, r, t, span, draw(st.booleans())


@FAST
@given(bridge_cases())
def test_lines_add_up_to_the_nodes_change_exactly_even_when_units_moved(case) -> None:
    world, node, r, t, span, restate = case
    e = engine_for(world)
    bridge = e.bridge(node, 2020 + t // 12, t % 12 + 1, f"r{r}", span, restate=restate)
    assert sum(line.change.scaled for line in bridge.lines) == bridge.change.scaled
    assert sum(line.current.scaled for line in bridge.lines) == bridge.current.scaled
    assert sum(line.previous.scaled for line in bridge.lines) == bridge.previous.scaled
    assert bridge.change.scaled == bridge.current.scaled - bridge.previous.scaled
    monthly, _ = naive_monthly(world, restate=restate)
    first = t - (t % 12) if span == "ytd" else t - {"month": 0, "quarter": t % 3, "half": t % 6}[span]
    if world.is_flow[r]:
        expected = sum(monthly[node, r, first : t + 1])
        expected_before = sum(monthly[node, r, first - 12 : t - 11])
    else:
        expected, expected_before = monthly[node, r, t], monthly[node, r, t - 12]
    assert bridge.current.scaled == expected
    assert bridge.previous.scaled == expected_before


def test_a_unit_that_moved_to_another_parent_leaves_a_negative_line() -> None:
    # units 1 and 2 under 0 last year; unit 2 moved under 3 this January
    before = np.array([-1, 0, 0, -1], np.int32)
    after = np.array([-1, 0, 3, -1], np.int32)
    active = np.ones(4, bool)
    history = TreeHistory((TreeSegment(0, before, active), TreeSegment(12, after, active)))
    values = np.zeros((4, 1, 13), np.int64)
    values[1, 0, [0, 12]] = [10 * YI, 12 * YI]
    values[2, 0, [0, 12]] = [5 * YI, 6 * YI]
    e = engine([-1] * 4, [flow("revenue")], values, history=history, first_year=2023)
    bridge = e.bridge(0, 2024, 1, "revenue")
    lines = {line.node: line for line in bridge.lines}
    assert bridge.change.scaled == -3 * YI
    assert lines[1].change.scaled == 2 * YI
    assert lines[2].change.scaled == -5 * YI
    assert lines[None].change.scaled == 0
    assert lines[1].share_pct == pytest.approx(-200 / 3)
    assert lines[1].contribution_pp == pytest.approx(2 / 15 * 100)
    # on today's tree last year is restated: unit 2 was never under 0
    restated = e.bridge(0, 2024, 1, "revenue", restate=True)
    assert restated.previous.scaled == 10 * YI
    assert restated.change.scaled == 2 * YI


def test_own_figures_of_the_node_form_their_own_line() -> None:
    values = np.zeros((2, 1, 13), np.int64)
    values[0, 0, [0, 12]] = [-1 * YI, -3 * YI]  # eliminations booked on the parent
    values[1, 0, [0, 12]] = [10 * YI, 14 * YI]
    e = engine([-1, 0], [flow("revenue")], values, first_year=2023)
    bridge = e.bridge(0, 2024, 1, "revenue")
    assert [line.node for line in bridge.lines] == [1, None]
    assert bridge.lines[1].change.scaled == -2 * YI
    assert bridge.change.scaled == 2 * YI


def test_a_derived_formula_that_cannot_be_read_is_refused_with_its_code() -> None:
    from .support import derived, ratio

    e = engine(
        [-1], [flow("a"), flow("b"), derived("r", ratio("a", "b"))], np.ones((1, 2, 13), np.int64), first_year=2023
    )
    with pytest.raises(ValueError, match="formula of r"):
        e.bridge(0, 2024, 1, "r")
