"""The economic-operation report's content: its structure, and every figure as the engine answers it."""

from __future__ import annotations

import pytest

from pacer.auth.permissions import SYSTEM
from pacer.errors import DomainError
from pacer.reports import EconomicRequest, Paragraph, Table, build_economic, render


def test_the_group_report_has_the_overall_situation_and_the_indicator_sections(session, analysis):
    report = build_economic(session, SYSTEM, EconomicRequest(None, "2025-06", "half", "zh"), analysis=analysis)
    assert report.unit_code == "G"
    assert report.title == "单位G2025年上半年经济运行分析报告"
    assert [s.key for s in report.sections][:2] == ["overall", "indicators"]
    assert report.sections[0].heading == "一、总体情况"
    key = next(t for t in report.tables() if t.key == "key")
    assert "营业收入" in [row[0].text for row in key.rows]
    first = report.sections[0].blocks[0]
    assert isinstance(first, Paragraph)
    assert first.text.startswith("营业收入完成 ")


def test_a_bad_request_is_refused_naming_the_field():
    with pytest.raises(DomainError, match=r"^period: "):
        EconomicRequest(None, "2025-13", "half", "zh")
    with pytest.raises(DomainError, match=r"^span: 'week'"):
        EconomicRequest(None, "2025-06", "week", "zh")


def test_the_html_file_is_self_contained_with_its_charts_inline(session, analysis):
    report = build_economic(session, SYSTEM, EconomicRequest(None, "2025-06", "half", "en"), analysis=analysis)
    page = render(report, "html").decode()
    assert page.count('src="data:image/svg+xml;base64,') == len(report.charts()) > 0
    assert "http://" not in page
    assert "https://" not in page
    assert isinstance(report.tables()[0], Table)
