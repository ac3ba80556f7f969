"""The demo's quality work as a newcomer finds it in a real browser, in Chinese and in English:
the problems in their zeroing states (some late), the Pareto charts, First Academy's quality
dashboard with charts out of control, the shifted bearing bore's chart linking the problem its
signal opened, and a partly zeroed problem; every page passes axe-core's WCAG 2.1 AA rules.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, _wait_for_charts, browser, server  # noqa: F401
from tests.web.test_browser_quality import _checked
from tests.web.test_browser_tasks import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _notation(page, path: str, name: str, lang: str) -> list[str]:
    """A page of control charts: axe-core's rules only, as its codes, chart kinds (imr), indices
    (Cpk) and units of measure are notation in either language."""
    page.goto(f"{path}?lang={lang}")
    _wait_for_charts(page)
    page.screenshot(path=ARTIFACTS / f"quality-{name}-{lang}.png", full_page=True)
    return [f"{path}: {v}" for v in _axe_violations(page)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_newcomer_finds_the_quality_cycle_at_work_in_the_demo(browser, server, lang):  # noqa: F811
    problems: list[str] = []
    page = _page(browser, server, "zhoumin")
    problems += _checked(page, "/quality/problems", "demo-problems", lang)
    assert page.locator("[data-testid=problems-table] tbody tr").count() >= 12  # First Academy's
    assert page.locator("[data-testid=problems-table] tr.late").count() >= 1
    problems += _checked(page, "/quality/pareto", "demo-pareto", lang)
    assert page.locator(".chart[data-rendered='1']").count() == 4
    problems += _notation(page, "/spc/units/G01", "demo-dashboard", lang)
    out = page.locator("[data-testid=characteristics] tbody tr:has(.status-off_track)")
    assert out.count() == 2  # the bearing bore shifted, the bolt torque drifting
    page.click("tr[data-code='GYRO-BRG-D'] a")
    page.wait_for_url("**/spc/characteristics/*")
    url = page.url.split(server)[1].split("?")[0]
    problems += _notation(page, url, "demo-characteristic", lang)
    assert page.locator("[data-testid=verdict].status-off_track").count() == 1
    link = page.locator("[data-testid=signals] [data-testid=problem-link]")
    assert link.count() == 1
    link.click()
    page.wait_for_url("**/quality/problems/*")
    problems += _checked(page, page.url.split(server)[1].split("?")[0], "demo-signal-problem", lang)
    assert page.locator("[data-testid=state][data-state=open]").count() == 1
    page.goto(f"/quality/problems?state=review&lang={lang}")
    page.locator("[data-testid=problems-table] tbody tr a").first.click()
    page.wait_for_url("**/quality/problems/*")
    problems += _checked(page, page.url.split(server)[1].split("?")[0], "demo-review", lang)
    signed = page.locator("[data-signed=yes]").count()
    assert 0 < signed < 10
    page.context.close()
    assert not problems, "\n".join(problems)
