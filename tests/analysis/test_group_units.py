"""Indicators in the group's own units of measure, through the real engine from the database: a
derived indicator is evaluated after aggregation in the unit it declares, and each indicator
carries its unit's semantics (additive, percent, lower is better, the display ladder)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pacer.analysis import choose
from pacer.analysis.serve import service
from pacer.analysis.serve.service import build
from pacer.cli import app
from pacer.db import make_engine
from tests.factories import create_group_library, create_monthly_facts, create_unit

# per month, January to March 2025: output value in yuan, energy use in tce, water use in m³
FIGURES = {
    "A1": {"output_value": 1_000_000, "energy_use": 150, "water_use": 4_000},
    "A2": {"output_value": 3_000_000, "energy_use": 90, "water_use": 2_500},
    "B1": {"output_value": 500_000, "energy_use": 40, "water_use": 700},
}


@pytest.fixture
def energy(org, session):
    create_group_library(session)
    for unit, figures in FIGURES.items():
        create_monthly_facts(session, getattr(org, unit), figures, [202501, 202502, 202503])
    return build(session.connection())


def _node(analysis, code: str) -> int:
    return analysis.data.unit_index()[code]


def test_a_group_ratio_of_its_own_indicators_is_the_ratio_of_the_sums_not_the_average(energy):
    codes = ["output_value", "energy_use", "energy_intensity"]
    a = energy.engine.cockpit(_node(energy, "A"), 2025, 3, codes).row("energy_intensity")
    # Σ energy / Σ output × 10,000 over A1 and A2 and three months: 720 tce / 12,000,000 元
    assert a.ytd.decimal == Decimal("0.6000")
    assert a.ytd.decimal != (Decimal("1.5") + Decimal("0.3")) / 2  # not the average of the units' ratios
    g = energy.engine.cockpit(_node(energy, "G"), 2025, 3, codes).row("energy_intensity")
    hand = Decimal(3 * (150 + 90 + 40) * 10_000) / Decimal(3 * 4_500_000)
    assert g.ytd.decimal == hand.quantize(Decimal("0.0001"))  # 0.6222
    assert g.ytd.scale == 4


def test_each_group_indicator_carries_the_semantics_of_its_unit(energy):
    catalog = energy.engine.catalog

    def at(code: str) -> int:
        return catalog.index[code]

    intensity, use, water = at("energy_intensity"), at("energy_use"), at("water_use")
    assert catalog.defs[intensity].unit.code == "tce_per_wan_yuan"  # declared, not guessed
    assert catalog.is_additive[use]
    assert catalog.accumulates[use]
    assert not catalog.is_additive[intensity]
    assert not catalog.accumulates[intensity]
    assert not catalog.is_percent[intensity]
    assert catalog.is_lower[intensity]
    assert catalog.is_additive[water]
    assert [s.code for s in catalog.defs[water].unit.ladder] == ["m3", "wan_m3"]
    assert choose(catalog.defs[water].unit, 21_600).code == "wan_m3"


def test_a_derived_amount_adds_up_only_if_its_unit_does_and_its_inputs_do(energy):
    catalog = energy.engine.catalog
    assert catalog.is_additive[catalog.index["two_funds"]]  # receivables + inventory, in yuan
    assert not catalog.is_additive[catalog.index["labour_productivity"]]  # yuan per person
    assert not catalog.is_additive[catalog.index["rd_intensity"]]  # percent


# -- on the terminal ------------------------------------------------------------------------------

# per month: energy in tce and output in t, reaching the thousands at the group
TERMINAL = {"A": {"energy_use": 1_500, "product_output": "812.5"}, "B": {"energy_use": 700, "product_output": 400}}


@pytest.fixture
def committed_energy(database_url):
    """A committed database with two units reporting the group's energy indicators."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        g = create_unit(session, "G", kind="group")
        create_group_library(session)
        for code, figures in TERMINAL.items():
            create_monthly_facts(session, create_unit(session, code, g), figures, [202501, 202502, 202503])
        session.commit()
    engine.dispose()
    yield
    service.clear()


def analyze(*args: str) -> str:
    result = CliRunner().invoke(app, ["analyze", *args, "--unit", "G", "--period", "2025-03"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(("lang", "kt", "ktce"), [("zh", "千吨", "千吨标准煤"), ("en", "kt", "ktce")])
def test_the_terminal_shows_group_units_on_their_dimension_scale(committed_energy, lang, kt, ktce):
    ranking = analyze("rank", "--indicator", "product_output", "--lang", lang)
    assert kt in ranking.splitlines()[0]  # in the title
    # 2,437.5 t and 1,200 t: 2.44 + 1.20 kt shown, adding up to the group's 3.64 kt (3,637.5 t)
    for shown in ("3.64", "2.44", "1.20"):
        assert shown in ranking
    history = analyze("history", "--indicator", "energy_use", "--months", "3", "--lang", lang)
    assert ktce in history.splitlines()[0]
    assert "6.60" in history  # 3 × 2,200 tce year to date


def test_the_terminal_json_keeps_raw_figures_and_unit_codes(committed_energy):
    import json

    doc = json.loads(analyze("rank", "--indicator", "product_output", "--format", "json"))
    assert doc["indicator"]["unit"] == "t"
    assert doc["parent"]["ytd"] == {"value": "3637.50", "unit": "t"}
