"""The stored characteristic's chart is the core's chart, and a shifted process is caught."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pacer.characteristics.calc import Setup, compute, matrix
from pacer.spc import Standard, Subgroups, rule_set, xbar_chart
from tests.characteristics.conftest import in_control

SETUP = Setup("xbar-r", "we", 9.0, 11.0, 10.0, 25, None)


def test_the_chart_is_the_cores_xbar_r_chart_on_phase_one():
    values = in_control(30)
    found = compute(SETUP, values)
    core = xbar_chart(Subgroups.from_matrix(values), "R", phase1=(1, 25), rules=rule_set("we"))
    assert found.chart.standard == core.standard
    np.testing.assert_allclose(found.chart.panel("xbar").ucl, core.panel("xbar").ucl)


def test_frozen_limits_judge_new_points_whatever_they_are():
    values = in_control(40)
    values[30:] += 1.0  # phase II shifted by five sigmas of the mean
    frozen = Standard(10.0, 0.2)
    found = compute(Setup("xbar-r", "none", 9.0, 11.0, None, 25, frozen), values)
    assert found.chart.standard == frozen
    assert set(range(31, 41)) <= set(found.out_of_control)
    assert not [p for p in found.out_of_control if p <= 25]


def test_an_excluded_point_leaves_the_calibration_and_the_out_of_control_list():
    values = in_control(25)
    values[9] += 3.0
    before = compute(SETUP, values)
    assert 10 in before.out_of_control
    after = compute(SETUP, values, (10,))
    assert 10 not in after.out_of_control
    assert 10 in after.signals
    assert after.chart.standard.center < before.chart.standard.center


def test_capability_counts_values_out_of_specification_with_intervals():
    values = in_control(25)
    values[0, 0] = 11.5
    cap = compute(SETUP, values).capability
    assert cap is not None
    assert cap.n == 125
    value, low, high = cap.indices["Cpk"]
    assert low < value < high
    assert cap.observed_pct[1] == 100 / 125


@given(st.lists(st.integers(1, 6), min_size=1, max_size=30))
def test_matrix_puts_each_value_in_its_subgroup_row(sizes):
    subgroup = np.repeat(np.arange(1, len(sizes) + 1), sizes)
    values = np.arange(subgroup.size, dtype=float)
    m = matrix(subgroup, values)
    assert m.shape == (len(sizes), max(sizes))
    assert np.array_equal(np.sum(~np.isnan(m), axis=1), sizes)
    assert np.array_equal(m[~np.isnan(m)], values)
