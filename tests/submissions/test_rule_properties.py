"""Properties of the rules: they never fire on consistent figures, and the order in which the
indicators come never changes what they find."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.submissions.rules import _jump, check
from tests.submissions.test_rules import INDICATORS, context

money = st.integers(min_value=0, max_value=10**12)


@st.composite
def consistent_months(draw):
    assets = draw(money)
    liabilities = draw(st.integers(min_value=0, max_value=assets))
    revenue, before = draw(money), draw(money)
    figures = {
        "revenue": revenue,
        "net_profit": draw(st.integers(min_value=-(10**12), max_value=10**12)),
        "total_assets": assets,
        "total_liabilities": liabilities,
        "owners_equity": assets - liabilities,
        "headcount": draw(st.integers(min_value=0, max_value=10**6)),
        "patents": draw(st.integers(min_value=0, max_value=1000)),
        "yield_rate": draw(st.integers(min_value=0, max_value=1000)),
    }
    ytd = revenue + before
    # last year within the threshold of this year's figure (or no figure a year ago)
    last_year = {"revenue": draw(st.integers(min_value=ytd * 2 // 3 + 1, max_value=ytd * 2))} if ytd else {}
    ctx = context(
        required=frozenset(draw(st.sets(st.sampled_from(sorted(figures))))),
        ytd_before={"revenue": before},
        last_year=last_year,
        last_december={"total_assets": draw(money)},
        children_sum=dict(figures) if draw(st.booleans()) else None,
    )
    return figures, ctx


@settings(max_examples=200)
@given(consistent_months())
def test_no_rule_fires_on_consistent_figures(month):
    figures, ctx = month
    assert check(figures, ctx, openings={"total_assets": ctx.last_december["total_assets"]}) == []


codes = st.sampled_from([*sorted(INDICATORS), "mystery"])


@settings(max_examples=200)
@given(
    st.dictionaries(codes, st.integers(min_value=-(10**16), max_value=10**16), min_size=1),
    st.dictionaries(codes, st.integers(min_value=-(10**6), max_value=10**6)),
    st.randoms(use_true_random=False),
)
def test_the_order_of_the_indicators_changes_nothing(figures, last_year, rnd: random.Random):
    ctx = context(last_year=last_year, ytd_before=last_year, children_sum=last_year, required=frozenset(INDICATORS))
    items = list(figures.items())
    rnd.shuffle(items)
    assert check(dict(items), ctx) == check(figures, ctx)


def _jump_by_division(now, before, limit):
    """The year-on-year jump as its definition reads: the relative change, when beyond the limit."""
    if before == 0:
        return None
    change = Decimal(now - before) / abs(Decimal(before))
    return change if abs(change) > limit else None


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from([Decimal("0"), Decimal("0.3"), Decimal("0.5"), Decimal("1"), Decimal("0.333"), Decimal("2.75")]),
)
@settings(max_examples=500, deadline=None)
def test_the_jump_read_in_integers_first_is_the_jump_by_division(now, before, limit):
    assert _jump(now, before, limit) == _jump_by_division(now, before, limit)
    edge = before + before * limit.as_integer_ratio()[0] // limit.as_integer_ratio()[1]  # on the limit, or next to it
    for value in (edge - 1, edge, edge + 1):
        assert _jump(value, before, limit) == _jump_by_division(value, before, limit)
