"""An engine grown by months and given many unit-months at once answers exactly as one built
with those figures from the start, in both views of the org history, eliminations included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.analysis import TreeHistory

from .strategies import AMOUNT, World
from .test_eliminations import Case, cases

FAST = settings(max_examples=80, deadline=None)


def truncated(case: Case, months: int) -> Case:
    """The case as it was when only its first ``months`` months had arrived."""
    world = case.world
    history = TreeHistory(tuple(s for s in world.history.segments if s.first_month < months))
    return Case(
        World(history, world.values[:, :, :months], world.present[:, :, :months], world.is_flow),
        [e for e in case.entries if e[2] < months],
    )


def entries_by_unit_month(case: Case, months: range) -> dict[tuple[int, int], np.ndarray]:
    out: dict[tuple[int, int], np.ndarray] = {}
    for unit, r, t, value in case.entries:
        if t in months:
            out.setdefault((unit, t), np.zeros(len(case.world.is_flow), np.int64))[r] += value
    return out


def assert_same_cubes(live, built) -> None:
    assert live.n_months == built.n_months
    assert np.array_equal(live.facts.dense(), built.facts.dense())
    assert np.array_equal(live.facts.present, built.facts.present)
    for restate in (False, True):
        assert np.array_equal(live.cube(restate).dense()[0], built.cube(restate).dense()[0])
        assert np.array_equal(live.cube(restate).dense()[1], built.cube(restate).dense()[1])


@FAST
@given(cases(min_months=2), st.data())
def test_an_engine_grown_by_the_months_that_arrived_equals_one_built_with_them(case: Case, data) -> None:
    world = case.world
    held = data.draw(st.integers(1, world.n_months - 1))
    old = truncated(case, held).engine()
    old.cube(restate=True)  # a restated view built before the new months arrive
    before = (old.cube().dense()[0], old.cube(True).dense()[0], old.facts.dense())

    grown = old.resized(world.n_months, world.history, None)
    arrived = [
        (u, t) for u in range(world.n_units) for t in range(held, world.n_months) if world.present[u, :, t].any()
    ]
    units = np.array([u for u, _ in arrived], dtype=np.int64)
    months = np.array([t for _, t in arrived], dtype=np.int64)
    grown.replace_months(
        units,
        months,
        world.values[units, :, months].reshape(len(arrived), len(world.is_flow)),
        world.present[units, :, months].reshape(len(arrived), len(world.is_flow)),
        entries_by_unit_month(case, range(held, world.n_months)),
    )

    assert_same_cubes(grown, case.engine())
    # the engine it was grown from is untouched: its readers see nothing of the new months
    assert old.n_months == held
    assert np.array_equal(old.cube().dense()[0], before[0])
    assert np.array_equal(old.cube(True).dense()[0], before[1])
    assert np.array_equal(old.facts.dense(), before[2])


@FAST
@given(cases(), st.data())
def test_many_unit_months_replaced_at_once_equal_a_rebuild_with_them(case: Case, data) -> None:
    world = case.world
    r_n = len(world.is_flow)
    live = case.engine()
    live.cube(restate=True)
    copy = live.resized(live.n_months, world.history, None)
    cells = st.tuples(st.integers(0, world.n_units - 1), st.integers(0, world.n_months - 1))
    changed = sorted(data.draw(st.sets(cells, min_size=1, max_size=8)))
    amounts = st.lists(st.integers(-AMOUNT, AMOUNT), min_size=r_n, max_size=r_n)
    values = np.array([data.draw(amounts) for _ in changed], dtype=np.int64).reshape(len(changed), r_n)
    present = np.array(
        [data.draw(st.lists(st.booleans(), min_size=r_n, max_size=r_n)) for _ in changed], dtype=bool
    ).reshape(len(changed), r_n)
    eliminated = {cell: np.array(data.draw(amounts), dtype=np.int64) for cell in data.draw(st.sets(cells, max_size=4))}
    units = np.array([u for u, _ in changed], dtype=np.int64)
    months = np.array([t for _, t in changed], dtype=np.int64)
    copy.replace_months(units, months, values, present, eliminated)

    new_values, new_present = world.values.copy(), world.present.copy()
    new_values[units, :, months], new_present[units, :, months] = values, present
    entries = entries_by_unit_month(case, range(world.n_months)) | eliminated
    rebuilt = Case(
        World(world.history, new_values, new_present, world.is_flow),
        [(u, r, t, int(a[r])) for (u, t), a in entries.items() for r in range(r_n) if a[r]],
    ).engine()
    assert_same_cubes(copy, rebuilt)
    assert_same_cubes(live, case.engine())  # the copy shares nothing that changed
