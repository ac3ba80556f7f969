"""Units of measure, categories and the indicator fields that refer to them, as a library file
declares them."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from pacer.indicators.library import Known, LibraryError, load_library
from tests.indicators.test_library import YUAN, small


def _problems(data: dict[str, Any], known: Known | None = None) -> list[str]:
    with pytest.raises(LibraryError) as error:
        load_library(data, known)
    return error.value.problems


def _with_units(*units: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(small())
    data["units"] += [{**YUAN, **unit} for unit in units]
    return data


def test_the_packaged_library_declares_the_built_in_units_and_categories() -> None:
    library = load_library()

    assert library.units["wan_yuan"].factor == Decimal(10000)
    assert library.units["yi_yuan"].dimension == "money"
    assert (library.units["percent"].percent, library.units["percent"].additive) == (True, False)
    assert library.units["tce_per_wan_yuan"].dimension == "energy_intensity"
    assert list(library.categories) == [
        "finance",
        "balance",
        "cash",
        "innovation",
        "efficiency",
        "investment",
        "industry",
        "quality",
    ]
    assert {u.origin for u in library.units.values()} == {"builtin"}


def test_persons_and_counts_are_never_negative_in_the_packaged_library() -> None:
    library = load_library()

    never = {code for code, spec in library.indicators.items() if spec.never_negative}
    assert {"headcount", "quality_problems", "inspected_lots", "passed_first_time_lots"} <= never
    assert "net_profit" not in never


def test_an_unknown_unit_or_category_names_the_indicator_and_field() -> None:
    data = small()
    data["indicators"][0]["unit"] = "tonnes"
    data["indicators"][1]["category"] = "sport"

    problems = _problems(data)

    assert problems[0].startswith("indicator 'revenue': field 'unit': 'tonnes' is not declared")
    assert problems[1].startswith("indicator 'rd_expense': field 'category': 'sport' is not declared")
    assert len(problems) == 2


def test_a_unit_or_category_the_database_knows_need_not_be_declared() -> None:
    data = small()
    del data["units"], data["categories"]
    known = Known(units={"yuan": load_library().units["yuan"]}, categories=frozenset({"finance"}))

    assert list(load_library(data, known).indicators) == ["revenue", "rd_expense", "total_assets", "rd_intensity"]


def test_a_dimension_needs_exactly_one_base_unit() -> None:
    two_bases = _with_units({"code": "dollar", "factor": 1})
    no_base = _with_units({"code": "kt", "dimension": "mass", "factor": "1000"})

    assert any("dimension 'money' needs exactly one unit with factor 1" in p for p in _problems(two_bases))
    assert any(
        p.startswith("unit 'kt': field 'dimension': dimension 'mass' needs exactly one") for p in _problems(no_base)
    )


def test_a_base_unit_known_to_the_database_counts_for_a_files_new_unit() -> None:
    data = _with_units({"code": "kt", "dimension": "mass", "factor": "1000"})
    tonne = load_library().units["t"]

    library = load_library(data, Known(units={"t": tonne}), origin="group")

    assert library.units["kt"].factor == Decimal(1000)
    assert library.units["kt"].origin == "group"


@pytest.mark.parametrize("factor", [0, -5, "ten", None, True, "1e400000000"])
def test_a_factor_must_be_a_positive_number(factor: Any) -> None:
    data = _with_units({"code": "wan_yuan", "factor": factor})

    assert any(p.startswith("unit 'wan_yuan': field 'factor': expected a positive number") for p in _problems(data))


def test_bad_unit_fields_are_each_named() -> None:
    data = _with_units({"code": "Wan Yuan", "factor": 10000, "dimension": "Money!", "additive": "yes"})

    problems = _problems(data)

    assert any("field 'code'" in p and "snake_case" in p for p in problems)
    assert any("field 'dimension'" in p for p in problems)
    assert any("field 'additive': expected true or false" in p for p in problems)


def test_a_band_belongs_to_direction_band_and_is_read_in_the_indicators_scale() -> None:
    data = small()
    data["indicators"][0]["band"] = {"low": 1, "high": 2}
    data["indicators"][2]["direction"] = "band"
    data["indicators"][2]["band"] = {"low": "100.5", "high": 200}

    problems = _problems(data)
    assert problems == ["indicator 'revenue': field 'band': only an indicator with direction band has a band"]

    del data["indicators"][0]["band"]
    assets = load_library(data).indicators["total_assets"]
    assert (assets.band_low, assets.band_high) == (10050, 20000)


def test_a_band_whose_high_is_below_its_low_is_refused() -> None:
    data = small()
    data["indicators"][2]["direction"] = "band"
    data["indicators"][2]["band"] = {"low": 5, "high": 1.25}

    assert _problems(data) == ["indicator 'total_assets': field 'band.high': is below low"]

    data["indicators"][2]["band"] = {"low": 5, "high": 1.234}
    assert _problems(data) == ["indicator 'total_assets': field 'band.high': '1.234' has more than 2 decimal place(s)"]


def test_never_negative_and_retired_from_are_read() -> None:
    data = small()
    data["indicators"][0] |= {"never_negative": True, "retired_from": 2026, "origin": "group"}

    revenue = load_library(data).indicators["revenue"]

    assert (revenue.never_negative, revenue.retired_from, revenue.origin) == (True, 2026, "group")
