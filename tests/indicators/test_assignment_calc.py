"""The resolver of who reports what: examples, and properties over random rules."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pacer.indicators.assignment_calc import (
    Catalogue,
    Member,
    Rule,
    UnitInfo,
    available_derived,
    breakpoints,
    decide,
    resolve,
)

REPORTED = ("revenue", "profit", "inventory", "receivables", "rd_expense", "launches")
CATALOGUE = Catalogue(
    reported=REPORTED,
    references={
        "two_funds": frozenset({"inventory", "receivables"}),
        "rd_intensity": frozenset({"rd_expense", "revenue"}),
        "margin": frozenset({"profit", "revenue"}),
    },
    sets={
        "express": tuple(Member(c) for c in REPORTED[:5]),
        "space": (Member("launches", from_year=2025),),
        "key": (Member("revenue"), Member("two_funds")),
    },
)
COMPANY = UnitInfo(1, "company", {"line": "military"})
INSTITUTE = UnitInfo(2, "institute", {"line": "military"})
CIVIL = UnitInfo(3, "company", {"line": "civil"})
UNITS = (COMPANY, INSTITUTE, CIVIL)


def rule(id: int, selector: str, effect: str = "assign", from_period: int = 202401, **kw) -> Rule:
    return Rule(id=id, selector=selector, effect=effect, from_period=from_period, **kw)


def test_a_group_without_rules_has_every_unit_report_every_reported_indicator():
    assert resolve([], UNITS, CATALOGUE, 202503) == {u.id: frozenset(REPORTED) for u in UNITS}


def test_an_institute_excluded_from_inventory_reports_the_rest_of_its_kinds_set():
    rules = [
        rule(1, "kind", set_code="express", kind="company"),
        rule(2, "kind", set_code="express", kind="institute"),
        rule(3, "kind", "exclude", indicator="inventory", kind="institute"),
    ]
    out = resolve(rules, UNITS, CATALOGUE, 202503)
    assert out[INSTITUTE.id] == frozenset({"revenue", "profit", "receivables", "rd_expense"})
    assert "inventory" in out[COMPANY.id]
    assert "launches" not in out[COMPANY.id]  # assigned a set: only what the rules name


def test_a_unit_rule_overrides_a_tag_exclusion_which_overrides_a_kind_assignment():
    rules = [
        rule(1, "kind", set_code="express", kind="company"),
        rule(2, "tag", "exclude", indicator="rd_expense", tag=("line", "military")),
        rule(3, "unit", indicator="rd_expense", unit_id=COMPANY.id),
    ]
    out = resolve(rules, UNITS, CATALOGUE, 202503)
    assert "rd_expense" in out[COMPANY.id]
    assert "rd_expense" not in out[INSTITUTE.id]  # no kind rule: everything but the exclusion
    assert out[INSTITUTE.id] == frozenset(REPORTED) - {"rd_expense"}
    assert "rd_expense" in out[CIVIL.id]


def test_set_members_count_in_their_years_and_rules_from_their_first_month():
    rules = [rule(1, "unit", set_code="space", unit_id=CIVIL.id, from_period=202403)]
    assert resolve(rules, [CIVIL], CATALOGUE, 202402)[CIVIL.id] == frozenset(REPORTED)
    assert resolve(rules, [CIVIL], CATALOGUE, 202406)[CIVIL.id] == frozenset()  # the set is empty in 2024
    assert resolve(rules, [CIVIL], CATALOGUE, 202501)[CIVIL.id] == frozenset({"launches"})


def test_an_assigned_derived_indicator_stands_for_what_it_is_computed_from():
    out = resolve([rule(1, "unit", set_code="key", unit_id=CIVIL.id)], [CIVIL], CATALOGUE, 202501)
    assert out[CIVIL.id] == frozenset({"revenue", "inventory", "receivables"})
    assert available_derived(out[CIVIL.id], CATALOGUE.references) == frozenset({"two_funds"})


def test_breakpoints_are_the_first_month_each_january_and_each_rules_edges():
    rules = [rule(1, "kind", kind="company", indicator="revenue", from_period=202405, to_period=202412)]
    assert breakpoints(rules, 202401, 202606) == [202401, 202405, 202501, 202601]


# -- properties -------------------------------------------------------------------------------

codes = st.sampled_from([*REPORTED, "two_funds", "rd_intensity"])
target = st.one_of(
    st.builds(lambda c: {"indicator": c}, codes),
    st.builds(lambda s: {"set_code": s}, st.sampled_from(sorted(CATALOGUE.sets))),
)
selectors = st.one_of(
    st.builds(lambda k: {"selector": "kind", "kind": k}, st.sampled_from(["company", "institute"])),
    st.builds(lambda v: {"selector": "tag", "tag": ("line", v)}, st.sampled_from(["military", "civil"])),
    st.builds(lambda u: {"selector": "unit", "unit_id": u}, st.sampled_from([1, 2, 3])),
)
months = st.sampled_from([202312, 202401, 202406, 202412, 202501, 202507])


@st.composite
def rules_strategy(draw: st.DrawFn) -> list[Rule]:
    out = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(months)
        end = draw(st.one_of(st.none(), months.filter(lambda m, s=start: m >= s)))
        effect = draw(st.sampled_from(["assign", "exclude"]))
        out.append(Rule(id=i + 1, effect=effect, from_period=start, to_period=end, **draw(selectors), **draw(target)))
    return out


@settings(max_examples=200, deadline=None)
@given(rules_strategy(), months)
def test_every_unit_reports_only_reported_indicators_whatever_the_rules(rules, period):
    for reported in resolve(rules, UNITS, CATALOGUE, period).values():
        assert reported <= set(REPORTED)


@settings(max_examples=200, deadline=None)
@given(rules_strategy(), months)
def test_rules_not_in_force_change_nothing(rules, period):
    live = [r for r in rules if r.in_force(period)]
    assert resolve(rules, UNITS, CATALOGUE, period) == resolve(live, UNITS, CATALOGUE, period)


@settings(max_examples=200, deadline=None)
@given(rules_strategy(), months, st.randoms())
def test_the_order_of_rules_and_the_sharing_of_answers_change_nothing(rules, period, rnd: random.Random):
    shuffled = list(rules)
    rnd.shuffle(shuffled)
    out = resolve(shuffled, UNITS, CATALOGUE, period)
    from pacer.indicators.assignment_calc import applies

    for unit in UNITS:
        own = [r for r in rules if r.in_force(period) and applies(r, unit)]
        assert out[unit.id] == decide(own, CATALOGUE, period // 100)


@settings(max_examples=200, deadline=None)
@given(rules_strategy(), months, st.sampled_from(REPORTED), st.sampled_from(UNITS))
def test_a_unit_exclusion_always_wins_and_a_unit_assignment_wins_over_any_broader_exclusion(rules, period, code, unit):
    excluded = [
        *rules,
        Rule(id=100, selector="unit", effect="exclude", from_period=period, unit_id=unit.id, indicator=code),
    ]
    assert code not in resolve(excluded, [unit], CATALOGUE, period)[unit.id]
    unit_level = [r for r in rules if r.selector == "unit" and r.unit_id == unit.id and r.effect == "exclude"]
    assigned = [
        *rules,
        Rule(id=101, selector="unit", effect="assign", from_period=period, unit_id=unit.id, indicator=code),
    ]
    if not any(r.in_force(period) and code in _named(r, period) for r in unit_level):
        assert code in resolve(assigned, [unit], CATALOGUE, period)[unit.id]


def _named(r: Rule, period: int) -> frozenset[str]:
    from pacer.indicators.assignment_calc import named

    return named(r, CATALOGUE, period // 100)


@settings(max_examples=100, deadline=None)
@given(st.sets(st.sampled_from(REPORTED)))
def test_a_derived_indicator_is_available_exactly_when_all_its_inputs_are_reported(reported):
    available = available_derived(reported, CATALOGUE.references)
    for code, refs in CATALOGUE.references.items():
        assert (code in available) == (refs <= reported)


def test_a_thousand_units_with_exceptions_over_three_hundred_indicators_resolve_in_well_under_a_second():
    import time

    codes = tuple(f"i{k:03d}" for k in range(300))
    catalogue = Catalogue(reported=codes, sets={"all": tuple(Member(c) for c in codes)})
    kinds = ("company", "institute", "factory", "college")
    units = [UnitInfo(u, kinds[u % 4], {"line": "civil" if u % 3 else "military"}) for u in range(2000)]
    rules = [rule(1, "kind", set_code="all", kind=k) for k in kinds]
    rules += [rule(10, "tag", "exclude", indicator="i001", tag=("line", "civil"))]
    rules += [rule(100 + u, "unit", "exclude", indicator=codes[u % 300], unit_id=u) for u in range(0, 2000, 10)]
    start = time.perf_counter()
    out = resolve(rules, units, catalogue, 202506)
    elapsed = time.perf_counter() - start
    assert len(out) == 2000
    assert "i001" not in out[1]
    assert "i010" not in out[10]
    assert len(out[3]) == 300
    assert elapsed < 1.0, f"{elapsed:.2f} s"
