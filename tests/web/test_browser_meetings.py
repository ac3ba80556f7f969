"""A meeting registered from its article in a real browser, in Chinese and in English: the
article pasted, the proposal checked and edited, confirmed, and the meeting's page with each
speaker's numbered requirements; every page passes axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest

from tests.meetings.test_extract_seeds import SEEDS
from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _from_article(page, seed: str, title: str, lang: str) -> None:
    page.goto("/meetings")
    assert _axe_violations(page) == []
    page.click("[data-testid=from-article]")
    page.wait_for_url("**/meetings/from-article")
    page.fill("[data-testid=article-text]", (SEEDS / seed).read_text(encoding="utf-8"))
    assert _axe_violations(page) == []
    page.click("[data-testid=propose]")
    page.wait_for_selector("[data-testid=meeting-form]")
    page.fill("input[name=title]", title)  # the person edits what was proposed
    page.screenshot(path=ARTIFACTS / f"meeting-proposal-{lang}.png", full_page=True)
    assert _axe_violations(page) == []
    page.click("[data-testid=save-meeting]")
    page.wait_for_selector("[data-testid=requirements]")
    page.screenshot(path=ARTIFACTS / f"meeting-{lang}.png", full_page=True)
    assert _axe_violations(page) == []


def test_a_supervisor_registers_a_meeting_from_its_article_in_chinese(browser, server):  # noqa: F811
    page = _page(browser, server, "admin")
    page.goto("/meetings?lang=zh")
    _from_article(page, "003_921ce8f69a2cad7d.txt", "2023年年中工作会议", "zh")
    assert page.locator("h1").inner_text() == "2023年年中工作会议"
    assert page.locator("[data-testid=requirement]").count() == 12  # two speakers, six each
    assert "督办事项" in page.locator("[data-testid=requirements]").inner_text()
    page.context.close()


def test_a_supervisor_registers_a_meeting_from_its_article_in_english(browser, server):  # noqa: F811
    page = _page(browser, server, "admin")
    page.goto("/meetings")
    if page.locator("html").get_attribute("lang") != "en":
        page.click("[data-testid=switch-language]")
        page.wait_for_selector("html[lang=en]")
    _from_article(page, "004_d211a32258dd057e.txt", "Digital space conference 2021", "en")
    assert page.locator("h1").inner_text() == "Digital space conference 2021"
    rows = page.locator("[data-testid=requirement]")
    assert rows.count() == 3
    assert "Yuan Jie" in rows.first.inner_text()
    assert "0 tasks" in rows.first.inner_text()
    page.context.close()
