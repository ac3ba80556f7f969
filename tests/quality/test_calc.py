"""Pareto bars and monthly counts: properties that hold for any problems."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pacer.quality.calc import monthly, pareto

KEYS = st.lists(st.sampled_from(["man", "machine", "material", "method", ""]), max_size=60)


@given(KEYS)
def test_pareto_bars_fall_and_add_up_to_every_problem(keys):
    bars = pareto(keys)
    assert sum(b.count for b in bars) == len(keys)
    named = [b.count for b in bars if b.key]
    assert named == sorted(named, reverse=True)
    assert all(b.key for b in bars[:-1])  # the undetermined key, if any, is last
    if bars:
        assert bars[-1].cumulative == len(keys)
        assert bars[-1].share(len(keys)) == 1.0


def test_ties_are_ordered_by_key_and_shares_accumulate():
    bars = pareto(["method", "man", "man", "method", "material"])
    assert [(b.key, b.count, b.cumulative) for b in bars] == [("man", 2, 2), ("method", 2, 4), ("material", 1, 5)]
    assert [b.share(5) for b in bars] == [0.4, 0.8, 1.0]


def test_monthly_counts_only_the_year_asked():
    found = [("A1", date(2026, 1, 5)), ("A1", date(2026, 1, 30)), ("A2", date(2026, 12, 1)), ("A1", date(2025, 1, 1))]
    assert monthly(found, 2026) == {"A1": [2] + [0] * 11, "A2": [0] * 11 + [1]}
