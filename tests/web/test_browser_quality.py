"""A quality problem's double zeroing in a real browser, in Chinese and in English: the quality
engineer records it on the form and writes the evidence of the ten criteria, the group's
administrator signs each off, a sister unit's check is answered and confirmed, and the problem
closes and is counted in the Pareto and trend charts; every page passes axe-core's WCAG 2.1 AA
rules. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from pacer.quality.words import CRITERION_CODES
from tests.web.test_browser import ARTIFACTS, _axe_violations, _english_on, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_tasks import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _checked(page, path: str, name: str, lang: str) -> list[str]:
    page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    if page.locator(".chart[data-spec]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.chart[data-spec]')]"
            ".every(c => c.getAttribute('data-rendered') === '1' || c.querySelector('img'))",
            timeout=20_000,
        )
    page.screenshot(path=ARTIFACTS / f"quality-{name}-{lang}.png", full_page=True)
    return [f"{path}: {v}" for v in _axe_violations(page) + (_english_on(page) if lang == "zh" else [])]


def _post(page, form: str) -> None:
    """Send a form of the problem page and wait for the page it leads back to."""
    with page.expect_navigation():
        page.click(f"{form} button")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_problem_from_its_record_to_zeroed(browser, server, lang):  # noqa: F811
    problems: list[str] = []
    engineer = _page(browser, server, "zhoumin")
    problems += _checked(engineer, "/quality/problems/new", "new", lang)
    engineer.fill("input[name=title]", f"舵机电缆插头虚焊（{'甲' if lang == 'zh' else '乙'}）")
    engineer.fill("input[name=unit_code]", "G0101")
    engineer.fill("input[name=programme]", "七号型号")
    engineer.select_option("select[name=found_stage]", "test")
    engineer.select_option("select[name=severity]", "major")
    engineer.fill("input[name=found_on]", (date.today() - timedelta(days=3)).isoformat())
    engineer.click("[data-testid=record]")
    engineer.wait_for_url(re.compile(r".*/quality/problems/\d+$"))
    url = "/quality/problems/" + engineer.url.rsplit("/", 1)[1]
    problems += _checked(engineer, url, "open", lang)
    for n, code in enumerate(CRITERION_CODES, start=1):
        engineer.fill(f"[data-testid=evidence-{code}] textarea", f"已完成：见分析报告第 {n} 节")
        _post(engineer, f"[data-testid=evidence-{code}]")
    assert engineer.locator("[data-testid^=sign-]").count() == 0  # never the owner's
    engineer.click("button[data-verb=submit]")
    engineer.wait_for_selector("[data-testid=state][data-state=review]")

    admin = _page(browser, server, "admin")
    problems += _checked(admin, url, "review", lang)
    for code in CRITERION_CODES:
        _post(admin, f"[data-testid=sign-{code}]")
    assert admin.locator("[data-signed=yes]").count() == 10
    admin.fill("[data-testid=spawn] input[name=units]", "G0102")
    _post(admin, "[data-testid=spawn]")
    engineer.goto(f"{url}?lang={lang}")
    engineer.fill("[data-testid=check-G0102] input[name=finding]", "同型插头已复检，未发现虚焊")
    _post(engineer, "[data-testid=check-G0102] form")
    admin.goto(f"{url}?lang={lang}")
    _post(admin, "[data-testid=check-G0102] form:has(button[data-verb=confirm])")
    admin.click("button[data-verb=close]")
    admin.wait_for_selector("[data-testid=state][data-state=closed]")
    problems += _checked(admin, url, "closed", lang)
    problems += _checked(admin, "/quality/problems?unit=G01", "list", lang)
    problems += _checked(admin, "/quality/pareto?unit=G01", "pareto", lang)
    engineer.context.close()
    admin.context.close()
    assert not problems, "\n".join(problems)
