"""The reporting monitor in a real browser, in Chinese and English: the demo's month in progress
with every status, drill-down into a unit, the late-only filter, and axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MONITOR = "/submissions/monitor?period=2025-10"


def test_hq_reads_the_month_in_progress_in_both_languages(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Monthly reports for 2025-10"), ("zh", "2025-10 月报报送情况")):
        admin.goto(f"{MONITOR}&lang={lang}")
        assert heading in admin.locator("h1").inner_text()
        admin.screenshot(path=ARTIFACTS / f"monitor-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    shown = set(
        admin.locator("[data-testid=monitor-tree] tbody tr").evaluate_all("rs => rs.map(r => r.dataset.status)")
    )
    assert shown == {"not_started", "draft", "submitted", "approved", "accepted", "returned", ""}  # "": reports nothing
    assert admin.locator("[data-testid=monitor-tree] tr[data-late='1']").count() > 0
    admin.locator("[data-testid=monitor-tree] tbody th a >> nth=0").click()
    admin.wait_for_url("**node=*")
    assert admin.locator("nav.crumbs a").count() == 1
    admin.select_option("select[name=status]", "submitted")
    admin.click("[data-testid=monitor-filters] button")
    admin.wait_for_url("**status=submitted*")
    statuses = admin.locator("[data-testid=monitor-tree] tbody tr").evaluate_all("rs => rs.map(r => r.dataset.status)")
    assert statuses
    assert set(statuses) == {"submitted"}
    assert _axe_violations(admin) == []
    admin.context.close()
