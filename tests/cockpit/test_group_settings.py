"""The cockpit reads the group's settings: time progress on the basis set, money on the scale set,
from the request after the change (pages in both languages, JSON, Excel)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from pacer.models import Fact, Indicator
from tests.webclient import page_token

TILES = "/api/cockpit/G/tiles?period=2025-06"


def _revenue(client):
    return next(t for t in client.get(TILES).json() if t["indicator"]["code"] == "revenue")


def _set(client, **values: str) -> None:
    form = {"csrf_token": page_token(client, "/admin/settings"), "time_basis": "linear", "money_scale": "yi"}
    answer = client.post("/admin/settings", data={**form, **values})
    assert answer.status_code == 303, answer.text


def _big_year(session, org) -> None:
    """Revenue over 亿元 for the group in 2025, and a last year whose second half weighs most."""
    revenue = session.scalar(select(Indicator).where(Indicator.code == "revenue"))
    for fact in session.scalars(select(Fact).where(Fact.indicator_id == revenue.id)):
        if fact.period == 202412 and fact.unit_id == org.A1.id:
            fact.value = 600_000_000 * 100  # 6 亿元 in December 2024: the year's shape is late
        if fact.period == 202501 and fact.unit_id == org.A1.id:
            fact.value = 200_000_000 * 100  # 2 亿元 in January 2025
    session.flush()


def test_the_cockpit_counts_time_progress_on_the_basis_the_group_sets(session, signed_in, figures):
    _big_year(session, figures)
    grace = signed_in("grace")
    linear = _revenue(grace)
    assert (linear["time_progress_pct"], linear["time_basis"]) == (50.0, "linear")
    _set(grace, time_basis="seasonal")
    seasonal = _revenue(grace)
    assert seasonal["time_basis"] == "history"
    # last year's YTD at June over its full year: 6 months of 600 万元 against those and 6 亿元 more
    assert round(seasonal["time_progress_pct"], 6) == round(100 * 3_600 / (7_200 - 300 + 60_000), 6)
    assert seasonal["gap_pp"] != linear["gap_pp"]
    for lang, words in (("zh", "时间进度"), ("en", "Time progress")):
        page = grace.get(f"/cockpit/G?period=2025-06&lang={lang}").text
        assert f"{words} {seasonal['time_progress_pct']:.1f}%" in page
    _set(grace, time_basis="linear")
    assert _revenue(grace)["time_progress_pct"] == 50.0


def test_the_cockpit_shows_money_on_the_scale_the_group_sets(session, signed_in, figures):
    _big_year(session, figures)
    grace = signed_in("grace")
    assert _revenue(grace)["indicator"]["display"]["unit"] == "yi_yuan"
    _set(grace, money_scale="wan")
    display = _revenue(grace)["indicator"]["display"]
    assert (display["unit"], display["label"]) == ("wan_yuan", "万元")
    english = grace.get(TILES + "&lang=en").json()
    assert next(t for t in english if t["indicator"]["code"] == "revenue")["indicator"]["display"]["label"] == "RMB 10k"
    for lang, label in (("zh", "万元"), ("en", "RMB 10k")):
        page = grace.get(f"/cockpit/G/indicators/revenue?period=2025-06&lang={lang}").text
        assert label in page
        book = grace.get(f"/cockpit/G/indicators/revenue/export.xlsx?period=2025-06&lang={lang}")
        headers = next(load_workbook(BytesIO(book.content)).worksheets[0].iter_rows(values_only=True))
        assert any(label in str(h) for h in headers), headers
    _set(grace, money_scale="yi")
    assert _revenue(grace)["indicator"]["display"]["unit"] == "yi_yuan"
