"""The warning checks HQ runs over its units."""

from __future__ import annotations

import numpy as np
import pytest

from pacer.analysis import CheckCodes
from pacer.analysis.answers.checks import (
    negative_operating_cash_flow,
    rd_intensity_below,
    two_funds_outpacing_revenue,
)

from .support import YI, engine, flow, stock


def test_rd_of_40_on_revenue_of_380_is_10_5_percent_and_passes_the_10_percent_line() -> None:
    flag, intensity = rd_intensity_below(np.array([40.0, 37.0]), np.array([380.0, 380.0]))
    assert intensity[0] == pytest.approx(10.526315789)
    assert not flag[0]
    assert round(float(intensity[1]), 1) == 9.7
    assert flag[1]


def test_rd_intensity_without_revenue_is_missing_and_not_flagged() -> None:
    flag, intensity = rd_intensity_below(np.array([1.0]), np.array([0.0]))
    assert np.isnan(intensity[0])
    assert not flag[0]


def test_two_funds_growing_faster_than_revenue_is_flagged() -> None:
    flag, funds, revenue = two_funds_outpacing_revenue(
        np.array([60.0, 50.0]),
        np.array([50.0, 50.0]),
        np.array([60.0, 40.0]),
        np.array([50.0, 50.0]),
        np.array([105.0, 105.0]),
        np.array([100.0, 100.0]),
    )
    assert funds.tolist() == pytest.approx([20.0, -10.0])
    assert revenue[0] == pytest.approx(5.0)
    assert flag.tolist() == [True, False]


def test_negative_operating_cash_flow_is_flagged() -> None:
    assert negative_operating_cash_flow(np.array([-1.0, 0.0, np.nan])).tolist() == [True, False, False]


def test_checks_run_over_a_nodes_children_with_configurable_codes() -> None:
    inds = [flow("income"), flow("rd"), flow("ocf"), stock("ar"), stock("inv")]
    values = np.zeros((3, 5, 18), np.int64)
    for unit, rd, ocf in ((1, 40, 5), (2, 37, -1)):
        values[unit, 0, 12:18] = 380 * YI // 6
        values[unit, 0, 0:6] = 380 * YI // 6
        values[unit, 1, 12] = rd * YI
        values[unit, 2, 13] = ocf * YI
        values[unit, 3, :] = 10 * YI
        values[unit, 4, :12] = 10 * YI
        values[unit, 4, 12:] = 10 * YI if unit == 1 else 12 * YI
    e = engine([-1, 0, 0], inds, values, first_year=2023)
    codes = CheckCodes("ar", "inv", "income", "rd", "ocf")
    first, second = e.checks(0, 2024, 6, codes)
    assert first.node == 1
    assert not first.rd_intensity_below_line
    assert second.rd_intensity_below_line
    assert round(second.rd_intensity_pct, 1) == 9.7
    assert second.operating_cash_flow_negative
    assert not first.operating_cash_flow_negative
    assert second.operating_cash_flow_ytd.scaled == -1 * YI
    assert second.two_funds_outpacing_revenue
    assert second.two_funds_growth_pct == pytest.approx(10)
    assert not first.two_funds_outpacing_revenue
    assert first.revenue_growth_pct == pytest.approx(0)
