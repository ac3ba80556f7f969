"""HQ's figures import and the year-end outlook as jobs in a real browser: the import page, the
job's page while it runs and once it is done (the counts) or failed (the problem named by row and
field), and the cockpit's outlook asked for as a workbook; axe-core's WCAG 2.1 AA rules on each
page, in Chinese and English."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_reports import _english_on, _wait_done
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser(postgresql=True)]

HEADER = "unit_code,indicator_code,period,value\n"


def _import(page, tmp_path, name: str, body: str, lang: str) -> None:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    page.goto(f"/imports/figures?lang={lang}")
    page.set_input_files("[data-testid=import-form] input[name=file]", str(path))
    page.click("[data-testid=import-start]")
    page.wait_for_url("**/jobs/*")
    _wait_done(page)
    page.goto(page.url.split("?")[0] + f"?lang={lang}")


def test_figures_are_imported_as_a_job_with_their_result_on_its_page(browser, server, tmp_path):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Import monthly figures"), ("zh", "导入月度数据")):
        admin.goto(f"/imports/figures?lang={lang}")
        assert admin.locator("h1").inner_text() == heading
        admin.screenshot(path=ARTIFACTS / f"import-figures-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    assert _english_on(admin) == []
    # the month's revenue stored, then changed
    saids = (
        ("en", "950000000", "1 figures imported: 1 new, 0 changed"),
        ("zh", "950000100", "已导入 1 个数据：新增 0，修改 1"),
    )
    for lang, value, said in saids:
        _import(admin, tmp_path, "month.csv", f"G0101,revenue,2025-10,{value}\n", lang)
        assert admin.locator(".job-progress").get_attribute("data-state") == "done", admin.content()
        assert said in admin.locator("[data-testid=job-summary]").inner_text()
        admin.screenshot(path=ARTIFACTS / f"import-done-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    for lang in ("en", "zh"):
        _import(admin, tmp_path, "bad.csv", "G0101,revenue,2025-10,950000000\nG0101,nope,2025-10,5\n", lang)
        assert admin.locator(".job-progress").get_attribute("data-state") == "failed"
        error = admin.locator("[data-testid=job-error]").inner_text()
        assert error.startswith("bad.csv")
        assert "nope" in error
        # asked in the page's language: the stored message is in it, whatever the account's own
        assert bool(re.search(r"[\u4e00-\u9fff]", error)) == (lang == "zh"), error
        admin.screenshot(path=ARTIFACTS / f"import-failed-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    admin.context.close()


def test_the_outlook_of_every_unit_below_is_asked_for_on_the_cockpit(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang in ("en", "zh"):
        admin.goto(f"/cockpit/G01?lang={lang}")
        assert admin.locator("[data-testid=outlook-job] button").count() == 1
        assert _axe_violations(admin) == []
    admin.click("[data-testid=outlook-job] button")
    admin.wait_for_url("**/jobs/*")
    _wait_done(admin)
    assert admin.locator(".job-progress").get_attribute("data-state") == "done", admin.content()
    link = admin.locator("[data-testid=job-file]")
    assert link.inner_text().startswith("outlook-G01-")
    assert link.inner_text().endswith("-zh.xlsx")
    assert admin.request.get(link.get_attribute("href")).body()[:2] == b"PK"
    admin.screenshot(path=ARTIFACTS / "outlook-job-done-zh.png", full_page=True)
    assert _axe_violations(admin) == []
    admin.context.close()
