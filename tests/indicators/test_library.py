from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from pacer.indicators.library import Library, LibraryError, load_library, parse_library

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


# ---- the shipped library ---------------------------------------------------------------------

REPORTED_FLOWS_YUAN = [
    "revenue",
    "operating_cost",
    "total_profit",
    "net_profit",
    "rd_expense",
    "operating_cash_flow",
    "cash_from_sales",
    "value_added",
    "investment_actual",
    "civil_revenue",
]
# units through first time are expected units (units started x a product of step yields): the
# fraction of a unit is kept, so that a group's yield is not bent by rounding each product's
FRACTIONAL_COUNTS = {"rty_units_through"}
REPORTED_FLOWS_COUNT = [
    "quality_problems",
    "quality_problems_closed",
    "inspected_lots",
    "passed_first_time_lots",
    "rty_units_started",
    "rty_units_through",
]
REPORTED_STOCKS_YUAN = [
    "total_assets",
    "total_liabilities",
    "owners_equity",
    "accounts_receivable",
    "inventory",
    "investment_plan",
]
# code: (unit, direction, formula)
DERIVED = {
    "two_funds": ("yuan", "lower", "accounts_receivable + inventory"),
    "debt_to_asset_ratio": ("percent", "lower", "total_liabilities / total_assets * 100"),
    "roe": ("percent", "higher", "net_profit / avg(owners_equity) * 100"),
    "rd_intensity": ("percent", "higher", "rd_expense / revenue * 100"),
    "labour_productivity": ("yuan_per_person", "higher", "value_added / avg(headcount)"),
    "operating_cash_ratio": ("percent", "higher", "operating_cash_flow / revenue * 100"),
    "cash_collection_ratio": ("percent", "higher", "cash_from_sales / revenue * 100"),
    "profit_margin": ("percent", "higher", "total_profit / revenue * 100"),
    "first_pass_yield": ("percent", "higher", "passed_first_time_lots / inspected_lots * 100"),
    "investment_completion": ("percent", "higher", "investment_actual / investment_plan * 100"),
    "zeroing_rate": (
        "percent",
        "higher",
        "quality_problems_closed / (opening(quality_problems_open) + quality_problems) * 100",
    ),
    "civil_revenue_share": ("percent", "higher", "civil_revenue / revenue * 100"),
}


@pytest.mark.parametrize("code", REPORTED_FLOWS_YUAN)
def test_contract_flows_in_yuan_exist(library: Library, code: str) -> None:
    spec = library.indicators[code]
    assert (spec.kind, spec.unit, spec.scale) == ("flow", "yuan", 2)
    assert spec.reporting in {"monthly", "ytd"}


@pytest.mark.parametrize("code", REPORTED_FLOWS_COUNT)
def test_contract_flows_in_counts_exist(library: Library, code: str) -> None:
    spec = library.indicators[code]
    assert (spec.kind, spec.unit, spec.scale) == ("flow", "count", 2 if code in FRACTIONAL_COUNTS else 0)


@pytest.mark.parametrize("code", REPORTED_STOCKS_YUAN)
def test_contract_stocks_in_yuan_are_period_end_balances(library: Library, code: str) -> None:
    spec = library.indicators[code]
    assert (spec.kind, spec.unit, spec.scale, spec.reporting) == ("stock", "yuan", 2, "monthly")


def test_headcount_is_a_period_end_stock_of_persons(library: Library) -> None:
    spec = library.indicators["headcount"]
    assert (spec.kind, spec.unit, spec.scale, spec.reporting) == ("stock", "person", 0, "monthly")


@pytest.mark.parametrize("code", DERIVED)
def test_contract_derived_indicators_have_their_formula(library: Library, code: str) -> None:
    unit, direction, formula = DERIVED[code]
    spec = library.indicators[code]

    assert (spec.kind, spec.unit, spec.direction) == ("derived", unit, direction)
    assert (spec.scale, spec.reporting) == (2, None)
    assert {v.formula for v in spec.versions} == {formula}


def test_express_report_flows_are_year_to_date(library: Library) -> None:
    finance_flows = [library.indicators[code].reporting for code in REPORTED_FLOWS_YUAN]
    assert set(finance_flows) == {"ytd"}


def test_scale_follows_the_unit(library: Library) -> None:
    expected = {"yuan": 2, "person": 0, "count": 0, "percent": 2, "yuan_per_person": 2}
    assert {code: spec.scale for code, spec in library.indicators.items()} == {
        code: 2 if code in FRACTIONAL_COUNTS else expected[spec.unit] for code, spec in library.indicators.items()
    }


def test_every_indicator_is_defined_for_every_year_from_2019(library: Library) -> None:
    for spec in library.indicators.values():
        assert spec.versions[0].from_year == 2019, spec.code
        assert spec.versions[-1].to_year is None, spec.code
        for year in range(2019, 2036):
            spec.version_for(year)


def test_texts_are_in_the_right_language(library: Library) -> None:
    for spec in library.indicators.values():
        for version in spec.versions:
            assert CJK.search(version.name_zh), spec.code
            assert CJK.search(version.definition_zh), spec.code
            assert not CJK.search(version.name_en + version.definition_en), spec.code
    for indicator_set in library.sets.values():
        assert CJK.search(indicator_set.name_zh + indicator_set.description_zh)
        assert not CJK.search(indicator_set.name_en + indicator_set.description_en)


def test_revenue_definition_changes_with_the_revised_revenue_standard(library: Library) -> None:
    revenue = library.indicators["revenue"]

    assert revenue.version_for(2020) is not revenue.version_for(2021)
    assert "控制权" in revenue.version_for(2021).definition_zh
    assert revenue.definition_en == revenue.version_for(2030).definition_en


def test_a_year_without_a_version_is_a_key_error_naming_code_and_year(library: Library) -> None:
    with pytest.raises(KeyError, match=r"revenue.*2018"):
        library.indicators["revenue"].version_for(2018)


def test_one_profit_five_ratios_switches_to_cash_collection_in_2025(library: Library) -> None:
    sasac = library.sets["one_profit_five_ratios"]
    common = ["total_profit", "debt_to_asset_ratio", "roe", "rd_intensity", "labour_productivity"]

    assert sasac.members_for(2022) == []
    assert sasac.members_for(2023) == [*common, "operating_cash_ratio"]
    assert sasac.members_for(2024) == [*common, "operating_cash_ratio"]
    assert sasac.members_for(2025) == [*common, "cash_collection_ratio"]
    assert sasac.members_for(2030) == [*common, "cash_collection_ratio"]


def test_two_profits_four_ratios_is_the_set_of_2021_and_2022(library: Library) -> None:
    sasac = library.sets["two_profits_four_ratios"]
    members = [
        "total_profit",
        "net_profit",
        "profit_margin",
        "debt_to_asset_ratio",
        "rd_intensity",
        "labour_productivity",
    ]

    assert sasac.members_for(2021) == members
    assert sasac.members_for(2022) == members
    assert sasac.members_for(2020) == []
    assert sasac.members_for(2023) == []


def test_express_report_holds_every_reported_indicator(library: Library) -> None:
    assert library.sets["express_report"].members_for(2025) == library.reported()
    assert set(library.reported()) == {
        *REPORTED_FLOWS_YUAN,
        *REPORTED_FLOWS_COUNT,
        *REPORTED_STOCKS_YUAN,
        "headcount",
        "quality_problems_open",
    }


@pytest.mark.parametrize(
    ("code", "members"),
    [
        (
            "key",
            [
                "revenue",
                "total_profit",
                "net_profit",
                "two_funds",
                "accounts_receivable",
                "inventory",
                "rd_intensity",
                "debt_to_asset_ratio",
                "cash_collection_ratio",
                "civil_revenue",
                "investment_completion",
            ],
        ),
        ("two_funds", ["accounts_receivable", "inventory", "two_funds"]),
        (
            "quality",
            [
                "quality_problems",
                "quality_problems_closed",
                "quality_problems_open",
                "zeroing_rate",
                "inspected_lots",
                "passed_first_time_lots",
                "first_pass_yield",
                "rty_units_started",
                "rty_units_through",
                "rolled_throughput_yield",
            ],
        ),
        ("investment", ["investment_plan", "investment_actual", "investment_completion"]),
    ],
)
def test_working_sets_have_their_members(library: Library, code: str, members: list[str]) -> None:
    assert library.sets[code].members_for(2025) == members


# Sample figures in yuan (亿 = 1e8) with the results worked out by hand.
SAMPLE = {
    "revenue": 380e8,
    "operating_cost": 300e8,
    "total_profit": 19e8,
    "net_profit": 15e8,
    "rd_expense": 40e8,
    "operating_cash_flow": 22.8e8,
    "cash_from_sales": 399e8,
    "value_added": 95e8,
    "investment_actual": 18e8,
    "investment_plan": 60e8,
    "civil_revenue": 133e8,
    "inspected_lots": 400,
    "passed_first_time_lots": 391,
    "rty_units_started": 1_200,
    "rty_units_through": 1_053.36,  # units started x the product of its steps' first-pass yields
    "quality_problems": 12,
    "quality_problems_closed": 10,
    "total_assets": 1250e8,
    "total_liabilities": 750e8,
    "owners_equity": 500e8,
    "accounts_receivable": 90e8,
    "inventory": 70e8,
    "headcount": 19_500,
}
OPENING = {"owners_equity": 460e8, "headcount": 18_500, "quality_problems_open": 3}
EXPECTED = {
    "two_funds": 160e8,
    "debt_to_asset_ratio": 60.0,
    "roe": 15 / 480 * 100,  # average equity (460 + 500) / 2 = 480
    "rd_intensity": 10.526315789473685,
    "labour_productivity": 95e8 / 19_000,  # average headcount (18 500 + 19 500) / 2
    "operating_cash_ratio": 6.0,
    "cash_collection_ratio": 105.0,
    "profit_margin": 5.0,
    "gross_margin": 80 / 380 * 100,
    "first_pass_yield": 97.75,
    "rolled_throughput_yield": 87.78,  # 1,053.36 / 1,200
    "zeroing_rate": 10 / (3 + 12) * 100,  # closed / (open at the start of the year + registered)
    "investment_completion": 30.0,
    "civil_revenue_share": 35.0,
}


def test_every_derived_indicator_has_a_worked_example(library: Library) -> None:
    assert set(EXPECTED) == {code for code, s in library.indicators.items() if s.is_derived}


@pytest.mark.parametrize("code", EXPECTED)
def test_derived_formulas_give_the_hand_computed_value(library: Library, code: str) -> None:
    formula = library.indicators[code].formula_for(2025)

    assert formula.evaluate(SAMPLE, OPENING) == pytest.approx(EXPECTED[code], rel=1e-12)


def test_rd_intensity_falls_with_lower_expense(library: Library) -> None:
    formula = library.indicators["rd_intensity"].formula_for(2024)

    assert formula.evaluate({"rd_expense": 37e8, "revenue": 380e8}) == pytest.approx(9.736842105)


def test_a_group_ratio_is_the_ratio_of_sums_not_the_mean_of_ratios(library: Library) -> None:
    formula = library.indicators["debt_to_asset_ratio"].formula_for(2025)
    liabilities, assets = np.array([90.0, 10.0]), np.array([100.0, 100.0])

    group = formula.evaluate({"total_liabilities": liabilities.sum(), "total_assets": assets.sum()})

    assert group == pytest.approx(50.0)


def test_non_derived_indicators_have_no_formula(library: Library) -> None:
    with pytest.raises(KeyError, match="revenue"):
        library.indicators["revenue"].formula_for(2025)


def test_derived_order_lists_each_derived_indicator_once(library: Library) -> None:
    order = library.derived_order()

    assert sorted(order) == sorted(code for code, s in library.indicators.items() if s.is_derived)


def test_the_packaged_library_loads_from_its_own_file_too() -> None:
    path = Path(__file__).parents[2] / "src" / "pacer" / "indicators" / "library.yaml"

    assert load_library(path) == load_library()


# ---- libraries a group ships ------------------------------------------------------------------


def version(**extra: Any) -> dict[str, Any]:
    return {
        "from_year": 2019,
        "to_year": None,
        "name_zh": "指标",
        "name_en": "Indicator",
        "definition_zh": "定义。",
        "definition_en": "Definition.",
        **extra,
    }


def indicator(code: str, kind: str = "flow", formula: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": code,
        "category": "finance",
        "unit": "yuan",
        "scale": 2,
        "direction": "higher",
        "kind": kind,
        "reporting": "ytd" if kind == "flow" else "monthly",
        "versions": [version()],
    }
    if kind == "derived":
        del entry["reporting"]
        entry["versions"] = [version(formula=formula)]
    return entry


YUAN = {
    "code": "yuan",
    "name_zh": "元",
    "name_en": "yuan",
    "symbol_zh": "元",
    "symbol_en": "yuan",
    "dimension": "money",
    "factor": "1",
    "additive": True,
    "percent": False,
}


def small() -> dict[str, Any]:
    return {
        "units": [YUAN],
        "categories": [{"code": "finance", "name_zh": "经营效益", "name_en": "Financial results"}],
        "indicators": [
            indicator("revenue"),
            indicator("rd_expense"),
            indicator("total_assets", kind="stock"),
            indicator("rd_intensity", kind="derived", formula="rd_expense / revenue * 100"),
        ],
        "sets": [
            {
                "code": "key",
                "name_zh": "关键指标",
                "name_en": "Key",
                "members": [
                    {"code": "revenue"},
                    {"code": "rd_intensity", "from_year": 2023},
                ],
            },
        ],
    }


def test_a_group_library_loads_from_a_mapping() -> None:
    library = load_library(small())

    assert list(library.indicators) == ["revenue", "rd_expense", "total_assets", "rd_intensity"]
    assert library.sets["key"].members_for(2022) == ["revenue"]
    assert library.sets["key"].members_for(2023) == ["revenue", "rd_intensity"]


def test_a_group_library_loads_from_a_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "group.yaml"
    path.write_text(yaml.safe_dump(small(), allow_unicode=True), encoding="utf-8")

    assert load_library(path) == load_library(small())


def test_a_file_that_is_not_yaml_is_a_library_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("indicators: [\n", encoding="utf-8")

    with pytest.raises(LibraryError, match=r"broken\.yaml"):
        load_library(path)


def test_set_members_may_be_bare_codes() -> None:
    data = small()
    data["sets"][0]["members"] = ["revenue", "rd_expense"]

    assert load_library(data).sets["key"].members_for(2019) == ["revenue", "rd_expense"]


def test_derived_order_puts_dependencies_first() -> None:
    data = small()
    data["indicators"][1:1] = [
        indicator("rd_share", kind="derived", formula="rd_intensity / 100 + rd_total * 0"),
        indicator("rd_total", kind="derived", formula="rd_expense + 0"),
    ]

    order = load_library(data).derived_order()

    assert order.index("rd_intensity") < order.index("rd_share")
    assert order.index("rd_total") < order.index("rd_share")
    assert sorted(order) == ["rd_intensity", "rd_share", "rd_total"]


Mutation = Callable[[dict[str, Any]], None]


def _walk(data: Any, path: str) -> tuple[Any, Any]:
    """The container holding the last key of a dotted path such as ``indicators.0.unit``."""
    *parents, last = path.split(".")
    for key in parents:
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data, int(last) if isinstance(data, list) else last


def at(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        container, key = _walk(data, path)
        container[key] = value

    return mutate


def drop(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        container, key = _walk(data, path)
        del container[key]

    return mutate


def append(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        container, key = _walk(data, path)
        container[key].append(value)

    return mutate


REVENUE, RD_INTENSITY, KEY = "indicator 'revenue'", "indicator 'rd_intensity'", "set 'key'"
RD_FORMULA, FORMULA = "indicators.3.versions.0.formula", "versions[0].formula"
SPLIT = [version(to_year=2022), version(from_year=2022)]
OPEN_THEN_MORE = [version(), version(from_year=2025)]
GAP = [version(to_year=2020), version(from_year=2022)]
SECOND_KEY = {"code": "key", "name_zh": "重复", "name_en": "Again", "members": ["revenue"]}

# (what is wrong, how, the owner named, the field named)
BAD_LIBRARIES: list[tuple[str, Mutation, str, str]] = [
    ("unknown unit", at("indicators.0.unit", "yen"), REVENUE, "unit"),
    ("unknown category", at("indicators.0.category", "sales"), REVENUE, "category"),
    ("unknown direction", at("indicators.0.direction", "up"), REVENUE, "direction"),
    ("unknown kind", at("indicators.0.kind", "ratio"), REVENUE, "kind"),
    ("unknown reporting", at("indicators.0.reporting", "quarterly"), REVENUE, "reporting"),
    ("flow without reporting", drop("indicators.0.reporting"), REVENUE, "reporting"),
    ("derived with reporting", at("indicators.3.reporting", "ytd"), RD_INTENSITY, "reporting"),
    ("scale too large", at("indicators.0.scale", 7), REVENUE, "scale"),
    ("negative scale", at("indicators.0.scale", -1), REVENUE, "scale"),
    ("scale as text", at("indicators.0.scale", "2"), REVENUE, "scale"),
    ("no zh name", drop("indicators.0.versions.0.name_zh"), REVENUE, "versions[0].name_zh"),
    ("blank en name", at("indicators.0.versions.0.name_en", " "), REVENUE, "versions[0].name_en"),
    (
        "no zh definition",
        drop("indicators.0.versions.0.definition_zh"),
        REVENUE,
        "versions[0].definition_zh",
    ),
    (
        "no en definition",
        at("indicators.0.versions.0.definition_en", None),
        REVENUE,
        "versions[0].definition_en",
    ),
    ("no versions", at("indicators.0.versions", []), REVENUE, "versions"),
    (
        "to_year before from_year",
        at("indicators.0.versions.0.to_year", 2018),
        REVENUE,
        "versions[0].to_year",
    ),
    (
        "year as text",
        at("indicators.0.versions.0.from_year", "2019"),
        REVENUE,
        "versions[0].from_year",
    ),
    ("overlapping versions", at("indicators.0.versions", SPLIT), REVENUE, "versions"),
    ("version after an open one", at("indicators.0.versions", OPEN_THEN_MORE), REVENUE, "versions"),
    ("gap between versions", at("indicators.0.versions", GAP), REVENUE, "versions"),
    ("derived without formula", drop(RD_FORMULA), RD_INTENSITY, FORMULA),
    (
        "flow with formula",
        at("indicators.0.versions.0.formula", "rd_expense * 2"),
        REVENUE,
        "versions[0].formula",
    ),
    ("unknown code in formula", at(RD_FORMULA, "rd_expenses / revenue"), RD_INTENSITY, FORMULA),
    ("formula outside the language", at(RD_FORMULA, "revenue.real"), RD_INTENSITY, FORMULA),
    ("average of a flow", at(RD_FORMULA, "rd_expense / avg(revenue)"), RD_INTENSITY, FORMULA),
    ("self reference", at(RD_FORMULA, "rd_intensity + 1"), RD_INTENSITY, "formula"),
    ("duplicate indicator", append("indicators", indicator("revenue")), REVENUE, "code"),
    ("code not snake_case", at("indicators.1.code", "RdExpense"), "indicator 'RdExpense'", "code"),
    ("code of a function", at("indicators.1.code", "avg"), "indicator 'avg'", "code"),
    ("misspelt field", at("indicators.0.scael", 2), REVENUE, "scael"),
    ("unknown set member", at("sets.0.members.0.code", "sales"), KEY, "members[0].code"),
    ("member years reversed", at("sets.0.members.1.to_year", 2020), KEY, "members[1].to_year"),
    (
        "member twice at once",
        append("sets.0.members", {"code": "revenue", "from_year": 2024}),
        KEY,
        "members[2].code",
    ),
    ("set without members", at("sets.0.members", []), KEY, "members"),
    ("set without en name", drop("sets.0.name_en"), KEY, "name_en"),
    ("duplicate set", append("sets", SECOND_KEY), KEY, "code"),
    ("unknown schema", at("schema", 2), "library", "schema"),
]


@pytest.mark.parametrize(
    ("mutate", "owner", "field"),
    [case[1:] for case in BAD_LIBRARIES],
    ids=[case[0] for case in BAD_LIBRARIES],
)
def test_an_invalid_library_names_the_code_and_field(mutate: Mutation, owner: str, field: str) -> None:
    data = copy.deepcopy(small())
    mutate(data)

    with pytest.raises(LibraryError) as error:
        load_library(data)

    assert any(p.startswith(f"{owner}: field '{field}'") for p in error.value.problems), error.value.problems


def test_a_dependency_cycle_names_its_path() -> None:
    data = small()
    data["indicators"] += [
        indicator("ratio_a", kind="derived", formula="ratio_b * 2"),
        indicator("ratio_b", kind="derived", formula="ratio_a / 2"),
    ]

    with pytest.raises(LibraryError, match="ratio_a -> ratio_b -> ratio_a"):
        load_library(data)


def test_a_cycle_through_a_later_version_is_found() -> None:
    data = small()
    data["indicators"] += [
        indicator("ratio_a", kind="derived", formula="revenue * 2"),
        indicator("ratio_b", kind="derived", formula="ratio_a / 2"),
    ]
    data["indicators"][-2]["versions"] = [
        version(to_year=2022, formula="revenue * 2"),
        version(from_year=2023, formula="ratio_b * 2"),
    ]

    with pytest.raises(LibraryError, match="dependency cycle"):
        load_library(data)


def test_every_problem_is_reported_at_once() -> None:
    data = small()
    data["indicators"][0]["unit"] = "yen"
    data["indicators"][1]["scale"] = 9
    data["sets"][0]["members"][0]["code"] = "sales"

    with pytest.raises(LibraryError) as error:
        load_library(data)

    assert len(error.value.problems) == 3
    assert "yen" in str(error.value)
    assert "9" in str(error.value)
    assert "sales" in str(error.value)


def test_a_mistake_in_one_indicator_is_not_repeated_at_its_references() -> None:
    data = small()
    data["indicators"][0]["unit"] = "yen"  # revenue is invalid but still declared

    with pytest.raises(LibraryError) as error:
        load_library(data)

    assert len(error.value.problems) == 1


@pytest.mark.parametrize("data", [None, [], "indicators", {"sets": []}, {"indicators": {}}])
def test_content_that_is_not_a_library_is_refused(data: Any) -> None:
    with pytest.raises(LibraryError):
        parse_library(data)
