"""The cockpit reads the group's settings: time progress on the basis set, money on the scale set,
from the request after the change (pages in both languages, JSON, Excel)."""

from __future__ import annotations

from io import BytesIO

from markupsafe import escape
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
    for lang, words in (("zh", "时间进度（按往年各月规律）"), ("en", "Time progress (past years' monthly shape)")):
        page = grace.get(f"/cockpit/G?period=2025-06&lang={lang}").text
        assert f"<dt>{escape(words)}</dt><dd" in page
        assert f">{seasonal['time_progress_pct']:.1f}%</dd>" in page
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


def _ranking_sheet(client, lang: str) -> tuple[tuple, list[tuple]]:
    book = client.get(f"/cockpit/G/ranking.xlsx?period=2025-06&rank=revenue&lang={lang}")
    rows = list(load_workbook(BytesIO(book.content)).worksheets[0].iter_rows(values_only=True))
    return rows[0], [r for r in rows[1:] if r[2] in ("A", "B")]


def test_the_cockpit_names_the_basis_of_each_time_progress_in_page_ranking_and_export(session, signed_in, figures):
    _big_year(session, figures)
    grace = signed_in("grace")
    zh = grace.get("/cockpit/G?period=2025-06&lang=zh").text
    assert "时间进度口径（集团设置）：按已过月份。" in zh
    assert "<dt>时间进度（按已过月份）</dt>" in zh
    en = grace.get("/cockpit/G?period=2025-06&lang=en").text
    assert "Time progress is counted by the group&#39;s setting: Months elapsed." in en
    rows = grace.get("/api/cockpit/G/ranking?period=2025-06&indicator=revenue").json()["items"]
    assert {(r["unit"]["code"], r["time_progress_pct"], r["time_basis"]) for r in rows} == {
        ("A", 50.0, "linear"),
        ("B", 50.0, "linear"),
    }
    head, lines = _ranking_sheet(grace, "zh")
    progress, basis = head.index("时间进度 (%)"), head.index("时间进度口径")
    assert {(r[progress], r[basis]) for r in lines} == {(50.0, "按已过月份")}

    _set(grace, time_basis="seasonal")
    en = grace.get("/cockpit/G?period=2025-06&lang=en").text
    assert "Time progress is counted by the group&#39;s setting: Seasonal" in en
    rows = {r["unit"]["code"]: r for r in grace.get("/api/cockpit/G/ranking?period=2025-06").json()["items"]}
    # A's 2024 ends with a December of 6 亿元: by June it had reached far less than half its year
    assert (rows["A"]["time_basis"], rows["B"]["time_basis"]) == ("history", "history")
    assert rows["A"]["time_progress_pct"] < 10
    assert round(rows["B"]["time_progress_pct"], 6) == 50.0
    head, lines = _ranking_sheet(grace, "en")
    progress, basis = head.index("Time progress (%)"), head.index("Time-progress basis")
    by_code = {r[2]: (r[progress], r[basis]) for r in lines}
    assert by_code["A"] == (round(rows["A"]["time_progress_pct"], 1), "past years' monthly shape")
    assert by_code["B"] == (50.0, "past years' monthly shape")
    page = grace.get("/cockpit/G?period=2025-06&lang=zh").text
    assert "按往年各月规律" in page.split('data-testid="ranking"')[1]
