"""Additive Holt-Winters (level, trend, 12-month seasonality), fitted to many series at once.

Every series shares one month axis whose index 0 is a January, so the seasonal states are kept by
calendar month and each step of the recursion touches one contiguous slice of them. Series may
start late (a unit created later) and miss months (a missing month is replaced by its one-step
forecast, so it moves the states only by their trend). Each series is fitted with every
parameter combination of a grid at once ([series, grid] arrays) and keeps the combination with
the smallest in-sample one-step squared error.

The recursion is the error-correction form of statsmodels' ``ExponentialSmoothing(trend='add',
seasonal='add')``: with e = y - (l + b + s_{t-12}),
``l ← l + b + αe``, ``b ← b + αβe``, ``s_t ← s_{t-12} + γe``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from pacer.analysis.core.inputs import BoolArray, FloatArray, Int64Array

SEASON = 12
INIT_MONTHS = 2 * SEASON
# about this many floats per state array keeps a chunk's working set in cache
_CHUNK_ELEMENTS = 1 << 16


@dataclass(frozen=True)
class Grid:
    """Smoothing parameters tried for every series: ``alpha`` (level), ``beta`` (trend, as a share
    of the level's correction like statsmodels' ``smoothing_trend``), ``gamma`` (season)."""

    alpha: tuple[float, ...] = (0.05, 0.1, 0.2, 0.35, 0.5, 0.75)
    beta: tuple[float, ...] = (0.0, 0.05, 0.15, 0.3)
    gamma: tuple[float, ...] = (0.0, 0.1, 0.25, 0.45)

    def combinations(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        a, b, g = zip(*itertools.product(self.alpha, self.beta, self.gamma), strict=True)
        return np.array(a), np.array(b), np.array(g)


@dataclass(frozen=True, eq=False)
class Fit:
    """Per series: chosen parameters, states after the last month (``seasonal`` by calendar month,
    0 = January), the initial states, residual variance and whether a fit was possible (at least
    two years of history with some data in each)."""

    ok: BoolArray
    alpha: FloatArray
    beta: FloatArray
    gamma: FloatArray
    level: FloatArray
    trend: FloatArray
    seasonal: FloatArray
    initial_level: FloatArray
    initial_trend: FloatArray
    initial_seasonal: FloatArray
    sigma2: FloatArray
    sse: FloatArray
    fitted: FloatArray | None


def fit(y: FloatArray, present: BoolArray, grid: Grid | None = None, keep_fitted: bool = False) -> Fit:
    """Fit every row of ``y`` ([series, months]); months where ``present`` is false are missing.

    ``fitted`` (the one-step predictions, NaN before a series starts) is kept on request.
    """
    y = np.asarray(y, dtype=np.float64)
    present = np.asarray(present, dtype=bool) & np.isfinite(y)
    a, b, g = (grid or Grid()).combinations()
    n_series, n_months = y.shape
    start = np.where(present.any(axis=1), present.argmax(axis=1), n_months)
    parts = []
    step = max(1, _CHUNK_ELEMENTS // len(a))
    for s0 in range(0, n_series, step):
        rows = np.s_[s0 : s0 + step]
        parts.append(_fit_chunk(y[rows], present[rows], start[rows], a, b, g, keep_fitted))
    fields: dict[str, Any] = {
        f: None if getattr(parts[0], f) is None else np.concatenate([getattr(p, f) for p in parts])
        for f in Fit.__dataclass_fields__
    }
    return Fit(**fields)


def _fit_chunk(
    y: FloatArray,
    present: BoolArray,
    start: Int64Array,
    a: FloatArray,
    b: FloatArray,
    g: FloatArray,
    keep_fitted: bool,
) -> Fit:
    ok = start + INIT_MONTHS <= y.shape[1]
    level0, trend0, season0, ok = _initial_states(y, present, np.where(ok, start, 0), ok)
    start = np.where(ok, start, y.shape[1])
    y = np.where(present, y, 0.0)
    sse, *_ = _run(y, present, start, a[None], (a * b)[None], g[None], level0, trend0, season0)
    best = np.argmin(sse, axis=1)
    ab, bb, gb = a[best][:, None], b[best][:, None], g[best][:, None]
    sse1, sse_post, n_post, n_all, level, trend, ring, fitted = _run(
        y, present, start, ab, ab * bb, gb, level0, trend0, season0, keep_fitted=keep_fitted
    )
    # residuals inside the initialisation window fit the data they were set from, so the
    # variance comes from the later ones when there are enough of them
    sigma2 = np.where(n_post >= SEASON, sse_post / np.maximum(n_post, 1), sse1[:, 0] / np.maximum(n_all, 1))
    return Fit(
        ok=ok,
        alpha=ab[:, 0],
        beta=bb[:, 0],
        gamma=gb[:, 0],
        level=level[:, 0],
        trend=trend[:, 0],
        seasonal=ring[:, :, 0].T.copy(),
        initial_level=level0[:, 0],
        initial_trend=trend0[:, 0],
        initial_seasonal=season0[:, :, 0].T.copy(),
        sigma2=np.where(ok, sigma2, np.nan),
        sse=np.where(ok, sse1[:, 0], np.nan),
        fitted=fitted,
    )


def _initial_states(
    y: FloatArray, present: BoolArray, start: Int64Array, ok: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
    """Classic two-season start: trend from the change of the yearly means, level at the month
    before the start, seasonal from the detrended first two years. Returns the level and trend
    as ``[series, 1]`` and the seasonal as ``[12 calendar months, series, 1]``."""
    k = np.arange(INIT_MONTHS)
    idx = np.minimum(start[:, None] + k, y.shape[1] - 1)
    win = np.take_along_axis(y, idx, axis=1)
    seen = np.take_along_axis(present, idx, axis=1) & ok[:, None]
    w = seen.astype(np.float64)
    n1, n2 = w[:, :SEASON].sum(axis=1), w[:, SEASON:].sum(axis=1)
    ok = ok & (n1 > 0) & (n2 > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m1 = (win[:, :SEASON] * w[:, :SEASON]).sum(axis=1) / n1
        m2 = (win[:, SEASON:] * w[:, SEASON:]).sum(axis=1) / n2
    trend = np.where(ok, (m2 - m1) / SEASON, 0.0)
    level = np.where(ok, m1 - (SEASON + 1) / 2 * trend, 0.0)
    detrended = (win - (level[:, None] + (k + 1) * trend[:, None])) * w
    weight = w[:, :SEASON] + w[:, SEASON:]
    with np.errstate(invalid="ignore", divide="ignore"):
        by_offset = (detrended[:, :SEASON] + detrended[:, SEASON:]) / weight
    by_offset = np.where(weight > 0, by_offset, 0.0)
    by_offset -= by_offset.mean(axis=1, keepdims=True)
    calendar = (start[:, None] + np.arange(SEASON)) % SEASON
    season = np.zeros_like(by_offset)
    np.put_along_axis(season, calendar, by_offset, axis=1)
    season = np.where(ok[:, None], season, 0.0)
    return level[:, None], trend[:, None], season.T[:, :, None].copy(), ok


def _run(
    y: FloatArray,
    present: BoolArray,
    start: Int64Array,
    alpha: FloatArray,
    alpha_beta: FloatArray,
    gamma: FloatArray,
    level0: FloatArray,
    trend0: FloatArray,
    season0: FloatArray,
    keep_fitted: bool = False,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray | None]:
    """The recursion over ``[series, grid]`` states; returns SSE (all and after the
    initialisation window), their counts, the final states and optionally the fitted values."""
    n_series, n_months = y.shape
    shape = (n_series, alpha.shape[1])
    t0 = int(start.min(initial=n_months))
    # a series starting later than t0 sees zero errors until its start, so its level only moves
    # by the trend; starting it that many trend steps back lands it on its initial state
    level = np.broadcast_to(level0 - (start - t0)[:, None] * trend0, shape).copy()
    trend = np.broadcast_to(trend0, shape).copy()
    ring = np.broadcast_to(season0, (SEASON, *shape)).copy()
    sse, sse_post = np.zeros(shape), np.zeros(n_series)
    obs = present & (np.arange(n_months) >= start[:, None])
    obs_f = obs.astype(np.float64)
    post_f = (obs & (np.arange(n_months) >= (start + INIT_MONTHS)[:, None])).astype(np.float64)
    fitted = np.full((n_series, n_months), np.nan) if keep_fitted else None
    e, tmp = np.empty(shape), np.empty(shape)
    for t in range(t0, n_months):
        season = ring[t % SEASON]
        np.add(level, trend, out=level)  # level now holds the one-step level forecast
        np.add(level, season, out=tmp)  # the one-step forecast of y
        if fitted is not None:
            fitted[:, t] = np.where(t >= start, tmp[:, 0], np.nan)
        np.subtract(y[:, t : t + 1], tmp, out=e)
        e *= obs_f[:, t : t + 1]
        np.multiply(e, e, out=tmp)
        sse += tmp
        if shape[1] == 1:
            sse_post += tmp[:, 0] * post_f[:, t]
        level += np.multiply(alpha, e, out=tmp)
        trend += np.multiply(alpha_beta, e, out=tmp)
        season += np.multiply(gamma, e, out=tmp)
    n_all, n_post = obs_f.sum(axis=1), post_f.sum(axis=1)
    return sse, sse_post, n_post, n_all, level, trend, ring, fitted


def forecast(result: Fit, last_month: int, horizon: int) -> FloatArray:
    """Point forecasts ``[series, horizon]`` for the months after ``last_month`` (an index on the
    shared axis, so its calendar month is ``last_month % 12``)."""
    h = np.arange(1, horizon + 1)
    cal = (last_month + h) % SEASON
    path: FloatArray = result.level[:, None] + h * result.trend[:, None] + result.seasonal[:, cal]
    return path


def error_weights(result: Fit, horizon: int) -> FloatArray:
    """``c_j`` of the innovations form, ``[series, horizon]``: the forecast error h steps ahead is
    ε_{n+h} + Σ_{j<h} c_j ε_{n+h-j} with c_j = α(1 + jβ) + γ·[j a multiple of 12]."""
    j = np.arange(1, horizon + 1)
    weights: FloatArray = result.alpha[:, None] * (1 + j * result.beta[:, None]) + result.gamma[:, None] * (
        j % SEASON == 0
    )
    return weights


def variance_of_sum(result: Fit, horizon: int) -> FloatArray:
    """Variance of the summed forecast errors of the next ``horizon`` months (a flow's rest of
    year): Σ_{i=1..H} (1 + Σ_{j=1..H-i} c_j)² σ²."""
    if horizon == 0:
        return np.zeros_like(result.sigma2)
    c = np.cumsum(error_weights(result, horizon), axis=1)
    weights = 1 + np.concatenate([c[:, : horizon - 1][:, ::-1], np.zeros((len(c), 1))], axis=1)
    variance: FloatArray = result.sigma2 * (weights**2).sum(axis=1)
    return variance


def variance_at(result: Fit, horizon: int) -> FloatArray:
    """Variance of the forecast error ``horizon`` months ahead (a stock's balance then):
    (1 + Σ_{j=1..H-1} c_j²) σ²."""
    if horizon == 0:
        return np.zeros_like(result.sigma2)
    c = error_weights(result, horizon)[:, : horizon - 1]
    variance: FloatArray = result.sigma2 * (1 + (c**2).sum(axis=1))
    return variance
