"""What a reader meets on the cockpit's pages, exports and charts: lines that add up, a page that
agrees with itself, one language per page, exports laid out like the page and never a formula."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from pacer.models import Unit

CELL = re.compile(r'<td class="num" data-sort="[^"]*">([^<]*)</td>')
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_the_ranking_shows_the_units_own_line_and_its_lines_add_up_to_the_total(signed_in, figures, session):
    from pacer.models import Fact
    from tests.factories import indicator

    client = signed_in("grace")
    page = client.get("/cockpit/G?period=2025-06").text
    assert 'data-testid="ranking-total"' in page
    assert 'data-testid="ranking-own"' not in page
    # the group's own revenue (its headquarters' own books): 12.3457 万元 in March
    session.add(
        Fact(unit_id=figures.G.id, indicator_id=indicator(session, "revenue").id, period=202503, value=123_456_70)
    )
    session.flush()
    page = client.get("/cockpit/G?period=2025-06").text
    ranking = page[page.index('data-testid="ranking"') :]
    ranking = ranking[: ranking.index("</table>")]
    body, foot = ranking.split("<tfoot>")
    children = [
        _number(m) for m in re.findall(r'<td class="num" data-sort="[\d.]+">([\d,.\-]+)</td>', body) if "." in m
    ]
    own = _number(re.search(r'ranking-own".*?<td class="num">([^<]+)</td>', foot, re.S).group(1))
    total = _number(re.search(r'ranking-total".*?<td class="num">([^<]+)</td>', foot, re.S).group(1))
    assert "本级及抵销" in foot
    assert len(children) == 2
    assert own == Decimal("12.35")
    assert sum(children) + own == total


@pytest.mark.parametrize("period", ["2025-06", "2025-11"])
def test_the_off_track_list_agrees_with_the_units_own_tiles(signed_in, figures, period):
    client = signed_in("grace")
    tiles = client.get(f"/api/cockpit/G/tiles?period={period}").json()
    judged = {t["indicator"]["code"] for t in tiles if t["status"] in ("off_track", "watch")}
    assert judged  # the unit itself is behind on something
    listed = {
        r["indicator"]["code"]
        for r in client.get(f"/api/cockpit/G/off-track?period={period}").json()["items"]
        if r["unit"]["code"] == "G"
    }
    assert listed == judged
    page = client.get(f"/cockpit/G?period={period}").text
    assert "没有滞后或需关注的单位" not in page
    assert 'href="/cockpit/G/indicators/revenue?period=' in page


def test_the_off_track_list_uses_one_money_scale_with_units_in_both_columns(signed_in, figures):
    page = signed_in("grace").get("/cockpit/G?period=2025-06").text
    table = page[page.index('data-testid="off-track"') :]
    table = table[: table.index("</table>")]
    assert "实际值" in table
    assert "本年累计" not in table
    labels = re.findall(r'<span class="muted">([^<]+)</span>', table)
    assert labels
    assert set(labels) == {"万元"}
    assert len(labels) % 2 == 0


def _rows(content: bytes, sheet: int = 0) -> list[tuple[object, ...]]:
    return list(load_workbook(BytesIO(content)).worksheets[sheet].iter_rows(values_only=True))


def test_the_ranking_export_is_laid_out_like_the_page(signed_in, figures):
    content = signed_in("grace").get("/cockpit/G/ranking.xlsx?period=2025-06").content
    ws = load_workbook(BytesIO(content)).active
    header = [c.value for c in ws[1]]
    assert header[3] == "本年累计（万元）"
    assert "确保 (万元)" in header
    assert "力争 (万元)" in header
    assert "单位代码" in header
    assert "状态" in header
    assert not [h for h in header if ASCII_WORD.search(h)]  # a Chinese workbook has no `code` or `status`
    assert ws.freeze_panes == "A2"
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGHIJK")
    figures_ = [r for r in ws.iter_rows(min_row=2) if r[0].value is not None]
    assert figures_
    assert all(r[3].number_format == "#,##0.00" for r in figures_)
    assert all(r[4].number_format == "0.0" for r in figures_ if r[4].value is not None)
    assert any(r[4].value is not None for r in figures_)
    # percentages at the shown precision: a format cannot show -0.04 as anything but "-0.0"
    assert all(r[4].value == round(r[4].value, 1) for r in figures_ if r[4].value is not None)
    # amounts on the page's scale: A's revenue Jan–Jun 2025 is 3,300.0 万元, not 33,000,000 yuan
    values = {r[2].value: r[3].value for r in figures_}
    assert values["A"] == pytest.approx(3300.0)
    own, total = list(ws.iter_rows(min_row=ws.max_row - 1, values_only=True))
    assert own[1] == "本级及抵销"
    assert total[1].startswith("合计")
    assert sum(values.values()) + own[3] == pytest.approx(total[3])


def test_the_english_export_speaks_english(signed_in, figures):
    rows = _rows(signed_in("grace").get("/cockpit/G/ranking.xlsx?period=2025-06&lang=en").content)
    assert rows[0][:4] == ("Rank", "Unit", "Code", "Year to date (RMB 10k)")
    assert not [h for h in rows[0] if re.search(r"[\u4e00-\u9fff]", h)]
    status = rows[0].index("Status")
    assert {r[status] for r in rows[1:] if r[0] is not None} <= {"on track", "watch", "off track", None}
    assert not [c for r in rows[1:] for c in r if isinstance(c, str) and re.search(r"[\u4e00-\u9fff]", c)]


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example/","click")', "+1+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"]
)
def test_no_export_writes_a_unit_name_as_a_formula(signed_in, figures, session, name):
    session.execute(update(Unit).where(Unit.code.in_(["A", "A1"])).values(name_zh=name, name_en=name))
    session.flush()
    client = signed_in("grace")
    books = [
        client.get("/cockpit/G/ranking.xlsx?period=2025-06").content,
        client.get("/cockpit/A/indicators/revenue/export.xlsx?period=2025-06").content,
        client.get("/cockpit/G/indicators/revenue/export.xlsx?period=2025-06&lang=en").content,
    ]
    for content in books:
        book = load_workbook(BytesIO(content))
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert name in [c.value for c in cells]  # written as typed, as text


def test_chinese_error_pages_have_no_english_detail_and_english_ones_do(signed_in, figures):
    client = signed_in("alice")
    for path, status in (("/cockpit/NOPE", 404), ("/admin/users", 403), ("/cockpit/G?period=1900-01", 404)):
        zh = client.get(path + ("&" if "?" in path else "?") + "lang=zh")
        assert zh.status_code == status
        main = zh.text[zh.text.index("<main") : zh.text.index("</main>")]
        assert not ASCII_WORD.search(re.sub(r"<[^>]+>", " ", main).replace(f"{status}", "")), main
        en = client.get(path + ("&" if "?" in path else "?") + "lang=en")
        assert re.search(r"not|no ", en.text[en.text.index("<main") :])


def test_the_api_docs_lead_back_to_the_application(client):
    page = client.get("/docs?lang=zh").text
    assert 'href="/cockpit"' in page
    assert "返回" in page
    assert '<html lang="zh-CN">' in page
    assert 'href="/cockpit"' in client.get("/docs?lang=en").text


def test_a_favicon_is_served_and_linked(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/static/favicon.svg").status_code == 200
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/login").text


def test_the_grant_form_preselects_the_least_powerful_role(signed_in, figures):
    page = signed_in("grace").get("/admin/users/alice").text
    select = page[page.index('<select name="role">') :]
    select = select[: select.index("</select>")]
    options = re.findall(r'<option value="(\w+)"\s*(selected)?', select)
    assert [v for v, s in options if s] == ["viewer"]
    assert options[0][0] == "viewer"
    assert options[-1][0] == "group_admin"


def test_ratio_charts_fit_their_values_and_chart_titles_carry_the_unit(signed_in, figures):
    client = signed_in("grace")
    trend = client.get("/api/cockpit/G/charts/trend?period=2025-06&indicator=revenue&lang=en").json()
    assert trend["encoding"]["y"]["title"] is None
    assert trend["title"]["subtitle"] == "RMB 10k"
    ratio = client.get("/api/cockpit/G/charts/history?period=2025-06&indicator=rd_intensity").json()
    assert ratio["encoding"]["y"]["scale"]["zero"] is False
    history = client.get("/api/cockpit/G/charts/history?period=2025-06&indicator=revenue").json()
    colors = history["encoding"]["color"]["scale"]["range"]
    assert len(set(colors)) == len(colors) == len(history["encoding"]["color"]["scale"]["domain"])


def test_the_waterfall_axis_spans_the_steps_not_zero_to_the_total(signed_in, figures):
    chart = signed_in("grace").get("/api/cockpit/G/charts/bridge?period=2025-06&indicator=revenue").json()
    bars = chart["layer"][0]
    values = chart["data"]["values"] if "data" in chart else bars["data"]["values"]
    low, high = bars["encoding"]["x"]["scale"]["domain"]
    levels = [v["end"] for v in values]
    assert low > 0
    assert low <= min(levels)
    assert high >= max(levels)
    biggest = max(abs(v["end"] - v["start"]) for v in values if v["kind"] != "total")
    assert biggest / (high - low) > 0.3  # the largest step is a third of the axis, not a sliver
    assert all(v["text"] for v in values)  # each bar says its value


def test_chart_images_draw_chinese_with_a_registered_cjk_font():
    from pacer.web import charts

    assert charts.cjk_font_dir() is not None
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": charts.base_config(),
        "data": {"values": [{"x": 1}]},
        "mark": "point",
        "encoding": {"x": {"field": "x", "type": "quantitative"}},
    }
    # without a CJK font every character is the same box: two different titles would draw the same
    first = charts.to_png({**spec, "title": "营业收入"}, scale=1)
    second = charts.to_png({**spec, "title": "利润总额"}, scale=1)
    assert first != second


def test_the_pages_ranking_rounds_like_the_terminal(signed_in, figures):
    """The page's figures are the exact values apportioned as the terminal's tables do (万元 with
    two decimals, half away from zero, children and the own line adding up to the total)."""
    from pacer.analysis.shown.display import DisplayUnit, breakdown

    client = signed_in("grace")
    ranking = client.get("/api/cockpit/G?period=2025-06").json()["ranking"]
    exact = [Decimal(r["ytd"]) for r in ranking["rows"]] + [Decimal(ranking["own"])]
    total, parts = breakdown([int(x * 100) for x in exact], 2, DisplayUnit.WAN_YUAN, 2)
    assert Decimal(ranking["total"]) == sum(exact)
    page = client.get("/cockpit/G?period=2025-06").text
    table = page[page.index('data-testid="ranking"') :]
    shown = re.findall(r'<td class="num" data-sort="[\d.]+">([\d,.\-]+)</td>', table[: table.index("<tfoot>")])
    assert [_number(s) for s in shown if "." in s and "%" not in s][: len(parts) - 1] == parts[:-1]
    assert f"{total:,.2f}" in table[table.index("<tfoot>") :]


def test_a_balance_is_not_called_year_to_date(signed_in, figures):
    page = signed_in("grace").get("/cockpit/G?period=2025-06&rank=inventory").text
    table = page[page.index('data-testid="ranking"') :]
    head = table[: table.index("</thead>")]
    assert "期末余额" in head
    assert "本年累计" not in head
    assert "1–6月" not in table[: table.index("</caption>")]  # captioned with the month, not the months


def test_a_count_indicators_charts_tick_whole_numbers(signed_in, figures, session):
    from pacer.models import Fact
    from tests.factories import indicator

    problems = indicator(session, "quality_problems")
    session.add_all(
        Fact(unit_id=figures.A1.id, indicator_id=problems.id, period=202500 + m, value=m % 2) for m in range(1, 7)
    )
    session.flush()
    client = signed_in("grace")
    for kind in ("trend", "history", "cumulative"):
        chart = client.get(f"/api/cockpit/G/charts/{kind}?period=2025-06&indicator=quality_problems").json()
        axis = chart["encoding"]["y"]["axis"]
        assert (axis["tickMinStep"], axis["format"]) == (1, ",d"), kind
        top = max(v["value"] for v in chart["data"]["values"])
        assert 1 <= axis["tickCount"] <= max(top, 1), kind  # a short axis asks for no more ticks than whole steps
    revenue = client.get("/api/cockpit/G/charts/trend?period=2025-06&indicator=revenue").json()
    assert "axis" not in revenue["encoding"]["y"]
