"""Pareto of a subtree's problems and the problems found per unit and month, counted only over
what the viewer sees, through the service, the JSON API and the page."""

import re
from datetime import date

import pytest

from pacer.errors import DomainError, NotFound
from pacer.models import Unit
from pacer.quality import chart, pareto, service
from pacer.quality.pareto import Pareto, ParetoBar, Series, Trend
from pacer.web.charts import to_svg
from tests.factories import create_user
from tests.quality.conftest import plan
from tests.web.test_bad_input import bearer

YEAR = date.today().year


@pytest.fixture
def problems(session, org, owner, reviewer, sister):
    gus = create_user(session, "gus", [("quality_engineer", org.G)])
    on = date(YEAR, 1, 10)
    for unit, owner_name, cause, supplier in [
        ("A1", "quinn", "man", ""),
        ("A1", "quinn", "man", ""),
        ("A2", "sara", "material", "华东连接器厂"),
        ("A2", "sara", "", ""),
        ("B1", "gus", "man", ""),
    ]:
        service.open_problem(
            session, gus, plan(unit_code=unit, owner=owner_name, cause=cause, supplier=supplier, found_on=on)
        )
    return gus


def test_the_pareto_puts_the_largest_cause_first_and_undetermined_last(session, org, problems):
    found = pareto.pareto_of(session, problems, "G", "cause", YEAR, "zh")
    assert [(b.key, b.label, b.count, b.cumulative_share) for b in found.bars] == [
        ("man", "人", 3, 0.6),
        ("material", "料", 1, 0.8),
        ("", "未定", 1, 1.0),
    ]


def test_a_viewer_counts_only_the_problems_of_their_subtree(session, org, problems):
    found = pareto.pareto_of(session, org.academy_viewer, None, "cause", YEAR, "en")
    assert found.unit.code == "A"
    assert found.total == 4
    with pytest.raises(NotFound):
        pareto.pareto_of(session, org.academy_viewer, "B", "cause", YEAR, "en")
    with pytest.raises(DomainError, match="no grouping"):
        pareto.pareto_of(session, problems, "G", "colour", YEAR, "en")


def test_the_trend_counts_each_branch_below_the_unit(session, org, problems):
    trend = pareto.trend_of(session, problems, "G", YEAR)
    assert {s.unit.code: s.counts[0] for s in trend.series} == {"A": 4, "B": 1}
    below_a = pareto.trend_of(session, problems, "A", YEAR)
    assert {s.unit.code: sum(s.counts) for s in below_a.series} == {"A1": 2, "A2": 2}
    assert pareto.trend_of(session, problems, "A", YEAR - 1).series == []


def test_the_api_and_the_page_show_the_pareto_and_its_chart(client, session, org, problems, signed_in):
    gus = bearer(session, "gus")
    body = client.get(f"/api/quality/pareto?unit=G&by=supplier&year={YEAR}", headers=gus).json()
    # a problem with no supplier is no supplier's bar: only counted beside them
    assert [(b["key"], b["count"]) for b in body["bars"]] == [("华东连接器厂", 1)]
    assert (body["total"], body["unattributed"]) == (1, 4)
    assert body["bars"][0]["cumulative_share"] == 1.0
    spec = client.get("/api/quality/pareto/chart?unit=G&by=origin_stage", headers=gus).json()
    assert spec["layer"][0]["mark"]["type"] == "bar"
    trend = client.get(f"/api/quality/trend?unit=A&year={YEAR}", headers=gus).json()
    assert [s["unit_code"] for s in trend["series"]] == ["A1", "A2"]
    assert client.get("/api/quality/pareto?by=colour", headers=gus).status_code == 422
    page = signed_in("victor").get(f"/quality/pareto?year={YEAR}&lang=en").text
    assert "Pareto of quality problems by cause" in page
    assert "more with no supplier" in page
    assert "B1" not in page


def _drawn_numbers(spec: dict) -> list[str]:
    """The whole-number texts of a chart drawn by Vega (its count axis's tick labels)."""
    return re.findall(r">(\d+)</text>", to_svg({**spec, "width": 400}))


@pytest.mark.parametrize("top", [1, 2, 3, 11])
def test_the_count_axes_tick_whole_numbers_only(top):
    unit = Unit(code="G", name_zh="集团", name_en="Group")
    bars = [ParetoBar("man", "people", top, 0.6), ParetoBar("machine", "machine", 1, 1.0)]
    ticks = _drawn_numbers(chart.pareto_spec(Pareto(unit, YEAR, "cause", top + 1, bars), "en"))
    assert ticks == [str(n) for n in range(0, top + 1, int(ticks[1]))]  # 0, 1, 2 … never 0, 1, 1, 2
    assert int(ticks[-1]) + int(ticks[1]) > top
    trend = Trend(unit, YEAR, [Series(unit, [0] * 11 + [top])])
    counts = [n for n in _drawn_numbers(chart.trend_spec(trend, "en")) if n not in {str(m) for m in range(1, 13)}]
    assert counts in (["0"], [])  # the months are labelled 1-12; the counts besides them are distinct
    spec = chart.trend_spec(trend, "en")
    assert spec["encoding"]["y"]["axis"]["format"] == "d"
    assert spec["encoding"]["y"]["axis"]["tickCount"] <= max(top, 1)


def test_pareto_labels_turn_when_a_word_is_wider_than_its_bar_and_break_into_lines_otherwise():
    causes = ["material", "machine", "people", "method", "environment", "measurement", "not determined"]
    turned = chart.label_axis(causes)
    assert turned["labelAngle"] == -35
    assert chart.left_room(causes, turned) == 5  # "material" reaches no further than the count axis
    stages = ["procurement / supplier", "manufacturing", "process", "design", "not determined"]
    assert chart.left_room(stages, chart.label_axis(stages)) > 5  # the first label is not cut off
    suppliers = ["恒远电子", "启明光电", "华茂轴承", "新材料特纤公司", "铟程材料"]
    level = chart.label_axis(suppliers)
    assert level["labelAngle"] == 0
    assert "新材料特纤公司" in level["labelExpr"]  # the long name on two lines under its bar
    assert chart.left_room(suppliers, level) == 5
    assert chart.label_axis(["man", "machine"]) == {"labelAngle": 0, "labelLimit": 0, "labelFontSize": 10}
