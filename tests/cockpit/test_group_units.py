"""The cockpit shows indicators in the group's units of measure on the scale of their dimension:
tonnes as 千吨 / kt and energy as 千吨标准煤 / ktce once the figures reach a thousand, on tiles, in
the ranking, on the indicator page and in its export, with the raw figures and the unit's code
and symbols in the JSON."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from pacer.analysis.serve.service import build
from pacer.models import IndicatorSet, IndicatorSetMember
from pacer.web.deps import get_analysis_dep
from tests.factories import create_group_library, create_monthly_facts, indicator

# per month: energy in tce, output in t and yuan
FIGURES = {
    "A1": {"energy_use": 1_500, "product_output": 800, "output_value": 10_000_000},
    "A2": {"energy_use": 900, "product_output": 600, "output_value": 30_000_000},
    "B1": {"energy_use": 400, "product_output": 300, "output_value": 5_000_000},
}
KEY = ("energy_use", "product_output", "energy_intensity")


@pytest.fixture
def energy(org, session, app):
    create_group_library(session)
    months = [202501, 202502, 202503]
    for unit, figures in FIGURES.items():
        create_monthly_facts(session, getattr(org, unit), figures, months)
        # a year earlier the same output took a tenth more energy: the intensity improved
        last_year = {**figures, "energy_use": figures["energy_use"] * Decimal("1.1")}
        create_monthly_facts(session, getattr(org, unit), last_year, [m - 100 for m in months])
    key = session.scalar(select(IndicatorSet).where(IndicatorSet.code == "key"))
    last = session.scalar(select(func.max(IndicatorSetMember.position)).where(IndicatorSetMember.set_id == key.id))
    for k, code in enumerate(KEY, start=1):
        session.add(IndicatorSetMember(set_id=key.id, indicator_id=indicator(session, code).id, position=last + k))
    session.flush()
    analysis = build(session.connection())
    app.dependency_overrides[get_analysis_dep] = lambda: analysis
    return analysis


def _tile(tiles: list[dict], code: str) -> dict:
    return next(t for t in tiles if t["indicator"]["code"] == code)


def test_the_json_keeps_raw_figures_and_names_the_unit_and_its_display_scale(signed_in, energy):
    tiles = signed_in("grace").get("/api/cockpit/G/tiles?period=2025-03&lang=en").json()
    use = _tile(tiles, "energy_use")
    assert Decimal(use["ytd"]) == Decimal(3 * 2_800)  # in tce, as stored
    assert use["indicator"]["unit"] == "tce"
    assert use["indicator"]["measure"] == {
        "code": "tce",
        "dimension": "energy",
        "symbol_zh": "吨标准煤",
        "symbol_en": "tce",
        "additive": True,
        "percent": False,
    }
    display = use["indicator"]["display"]
    assert (display["unit"], display["divisor"], display["symbol_zh"], display["symbol_en"]) == (
        "ktce",
        1000,
        "千吨标准煤",
        "ktce",
    )
    assert _tile(tiles, "product_output")["indicator"]["display"]["symbol_en"] == "kt"
    intensity = _tile(tiles, "energy_intensity")
    assert intensity["indicator"]["display"]["label"] == "tce/RMB 10k"
    assert Decimal(intensity["ytd"]) == Decimal("0.6222")  # 8,400 tce / 135,000,000 元 × 10,000
    assert intensity["yoy"]["good"] is True  # lower is better, and it fell


@pytest.mark.parametrize(("lang", "kt", "ktce"), [("zh", "千吨", "千吨标准煤"), ("en", "kt", "ktce")])
def test_tiles_and_ranking_show_kt_and_ktce(signed_in, energy, lang, kt, ktce):
    page = signed_in("grace").get(f"/cockpit/G?period=2025-03&rank=energy_use&lang={lang}")
    assert page.status_code == 200
    html = page.text
    assert f'<span class="big">8.40</span><span class="unit">{ktce}</span>' in html
    assert f'<span class="big">5.10</span><span class="unit">{kt}</span>' in html
    # the ranking of A and B in ktce: 7.20 and 1.20, adding up to the group's 8.40 with its own line
    assert f"· {ktce}</caption>" in html
    assert ">7.20<" in html
    assert ">1.20<" in html


def test_the_indicator_page_and_its_export_are_in_kt(signed_in, energy):
    grace = signed_in("grace")
    page = grace.get("/cockpit/A/indicators/product_output?period=2025-03&lang=en")
    assert page.status_code == 200
    assert "(kt)" in page.text
    export = grace.get("/cockpit/A/indicators/product_output/export.xlsx?period=2025-03&lang=en")
    sheet = load_workbook(BytesIO(export.content)).active
    headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert any(h and "(kt)" in h for h in headers), headers


def test_a_ratio_in_a_group_unit_ranks_lowest_first_without_a_total(signed_in, energy):
    ranking = signed_in("grace").get("/api/cockpit/G?period=2025-03&rank=energy_intensity").json()["ranking"]
    assert [(r["unit"]["code"], Decimal(r["ytd"])) for r in ranking["rows"]] == [
        ("A", Decimal("0.6000")),
        ("B", Decimal("0.8000")),
    ]
    assert ranking["total"] is None  # ratios do not add up
    assert ranking["own"] is None
    energy_use = signed_in("hannah").get("/api/cockpit/G?period=2025-03&rank=energy_use").json()["ranking"]
    assert Decimal(energy_use["total"]) == Decimal(8_400)
