"""The commendation register in a real browser, in Chinese and in English: the demo's list for
the last full year, filtered by award; an HQ analyst records a commendation on the form (a
duplicate refused on the page), and it shows on the unit's page; every page passes axe-core's
WCAG 2.1 AA rules. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from pacer.demo.loader import DEMO_PASSWORD
from tests.web.test_browser import ARTIFACTS, _axe_violations, _english_on, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _signed_in(browser, base: str, username: str):  # noqa: F811
    context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto("/login?next=/commendations")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/commendations")
    return page


def _checked(page, path: str, name: str, lang: str) -> list[str]:
    page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    page.screenshot(path=ARTIFACTS / f"commendations-{name}-{lang}.png", full_page=True)
    return [f"{path}: {v}" for v in _axe_violations(page) + (_english_on(page) if lang == "zh" else [])]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_register_is_read_filtered_and_added_to(browser, server, lang):  # noqa: F811
    problems: list[str] = []
    analyst = _signed_in(browser, server, "wangjing")
    problems += _checked(analyst, "/commendations", "register", lang)
    rows = analyst.locator("[data-testid=commendations] tbody tr")
    assert rows.count() >= 10
    year = analyst.locator("[data-testid=commendations] tbody tr >> nth=0 >> td >> nth=0").inner_text()
    analyst.select_option("select[name=award]", "cloud_contest")
    analyst.click("form.period-form button")
    analyst.wait_for_url("**award=cloud_contest**")
    assert analyst.locator("[data-testid=commendations] tbody tr").count() == 3
    assert analyst.locator("[data-testid=commendations] tbody tr[data-award=cloud_contest]").count() == 3

    analyst.goto(f"/commendations?lang={lang}")
    analyst.select_option("[data-testid=commend-form] select[name=award]", "two_one")
    analyst.fill("[data-testid=commend-form] input[name=year]", year)
    analyst.fill("[data-testid=commend-form] input[name=unit_code]", "G0102")
    analyst.click("[data-testid=commend-add]")
    analyst.wait_for_selector("[data-testid=problems]")  # G0102 is in the demo's list already
    problems += [f"refused: {v}" for v in _axe_violations(analyst)]
    assert year in analyst.locator("[data-testid=problems]").inner_text()
    unit = "G0203" if lang == "zh" else "G0204"
    analyst.fill("[data-testid=commend-form] input[name=unit_code]", unit)
    analyst.fill("[data-testid=commend-form] textarea[name=citation_zh]", "电子对抗装备按期交付")
    analyst.click("[data-testid=commend-add]")
    analyst.wait_for_selector("[data-testid=commend-saved]")
    assert analyst.locator(f"[data-testid=commendations] tr[data-unit={unit}]").count() == 1
    problems += _checked(analyst, f"/admin/org/{unit}", "unit", lang)
    assert analyst.locator("[data-testid=unit-commendations] li").count() == 1

    reader = _signed_in(browser, server, "lina")  # a reporter of G0101 sees G0101's only
    reader.goto(f"/commendations?lang={lang}")
    units = reader.locator("[data-testid=commendations] tbody tr").evaluate_all("rs => rs.map(r => r.dataset.unit)")
    assert set(units) <= {"G0101"}
    assert reader.locator("[data-testid=commend-form]").count() == 0
    analyst.context.close()
    reader.context.close()
    assert not problems, "\n".join(problems)
