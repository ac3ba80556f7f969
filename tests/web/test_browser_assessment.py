"""The assessment in a real browser, in Chinese and in English: HQ's analyst reads the demo's
mid-year league table (the browser tests' two-year demo has targets, so statements, in its
second year only), opens a unit's signed statement with its scorecard worked item by item and
its what-if, adjusts the score with a reason, and reads the table graded by forced
distribution; every page passes axe-core's WCAG 2.1 AA rules. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, _english_on, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_tasks import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _checked(page, path: str | None, name: str, lang: str) -> list[str]:
    if path is not None:
        page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    page.screenshot(path=ARTIFACTS / f"assessment-{name}-{lang}.png", full_page=True)
    return [f"{page.url}: {v}" for v in _axe_violations(page) + (_english_on(page) if lang == "zh" else [])]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hq_reads_the_league_table_and_a_scorecard_and_adjusts_it(browser, server, lang):  # noqa: F811
    problems: list[str] = []
    hq = _page(browser, server, "wangjing")
    problems += _checked(hq, "/assessment?year=2025&stage=midyear", "league", lang)
    assert hq.locator("[data-testid=league] tbody tr").count() >= 5
    hq.click("[data-testid=league] tbody tr:first-child th a")
    hq.wait_for_url(re.compile(r".*/statements/\d+.*"))
    problems += _checked(hq, None, "statement", lang)
    assert hq.locator("[data-testid=working] tbody tr").count() >= 4
    # the demo's year is being reported: what the rest of it is worth, never a negative amount
    needed = hq.locator("[data-testid=what-if] tbody tr td:last-child").all_inner_texts()
    assert needed
    assert not [n for n in needed if n.strip().startswith(("-", "−"))]
    working = hq.locator("[data-testid=working]").inner_text()
    assert "亿元" in working or "RMB 100m" in working  # money on the group's scale, never in full yuan
    assert not re.search(r"\d,\d{3},\d{3}", working)
    assert hq.locator("[data-testid=state][data-state=in_force]").count() == 1
    hq.fill("form[action$='/adjust'] input[name=change]", "2.5")
    hq.fill(
        "form[action$='/adjust'] input[name=reason]", "承担重大专项任务" if lang == "zh" else "a major special project"
    )
    with hq.expect_navigation():
        hq.click("form[action$='/adjust'] button")
    assert hq.locator("[data-testid=adjustment]").count() >= 1
    problems += _checked(hq, None, "adjusted", lang)
    problems += _checked(hq, "/assessment?year=2025&stage=midyear&grading=forced", "forced", lang)
    # at 1280 px the main navigation keeps to one line; the register is a page of the assessment
    hq.set_viewport_size({"width": 1280, "height": 900})
    tops = hq.locator("header nav[aria-label] > a").evaluate_all(
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    bar, link = (
        hq.locator("header.topbar").bounding_box(),
        hq.locator("header nav[aria-label] > a").first.bounding_box(),
    )
    assert bar["height"] < 2 * link["height"] + 16, (bar, link)  # the language, name and sign-out on it too
    hq.click("nav.subnav a[href='/commendations']")
    hq.wait_for_url("**/commendations**")
    problems += _checked(hq, None, "commendations", lang)
    hq.context.close()
    assert not problems, "\n".join(problems)
