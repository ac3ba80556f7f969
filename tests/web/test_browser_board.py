"""The supervision board, a requirement's roadmap and the supervision bulletin in a real browser,
in Chinese and English, over the demo's meetings and tasks; axe-core's WCAG 2.1 AA rules on each."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_hq_filters_the_board_and_opens_a_roadmap_in_both_languages(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Supervision board"), ("zh", "督办看板")):
        admin.goto(f"/tasks/board?lang={lang}")
        assert heading in admin.locator("h1").inner_text()
        admin.screenshot(path=ARTIFACTS / f"board-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    rows = admin.locator("[data-testid=board-table] tbody tr")
    assert rows.count() > 0
    late = rows.evaluate_all("rs => rs.map(r => r.dataset.late === '1')")
    assert late == sorted(late, reverse=True)  # the late ones first
    admin.check("input[name=overdue]")
    admin.click("[data-testid=board-filters] button")
    admin.wait_for_url("**overdue=true*")
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.late)")) == {"1"}
    admin.locator("[data-testid=board-table] a[href$='/roadmap'] >> nth=0").click()
    admin.wait_for_url("**/roadmap")
    svg = admin.locator("[data-testid=roadmap-svg]")
    assert svg.get_attribute("role") == "img"
    assert (
        admin.locator("[data-testid=roadmap-svg] g.bar").count()
        == admin.locator("[data-testid=roadmap-table] tbody tr").count()
    )
    admin.screenshot(path=ARTIFACTS / "roadmap-zh.png", full_page=True)
    assert _axe_violations(admin) == []
    admin.context.close()


def test_hq_reads_the_bulletin_and_downloads_it(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Supervision bulletin"), ("zh", "督办通报")):
        admin.goto(f"/tasks/bulletin?from=2020-01-01&lang={lang}")
        assert heading in admin.locator("h1").inner_text()
        admin.screenshot(path=ARTIFACTS / f"bulletin-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    assert admin.locator("[data-testid=bulletin-units] tbody tr").count() > 0
    assert admin.locator("[data-testid=bulletin-definitions] li").count() == 9
    for name in ("xlsx", "docx"):
        response = admin.request.get(admin.locator(f"[data-testid=bulletin-{name}]").get_attribute("href"))
        assert response.status == 200
        assert response.body()[:2] == b"PK"  # a zip: the workbook or the document
    admin.context.close()
