"""The demo generator: determinism, exact ties, the org tree, targets and the group's story."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pacer.demo.calendar import spring_festival
from pacer.demo.config import DemoConfigError
from pacer.demo.generator import (
    BASE_CODES,
    DemoConfig,
    DemoGroup,
    facts_matrix,
    generate,
    leaf_codes,
)
from pacer.demo.org import chinese_number
from pacer.demo.targets import allocate, basis_points

YI = 10**10  # 亿元 in fen
LAST_FULL_YEAR, BASE_YEAR = 2025, 2024

RATIOS = ("debt_to_asset_ratio", "rd_intensity", "first_pass_yield", "rolled_throughput_yield", "zeroing_rate")
# The group's own reported indicators (group_indicators.yaml), after the fillers; its intensity's
# targets are each node's own line, not a sum.
OWN = ("launches", "launch_service_revenue", "output_value", "energy_use")
LINES = (*RATIOS, "energy_intensity", "quality_problems")  # quality problems: zero defects


@pytest.fixture(scope="module")
def config() -> DemoConfig:
    return DemoConfig.load()


@pytest.fixture(scope="module")
def group(config: DemoConfig) -> DemoGroup:
    return generate(config, seed=7)


@pytest.fixture(scope="module")
def medium(config: DemoConfig) -> DemoGroup:
    return generate(config, seed=11, units=200, first_year=2021, as_of=(2026, 12), extra_indicators=20)


def matrix(group: DemoGroup, code: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    return facts_matrix(group, code)


def annual(group: DemoGroup, code: str, year: int) -> np.ndarray:
    """Per-leaf sum of a flow over a year, in the row order of ``matrix``."""
    _, periods, values = matrix(group, code)
    sums: np.ndarray = values[:, periods // 100 == year].sum(axis=1)
    return sums


def balance(group: DemoGroup, code: str, period: int) -> np.ndarray:
    _, periods, values = matrix(group, code)
    return values[:, int(np.flatnonzero(periods == period)[0])]


def group_monthly(group: DemoGroup, code: str) -> tuple[np.ndarray, np.ndarray]:
    _, periods, values = matrix(group, code)
    return periods, values.sum(axis=0)


def top_level(group: DemoGroup, day: date) -> dict[str, str]:
    """Each unit's second-level ancestor on ``day``."""
    parents = group.parents_on(day)
    root = next(u.code for u in group.units if u.parent_code is None)
    found = {}
    for code in parents:
        node = code
        while parents.get(node) not in (root, None):
            node = parents[node]
        found[code] = node
    return found


# ---- determinism ---------------------------------------------------------------------------


def test_same_seed_gives_identical_arrays(config: DemoConfig, group: DemoGroup) -> None:
    again = generate(config, seed=7)
    for column in ("unit", "indicator", "period", "value"):
        assert np.array_equal(getattr(group.facts, column), getattr(again.facts, column))
    assert group.targets == again.targets
    assert group.units == again.units


def test_different_seed_gives_different_figures(config: DemoConfig, group: DemoGroup) -> None:
    other = generate(config, seed=8)
    assert np.array_equal(group.facts.period, other.facts.period)
    assert not np.array_equal(group.facts.value, other.facts.value)


def test_fillers_leave_the_base_figures_alone(config: DemoConfig, group: DemoGroup) -> None:
    padded = generate(config, seed=7, extra_indicators=3)
    base = padded.facts.indicator < len(BASE_CODES)
    assert np.array_equal(padded.facts.value[base], group.facts.value[group.facts.indicator < len(BASE_CODES)])
    own = padded.facts.indicator >= len(BASE_CODES) + 3
    assert np.array_equal(padded.facts.value[own], group.facts.value[group.facts.indicator >= len(BASE_CODES)])


def test_fact_columns_have_the_contract_types(group: DemoGroup) -> None:
    facts = group.facts
    assert facts.unit.dtype == np.int32
    assert facts.indicator.dtype == np.int32
    assert facts.period.dtype == np.int32
    assert facts.value.dtype == np.int64
    assert len({facts.unit.size, facts.indicator.size, facts.period.size, len(facts)}) == 1
    assert group.indicators == [*BASE_CODES, *OWN]
    assert group.first_year == 2019
    assert group.as_of == (2026, 10)
    assert group.scale_of("revenue") == 2
    assert group.scale_of("headcount") == 0


# ---- the org tree --------------------------------------------------------------------------


def test_units_are_listed_parents_first_with_unique_codes(group: DemoGroup) -> None:
    codes = [unit.code for unit in group.units]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for unit in group.units:
        assert unit.parent_code is None or unit.parent_code in seen
        seen.add(unit.code)
    assert sum(unit.parent_code is None for unit in group.units) == 1


def test_every_non_leaf_has_a_headquarters_child(group: DemoGroup) -> None:
    children: dict[str, list[str]] = defaultdict(list)
    kinds = {unit.code: unit.kind for unit in group.units}
    for unit in group.units:
        if unit.parent_code:
            children[unit.parent_code].append(unit.code)
    assert children
    for parent, kids in children.items():
        assert any(kinds[kid] == "headquarters" for kid in kids), parent


def test_the_default_group_has_the_configured_shape(group: DemoGroup) -> None:
    levels = top_level(group, date(2019, 1, 1))
    second = {u.code for u in group.units if u.parent_code == "G" and u.kind != "headquarters"}
    assert 7 <= len(second) <= 10
    third = [u for u in group.units if u.parent_code in second and u.kind != "headquarters"]
    assert 30 <= len(third) <= 45
    assert 45 <= len(group.units) <= 60
    assert {levels[u.code] for u in third} <= second
    assert {u.tags["line"] for u in group.units} >= {"military", "civil", "dual"}


def test_one_unit_moves_one_is_created_and_one_dissolved(group: DemoGroup) -> None:
    (move,) = group.moves
    units = {u.code: u for u in group.units}
    assert move.effective == date(2024, 1, 1)
    before, after = top_level(group, date(2023, 12, 31)), top_level(group, date(2024, 1, 1))
    assert before[move.unit_code] != after[move.unit_code] == move.new_parent_code
    assert units[move.unit_code].parent_code != move.new_parent_code
    created = [u for u in group.units if u.created_on]
    dissolved = [u for u in group.units if u.dissolved_on]
    assert [u.created_on for u in created] == [date(2022, 1, 1)]
    assert [u.dissolved_on for u in dissolved] == [date(2023, 6, 30)]


def test_scaling_units_gives_about_that_many(config: DemoConfig) -> None:
    sized = generate(config, units=300)
    assert abs(len(sized.units) - 300) <= 3
    assert len({u.code for u in sized.units}) == len(sized.units)
    assert {u.code for u in sized.units} >= {u.code for u in generate(config).units}


def test_chinese_numbers_name_the_extra_units() -> None:
    assert [chinese_number(n) for n in (1, 10, 12, 20, 45, 105, 110)] == [
        "一",
        "十",
        "十二",
        "二十",
        "四十五",
        "一百零五",
        "一百一十",
    ]


def test_leaders_and_users_cover_the_group_and_every_second_level_unit(group: DemoGroup) -> None:
    roles: dict[str, list[str]] = defaultdict(list)
    for leader in group.leaders:
        roles[leader.unit_code].append(leader.role)
    second = [u.code for u in group.units if u.parent_code == "G" and u.kind != "headquarters"]
    for code in ["G", *second]:
        assert roles[code].count("main_leader") == 1, code
        assert 2 <= roles[code].count("in_charge") <= 3, code
    personas = {
        "group_admin",
        "hq_analyst",
        "supervisor",
        "unit_reporter",
        "unit_approver",
        "quality_engineer",
        "viewer",
    }
    assert {u.role for u in group.users} == personas
    # every second-level unit has a reporter of its own (who owns its supervised tasks)
    reporters = {u.unit_code for u in group.users if u.role == "unit_reporter"}
    assert set(second) <= reporters
    assert {u.unit_code for u in group.users} <= {u.code for u in group.units}


# ---- facts: where they are -----------------------------------------------------------------


def test_facts_sit_on_leaves_for_every_reporting_month_exactly_once(group: DemoGroup) -> None:
    facts, leaves = group.facts, set(leaf_codes(group))
    codes = [group.units[i].code for i in np.unique(facts.unit)]
    assert set(codes) == leaves
    keys = (facts.indicator.astype(np.int64) * 10**6 + facts.unit) * 10**6 + facts.period
    assert np.unique(keys).size == keys.size
    months = [(y, m) for y in range(2019, 2027) for m in range(1, 13) if (y, m) <= (2026, 10)]
    units = {u.code: u for u in group.units}
    for code in matrix(group, "revenue")[0]:
        unit = units[code]
        expected = [
            y * 100 + m
            for y, m in months
            if (unit.created_on is None or date(y, m, 1) >= unit.created_on.replace(day=1))
            and (unit.dissolved_on is None or date(y, m, 1) <= unit.dissolved_on)
        ]
        rows = (facts.unit == [u.code for u in group.units].index(code)) & (facts.indicator == 0)
        assert facts.period[rows].tolist() == expected, code


def test_no_facts_before_creation_or_after_dissolution(group: DemoGroup) -> None:
    index = {u.code: i for i, u in enumerate(group.units)}
    for unit in group.units:
        periods = group.facts.period[group.facts.unit == index[unit.code]]
        if unit.created_on:
            assert periods.min() == unit.created_on.year * 100 + unit.created_on.month
        if unit.dissolved_on:
            assert periods.max() == unit.dissolved_on.year * 100 + unit.dissolved_on.month


# ---- facts: identities ---------------------------------------------------------------------


def test_balance_sheet_ties_exactly(group: DemoGroup) -> None:
    assets = matrix(group, "total_assets")[2]
    liabilities, equity = matrix(group, "total_liabilities")[2], matrix(group, "owners_equity")[2]
    assert np.array_equal(assets, liabilities + equity)
    assert (equity[assets > 0] > 0).all()


def test_figures_that_cannot_be_negative_are_not(group: DemoGroup) -> None:
    for code in (
        "revenue",
        "operating_cost",
        "rd_expense",
        "cash_from_sales",
        "value_added",
        "investment_actual",
        "civil_revenue",
        "quality_problems",
        "inspected_lots",
        "passed_first_time_lots",
        "total_assets",
        "total_liabilities",
        "accounts_receivable",
        "inventory",
        "investment_plan",
    ):
        assert matrix(group, code)[2].min() >= 0, code
    _, _, headcount = matrix(group, "headcount")
    _, _, revenue = matrix(group, "revenue")
    assert headcount[revenue > 0].min() >= 1


def test_passed_lots_never_exceed_inspected_ones(group: DemoGroup) -> None:
    passed = matrix(group, "passed_first_time_lots")[2]
    inspected = matrix(group, "inspected_lots")[2]
    assert (passed <= inspected).all()
    assert inspected.sum() > 0
    assert 0.9 < passed.sum() / inspected.sum() < 1.0


def test_units_through_first_time_never_exceed_those_started(group: DemoGroup) -> None:
    started = matrix(group, "rty_units_started")[2]
    through = matrix(group, "rty_units_through")[2] / 100  # two decimals
    assert (through <= started).all()
    first_pass = matrix(group, "passed_first_time_lots")[2].sum() / matrix(group, "inspected_lots")[2].sum()
    assert 0.7 < through.sum() / started.sum() < first_pass  # five steps roll below one inspection's yield


def test_problems_open_carry_over_those_found_less_those_closed(group: DemoGroup) -> None:
    found = matrix(group, "quality_problems")[2]
    closed = matrix(group, "quality_problems_closed")[2]
    still_open = matrix(group, "quality_problems_open")[2]
    assert (still_open[:, 1:] == still_open[:, :-1] + found[:, 1:] - closed[:, 1:]).mean() > 0.95
    assert still_open.min() >= 0
    assert 0 < closed.sum() <= found.sum()


def test_civil_revenue_is_part_of_revenue(group: DemoGroup) -> None:
    assert (matrix(group, "civil_revenue")[2] <= matrix(group, "revenue")[2]).all()


def test_net_profit_is_below_total_profit_when_profitable(group: DemoGroup) -> None:
    total, net = matrix(group, "total_profit")[2], matrix(group, "net_profit")[2]
    assert (net[total > 0] < total[total > 0]).all()
    assert (net <= total).all()


def test_operating_cost_is_below_revenue_almost_always(group: DemoGroup) -> None:
    cost, revenue = matrix(group, "operating_cost")[2], matrix(group, "revenue")[2]
    reporting = revenue > 0
    assert (cost[reporting] < revenue[reporting]).mean() > 0.95


def test_cash_collections_track_revenue_with_a_year_end_catch_up(group: DemoGroup) -> None:
    periods, cash = group_monthly(group, "cash_from_sales")
    _, revenue = group_monthly(group, "revenue")
    for year in range(2019, 2026):
        months = periods // 100 == year
        assert 0.85 <= cash[months].sum() / revenue[months].sum() <= 1.1
        december = periods == year * 100 + 12
        assert cash[december].sum() / revenue[december].sum() > 1.05
        assert cash[months].argmax() == 11


def test_operating_cash_flow_is_negative_in_some_months_for_some_units(group: DemoGroup) -> None:
    _, _, flow = matrix(group, "operating_cash_flow")
    negative = flow < 0
    assert negative.any(axis=1).sum() >= 5
    assert 0.05 < negative.mean() < 0.5
    assert flow.sum() > 0


def test_investment_plan_is_constant_within_each_year(group: DemoGroup) -> None:
    _, periods, plan = matrix(group, "investment_plan")
    _, _, revenue = matrix(group, "revenue")
    for year in np.unique(periods // 100):
        months = periods // 100 == year
        for row in range(plan.shape[0]):
            reported = plan[row, months][revenue[row, months] > 0]
            assert np.unique(reported).size <= 1


def test_owners_equity_moves_with_net_profit(group: DemoGroup) -> None:
    """Outside July (dividends), equity changes by net profit plus small other movements."""
    _, periods, equity = matrix(group, "owners_equity")
    _, _, profit = matrix(group, "net_profit")
    _, _, assets = matrix(group, "total_assets")
    both = (equity[:, 1:] > 0) & (equity[:, :-1] > 0) & (periods[1:] % 100 != 7)
    other = (np.diff(equity, axis=1) - profit[:, 1:])[both]
    assert np.abs(other).max() <= 0.01 * assets[:, 1:][both].max()
    assert (np.abs(other) <= 0.01 * assets[:, 1:][both]).mean() > 0.99


# ---- calibration and story -----------------------------------------------------------------


def test_last_full_year_group_targets_are_exactly_380_and_9_8_yi(group: DemoGroup) -> None:
    targets = {(t.indicator_code, t.tier): t for t in group.targets if t.unit_code == "G" and t.year == LAST_FULL_YEAR}
    assert targets["revenue", "ensure"].value == 38_000_000_000_00
    assert targets["total_profit", "ensure"].value == 980_000_000_00
    assert targets["revenue", "strive"].growth_bp == 1000
    assert targets["net_profit", "ensure"].growth_bp == 500


def test_base_year_is_scaled_so_the_ensure_target_means_five_percent(group: DemoGroup) -> None:
    revenue = annual(group, "revenue", BASE_YEAR).sum()
    profit = annual(group, "total_profit", BASE_YEAR).sum()
    assert abs(revenue / (380 * YI / 1.05) - 1) < 0.02
    assert abs(profit / (9.8 * YI / 1.05) - 1) < 0.02


def test_last_full_year_lands_near_the_targets_and_the_current_year_is_midway(
    group: DemoGroup,
) -> None:
    assert abs(annual(group, "revenue", LAST_FULL_YEAR).sum() / (380 * YI) - 1) < 0.05
    assert abs(annual(group, "total_profit", LAST_FULL_YEAR).sum() / (9.8 * YI) - 1) < 0.06
    gaps = []
    for target in group.targets:
        if (
            target.unit_code == "G"
            and target.year == 2026
            and target.tier == "ensure"
            and target.phasing_bp is not None
        ):
            done = annual(group, target.indicator_code, 2026).sum() / target.value
            gaps.append(done - sum(target.phasing_bp[:10]) / 10000)
    assert all(abs(gap) < 0.1 for gap in gaps)
    assert any(gap < 0 for gap in gaps)


def test_a_unit_turns_from_loss_to_profit_in_the_last_full_year(
    config: DemoConfig,
    group: DemoGroup,
) -> None:
    (code,) = config.story.margin_paths
    row = matrix(group, "total_profit")[0].index(code)
    assert annual(group, "total_profit", LAST_FULL_YEAR - 1)[row] < 0
    assert annual(group, "total_profit", 2020)[row] < 0
    assert annual(group, "total_profit", LAST_FULL_YEAR)[row] > 0


def test_a_unit_s_two_funds_outgrow_its_revenue(config: DemoConfig, group: DemoGroup) -> None:
    (code,) = config.story.two_funds
    row = matrix(group, "revenue")[0].index(code)
    funds = [
        balance(group, "accounts_receivable", p)[row] + balance(group, "inventory", p)[row] for p in (202412, 202512)
    ]
    revenue = [annual(group, "revenue", y)[row] for y in (2024, 2025)]
    funds_growth, revenue_growth = funds[1] / funds[0] - 1, revenue[1] / revenue[0] - 1
    assert funds_growth > revenue_growth + 0.15


def test_one_second_level_unit_has_low_rd_intensity_while_the_group_is_heavy(
    config: DemoConfig,
    group: DemoGroup,
) -> None:
    rows = matrix(group, "revenue")[0]
    owner = top_level(group, date(LAST_FULL_YEAR, 1, 1))
    revenue = annual(group, "revenue", LAST_FULL_YEAR)
    rd = annual(group, "rd_expense", LAST_FULL_YEAR)
    mine = np.array([owner[code] == config.story.low_rd_intensity for code in rows])
    assert rd.sum() / revenue.sum() > 0.10
    assert rd[mine].sum() / revenue[mine].sum() < 0.10


def test_some_units_are_ahead_of_plan_and_some_behind(group: DemoGroup) -> None:
    rows = matrix(group, "revenue")[0]
    actual = dict(zip(rows, annual(group, "revenue", LAST_FULL_YEAR).tolist(), strict=True))
    completion = [
        actual[t.unit_code] / t.value
        for t in group.targets
        if t.unit_code in actual
        and t.indicator_code == "revenue"
        and t.year == LAST_FULL_YEAR
        and t.tier == "ensure"
        and t.value > 0
    ]
    assert min(completion) < 0.97
    assert max(completion) > 1.03


# ---- seasonality ---------------------------------------------------------------------------


def test_spring_festival_month_dips_below_its_neighbours_in_most_years(
    config: DemoConfig,
    group: DemoGroup,
) -> None:
    periods, revenue = group_monthly(group, "revenue")
    position = {int(p): i for i, p in enumerate(periods)}
    dips = []
    for year in range(2019, 2027):
        day = spring_festival(year, config.spring_festival)
        here = position[year * 100 + day.month]
        neighbours = [i for i in (here - 1, here + 1) if 0 <= i < len(periods)]
        dips.append(all(revenue[here] < revenue[i] for i in neighbours))
    assert sum(dips) >= 0.75 * len(dips)


def test_december_is_the_top_revenue_month_every_full_year(group: DemoGroup) -> None:
    periods, revenue = group_monthly(group, "revenue")
    for year in range(2019, 2026):
        assert periods[periods // 100 == year][revenue[periods // 100 == year].argmax()] % 100 == 12


def test_quarter_ends_rise_above_the_months_around_them(group: DemoGroup) -> None:
    periods, revenue = group_monthly(group, "revenue")
    bumps = [
        revenue[i] > max(revenue[i - 1], revenue[i + 1])
        for i in range(1, len(periods) - 1)
        if periods[i] % 100 in (6, 9)
    ]
    assert sum(bumps) >= 0.8 * len(bumps)


def test_the_2020_first_quarter_falls_below_2019(group: DemoGroup) -> None:
    periods, revenue = group_monthly(group, "revenue")
    q1 = {year: revenue[(periods >= year * 100 + 1) & (periods <= year * 100 + 3)].sum() for year in (2019, 2020)}
    assert q1[2020] < 0.9 * q1[2019]
    recovered = revenue[periods == 202006].sum() / revenue[periods == 201906].sum()
    assert recovered > 1.0


def test_the_festival_rule_matches_the_calendar_s_months(config: DemoConfig) -> None:
    table = config.spring_festival
    for year, day in table.items():
        guess = spring_festival(year, {})
        assert guess.month == day.month, year
        assert abs((guess - day).days) <= 1, year
    for year in range(2000, 2060):
        assert date(year, 1, 21) <= spring_festival(year, {}) <= date(year, 2, 20)


# ---- targets -------------------------------------------------------------------------------


def test_targets_add_up_exactly_at_every_non_leaf_node(group: DemoGroup) -> None:
    assert_targets_add_up(group)


def test_targets_add_up_for_a_scaled_group_too(medium: DemoGroup) -> None:
    assert_targets_add_up(medium)


def assert_targets_add_up(group: DemoGroup) -> None:
    by_key: dict[tuple[str, int, str], dict[str, int]] = defaultdict(dict)
    for target in group.targets:
        if target.indicator_code not in LINES:  # a ratio's line is a policy, not a sum
            by_key[target.indicator_code, target.year, target.tier][target.unit_code] = target.value
    checked = 0
    for (_, year, _), values in by_key.items():
        children: dict[str, list[str]] = defaultdict(list)
        for code, parent in group.parents_on(date(year, 1, 1)).items():
            if parent is not None and code in values:
                children[parent].append(code)
        for parent, kids in children.items():
            assert values[parent] == sum(values[kid] for kid in kids), (parent, year)
            checked += 1
    assert checked > 100


def test_targets_cover_every_year_indicator_and_tier(config: DemoConfig, group: DemoGroup) -> None:
    keys = {(t.indicator_code, t.year, t.tier) for t in group.targets}
    for year in range(2020, 2027):
        for code in config.targets.flows:
            assert {(code, year, "ensure"), (code, year, "strive")} <= keys
        for code in (*config.targets.caps, *config.targets.ratios):
            assert (code, year, "ensure") in keys
            assert (code, year, "strive") not in keys


def test_every_unit_has_hqs_lines_for_ratios(group: DemoGroup) -> None:
    """A 65 % debt-to-asset cap and a 10 % R&D intensity line, for every unit that takes
    targets in the year (the units of the year's tree that report in it)."""
    for year in (2021, 2025):
        units = {
            t.unit_code for t in group.targets if (t.indicator_code, t.year, t.tier) == ("revenue", year, "ensure")
        }
        lines = {
            (t.unit_code, t.indicator_code): t.value
            for t in group.targets
            if t.year == year and t.indicator_code in RATIOS
        }
        assert {u for u, _ in lines} == units
        assert {code: {v for (_, c), v in lines.items() if c == code} for code in RATIOS} == {
            "debt_to_asset_ratio": {6500},
            "rd_intensity": {1000},
            "first_pass_yield": {9600},
            "rolled_throughput_yield": {8500},
            "zeroing_rate": {7000},
        }
        zero = {t.unit_code: t.value for t in group.targets if (t.indicator_code, t.year) == ("quality_problems", year)}
        assert zero.keys() == units
        assert set(zero.values()) == {0}  # zero defects everywhere


def test_phasing_is_twelve_shares_summing_to_exactly_10000(group: DemoGroup) -> None:
    for target in group.targets:
        if target.indicator_code in ("accounts_receivable", "inventory", *LINES):
            assert target.phasing_bp is None
        else:
            assert target.phasing_bp is not None
            assert len(target.phasing_bp) == 12
            assert sum(target.phasing_bp) == 10000
            assert min(target.phasing_bp) >= 0


def test_group_targets_are_whole_wan_yuan_and_grow_over_last_year(group: DemoGroup) -> None:
    for target in group.targets:
        if target.unit_code == "G" and target.indicator_code not in (*LINES, "launches"):
            assert target.value % 1_000_000 == 0
    # Growth is over the same perimeter: units that report in the target year.
    _, periods, revenue = matrix(group, "revenue")
    present = revenue[:, periods // 100 == 2024].any(axis=1)
    comparable = revenue[present][:, periods // 100 == 2023].sum()
    assert comparable < revenue[:, periods // 100 == 2023].sum()
    target = next(
        t for t in group.targets if (t.unit_code, t.indicator_code, t.year, t.tier) == ("G", "revenue", 2024, "strive")
    )
    assert abs(target.value / comparable - 1.10) < 0.0001


@given(
    total=st.integers(-(10**9), 10**12),
    desired=st.lists(st.floats(-1e9, 1e12, allow_nan=False), min_size=1, max_size=30),
    quantum=st.sampled_from([1, 100, 1_000_000]),
)
def test_allocation_always_adds_up_exactly(total: int, desired: list[float], quantum: int) -> None:
    wanted = np.array(desired)
    eligible = np.ones(wanted.size, dtype=bool)
    eligible[::3] = wanted.size == 1
    assert int(allocate(total, wanted, eligible, quantum).sum()) == total


@given(st.lists(st.lists(st.floats(0, 1e6), min_size=12, max_size=12), min_size=1, max_size=5))
def test_basis_points_always_sum_to_10000(rows: list[list[float]]) -> None:
    profile = np.array(rows) + 1e-3
    shares = basis_points(profile)
    assert (shares.sum(axis=1) == 10000).all()
    assert shares.min() >= 0


# ---- size and configuration ----------------------------------------------------------------


def test_a_medium_group_has_the_expected_number_of_facts(medium: DemoGroup) -> None:
    assert abs(len(medium.units) - 200) <= 3
    assert medium.indicators[len(BASE_CODES) :] == [*(f"stat_{n:03d}" for n in range(1, 21)), *OWN]
    assert [f.kind for f in medium.extra_indicators[:4]] == ["flow", "stock", "flow", "stock"]
    assert medium.extra_indicators[0].name_zh == "统计指标001"
    assert medium.extra_indicators[0].name_en == "Statistic 001"
    leaf_months = (medium.facts.indicator == 0).sum()
    leaves = len(leaf_codes(medium))
    # Every leaf reports all 72 months except the created (from 2022) and the dissolved unit
    # (to June 2023).
    assert leaf_months == leaves * 72 - 12 - 42
    assert (medium.facts.indicator < len(BASE_CODES) + 20).sum() == leaf_months * (len(BASE_CODES) + 20)
    filler = medium.facts.value[
        (medium.facts.indicator >= len(BASE_CODES)) & (medium.facts.indicator < len(BASE_CODES) + 20)
    ]
    assert filler.min() > 0


def test_a_user_config_changes_the_group(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "src" / "pacer" / "demo" / "demo_group.yaml"
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["calibration"]["revenue_ensure"] = "50000000000.00"
    raw["group"]["name_en"] = "Provincial Electromechanical Group"
    path = tmp_path / "group.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    group = generate(DemoConfig.load(path))
    assert group.units[0].name_en == "Provincial Electromechanical Group"
    target = next(
        t
        for t in group.targets
        if (t.unit_code, t.indicator_code, t.year, t.tier) == ("G", "revenue", LAST_FULL_YEAR, "ensure")
    )
    assert target.value == 50_000_000_000_00


def test_a_config_naming_an_unknown_unit_is_refused(tmp_path: Path) -> None:
    source = Path(__file__).parents[2] / "src" / "pacer" / "demo" / "demo_group.yaml"
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["story"]["moves"][0]["to"] = "NOPE"
    path = tmp_path / "group.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DemoConfigError, match="NOPE"):
        DemoConfig.load(path)


def test_arguments_out_of_range_are_refused(config: DemoConfig) -> None:
    with pytest.raises(ValueError, match=r"month must be 1\.\.12"):
        generate(config, as_of=(2026, 13))
    with pytest.raises(ValueError, match="after the as-of year"):
        generate(config, first_year=2027)
