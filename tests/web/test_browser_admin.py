"""The audit trail, a figure's history (opened from the cockpit), the reporting calendar and the
group's settings in a real browser, in Chinese and English, with axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _look(page, path: str, name: str, heading: str) -> None:
    page.goto(path)
    assert heading in page.locator("h1").inner_text()
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert _axe_violations(page) == []


def test_hq_searches_the_trail_and_opens_a_figure_s_history_from_the_cockpit(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Audit trail"), ("zh", "审计日志")):
        _look(admin, f"/audit?lang={lang}", f"audit-{lang}", heading)
    assert admin.locator("[data-testid=audit-table] tbody tr").count() == 50
    admin.select_option("select[name=kind]", "workflow_item")
    admin.click("[data-testid=audit-filters] button")
    admin.wait_for_url("**kind=workflow_item*")
    kinds = admin.locator("[data-testid=audit-table] tbody tr").evaluate_all("rs => rs.map(r => r.dataset.kind)")
    assert set(kinds) == {"workflow_item"}
    admin.click("[data-testid=audit-older]")
    admin.wait_for_url("**before=*")
    assert admin.locator("[data-testid=audit-table] tbody tr").count() > 0
    # a figure of the demo's month in progress, accepted through its submission
    key = admin.request.get("/api/audit?kind=fact&limit=1").json()["items"][0]
    unit, indicator, month = key["key"].split("/")
    admin.goto(f"/cockpit/{unit}/indicators/{indicator}?period={month}&lang=en")
    admin.locator(f"[data-testid=history-link][href$='/{month}']").click()
    admin.wait_for_url(f"**/audit/figure/{unit}/{indicator}/{month}")
    assert "数据变更历史" in admin.locator("h1").inner_text()  # the viewer's own language
    assert admin.locator("[data-testid=history-table] tbody tr").count() >= 1
    admin.screenshot(path=ARTIFACTS / "history-zh.png", full_page=True)
    assert _axe_violations(admin) == []
    _look(admin, f"/audit/figure/{unit}/{indicator}/{month}?lang=en", "history-en", "History of this number")
    admin.context.close()


def test_hq_keeps_the_calendar_and_a_reopen_without_reason_is_refused(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Reporting calendar 2024"), ("zh", "2024 年报告日历")):
        _look(admin, f"/admin/periods?year=2024&lang={lang}", f"periods-{lang}", heading)
    row = admin.locator("tr[data-month='2024-03']")
    assert row.get_attribute("data-status") == "locked"  # the demo closed the years before its last
    row.locator("form[action$='/reopen'] button").click()
    admin.wait_for_load_state()
    assert admin.locator("[data-testid=periods-error]").count() == 1
    assert "原因" in admin.locator("[data-testid=periods-error]").inner_text()
    assert admin.locator("tr[data-month='2024-03']").get_attribute("data-status") == "locked"
    admin.context.close()


def test_the_administrator_reads_the_settings_page_in_both_languages(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Settings"), ("zh", "系统设置")):
        _look(admin, f"/admin/settings?lang={lang}", f"settings-{lang}", heading)
    admin.fill("input[name=smtp_port]", "99999")
    admin.click("[data-testid=settings-form] button.primary")
    admin.wait_for_load_state()
    assert "smtp_port" in admin.locator("[data-testid=settings-error]").inner_text()
    admin.context.close()
