"""Elimination entries: a node is its own figures plus its children less the intra-group amounts
booked on it, in both views of the org history, kept current incrementally, and bridged."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import Eliminations, IndicatorDef, TreeHistory, TreeSegment

from .strategies import AMOUNT, World, naive_monthly, segment_at, worlds
from .support import YI, YUAN, engine, flow, stock

FAST = settings(max_examples=60, deadline=None)
FIRST_YEAR = 2020


@dataclass
class Case:
    world: World
    entries: list[tuple[int, int, int, int]]  # unit, reported position, month, value

    def eliminations(self) -> Eliminations:
        if not self.entries:
            return Eliminations.none()
        return Eliminations(*(np.array(c, dtype=np.int64) for c in zip(*self.entries, strict=True)))

    def engine(self):
        indicators = [
            IndicatorDef(f"r{r}", "flow" if f else "stock", YUAN, 2) for r, f in enumerate(self.world.is_flow)
        ]
        return engine(
            [-1] * self.world.n_units,
            indicators,
            self.world.values,
            self.world.present,
            history=self.world.history,
            first_year=FIRST_YEAR,
            eliminations=self.eliminations(),
        )


@st.composite
def cases(draw: st.DrawFn, min_months: int = 1, max_entries: int = 8) -> Case:
    world = draw(worlds(min_months=min_months))
    entry = st.tuples(
        st.integers(0, world.n_units - 1),
        st.integers(0, len(world.is_flow) - 1),
        st.integers(0, world.n_months - 1),
        st.integers(-AMOUNT, AMOUNT),
    )
    # repeated cells are drawn on purpose: entries on one cell add up
    return Case(world, draw(st.lists(entry, max_size=max_entries)))


def naive(case: Case, restate: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Monthly consolidated values less every entry taken off its unit and the unit's ancestors
    in the tree of its month, walked one entry at a time; counts as without eliminations."""
    total, count = naive_monthly(case.world, restate)
    for unit, r, t, value in case.entries:
        seg = case.world.history.segments[-1] if restate else segment_at(case.world.history, t)
        node = unit if seg.active[unit] else -1
        while node >= 0:
            total[node, r, t] -= value
            node = int(seg.parent[node])
    return total, count


def monthly(e, restate: bool = False) -> tuple[np.ndarray, np.ndarray]:
    cube = e.cube(restate)
    n, r, t = cube.facts.shape
    return cube.monthly(np.arange(n), np.arange(r), 0, t)


def own_eliminations(case: Case) -> np.ndarray:
    out = np.zeros(case.world.values.shape, dtype=object)
    for unit, r, t, value in case.entries:
        out[unit, r, t] += value
    return out


@FAST
@given(cases(), st.booleans())
def test_every_node_is_its_subtree_less_the_eliminations_at_it_and_below(case: Case, restate: bool) -> None:
    values, present = monthly(case.engine(), restate)
    expected, count = naive(case, restate)
    assert values.tolist() == expected.tolist()
    # eliminations never make a value exist or vanish: presence follows reported figures
    assert present.tolist() == (count > 0).tolist()


@FAST
@given(cases())
def test_parent_is_own_plus_children_less_its_own_eliminations_for_flows_and_stocks(case: Case) -> None:
    values, _ = monthly(case.engine())
    own = np.where(case.world.present, case.world.values, 0).astype(object)
    eliminated = own_eliminations(case)
    for t in range(case.world.n_months):
        seg = segment_at(case.world.history, t)
        for node in np.flatnonzero(seg.active):
            kids = np.flatnonzero((seg.parent == node) & seg.active)
            expected = own[node, :, t] + values[kids, :, t].astype(object).sum(axis=0) - eliminated[node, :, t]
            assert values[node, :, t].tolist() == list(expected)


@FAST
@given(cases(), st.data())
def test_incremental_changes_give_exactly_what_a_rebuild_gives(case: Case, data) -> None:
    world = case.world
    live = case.engine()
    live.cube(restate=True)  # both views exist before the changes, so both are kept current
    entries = dict[tuple[int, int], np.ndarray]()
    for unit, r, t, value in case.entries:
        entries.setdefault((unit, t), np.zeros(len(world.is_flow), np.int64))[r] += value
    values, present = world.values.copy(), world.present.copy()
    r_n = len(world.is_flow)
    for _ in range(data.draw(st.integers(1, 6))):
        unit = data.draw(st.integers(0, world.n_units - 1))
        t = data.draw(st.integers(0, world.n_months - 1))
        year, month = FIRST_YEAR + t // 12, t % 12 + 1
        if data.draw(st.booleans()):
            new = np.array(
                data.draw(st.lists(st.integers(-AMOUNT, AMOUNT), min_size=r_n, max_size=r_n)), dtype=np.int64
            )
            new[data.draw(st.lists(st.integers(0, r_n - 1), max_size=r_n))] = 0  # some removed
            live.eliminate(unit, year, month, new)
            entries[(unit, t)] = new
        else:
            v = np.array(data.draw(st.lists(st.integers(-AMOUNT, AMOUNT), min_size=r_n, max_size=r_n)), dtype=np.int64)
            p = np.array(data.draw(st.lists(st.booleans(), min_size=r_n, max_size=r_n)))
            live.apply(unit, year, month, v, p)
            values[unit, :, t], present[unit, :, t] = v, p
    final = Case(
        World(world.history, values, present, world.is_flow),
        [(u, r, t, int(a[r])) for (u, t), a in entries.items() for r in range(r_n) if a[r]],
    )
    rebuilt = final.engine()
    for restate in (False, True):
        assert np.array_equal(live.cube(restate).dense()[0], rebuilt.cube(restate).dense()[0])
        assert np.array_equal(live.cube(restate).dense()[1], rebuilt.cube(restate).dense()[1])
    live.rebuild()
    assert np.array_equal(live.cube().dense()[0], rebuilt.cube().dense()[0])


@FAST
@given(cases(min_months=13), st.data())
def test_bridge_lines_add_up_exactly_with_eliminations(case: Case, data) -> None:
    world = case.world
    node = data.draw(st.integers(0, world.n_units - 1))
    r = data.draw(st.integers(0, len(world.is_flow) - 1))
    t = data.draw(st.integers(12, world.n_months - 1))
    span = data.draw(st.sampled_from(["month", "quarter", "half", "ytd"]))
    restate = data.draw(st.booleans())
    bridge = case.engine().bridge(node, FIRST_YEAR + t // 12, t % 12 + 1, f"r{r}", span, restate=restate)
    for field in ("current", "previous", "change"):
        assert sum(getattr(ln, field).scaled for ln in bridge.lines) == getattr(bridge, field).scaled
    expected, _ = naive(case, restate)
    first = t - (t % 12) if span == "ytd" else t - {"month": 0, "quarter": t % 3, "half": t % 6}[span]
    if world.is_flow[r]:
        now, before = sum(expected[node, r, first : t + 1]), sum(expected[node, r, first - 12 : t - 11])
    else:
        now, before = expected[node, r, t], expected[node, r, t - 12]
    assert (bridge.current.scaled, bridge.previous.scaled) == (now, before)
    kinds = [ln.kind for ln in bridge.lines]
    assert kinds.count("own") == 1
    assert kinds.count("eliminations") <= 1
    assert all(ln.node is None for ln in bridge.lines if ln.kind != "child")


# -- a worked example ------------------------------------------------------------------------------


def sister_units(eliminated_yi: int = 10):
    """G (0) over A (1) and B (2); in every month of 2024 A sells B 10亿 of B's 30亿 purchases.
    G eliminates the sale from revenue and from operating costs, and the receivable A holds on B
    at the end of each month."""
    values = np.zeros((3, 3, 24), np.int64)
    values[1, 0, 12:] = 30 * YI  # revenue: A 30亿 a month, 10亿 of it sold to B
    values[2, 0, 12:] = 20 * YI  # B 20亿 to outside customers
    values[1, 1, 12:] = 25 * YI  # operating cost
    values[2, 1, 12:] = 18 * YI  # B's costs include the 10亿 bought from A
    values[1, 2, :] = 8 * YI  # receivables, 3亿 of them on B
    values[2, 2, :] = 4 * YI
    months = np.arange(12, 24)
    entries = Eliminations(
        np.zeros(36, np.int64),
        np.repeat(np.arange(3, dtype=np.int64), 12),
        np.tile(months, 3).astype(np.int64),
        np.repeat(np.array([eliminated_yi, eliminated_yi, 3], np.int64) * YI, 12),
    )
    return engine(
        [-1, 0, 0],
        [flow("revenue"), flow("operating_cost"), stock("receivables")],
        values,
        first_year=2023,
        eliminations=entries,
    )


def test_two_sister_units_selling_10_yi_to_each_other_leave_the_parent_sum_less_10_yi() -> None:
    e = sister_units()
    rows = {r.code: r for r in e.cockpit(0, 2024, 1, ["revenue", "operating_cost", "receivables"]).rows}
    assert rows["revenue"].value.scaled == (30 + 20 - 10) * YI
    assert rows["operating_cost"].value.scaled == (25 + 18 - 10) * YI
    assert rows["receivables"].value.scaled == (8 + 4 - 3) * YI
    year = e.cockpit(0, 2024, 12, ["revenue"]).row("revenue")
    assert year.ytd.scaled == 12 * 40 * YI
    # the sisters themselves keep their own figures
    assert e.cockpit(1, 2024, 12, ["revenue"]).row("revenue").ytd.scaled == 12 * 30 * YI
    # last year had no intra-group sales: the bridge shows them as a line of their own
    bridge = e.bridge(0, 2024, 12, "revenue")
    lines = {ln.kind if ln.node is None else ln.node: ln for ln in bridge.lines}
    assert lines["eliminations"].current.scaled == -120 * YI
    assert lines["eliminations"].previous.scaled == 0
    assert lines[1].change.scaled == 360 * YI
    assert lines[2].change.scaled == 240 * YI
    assert bridge.change.scaled == 480 * YI
    assert lines["own"].change.scaled == 0


def test_eliminations_booked_lower_down_reach_every_ancestor_and_can_be_replaced() -> None:
    # 0 -> 1 -> (2, 3): an elimination at 1 lowers 1 and 0, not 2 or 3
    values = np.zeros((4, 1, 12), np.int64)
    values[2:, 0, :] = 5 * YI
    e = engine([-1, 0, 1, 1], [flow("revenue")], values, first_year=2024)
    e.eliminate(1, 2024, 3, np.array([2 * YI]))
    ytd = [e.cockpit(n, 2024, 12, ["revenue"]).row("revenue").ytd.scaled for n in range(4)]
    assert ytd == [118 * YI, 118 * YI, 60 * YI, 60 * YI]
    e.eliminate(1, 2024, 3, np.array([0]))
    assert e.cockpit(0, 2024, 12, ["revenue"]).row("revenue").ytd.scaled == 120 * YI


def test_a_unit_that_moved_takes_its_eliminations_to_its_new_parent_in_the_months_after() -> None:
    # 1 and 2 under 0 until December 2023; 2 (with its own child 3) under 1 from 2024
    before = np.array([-1, 0, 0, 2], np.int32)
    after = np.array([-1, 0, 1, 2], np.int32)
    active = np.ones(4, bool)
    history = TreeHistory((TreeSegment(0, before, active), TreeSegment(12, after, active)))
    values = np.zeros((4, 1, 24), np.int64)
    values[3, 0, :] = 4 * YI
    entries = Eliminations(
        np.array([2, 2], np.int64), np.zeros(2, np.int64), np.array([11, 12], np.int64), np.array([1, 1], np.int64) * YI
    )
    e = engine([-1] * 4, [flow("revenue")], values, history=history, first_year=2023, eliminations=entries)
    month = {
        (n, m): e.cube().monthly(np.array([n]), np.array([0]), m, m + 1)[0][0, 0, 0] for n in (0, 1) for m in (11, 12)
    }
    assert month == {(0, 11): 3 * YI, (1, 11): 0, (0, 12): 3 * YI, (1, 12): 3 * YI}
    # restated, unit 2 sat under 1 in December 2023 as well
    assert e.cube(restate=True).monthly(np.array([1]), np.array([0]), 11, 12)[0][0, 0, 0] == 3 * YI


def test_entries_outside_the_indicators_or_months_are_refused() -> None:
    bad = Eliminations(
        np.array([0], np.int64), np.array([0], np.int64), np.array([12], np.int64), np.array([1], np.int64)
    )
    with pytest.raises(ValueError, match="outside"):
        engine([-1], [flow("revenue")], np.zeros((1, 1, 12), np.int64), eliminations=bad)


def test_a_bridge_after_the_first_entry_of_an_engine_without_any_sees_it() -> None:
    values = np.zeros((3, 1, 13), np.int64)
    values[1:, 0, :] = 5 * YI
    e = engine([-1, 0, 0], [flow("revenue")], values, first_year=2023)
    e.eliminate(0, 2024, 1, np.array([2 * YI]))
    bridge = e.bridge(0, 2024, 1, "revenue", "month")
    assert bridge.change.scaled == -2 * YI
    assert [(ln.kind, ln.change.scaled) for ln in bridge.lines if ln.node is None] == [
        ("own", 0),
        ("eliminations", -2 * YI),
    ]
    e.rebuild()
    assert e.bridge(0, 2024, 1, "revenue", "month").change.scaled == -2 * YI
