"""Display scales keep a breakdown adding up on screen."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import DisplayUnit, apportion, breakdown, to_display


def test_amounts_convert_to_yi_yuan_rounding_half_away_from_zero() -> None:
    assert to_display(17_000_000_000_00, 2) == Decimal("170.00")
    assert to_display(12_345_000_00, 2, DisplayUnit.WAN_YUAN, 1) == Decimal("1234.5")
    assert to_display(5_000_00, 2, DisplayUnit.WAN_YUAN, 0) == Decimal("1")
    assert to_display(-5_000_00, 2, DisplayUnit.WAN_YUAN, 0) == Decimal("-1")
    assert to_display(123, 0, DisplayUnit.YUAN, 2) == Decimal("123.00")


def test_three_thirds_still_add_up_to_the_whole() -> None:
    # 1亿 split 0.333.. / 0.333.. / 0.333..: rounded alone they show 0.33 x 3 = 0.99 ≠ 1.00
    parts = [3_333_333_333, 3_333_333_333, 3_333_333_334]
    total, shown = breakdown(parts, 2)
    assert total == Decimal("1.00")
    assert sum(shown) == total
    assert sorted(shown) == [Decimal("0.33"), Decimal("0.33"), Decimal("0.34")]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-(10**15), 10**15), min_size=1, max_size=12),
    st.sampled_from(list(DisplayUnit)),
    st.integers(0, 4),
    st.integers(0, 4),
)
def test_displayed_parts_add_up_to_the_displayed_total_and_are_each_rounded_down_or_up(
    parts: list[int], unit: DisplayUnit, scale: int, decimals: int
) -> None:
    total, shown = breakdown(parts, scale, unit, decimals)
    assert sum(shown) == total
    assert total == to_display(sum(parts), scale, unit, decimals)
    for part, s in zip(parts, shown, strict=True):
        exact = Decimal(part).scaleb(-scale - unit.exponent)
        step = Decimal(1).scaleb(-decimals)
        assert s - step < exact < s + step or s == exact


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 10**12), min_size=1, max_size=4), min_size=1, max_size=4))
def test_apportioning_top_down_keeps_every_level_adding_up(groups: list[list[int]]) -> None:
    scale, unit, decimals = 2, DisplayUnit.YI_YUAN, 2
    subtotals = [sum(g) for g in groups]
    _, shown = breakdown(subtotals, scale, unit, decimals)
    for group, parent in zip(groups, shown, strict=True):
        units = int(parent.scaleb(decimals))
        children = apportion(units, group, scale, unit, decimals)
        assert sum(children) == units


def test_apportion_refuses_a_total_that_is_not_a_rounding_of_the_parts() -> None:
    with pytest.raises(ValueError, match="not a rounding"):
        apportion(5, [100, 100], 0, DisplayUnit.YUAN, 0)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-(10**12), 10**12) | st.sampled_from([0, 2500, 5000, 7500, -2500, -5000]),
            st.integers(-(10**12), 10**12) | st.sampled_from([0, 2500, 5000, 7500, -2500, -5000]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([DisplayUnit.YI_YUAN, DisplayUnit.WAN_YUAN]),
)
def test_a_bridge_adds_up_across_and_down_and_each_figure_is_its_value_rounded_down_or_up(lines, unit):
    from pacer.analysis.shown.display import crossed_breakdown

    current, previous = [c for c, _ in lines], [p for _, p in lines]
    total, rows = crossed_breakdown(current, previous, 2, unit, 2)
    step = Decimal("0.01")
    for (c, p, d), cur, prev in zip(rows, current, previous, strict=True):
        assert c - p == d
        for shown, exact in ((c, cur), (p, prev), (d, cur - prev)):
            assert abs(shown - Decimal(exact).scaleb(-2 - unit.exponent)) < step
    for k in range(3):
        assert sum(r[k] for r in rows) == total[k]
    assert total[0] == to_display(sum(current), 2, unit)
    # previous is rounded half away from zero too, unless it is an exact half that cannot be
    # rounded so together with current (then it rounds the other way)
    half = 10 ** (2 + unit.exponent - 2) // 2
    if sum(previous) % (2 * half) != half:
        assert total[1] == to_display(sum(previous), 2, unit)
    assert abs(total[1] - Decimal(sum(previous)).scaleb(-2 - unit.exponent)) < step


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        # the previous column's rounding follows the line whose change is exact
        ([(2500, 2500), (2500, 0)], [("0.00", "0.00", "0.00"), ("0.01", "0.00", "0.01")]),
        # 0.0246 and 0.0274 万元: 0.02 and 0.03 with a change of -0.01, never 0.00
        ([(24_600, 27_400), (0, 0)], [("0.02", "0.03", "-0.01"), ("0.00", "0.00", "0.00")]),
    ],
)
def test_a_bridge_line_rounds_current_and_previous_so_the_columns_keep_their_rounded_totals(lines, shown):
    from pacer.analysis.shown.display import crossed_breakdown

    _, rows = crossed_breakdown([c for c, _ in lines], [p for _, p in lines], 2, DisplayUnit.WAN_YUAN, 2)
    assert [tuple(str(x) for x in r) for r in rows] == shown
