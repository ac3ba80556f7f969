from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.targets import calc

amounts = st.integers(min_value=-(10**17), max_value=10**17)
weights = st.lists(st.integers(min_value=0, max_value=10**15), min_size=1, max_size=40).filter(lambda w: sum(w) > 0)
months = st.lists(st.integers(min_value=0, max_value=10**14), min_size=12, max_size=12)


@settings(deadline=None)
@given(amounts, weights)
def test_an_allocation_adds_up_exactly_and_follows_the_weights(total, ws):
    shares = calc.allocate(total, ws)
    assert sum(shares) == total
    for share, w in zip(shares, ws, strict=True):
        exact = Fraction(abs(total) * w, sum(ws))
        assert abs(abs(share) - exact) < 1  # within one unit of its exact share
        assert w > 0 or share == 0


def test_linear_phasing_gives_the_first_months_the_leftover_basis_points():
    assert calc.linear_phasing() == [834] * 4 + [833] * 8
    assert sum(calc.linear_phasing()) == 10_000


@given(months.filter(lambda m: sum(m) > 0))
def test_last_years_profile_adds_up_to_exactly_one_hundred_percent_without_negatives(monthly):
    split = calc.last_year_phasing(monthly)
    assert split.warning is None
    assert sum(split.shares) == 10_000
    assert min(split.shares) >= 0
    assert calc.valid_phasing(split.shares)
    for share, m in zip(split.shares, monthly, strict=True):
        assert abs(share - Fraction(10_000 * m, sum(monthly))) < 1


def test_last_years_profile_follows_the_seasons():
    monthly = [50, 60, 100, 80, 80, 120, 70, 70, 100, 80, 90, 100]  # sum 1000
    assert calc.last_year_phasing(monthly).shares == [500, 600, 1000, 800, 800, 1200, 700, 700, 1000, 800, 900, 1000]


@given(st.lists(st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=0)), min_size=12, max_size=12))
def test_a_year_without_positive_figures_falls_back_to_linear_with_a_warning(monthly):
    split = calc.last_year_phasing(monthly)
    assert split.shares == calc.linear_phasing()
    assert split.warning is not None
    assert "linear" in split.warning


def test_a_year_with_a_month_missing_or_negative_falls_back_to_linear():
    assert calc.last_year_phasing([100] * 11 + [None]).warning is not None
    assert calc.last_year_phasing([100] * 11 + [-1]).warning is not None
    assert calc.last_year_phasing([100] * 11).warning is not None


def test_cumulative_shares_reach_the_whole_year_in_december():
    assert calc.cumulative(calc.linear_phasing())[-1] == 10_000
    assert calc.cumulative([1000] * 10 + [0, 0])[9] == 10_000


@given(amounts, st.lists(st.integers(min_value=1, max_value=10**14), min_size=1, max_size=30))
def test_a_spread_in_proportion_to_last_year_adds_up_to_the_parent(total, last_year):
    split = calc.spread(total, "last_year", last_year)
    assert split.warning is None
    assert sum(split.shares) == total
    assert calc.cascade_gap(total, {str(i): v for i, v in enumerate(split.shares)}) is None


@given(amounts, st.integers(min_value=1, max_value=30))
def test_an_equal_spread_differs_by_at_most_one_unit(total, n):
    shares = calc.spread(total, "equal", [None] * n).shares
    assert sum(shares) == total
    assert max(shares) - min(shares) <= 1


def test_a_spread_by_last_year_without_figures_is_equal_with_a_warning():
    split = calc.spread(100, "last_year", [30, None, 50])
    assert split.shares == [34, 33, 33]
    assert split.warning is not None


def test_children_that_do_not_add_up_give_the_difference_never_a_fix():
    gap = calc.cascade_gap(1000, {"A1": 600, "A2": 300})
    assert gap == calc.Gap(parent=1000, children_sum=900, difference=100, missing=())
    assert calc.cascade_gap(1000, {"A1": 600, "A2": 400}) is None
    assert calc.cascade_gap(1000, {"A1": None, "A2": None}) is None  # nothing cascaded yet
    missing = calc.cascade_gap(1000, {"A1": 1000, "A2": None})
    assert missing is not None
    assert missing.missing == ("A2",)
    assert calc.cascade_gap(None, {"A1": 5}) == calc.Gap(None, 5, None, ())


def test_only_flows_and_balances_of_additive_units_are_summed():
    assert calc.additive("flow", "yuan")
    assert calc.additive("stock", "person")
    assert calc.additive("stock", "count")
    assert not calc.additive("derived", "yuan")
    assert not calc.additive("flow", "percent")
    assert not calc.additive("stock", "yuan_per_person")
    assert calc.additive("flow", "tce", unit_adds_up=True)  # a group's own unit, by its flag
    assert not calc.additive("flow", "tce_per_wan_yuan", unit_adds_up=False)
