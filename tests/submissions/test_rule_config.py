"""The rules' configuration: defaults, a YAML file's ``rules:`` section, and clear refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pacer.errors import DomainError
from pacer.submissions.rule_config import DEFAULT, from_mapping, load


def test_the_defaults_are_those_documented():
    assert (DEFAULT.ratio_low, DEFAULT.ratio_high, DEFAULT.yoy_threshold) == (0, 100, Decimal("0.5"))
    assert DEFAULT.ytd_never_decreasing_dimensions == {"headcount", "count"}
    assert "revenue" in DEFAULT.ytd_decrease_warning
    assert DEFAULT.ytd_never_decreasing == frozenset()
    assert DEFAULT.derived_bounds["debt_to_asset_ratio"] == (0, 100)
    assert load(None) is DEFAULT
    assert from_mapping({}) is DEFAULT


def test_a_yaml_section_overrides_what_it_names(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n  yoy_threshold: 0.3\n  ratio_bounds: {first_pass_yield: [50, 100]}\n"
        "  ytd_never_decreasing: [revenue]\n  identities: {net_assets: total_assets - total_liabilities}\n",
        encoding="utf-8",
    )
    config = load(path)
    assert config.yoy_limit("revenue") == Decimal("0.3")
    assert config.bounds("first_pass_yield") == (50, 100)
    assert config.bounds("other") == (0, 100)
    assert config.ytd_never_decreasing == {"revenue"}
    assert config.identities == {"net_assets": "total_assets - total_liabilities"}
    assert config.consolidation_tolerance == DEFAULT.consolidation_tolerance


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"yoy_treshold": 1}, "yoy_treshold"),
        ({"yoy_threshold": "lots"}, "yoy_threshold"),
        ({"ratio_bounds": {"x": [1]}}, "ratio_bounds.x"),
        ({"consolidation_units": "A"}, "consolidation_units"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(section, named):
    with pytest.raises(DomainError, match=named):
        from_mapping(section)


def test_an_unreadable_file_is_refused_naming_it(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(DomainError, match=r"rules\.yaml"):
        load(path)
