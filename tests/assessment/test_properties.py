"""Properties every scoring rule keeps, whatever the numbers."""

from hypothesis import given
from hypothesis import strategies as st

from pacer.assessment.rules import BP, Band, Item, Rule, Span
from pacer.assessment.scoring import Reading, score_item

values = st.integers(min_value=-(10**15), max_value=10**15)
weights = st.integers(min_value=1, max_value=10_000)
caps = st.integers(min_value=BP, max_value=2 * BP)
spans = st.builds(Span, through=st.integers(1, 12), first=st.integers(1, 12))


@st.composite
def linear_items(draw, lower: bool = False, kind: str = "linear"):
    a, b = draw(values), draw(values.filter(lambda x: x != 0))
    threshold, target = (a, a - abs(b)) if lower else (a, a + abs(b))
    rule = Rule(kind, threshold=threshold, target=target, lower_is_better=lower, cap=draw(caps))
    return Item("x", draw(weights), rule, prorate=draw(st.booleans()))


@given(linear_items(), values, values, spans)
def test_more_is_never_worse_when_higher_is_better(item, v1, v2, span):
    low, high = sorted((v1, v2))
    assert score_item(item, Reading(low), span).points <= score_item(item, Reading(high), span).points


@given(linear_items(lower=True), values, values, spans)
def test_less_is_never_worse_when_lower_is_better(item, v1, v2, span):
    low, high = sorted((v1, v2))
    assert score_item(item, Reading(low), span).points >= score_item(item, Reading(high), span).points


@given(linear_items(), values, spans)
def test_an_item_earns_between_nothing_and_its_cap(item, value, span):
    got = score_item(item, Reading(value), span).points
    assert 0 <= got <= -(-item.weight * item.rule.cap // BP)  # the cap, rounded up at most
    uncapped = Item("x", item.weight, Rule("linear", threshold=item.rule.threshold, target=item.rule.target))
    assert 0 <= score_item(uncapped, Reading(value), span).points <= item.weight


@given(
    st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=6, unique=True),
    st.lists(st.integers(0, BP), min_size=6, max_size=6),
    weights,
    values,
    values,
)
def test_stepwise_scores_rise_with_the_value_and_stay_within_the_weight(bounds, shares, weight, v1, v2):
    ordered = sorted(bounds, reverse=True)
    steps = sorted(shares[: len(ordered)], reverse=True)
    item = Item("s", weight, Rule("stepwise", bands=tuple(Band(b, s) for b, s in zip(ordered, steps, strict=True))))
    low, high = sorted((v1, v2))
    p_low, p_high = score_item(item, Reading(low)).points, score_item(item, Reading(high)).points
    assert 0 <= p_low <= p_high <= weight


@given(linear_items(kind="growth"), values, values.filter(lambda p: p != 0), values)
def test_growth_scores_rise_with_the_value_against_the_same_base(item, v1, previous, v2):
    low, high = sorted((v1, v2))
    a, b = score_item(item, Reading(low, previous)), score_item(item, Reading(high, previous))
    assert a.points <= b.points
    assert 0 <= b.points <= -(-item.weight * item.rule.cap // BP)
