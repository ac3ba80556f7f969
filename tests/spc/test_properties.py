"""Properties the charts must have whatever the data: a shift is caught, phase I does not depend on
the order of its subgroups, rules do not depend on units, counts move the rules as configured."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.spc import (
    NELSON,
    WESTERN_ELECTRIC,
    Subgroups,
    attribute_chart,
    c4,
    cusum_chart,
    d2,
    d3,
    ewma_chart,
    rule_set,
    xbar_chart,
)
from pacer.spc.rules import evaluate

seeds = st.integers(0, 2**32 - 1)
EXAMPLES = settings(max_examples=40)


def _process(seed: int, shift: float, phase2: int = 20, n: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    calm = rng.normal(10.0, 1.0, (25, n))
    shifted = rng.normal(10.0 + shift, 1.0, (phase2, n))
    return np.vstack([calm, shifted])


@EXAMPLES
@given(seed=seeds, shift=st.floats(2.5, 6.0))
def test_a_shift_of_the_mean_is_caught_in_phase_two(seed: int, shift: float):
    chart = xbar_chart(Subgroups.from_matrix(_process(seed, shift)), phase1=(1, 25), rules=WESTERN_ELECTRIC)
    caught = chart.panel("xbar").violations["WE1"]
    assert any(point > 25 for point in caught)


@EXAMPLES
@given(seed=seeds, shift=st.floats(1.0, 3.0), sign=st.sampled_from([-1.0, 1.0]))
def test_cusum_and_ewma_catch_a_sustained_small_shift(seed: int, shift: float, sign: float):
    groups = Subgroups.from_matrix(_process(seed, sign * shift))
    cusum = cusum_chart(groups, 0.5, 5.0, phase1=(1, 25))
    side = cusum.panel("upper" if sign > 0 else "lower")
    assert any(point > 25 for point in side.violations["beyond"])
    ewma = ewma_chart(groups, 0.2, 3.0, phase1=(1, 25)).panels[0]
    assert any(point > 25 for point in ewma.violations["beyond"])


@EXAMPLES
@given(seed=seeds, spread=st.sampled_from(["R", "S"]), sigma=st.sampled_from(["rbar", "sbar", "pooled", "sd"]))
def test_phase_one_limits_do_not_depend_on_the_order_of_its_subgroups(seed: int, spread: str, sigma: str):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 8, 30)
    matrix = np.full((30, 7), np.nan)
    for i, n in enumerate(sizes):
        matrix[i, :n] = rng.normal(5.0, 0.3, n)
    shuffled = matrix[rng.permutation(30)]
    a = xbar_chart(Subgroups.from_matrix(matrix), spread, sigma=sigma)  # type: ignore[arg-type]
    b = xbar_chart(Subgroups.from_matrix(shuffled), spread, sigma=sigma)  # type: ignore[arg-type]
    assert np.isclose(a.standard.center, b.standard.center, rtol=1e-12)
    assert np.isclose(a.standard.sigma, b.standard.sigma, rtol=1e-12)
    assert np.allclose(np.sort(a.panel("xbar").ucl), np.sort(b.panel("xbar").ucl), rtol=1e-12)


@EXAMPLES
@given(seed=seeds)
def test_phase_one_of_a_p_chart_does_not_depend_on_sample_order(seed: int):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(20, 200, 30).astype(float)
    counts = rng.binomial(sizes.astype(int), 0.1).astype(float)
    order = rng.permutation(30)
    a, b = attribute_chart("p", counts, sizes), attribute_chart("p", counts[order], sizes[order])
    assert np.isclose(a.standard.center, b.standard.center, rtol=1e-12)
    assert np.allclose(a.panels[0].ucl[order], b.panels[0].ucl, rtol=1e-12)


@EXAMPLES
@given(seed=seeds, scale=st.floats(1e-3, 1e3), offset=st.floats(-1e3, 1e3))
def test_violations_do_not_depend_on_the_unit_of_measure(seed: int, scale: float, offset: float):
    data = _process(seed, 1.5)
    a = xbar_chart(Subgroups.from_matrix(data), phase1=(1, 25), rules=NELSON)
    b = xbar_chart(Subgroups.from_matrix(offset + scale * data), phase1=(1, 25), rules=NELSON)
    for name in ("xbar", "R"):
        assert a.panel(name).violations == b.panel(name).violations


@EXAMPLES
@given(seed=seeds)
def test_excluding_points_is_calibrating_without_them(seed: int):
    data = _process(seed, 0.0, phase2=0)
    revised = xbar_chart(Subgroups.from_matrix(data), exclude=(3, 17))
    without = xbar_chart(Subgroups.from_matrix(np.delete(data, [2, 16], axis=0)))
    assert np.isclose(revised.standard.center, without.standard.center, rtol=1e-12)
    assert np.isclose(revised.standard.sigma, without.standard.sigma, rtol=1e-12)


@given(k=st.integers(2, 20))
def test_a_run_count_fires_at_exactly_that_many_points(k: int):
    rules = rule_set("nelson", {"N2": k})
    run = np.full(k, 0.5)
    assert evaluate(rules, run, 0.0, 1.0, -3.0, 3.0)["N2"].tolist() == [False] * (k - 1) + [True]
    assert not evaluate(rules, run[:-1], 0.0, 1.0, -3.0, 3.0)["N2"].any()


@EXAMPLES
@given(seed=seeds, cut=st.integers(1, 59))
def test_rules_over_many_series_at_once_equal_each_series_alone(seed: int, cut: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.3, 60) + np.repeat(rng.normal(0, 1, 6), 10)
    position = np.concatenate([np.arange(cut), np.arange(60 - cut)])
    rules = WESTERN_ELECTRIC + NELSON
    together = evaluate(rules, x, 0.0, 1.0, -3.0, 3.0, position)
    first, second = evaluate(rules, x[:cut], 0.0, 1.0, -3.0, 3.0), evaluate(rules, x[cut:], 0.0, 1.0, -3.0, 3.0)
    for rule in rules:
        assert together[rule.name].tolist() == first[rule.name].tolist() + second[rule.name].tolist()


def test_the_constants_behave_as_their_definitions_require():
    sizes = range(2, 60)
    assert all(d2(n) < d2(n + 1) for n in sizes)
    assert all(0 < c4(n) < c4(n + 1) < 1 for n in sizes)
    assert all(d3(n) > d3(n + 1) for n in range(3, 60))  # the range's SD falls from n = 3 on
    rng = np.random.default_rng(1)
    ranges = np.ptp(rng.normal(size=(200_000, 5)), axis=1)
    assert abs(ranges.mean() - d2(5)) < 0.01
    assert abs(ranges.std() - d3(5)) < 0.01
