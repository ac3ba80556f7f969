"""The cockpit computes every measure for the node and, for many children, only what their ranks
need (the rest on demand): its rows, children's ranks and rankings equal those read from every
measure of node and children."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pacer.analysis import Targets, TreeHistory, TreeSegment
from pacer.analysis.answers.views import MEASURES, cockpit_rows
from pacer.analysis.core.inputs import IndicatorDef
from pacer.analysis.core.measures import PeriodMeasures
from pacer.analysis.serve.cockpit import LEAN_CHILDREN, child_ranks, ranking_of
from pacer.analysis.serve.engine import Engine

from .support import YI, derived, engine, flow, ratio, ratio_to_average, stock, total

INDICATORS: list[IndicatorDef] = [
    flow("revenue"),
    flow("cost", "lower"),
    flow("profit"),
    stock("assets"),
    stock("debt", "lower"),
    stock("cash", "band"),
    derived("margin", ratio("profit", "revenue")),
    derived("leverage", ratio("debt", "assets"), direction="lower"),
    derived("turnover", ratio_to_average("revenue", "assets")),
    derived("outlay", total("cost", "revenue"), unit="yuan"),
]
FIRST_YEAR, YEARS = 2022, 3


def random_engine(seed: int, n_children: int) -> Engine:
    """Node 1 (a child of the root 0) with ``n_children`` children, one of them with children of
    its own; some units moved under node 1 last year (restating tells the two views apart)."""
    rng = np.random.default_rng(seed)
    n = 3 + n_children + 4
    kids = np.arange(3, 3 + n_children)
    parent = np.full(n, -1, np.int32)
    parent[[1, 2]] = 0
    parent[kids] = 1
    parent[3 + n_children :] = kids[0]
    before = parent.copy()
    before[kids[-3:]] = 2
    months = 12 * YEARS
    history = TreeHistory((TreeSegment(0, before, np.ones(n, bool)), TreeSegment(months - 8, parent, np.ones(n, bool))))
    n_rep = sum(d.kind != "derived" for d in INDICATORS)
    values = rng.integers(-5 * YI, 50 * YI, size=(n, n_rep, months))
    values[rng.random(values.shape) < 0.1] = 0
    present = rng.random(values.shape) > 0.15
    present[:, :, -12:] &= rng.random((n, n_rep, 1)) > 0.1  # some cells missing all year
    targets = Targets.empty(n, len(INDICATORS), FIRST_YEAR, YEARS)
    targets.values[:] = rng.integers(-50 * YI, 600 * YI, size=targets.values.shape)
    targets.values[..., 1] = np.maximum(targets.values[..., 0], targets.values[..., 1])
    targets.present[:] = rng.random(targets.present.shape) > 0.3
    phasing = np.zeros((*targets.values.shape[:3], 12), np.int32)
    phasing[..., :] = 10_000 // 12
    phasing[..., 11] += 10_000 - 12 * (10_000 // 12)
    phasing[rng.random(phasing.shape[:3]) < 0.5] = 0  # no phasing: the history or linear
    targets = dataclasses.replace(targets, phasing=phasing)
    return engine(parent, INDICATORS, values, present, targets, FIRST_YEAR, history=history)


def same(a: object, b: object) -> bool:
    """Equal, NaN equal to NaN (typed rows hold floats that may be NaN)."""
    return repr(a) == repr(b)


def assert_same_arrays(got: object, want: object) -> None:
    for f in dataclasses.fields(want):
        x, y = getattr(got, f.name), getattr(want, f.name)
        if dataclasses.is_dataclass(y):
            assert_same_arrays(x, y)
        elif isinstance(y, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


@pytest.mark.parametrize("n_children", [LEAN_CHILDREN + 26, 3])
@pytest.mark.parametrize("rank_by", MEASURES)
@pytest.mark.parametrize(
    ("month", "restate", "time_basis", "codes"),
    [
        (7, False, "linear", None),
        (12, True, "seasonal", None),
        (1, False, "seasonal", ["margin", "cash", "cost"]),
    ],
)
def test_cockpit_equals_every_measure_of_node_and_children(
    n_children: int, rank_by: str, month: int, restate: bool, time_basis: str, codes: list[str] | None
) -> None:
    eng = random_engine(n_children + month, n_children)
    year = FIRST_YEAR + 2
    for node in (1, 0, 3 + n_children):  # many children, two, none
        kids = eng.children(node, year, month, restate)
        every = eng.measures([node, *kids], year, month, codes, restate=restate, time_basis=time_basis)
        selected = eng.catalog.indices(codes)
        rows = np.arange(1, len(kids) + 1)
        want_ranks, want_measures = child_ranks(eng.catalog, every, rows, selected, rank_by)

        cockpit = eng.cockpit(node, year, month, codes, restate=restate, time_basis=time_basis, rank_by=rank_by)
        assert cockpit.children == tuple(kids)
        lean = len(kids) >= LEAN_CHILDREN and rank_by in ("completion", "ytd")
        child_measures, _ = cockpit._child_measures(cockpit.codes[:1])
        assert isinstance(child_measures, PeriodMeasures) is not lean
        np.testing.assert_array_equal(cockpit.child_ranks, want_ranks)
        assert cockpit.rank_measures == want_measures
        want_rows = cockpit_rows(every, eng.catalog, selected)
        assert same(cockpit.row(want_rows[-1].code), want_rows[-1])
        assert same(cockpit.rows, want_rows)
        for code in cockpit.codes:
            assert same(cockpit.ranking(code), ranking_of(every, eng.catalog, code, want_measures[code], rows, None))
            for measure in MEASURES:
                assert same(cockpit.ranking(code, measure), ranking_of(every, eng.catalog, code, measure, rows, None))
        assert_same_arrays(cockpit.measures, every)


def test_a_cockpit_does_not_answer_from_figures_changed_after_it() -> None:
    eng = random_engine(1, LEAN_CHILDREN + 1)
    cockpit = eng.cockpit(1, FIRST_YEAR + 2, 6)
    assert cockpit.ranking("revenue").rows  # from the lean measures: already computed
    eng.apply(3, FIRST_YEAR + 2, 6, np.full(6, YI, np.int64), np.ones(6, bool))
    with pytest.raises(RuntimeError):
        cockpit.ranking("revenue", "value")
    with pytest.raises(RuntimeError):
        _ = cockpit.measures
