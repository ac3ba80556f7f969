"""Year-end outlook for many series at once: run-rate, seasonal profile and a Holt-Winters
forecast of the remaining months with an 80 % interval and the chance of reaching each tier.

The interval and the probabilities use a normal approximation of the year-end total, whose
variance is propagated exactly through the linear innovations form of the additive model (see
:func:`pacer.analysis.core.holt_winters.variance_of_sum`); with σ² estimated from in-sample one-step
residuals it does not include the uncertainty of the parameters themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from pacer.analysis.core import calc
from pacer.analysis.core import holt_winters as hw
from pacer.analysis.core.inputs import BoolArray, FloatArray

Z80 = 1.2815515655446004  # standard normal quantile at 0.9: a central 80 % interval
_erf = np.frompyfunc(math.erf, 1, 1)


class OutlookMethod(IntEnum):
    NO_DATA = 0  # nothing reported this year
    ACTUAL = 1  # December: the year is complete
    HOLT_WINTERS = 2
    SEASONAL = 3  # too short for Holt-Winters: YTD over last years' share reached by now
    RUN_RATE = 4  # no complete reference year either: YTD x 12 / m


@dataclass(frozen=True, eq=False)
class OutlookArrays:
    """Per series, in the series' unit. For a flow the year-end value is the annual total, for a
    stock the December balance. ``point`` is the best available estimate (Holt-Winters, else
    seasonal, else run-rate); interval and probabilities exist only for Holt-Winters and actuals.
    ``fit`` is None for series evaluated from other series' outlooks (derived indicators)."""

    method: np.ndarray
    ytd: FloatArray
    run_rate: FloatArray
    seasonal: FloatArray
    statistical: FloatArray
    point: FloatArray
    low: FloatArray
    high: FloatArray
    p_ensure: FloatArray
    p_strive: FloatArray
    fit: hw.Fit | None


def normal_cdf(z: FloatArray) -> FloatArray:
    erf = np.asarray(_erf(np.asarray(z, dtype=np.float64) / math.sqrt(2.0)), dtype=np.float64)
    return 0.5 * (1.0 + erf)


def year_end_outlook(
    monthly: FloatArray,
    present: BoolArray,
    month: int,
    is_flow: BoolArray,
    ensure: FloatArray,
    strive: FloatArray,
    lower: BoolArray,
    grid: hw.Grid | None = None,
    reference_years: int = 3,
) -> OutlookArrays:
    """Outlook for ``monthly`` ([series, months], every row ending at ``month`` of the current
    year and starting in a January); ``ensure``/``strive`` are NaN where there is no target."""
    n_series, n_months = monthly.shape
    if n_months % 12 != month % 12 or n_months < month:
        raise ValueError("outlook: the series must start in a January and end at `month`")
    present = present & np.isfinite(monthly)
    values = np.where(present, monthly, 0.0)
    this_year = np.s_[:, n_months - month :]
    ytd = np.where(is_flow, values[this_year].sum(axis=1), values[:, -1])
    has_ytd = np.where(is_flow, present[this_year].any(axis=1), present[:, -1])
    ytd = np.where(has_ytd, ytd, np.nan)
    run_rate = np.where(is_flow, ytd * 12.0 / month, ytd)
    seasonal = _seasonal(values, present, month, is_flow, ytd, reference_years)
    fit = hw.fit(monthly, present, grid)
    horizon = 12 - month
    path = hw.forecast(fit, n_months - 1, horizon)
    statistical = np.where(is_flow, ytd + path.sum(axis=1), path[:, -1] if horizon else ytd)
    variance = np.where(is_flow, hw.variance_of_sum(fit, horizon), hw.variance_at(fit, horizon))
    method = np.select(
        [~has_ytd, np.full(n_series, horizon == 0), fit.ok, np.isfinite(seasonal)],
        [OutlookMethod.NO_DATA, OutlookMethod.ACTUAL, OutlookMethod.HOLT_WINTERS, OutlookMethod.SEASONAL],
        OutlookMethod.RUN_RATE,
    ).astype(np.int8)
    actual = method == OutlookMethod.ACTUAL
    statistical = np.where(fit.ok | actual, statistical, np.nan)
    sd = np.where(actual, 0.0, np.sqrt(np.where(fit.ok, variance, np.nan)))
    point = np.select(
        [method <= OutlookMethod.HOLT_WINTERS, method == OutlookMethod.SEASONAL], [statistical, seasonal], run_rate
    )
    point = np.where(has_ytd, point, np.nan)
    return OutlookArrays(
        method=method,
        ytd=ytd,
        run_rate=run_rate,
        seasonal=seasonal,
        statistical=statistical,
        point=point,
        low=statistical - Z80 * sd,
        high=statistical + Z80 * sd,
        p_ensure=reach_probability(statistical, sd, ensure, lower),
        p_strive=reach_probability(statistical, sd, strive, lower),
        fit=fit,
    )


def reach_probability(mean: FloatArray, sd: FloatArray, target: FloatArray, lower: BoolArray) -> FloatArray:
    """P(year-end ≥ target), or P(year-end ≤ cap) for lower-is-better, under N(mean, sd²)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (target - mean) / sd
    # with no spread the outcome is certain: the target is either below or above the mean
    z = np.where(sd > 0, z, np.where(target > mean, np.inf, np.where(target < mean, -np.inf, 0)))
    below = normal_cdf(z)
    at_exact = (sd == 0) & (target == mean)  # reaching exactly counts as reached
    p = np.where(lower, below, 1.0 - below)
    p = np.where(at_exact, 1.0, p)
    return np.where(np.isfinite(mean) & np.isfinite(sd) & np.isfinite(target), p, np.nan)


def _seasonal(
    values: FloatArray,
    present: BoolArray,
    month: int,
    is_flow: BoolArray,
    ytd: FloatArray,
    reference_years: int,
) -> FloatArray:
    """Flows: YTD / the share of the year reached by ``month`` in the complete reference years.
    Stocks: this balance plus the average move from ``month`` to December in those years."""
    n_series, n_months = values.shape
    years = min(reference_years, (n_months - month) // 12)
    if years == 0:
        return np.full(n_series, np.nan)
    cols = np.s_[:, n_months - month - 12 * years : n_months - month]
    past = values[cols].reshape(n_series, years, 12)
    seen = present[cols].reshape(n_series, years, 12)
    share = calc.history_shares(past, seen)[:, month - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        flow = np.where(share > 0, ytd / share, np.nan)
        usable = seen[:, :, 11] & seen[:, :, month - 1]
        moves = np.where(usable, past[:, :, 11] - past[:, :, month - 1], 0.0).sum(axis=1)
        stock = np.where(usable.any(axis=1), ytd + moves / usable.sum(axis=1), np.nan)
    return np.where(is_flow, flow, stock)
