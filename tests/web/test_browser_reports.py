"""Reports in a real browser: asked for on /reports, made in the background while the job's
progress bar moves, kept and downloaded; the narrative written, submitted and approved on the
report's page; /jobs lists them. axe-core's WCAG 2.1 AA rules on every page, in both languages."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# product and file-format names, and the month's pattern, are Latin on Chinese pages too
ALLOWED = re.compile(r"^(Pacer|API|Word|PDF|Excel|docx|xlsx|html|pdf|YYYY-MM|YYYY|MM|G\d*|B|KiB|MiB|GiB|English)$")


def _english_on(page) -> list[str]:
    text = page.evaluate("""() => { const b = document.body.cloneNode(true);
        b.querySelectorAll('[translate=no], script, style, noscript, option').forEach(e => e.remove());
        return b.innerText || b.textContent; }""")
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z.-]+", text) if not ALLOWED.match(w.strip(".-"))})


def _wait_done(page, seconds: int = 120) -> None:
    page.wait_for_selector(".job-progress[data-state=done], .job-progress[data-state=failed]", timeout=seconds * 1000)


def test_a_report_is_asked_for_made_with_a_progress_bar_and_downloaded(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Reports"), ("zh", "报告")):
        admin.goto(f"/reports?lang={lang}")
        assert admin.locator("h1").inner_text() == heading
        admin.screenshot(path=ARTIFACTS / f"reports-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
        if lang == "zh":
            assert _english_on(admin) == []
    form = admin.locator("[data-testid=report-form]")
    form.locator("select[name=kind]").select_option("economic")
    form.locator("select[name=unit]").select_option("G")
    form.locator("input[name=period]").fill("2025-09")
    form.locator("select[name=span]").select_option("half")
    form.locator("select[name=format]").select_option("docx")
    form.locator("select[name=lang]").select_option("zh")
    admin.click("[data-testid=report-start]")
    admin.wait_for_url("**/jobs/*")
    bar = admin.locator(".job-progress progress")
    assert bar.count() == 1
    admin.screenshot(path=ARTIFACTS / "job-running-zh.png", full_page=True)
    _wait_done(admin)
    assert admin.locator(".job-progress").get_attribute("data-state") == "done", admin.content()
    assert admin.locator("[data-testid=job-file]").inner_text().endswith(".docx")
    admin.screenshot(path=ARTIFACTS / "job-done-zh.png", full_page=True)
    assert _axe_violations(admin) == []
    file = admin.request.get(admin.locator("[data-testid=job-file]").get_attribute("href"))
    assert file.status == 200
    assert file.body()[:2] == b"PK"
    for lang in ("en", "zh"):
        admin.goto(f"/jobs?lang={lang}")
        assert admin.locator("[data-testid=jobs-table] tbody tr").count() >= 1
        admin.screenshot(path=ARTIFACTS / f"jobs-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    admin.goto("/reports?kind=economic&lang=en")
    assert admin.locator("[data-testid=reports-made] tbody tr").count() >= 1
    admin.context.close()


def test_the_narrative_is_written_submitted_and_approved_on_its_page(browser, server):  # noqa: F811
    author = _page(browser, server, "wangjing")  # HQ's analyst writes the group's report
    author.goto("/reports?lang=zh")
    record = author.locator("[data-testid=record-form]")
    record.locator("select[name=kind]").select_option("economic")
    record.locator("select[name=unit]").select_option("G")
    record.locator("input[name=period]").fill("2025-09")
    record.locator("button").click()
    author.wait_for_url("**/reports/records/*")
    author.fill("textarea[name=problems]", "应收账款回收偏慢。")
    author.fill("textarea[name=countermeasures]", "压降两金，加快回款。")
    author.fill("textarea[name=plan]", "十月底前完成清欠。")
    author.click("[data-testid=narrative-form] button")
    author.wait_for_selector("button[data-verb=submit]")
    author.screenshot(path=ARTIFACTS / "report-record-draft-zh.png", full_page=True)
    assert _axe_violations(author) == []
    author.click("button[data-verb=submit]")
    author.wait_for_selector("[data-testid=record-state]")
    assert author.locator("button[data-verb=approve]").count() == 0  # nobody approves their own report
    address = author.url.split("?")[0]
    author.context.close()
    admin = _page(browser, server, "admin")
    admin.goto(address + "?lang=zh")
    admin.click("button[data-verb=approve]")
    admin.wait_for_selector("[data-testid=report-versions]", timeout=60_000)
    assert admin.locator("[data-testid=record-state]").inner_text() == "已批准"
    assert "应收账款回收偏慢。" in admin.locator("[data-block=problems]").inner_text()
    admin.goto(address + "?lang=en")
    admin.screenshot(path=ARTIFACTS / "report-record-approved-en.png", full_page=True)
    assert _axe_violations(admin) == []
    admin.context.close()
