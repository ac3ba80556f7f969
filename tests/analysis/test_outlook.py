"""Year-end outlook: the vectorised Holt-Winters against statsmodels, on known series, and the
fallbacks for short histories."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from pacer.analysis.core import holt_winters as hw
from pacer.analysis.core.outlook import OutlookMethod, normal_cdf, reach_probability, year_end_outlook

from .support import YI, engine, flow, stock, targets_for

ONE = hw.Grid(alpha=(0.3,), beta=(0.1,), gamma=(0.2,))


def seasonal_series(n_months: int, seed: int, noise: float = 3.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n_months)
    return 100 + 0.8 * t + 15 * np.sin(2 * np.pi * t / 12) + rng.normal(0, noise, n_months)


def statsmodels_fit(y: np.ndarray, fit: hw.Fit, i: int, start: int = 0):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    seasonal = fit.initial_seasonal[i][(start + np.arange(12)) % 12]
    model = ExponentialSmoothing(
        y,
        trend="add",
        seasonal="add",
        seasonal_periods=12,
        initialization_method="known",
        initial_level=fit.initial_level[i],
        initial_trend=fit.initial_trend[i],
        initial_seasonal=seasonal,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(
            smoothing_level=fit.alpha[i], smoothing_trend=fit.beta[i], smoothing_seasonal=fit.gamma[i], optimized=False
        )


@pytest.mark.parametrize("params", [(0.3, 0.1, 0.2), (0.7, 0.0, 0.05), (0.1, 0.3, 0.45)])
def test_fit_matches_statsmodels_exponential_smoothing_with_the_same_parameters(params) -> None:
    a, b, g = params
    y = np.stack([seasonal_series(60, seed) for seed in range(4)])
    fit = hw.fit(y, np.ones(y.shape, bool), hw.Grid((a,), (b,), (g,)), keep_fitted=True)
    assert fit.fitted is not None
    for i in range(len(y)):
        reference = statsmodels_fit(y[i], fit, i)
        assert np.allclose(fit.fitted[i], reference.fittedvalues, rtol=1e-10, atol=1e-8)
        assert np.allclose(hw.forecast(fit, 59, 9)[i], reference.forecast(9), rtol=1e-10)
        assert fit.sse[i] == pytest.approx(reference.sse, rel=1e-9)


def test_a_series_starting_mid_year_matches_statsmodels_on_its_own_months() -> None:
    y = seasonal_series(70, 11)
    present = np.ones(70, bool)
    present[:17] = False  # the unit was created in June of the second year
    fit = hw.fit(y[None], present[None], ONE, keep_fitted=True)
    reference = statsmodels_fit(y[17:], fit, 0, start=17)
    assert fit.fitted is not None
    assert np.isnan(fit.fitted[0, :17]).all()
    assert np.allclose(fit.fitted[0, 17:], reference.fittedvalues, rtol=1e-9)
    assert np.allclose(hw.forecast(fit, 69, 5)[0], reference.forecast(5), rtol=1e-9)


def test_the_grid_keeps_the_combination_with_the_smallest_one_step_error() -> None:
    y = np.stack([seasonal_series(72, s, noise=6.0) for s in range(3)])
    present = np.ones(y.shape, bool)
    grid = hw.Grid(alpha=(0.1, 0.5), beta=(0.0, 0.2), gamma=(0.1, 0.4))
    best = hw.fit(y, present, grid)
    for a, b, g in zip(*grid.combinations(), strict=True):
        single = hw.fit(y, present, hw.Grid((a,), (b,), (g,)))
        assert (best.sse <= single.sse + 1e-9).all()
    assert set(best.alpha) <= {0.1, 0.5}


def test_a_known_trend_and_season_is_forecast_closely() -> None:
    t = np.arange(84 + 12)
    truth = 500 + 4.0 * t + 60 * np.sin(2 * np.pi * t / 12) + 25 * np.cos(2 * np.pi * t / 6)
    rng = np.random.default_rng(3)
    observed = truth[:84] + rng.normal(0, 2.0, 84)
    fit = hw.fit(observed[None], np.ones((1, 84), bool))
    ahead = hw.forecast(fit, 83, 12)[0]
    assert np.max(np.abs(ahead - truth[84:]) / truth[84:]) < 0.02
    # one-step errors carry the noise (variance 4) plus the states' own adaptation
    assert 4.0 * 0.5 < fit.sigma2[0] < 4.0 * 4


def test_a_missing_month_inside_the_history_does_not_break_the_fit() -> None:
    y = seasonal_series(60, 5)
    present = np.ones(60, bool)
    present[[30, 41]] = False
    y[[30, 41]] = np.nan
    fit = hw.fit(y[None], present[None])
    assert fit.ok[0]
    assert np.isfinite(hw.forecast(fit, 59, 6)).all()


def test_the_variance_of_the_rest_of_year_total_matches_simulation() -> None:
    fit = hw.fit(seasonal_series(60, 1)[None], np.ones((1, 60), bool), ONE)
    horizon, sigma = 9, float(np.sqrt(fit.sigma2[0]))
    rng = np.random.default_rng(0)
    eps = rng.normal(0, sigma, (200_000, horizon))
    level, trend = np.zeros(len(eps)), np.zeros(len(eps))
    season = np.zeros((len(eps), 12))
    total = np.zeros(len(eps))
    a, ab, g = fit.alpha[0], fit.alpha[0] * fit.beta[0], fit.gamma[0]
    for h in range(horizon):  # deviations from the point forecast follow the same recursion
        dev = level + trend + season[:, h % 12] + eps[:, h]
        total += dev
        level, trend = level + trend + a * eps[:, h], trend + ab * eps[:, h]
        season[:, h % 12] += g * eps[:, h]
    assert hw.variance_of_sum(fit, horizon)[0] == pytest.approx(total.var(), rel=0.02)
    assert hw.variance_at(fit, horizon)[0] == pytest.approx(dev.var(), rel=0.02)


def yearly(months: int, seed: int = 0) -> np.ndarray:
    return np.abs(seasonal_series(months, seed))


def test_outlook_of_a_flow_adds_the_forecast_of_the_remaining_months_to_ytd() -> None:
    y = yearly(54)  # through June of the fifth year
    out = year_end_outlook(
        y[None], np.ones((1, 54), bool), 6, np.array([True]), np.array([np.nan]), np.array([np.nan]), np.array([False])
    )
    fit = out.fit
    assert out.method[0] == OutlookMethod.HOLT_WINTERS
    assert out.ytd[0] == pytest.approx(y[48:].sum())
    assert out.statistical[0] == pytest.approx(y[48:].sum() + hw.forecast(fit, 53, 6).sum())
    assert out.run_rate[0] == pytest.approx(y[48:].sum() * 2)
    pooled = y[12:48].reshape(3, 12)  # the three complete years before this one
    assert out.seasonal[0] == pytest.approx(y[48:].sum() / (pooled[:, :6].sum() / pooled.sum()))
    assert out.low[0] < out.statistical[0] < out.high[0]


def test_a_short_history_falls_back_to_seasonal_then_run_rate() -> None:
    y = yearly(18)
    present = np.ones((2, 18), bool)
    present[1, :12] = False  # no complete year before this one
    out = year_end_outlook(
        np.stack([y, y]), present, 6, np.array([True, True]), np.full(2, np.nan), np.full(2, np.nan), np.zeros(2, bool)
    )
    assert out.method.tolist() == [OutlookMethod.SEASONAL, OutlookMethod.RUN_RATE]
    assert out.point[0] == pytest.approx(out.seasonal[0])
    assert out.point[1] == pytest.approx(y[12:].sum() * 2)
    assert np.isnan(out.low).all()
    assert np.isnan(out.p_ensure).all()


def test_in_december_the_outlook_is_the_actual_year() -> None:
    y = yearly(36)
    out = year_end_outlook(
        y[None],
        np.ones((1, 36), bool),
        12,
        np.array([True]),
        np.array([y[24:].sum() - 1]),
        np.array([y[24:].sum() + 1]),
        np.array([False]),
    )
    assert out.method[0] == OutlookMethod.ACTUAL
    assert out.point[0] == pytest.approx(y[24:].sum()) == out.low[0] == out.high[0]
    assert out.p_ensure[0] == 1.0
    assert out.p_strive[0] == 0.0


def test_a_stock_outlook_is_the_december_balance() -> None:
    y = yearly(54, 2)
    out = year_end_outlook(
        y[None], np.ones((1, 54), bool), 6, np.array([False]), np.array([np.nan]), np.array([np.nan]), np.array([False])
    )
    assert out.ytd[0] == y[53]
    assert out.run_rate[0] == y[53]
    assert out.statistical[0] == pytest.approx(hw.forecast(out.fit, 53, 6)[0, -1])


def test_reach_probabilities_use_the_normal_approximation() -> None:
    p = reach_probability(
        np.array([100.0, 100.0, 100.0]),
        np.array([10.0, 10.0, 10.0]),
        np.array([100.0, 112.815515655446, 87.184484344554]),
        np.array([False, False, True]),
    )
    assert p.tolist() == pytest.approx([0.5, 0.1, 0.1])
    assert normal_cdf(np.array([0.0]))[0] == 0.5


def test_engine_outlook_reads_node_series_and_targets() -> None:
    values = np.zeros((3, 2, 54), np.int64)
    for unit in (1, 2):
        values[unit, 0] = (yearly(54, unit) * YI).astype(np.int64)
        values[unit, 1] = 50 * YI
    targets = targets_for(3, [flow("revenue"), stock("assets")], 2020, 5, {(0, "revenue", 2024): (1 * YI, 10**6 * YI)})
    e = engine([-1, 0, 0], [flow("revenue"), stock("assets")], values, targets=targets, first_year=2020)
    rows = e.outlook([0, 1], 2024, 6).rows()
    assert [(r.node, r.code) for r in rows] == [(0, "revenue"), (0, "assets"), (1, "revenue"), (1, "assets")]
    group = rows[0]
    assert group.method == "holt_winters"
    assert group.p_ensure == pytest.approx(1.0)
    assert group.p_strive == pytest.approx(0.0)
    assert group.ytd == pytest.approx(values[1:, 0, 48:].sum() / 100)
    assert rows[1].point == pytest.approx(100 * YI / 100)


def test_series_of_different_lengths_fit_together_as_they_would_alone() -> None:
    y = np.stack([seasonal_series(66, s) for s in range(3)])
    present = np.ones(y.shape, bool)
    present[1, :20] = False
    present[2, :30] = False
    together = hw.fit(y, present)
    for i in range(3):
        alone = hw.fit(y[i : i + 1], present[i : i + 1])
        assert together.alpha[i] == alone.alpha[0]
        assert together.gamma[i] == alone.gamma[0]
        assert np.allclose(hw.forecast(together, 65, 6)[i], hw.forecast(alone, 65, 6)[0], rtol=1e-9)


def test_a_sum_of_balances_closes_the_year_at_a_balance_not_at_a_sum_of_months() -> None:
    """Two funds (receivables + inventory): flat balances close the year where they stand; balances
    that fall every December by a fifth close it a fifth lower, however high they stand mid-year."""
    from .support import derived, total

    months = 12 * 4 + 6  # 2020-01 .. 2024-06
    dip = np.tile([1.0] * 11 + [0.8], 5)[:months]
    values = np.zeros((3, 2, months), np.int64)
    values[1, 0] = 90 * YI  # flat receivables
    values[1, 1] = 60 * YI  # flat inventory
    values[2, 0] = (100 * dip * YI).astype(np.int64)
    values[2, 1] = (50 * dip * YI).astype(np.int64)
    indicators = [stock("ar", "lower"), stock("inv", "lower"), derived("two", total("ar", "inv"), unit="yuan")]
    e = engine([-1, 0, 0], indicators, values, first_year=2020)
    rows = {(r.node, r.code): r for r in e.outlook([1, 2], 2024, 6).rows()}
    flat = rows[(1, "two")]
    assert flat.ytd == pytest.approx(150 * YI / 100)  # the June balance, in yuan
    assert flat.point == pytest.approx(flat.ytd, rel=0.01)  # neither six more months nor twelve
    dipping = rows[(2, "two")]
    assert dipping.ytd == pytest.approx(150 * YI / 100)
    assert dipping.point == pytest.approx(0.8 * dipping.ytd, rel=0.02)
    assert dipping.point == pytest.approx(rows[(2, "ar")].point + rows[(2, "inv")].point)
