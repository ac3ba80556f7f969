"""Derived indicators in the bridge and the outlook, and formulas that changed between years."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import FormulaVersion, IndicatorDef, NotDecomposable
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.windows import Window, evaluate_windows
from pacer.indicators.formula import parse

from .strategies import World, worlds
from .support import PERCENT, UNITS, YI, YUAN, engine, flow, stock, targets_for

FAST = settings(max_examples=60, deadline=None)


def derived(
    code: str, text: str, unit: str = "percent", direction: str = "higher", versions: tuple[FormulaVersion, ...] = ()
) -> IndicatorDef:
    return IndicatorDef(
        code,
        "derived",
        UNITS[unit],
        2,
        direction,
        parse(text),
        versions,
    )


# -- the bridge of a derived indicator ----------------------------------------------------------


@st.composite
def derived_cases(draw: st.DrawFn):
    world: World = draw(worlds(min_months=13, max_months=30))
    if draw(st.booleans()):  # every figure reported: most ratios then have a value
        world.present[:] = True
    n_rep = len(world.is_flow)
    a, b = draw(st.integers(0, n_rep - 1)), draw(st.integers(0, n_rep - 1))
    factor = draw(st.sampled_from([1, -2, 3]))
    linear = f"r{a} + {factor} * r{b}" if a != b else f"{factor} * r{a}"
    den = f"avg(r{b})" if not world.is_flow[b] and draw(st.booleans()) else f"r{b}"
    ratio = f"r{a} / {den} * 100"
    node = draw(st.integers(0, world.n_units - 1))
    t = draw(st.integers(12, world.n_months - 1))
    span = draw(st.sampled_from(["month", "quarter", "half", "ytd"]))
    return world, linear, ratio, node, t, span, draw(st.booleans())


def world_engine(world: World, *extra: IndicatorDef):
    indicators = [IndicatorDef(f"r{r}", "flow" if f else "stock", YUAN, 2) for r, f in enumerate(world.is_flow)]
    return engine(
        [-1] * world.n_units, [*indicators, *extra], world.values, world.present, history=world.history, first_year=2020
    )


def node_value(e, node: int, code: str, window: Window, restate: bool) -> tuple[int, bool]:
    i = e.catalog.index[code]
    columns = e.catalog.closure(np.array([i]))
    got = evaluate_windows(e.cube(restate), e.catalog, np.array([node]), columns, [window])[0]
    col = int(np.searchsorted(columns, i))
    return int(got.scaled[0, col]), bool(got.present[0, col])


@FAST
@given(derived_cases())
def test_a_derived_sums_lines_add_up_exactly_to_its_value_and_change(case) -> None:
    world, linear, _, node, t, span, restate = case
    e = world_engine(world, derived("s", linear, unit="yuan"))
    year, month = 2020 + t // 12, t % 12 + 1
    bridge = e.bridge(node, year, month, "s", span, restate=restate)
    assert bridge.method == "linear"
    assert sum(line.change.scaled for line in bridge.lines) == bridge.change.scaled
    assert sum(line.current.scaled for line in bridge.lines) == bridge.current.scaled
    assert sum(line.previous.scaled for line in bridge.lines) == bridge.previous.scaled
    assert bridge.change.scaled == bridge.current.scaled - bridge.previous.scaled
    yi = year - 2020
    for got, window in (
        (bridge.current, Window.span(yi, span, month)),
        (bridge.previous, Window.span(yi - 1, span, month)),
    ):
        value, present = node_value(e, node, "s", window, restate)
        if present:  # the cockpit's figure, in exact integers
            assert got.scaled == value


@settings(max_examples=150, deadline=None)
@given(derived_cases())
def test_a_ratios_contributions_add_up_to_the_shown_change(case) -> None:
    world, _, ratio, node, t, span, restate = case
    e = world_engine(world, derived("q", ratio))
    year, month = 2020 + t // 12, t % 12 + 1
    yi = year - 2020
    now, ok_now = node_value(e, node, "q", Window.span(yi, span, month), restate)
    before, ok_before = node_value(e, node, "q", Window.span(yi - 1, span, month), restate)
    if not (ok_now and ok_before):
        with pytest.raises(NotDecomposable, match="q"):
            e.bridge(node, year, month, "q", span, restate=restate)
        return
    bridge = e.bridge(node, year, month, "q", span, restate=restate)
    assert bridge.method == "ratio"
    assert (bridge.current.scaled, bridge.previous.scaled) == (now, before)
    assert sum(line.change.scaled for line in bridge.lines) == bridge.change.scaled == now - before
    # the exact contributions add up to R1 - R0, which the shown ratios (each rounded to 0.01)
    # give to within two half-units; each shown contribution is within a unit of its own
    exact = [line.contribution_pp for line in bridge.lines]
    r1, r0 = (bridge.current.number, bridge.previous.number)
    assert all(c is not None and math.isfinite(c) for c in exact)
    assert sum(exact) == pytest.approx(r1 - r0, abs=0.01 + 1e-9 * (abs(r1) + abs(r0)))
    for line, c in zip(bridge.lines, exact, strict=True):
        assert abs(line.change.number - c) <= 0.01 + 1e-9 * abs(c)


def rd_engine(rd: dict[int, tuple[int, int]], revenue: dict[int, tuple[int, int]]):
    """A group (0) of two units (1, 2) reporting R&D and revenue in January 2023 and 2024."""
    values = np.zeros((3, 2, 13), np.int64)
    for unit in (1, 2):
        values[unit, 0, [0, 12]] = [x * 100 for x in rd[unit]]
        values[unit, 1, [0, 12]] = [x * 100 for x in revenue[unit]]
    return engine(
        [-1, 0, 0],
        [flow("rd"), flow("revenue"), derived("rd_intensity", "rd / revenue * 100")],
        values,
        first_year=2023,
    )


def test_a_worked_ratio_bridge() -> None:
    # last year: 10/100 and 30/100, the group 40/200 = 20 %.
    # this year: 12/200 and 33/110, the group 45/310 = 14.516... %, shown 14.52.
    # unit 1: [(12 - 0.2*200) - (10 - 0.2*100)] / 310 * 100 = -18/3.1 = -5.806 pp
    # unit 2: [(33 - 0.2*110) - (30 - 0.2*100)] / 310 * 100 = 1/3.1 = +0.323 pp
    # shown change 14.52 - 20.00 = -5.48: floors -5.81 and +0.32 leave one unit, which goes to
    # the larger remainder (unit 1's .355 against unit 2's .258): -5.80 and +0.32.
    e = rd_engine({1: (10, 12), 2: (30, 33)}, {1: (100, 200), 2: (100, 110)})
    bridge = e.bridge(0, 2024, 1, "rd_intensity")
    assert (bridge.current.scaled, bridge.previous.scaled, bridge.change.scaled) == (1452, 2000, -548)
    assert bridge.yoy.kind == "pp"
    lines = {line.node: line for line in bridge.lines}
    assert [line.node for line in bridge.lines] == [2, 1, None]  # biggest increase first
    assert lines[1].change.scaled == -580
    assert lines[2].change.scaled == 32
    assert lines[None].change.scaled == 0
    assert lines[None].current is None
    assert lines[1].contribution_pp == pytest.approx(-18 / 3.1)
    assert lines[2].contribution_pp == pytest.approx(1 / 3.1)
    assert lines[1].share_pct == pytest.approx((-18 / 3.1) / (-17 / 3.1) * 100)
    # each line's own ratio, this year and last
    assert (lines[1].current.scaled, lines[1].previous.scaled) == (600, 1000)
    assert (lines[2].current.scaled, lines[2].previous.scaled) == (3000, 3000)


def test_a_child_growing_at_a_ratio_above_the_groups_lifts_it() -> None:
    # unit 2 doubles at its own 30 %, above the group's 20 %: the group's ratio rises
    e = rd_engine({1: (10, 10), 2: (30, 60)}, {1: (100, 100), 2: (100, 200)})
    bridge = e.bridge(0, 2024, 1, "rd_intensity")
    lines = {line.node: line for line in bridge.lines}
    assert lines[2].change.scaled > 0
    assert lines[1].change.scaled == 0
    assert lines[2].change.scaled == bridge.change.scaled == round((70 / 300 - 0.2) * 10000)


def test_a_ratio_with_a_zero_denominator_last_year_is_not_decomposable() -> None:
    e = rd_engine({1: (0, 12), 2: (0, 33)}, {1: (0, 200), 2: (0, 110)})
    with pytest.raises(NotDecomposable, match="rd_intensity has no value last year"):
        e.bridge(0, 2024, 1, "rd_intensity")


@pytest.mark.parametrize("text", ["a * b / 100", "a / b / c", "a / b + c", "a / (b + 1) * 100"])
def test_formulas_of_other_shapes_are_refused_naming_the_indicator(text: str) -> None:
    values = np.ones((1, 3, 13), np.int64)
    e = engine([-1], [flow("a"), flow("b"), flow("c"), derived("odd", text)], values, first_year=2023)
    with pytest.raises(ValueError, match="bridge: odd is neither a sum nor a ratio"):
        e.bridge(0, 2024, 1, "odd")


def test_roe_bridges_through_net_profit_and_the_average_equity() -> None:
    values = np.zeros((3, 2, 25), np.int64)
    values[1, 0, [12, 24]] = [10 * YI, 12 * YI]  # net profit of the January
    values[2, 0, [12, 24]] = [5 * YI, 3 * YI]
    values[1, 1, :] = 100 * YI  # equity, flat
    values[2, 1, :] = 50 * YI
    e = engine(
        [-1, 0, 0],
        [flow("net_profit"), stock("owners_equity"), derived("roe", "net_profit / avg(owners_equity) * 100")],
        values,
        first_year=2022,
    )
    bridge = e.bridge(0, 2024, 1, "roe")
    assert (bridge.previous.scaled, bridge.current.scaled) == (1000, 1000)  # 15/150 both years
    lines = {line.node: line for line in bridge.lines}
    assert lines[1].change.scaled == round(2 / 150 * 10000)
    assert lines[2].change.scaled == -133
    assert sum(line.change.scaled for line in bridge.lines) == 0


# -- the outlook of a derived indicator ---------------------------------------------------------


def seasonal(months: int, seed: int, level: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    return level * (1 + 0.2 * np.sin(2 * np.pi * t / 12) + 0.01 * t / 12) + rng.normal(0, level * 0.03, months)


def outlook_engine(months: int, targets=None):
    values = np.zeros((2, 3, months), np.int64)
    for unit in (0, 1):
        values[unit, 0] = np.round(seasonal(months, unit, 50.0) * YI)  # R&D, a flow
        values[unit, 1] = np.round(seasonal(months, unit + 5, 900.0) * YI)  # revenue
        values[unit, 2] = np.round(np.linspace(800, 900, months) * YI)  # equity, a stock
    indicators = [
        flow("rd"),
        flow("revenue"),
        stock("equity"),
        derived("rd_intensity", "rd / revenue * 100"),
        derived("return_on_equity", "rd / avg(equity) * 100"),
        derived("both", "rd + revenue", unit="yuan"),
    ]
    return engine([-1, 0], indicators, values, targets=targets, first_year=2020), indicators


def test_the_outlook_of_a_derived_ratio_is_the_formula_on_its_references_outlooks() -> None:
    e, _ = outlook_engine(54)
    rows = {(r.node, r.code): r for r in e.outlook([0, 1], 2024, 6).rows()}
    for node in (0, 1):
        rd, revenue = rows[node, "rd"], rows[node, "revenue"]
        ratio, both = rows[node, "rd_intensity"], rows[node, "both"]
        for field in ("ytd", "run_rate", "seasonal", "statistical", "point"):
            assert getattr(ratio, field) == pytest.approx(getattr(rd, field) / getattr(revenue, field) * 100)
            assert getattr(both, field) == pytest.approx(getattr(rd, field) + getattr(revenue, field))
        assert ratio.method == "holt_winters"
        assert ratio.low < ratio.statistical < ratio.high
        opening = e.facts.dense()[:, 2, 47].sum() if node == 0 else e.facts.dense()[1, 2, 47]
        roe = rows[node, "return_on_equity"]
        equity = rows[node, "equity"]
        assert roe.point == pytest.approx(rd.point / ((opening / 100 + equity.point) / 2) * 100)
    # the cockpit's YTD and the outlook's agree
    cockpit = e.cockpit(0, 2024, 6, ["rd_intensity"]).row("rd_intensity")
    assert rows[0, "rd_intensity"].ytd == pytest.approx(cockpit.ytd.number, abs=0.005)


def test_the_chance_of_a_derived_target_follows_where_the_target_lies() -> None:
    e, indicators = outlook_engine(54)
    point = {r.code: r for r in e.outlook([0], 2024, 6).rows()}["rd_intensity"].point
    targets = targets_for(
        2, indicators, 2020, 6, {(0, "rd_intensity", 2024): (round((point - 2) * 100), round((point + 2) * 100))}
    )
    e, _ = outlook_engine(54, targets)
    row = {r.code: r for r in e.outlook([0], 2024, 6).rows()}["rd_intensity"]
    assert row.target_ensure == pytest.approx(point - 2, abs=0.01)
    assert 0.5 < row.p_ensure <= 1.0
    assert 0.0 <= row.p_strive < 0.5


def test_a_derived_outlook_in_december_is_the_actual_year() -> None:
    e, _ = outlook_engine(60)
    rows = {r.code: r for r in e.outlook([0], 2024, 12).rows()}
    ratio = rows["rd_intensity"]
    assert ratio.method == "actual"
    assert ratio.low == pytest.approx(ratio.point)
    assert ratio.high == pytest.approx(ratio.point)
    assert ratio.point == pytest.approx(rows["rd"].ytd / rows["revenue"].ytd * 100)


# -- formulas that changed between years --------------------------------------------------------


def versioned_engine():
    """'margin' was a / c until 2024 and is b / c from 2025; figures from January 2024."""
    old, new = parse("a / c * 100"), parse("b / c * 100")
    margin = IndicatorDef(
        "margin",
        "derived",
        PERCENT,
        2,
        "higher",
        new,
        (FormulaVersion(2019, 2024, old), FormulaVersion(2025, None, new)),
    )
    values = np.zeros((2, 3, 15), np.int64)
    values[1, 0, :] = 10 * YI  # a
    values[1, 1, :] = 30 * YI  # b
    values[1, 2, :] = 100 * YI  # c
    return engine([-1, 0], [flow("a"), flow("b"), flow("c"), margin], values, first_year=2024)


def test_each_year_is_evaluated_by_the_formula_of_its_year_in_the_cockpit() -> None:
    e = versioned_engine()
    row = e.cockpit(0, 2025, 3, ["margin"]).row("margin")
    assert row.ytd.number == pytest.approx(30.0)  # b / c
    assert row.ytd_last_year.number == pytest.approx(10.0)  # a / c, last year's definition
    assert row.yoy.kind == "pp"
    assert row.yoy.change == pytest.approx(20.0)


def test_each_month_of_the_history_takes_its_years_formula() -> None:
    rows = versioned_engine().history(0, "margin").rows()
    by_year = {(r.year, r.month): r.ytd.number for r in rows if r.ytd is not None}
    assert by_year[2024, 12] == pytest.approx(10.0)
    assert by_year[2025, 1] == pytest.approx(30.0)
    assert by_year[2025, 3] == pytest.approx(30.0)


def test_the_closure_of_a_versioned_indicator_holds_every_versions_references() -> None:
    e = versioned_engine()
    closure = e.catalog.closure(e.catalog.indices(["margin"]))
    assert [e.catalog.codes[i] for i in closure] == ["a", "b", "c", "margin"]


def test_a_versioned_ratio_bridges_last_year_by_its_old_formula() -> None:
    bridge = versioned_engine().bridge(0, 2025, 3, "margin")
    assert bridge.previous.number == pytest.approx(10.0)
    assert bridge.current.number == pytest.approx(30.0)
    assert sum(line.change.scaled for line in bridge.lines) == bridge.change.scaled == 2000


def test_versions_must_be_contiguous_and_need_the_first_year() -> None:
    f, g = parse("a / c"), parse("b / c")
    with pytest.raises(ValueError, match="contiguous"):
        IndicatorDef(
            "m", "derived", PERCENT, 2, "higher", g, (FormulaVersion(2019, 2022, f), FormulaVersion(2024, None, g))
        )
    versioned = IndicatorDef(
        "m", "derived", PERCENT, 2, "higher", g, (FormulaVersion(2019, 2024, f), FormulaVersion(2025, None, g))
    )
    with pytest.raises(ValueError, match="first year"):
        IndicatorCatalog([flow("a"), flow("b"), flow("c"), versioned])
