"""Unit conversion for display: a unit of the group's table is shown on the scale of its dimension
that the column's largest figure reaches, exactly, with its symbol in either language, and a
percentage's change in pp."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import Change, ChangeKind, breakdown, choose, to_display, wording

from .support import BUILTIN_UNITS as U


@pytest.mark.parametrize(
    ("code", "magnitude", "shown"),
    [
        ("yuan", None, "wan_yuan"),  # nothing to size it by: the smallest display unit
        ("yuan", 5_000, "wan_yuan"),  # below the smallest display unit: still the smallest
        ("yuan", Decimal("99999999.99"), "wan_yuan"),
        ("yuan", 100_000_000, "yi_yuan"),
        ("yuan", -3e9, "yi_yuan"),  # a loss is sized like a profit
        ("yuan_per_person", 350_000, "wan_yuan_per_person"),
        ("t", 999, "t"),
        ("t", 1_000, "kt"),
        ("kt", Decimal("0.5"), "t"),  # stored in kt, shown in t: the dimension decides, not the unit
        ("tce", 12_000, "ktce"),
        ("tce_per_wan_yuan", Decimal("0.35"), "tce_per_wan_yuan"),  # a unit without a ladder: itself
        ("percent", 250, "percent"),
    ],
)
def test_the_display_scale_is_the_largest_of_the_dimension_the_magnitude_reaches(code, magnitude, shown):
    assert choose(U[code], magnitude).code == shown


def test_a_figure_is_scaled_exactly_between_any_two_units_of_a_dimension():
    kt = choose(U["t"], 5_000)
    assert kt.ratio == 1000
    assert to_display(1_234_567_5, 1, kt, 2) == Decimal("1234.57")  # 1,234,567.5 t
    assert to_display(1_235_0, 1, kt, 2) == Decimal("1.24")  # 1,235.0 t = 1.235 kt: half away from zero
    assert to_display(-1_235_0, 1, kt, 2) == Decimal("-1.24")
    t = choose(U["kt"], Decimal("0.5"))
    assert t.ratio == Fraction(1, 1000)
    assert to_display(1_234, 3, t, 0) == Decimal(1234)  # 1.234 kt = 1,234 t
    assert choose(U["yuan"], 2e8).divisor == Decimal(100_000_000)


@settings(deadline=None)
@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=8), st.integers(0, 3))
def test_a_breakdown_in_kt_adds_up_on_screen(parts, scale):
    total, shown = breakdown(parts, scale, choose(U["t"], 10**6), 2)
    assert sum(shown) == total
    for part, s in zip(parts, shown, strict=True):
        assert abs(Decimal(part).scaleb(-scale) / 1000 - s) < Decimal("0.01")


@pytest.mark.parametrize(
    ("code", "magnitude", "zh", "en"),
    [
        ("yuan", 2e8, "亿元", "RMB 100m"),
        ("yuan", 2e4, "万元", "RMB 10k"),
        ("t", 2e3, "千吨", "kt"),
        ("tce", 2e3, "千吨标准煤", "ktce"),
        ("tce", 2, "吨标准煤", "tce"),
        ("tce_per_wan_yuan", 2, "吨标准煤/万元", "tce/RMB 10k"),
        ("yuan_per_person", 2e5, "万元/人", "RMB 10k/person"),
        ("person", 20, "人", "persons"),
    ],
)
def test_a_scale_reads_as_its_symbol_in_either_language(code, magnitude, zh, en):
    shown = choose(U[code], magnitude)
    assert (wording.unit_label(shown, "zh"), wording.unit_label(shown, "en")) == (zh, en)


def test_decimals_are_the_stored_ones_in_the_unit_itself_and_two_on_another_scale():
    assert choose(U["person"], 5_000, scale=0).decimals == 0
    assert choose(U["t"], 500, scale=0).decimals == 0
    assert choose(U["t"], 5_000, scale=0).decimals == 2
    assert choose(U["tce_per_wan_yuan"], 1, scale=4).decimals == 2


def test_a_percent_unit_changes_in_pp_and_no_other_does():
    assert choose(U["percent"], 40).percent
    assert not any(choose(U[c], 1).percent for c in ("yuan", "t", "tce_per_wan_yuan"))
    pp = Change(ChangeKind.PP, -1.234, -123, None)
    assert wording.change(pp, "en") == "-1.23pp"
    assert wording.pp(-1.234, "zh") == "-1.2个百分点"


def test_a_loss_narrowed_reads_on_the_column_scale():
    narrowed = Change(ChangeKind.LOSS_NARROWED, 2.5e8, 25_000_000_000, None)
    assert wording.change(narrowed, "zh", choose(U["yuan"], 3e8)) == "减亏2.50亿元"
    assert wording.change(narrowed, "en", choose(U["yuan"], 3e4)) == "loss narrowed by 25,000.00 RMB 10k"
