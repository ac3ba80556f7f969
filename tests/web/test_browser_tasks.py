"""A supervised task's whole life in a real browser, in Chinese and in English: the supervisor
assigns it on the form, its owner accepts it, reports progress and completion, and the supervisor
verifies it; every page passes axe-core's WCAG 2.1 AA rules. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from pacer.demo.loader import DEMO_PASSWORD
from tests.web.test_browser import ARTIFACTS, _axe_violations, _english_on, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DEADLINE = date.today() + timedelta(days=60)


def _page(browser, base: str, username: str):  # noqa: F811
    """Signed in straight to the tasks (a context that lets axe-core's script in); the first page
    that draws an indicator builds the analysis, which a busy machine takes a while to do."""
    context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto("/login?next=/tasks/mine")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/tasks/mine")
    return page


def _checked(page, path: str, name: str, lang: str) -> list[str]:
    """Open ``path`` in ``lang``, keep its picture, and return what axe-core (and, in Chinese,
    the one-language check) finds wrong."""
    page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
    if page.locator(".chart[data-spec]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.chart[data-spec]')]"
            ".every(c => c.getAttribute('data-rendered') === '1' || c.querySelector('img'))",
            timeout=20_000,
        )
    page.screenshot(path=ARTIFACTS / f"task-{name}-{lang}.png", full_page=True)
    return [f"{path}: {v}" for v in _axe_violations(page) + (_english_on(page) if lang == "zh" else [])]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_task_from_assignment_to_sign_off(browser, server, lang):  # noqa: F811
    problems: list[str] = []
    boss = _page(browser, server, "zhanglei")
    problems += _checked(boss, "/tasks/new?kind=gap&unit=G0101&indicator=revenue&period=2025-09", "new", lang)
    boss.fill("input[name=title]", f"两金压降 10%（{'甲' if lang == 'zh' else '乙'}）")
    boss.fill("input[name=owner]", "lina")
    boss.fill("input[name=deadline]", DEADLINE.isoformat())
    boss.fill(
        "textarea[name=milestones]",
        f"{(date.today() + timedelta(days=20)).isoformat()} 方案印发\n{DEADLINE.isoformat()} 压降到位",
    )
    boss.fill("input[name=indicator_goal]", "年底回升")
    boss.click("[data-testid=assign]")
    boss.wait_for_url(re.compile(r".*/tasks/\d+$"))
    task = boss.url.rsplit("/", 1)[1]
    problems += _checked(boss, f"/tasks/{task}", "assigned", lang)
    assert boss.locator("[data-testid=trend-table] tbody tr").count() >= 12

    owner = _page(browser, server, "lina")
    problems += _checked(owner, "/tasks/mine", "mine", lang)
    owner.click(f"[data-testid=tasks] a[href='/tasks/{task}'] >> nth=0")
    owner.wait_for_url(f"**/tasks/{task}")
    owner.click("button[data-verb=accept]")
    owner.wait_for_selector("[data-testid=progress-form]")
    owner.fill("input[name=percent]", "60")
    owner.select_option("select[name=milestone_id]", index=1)
    owner.fill("textarea[name=narrative]", "方案已印发，压降 6%")
    owner.click("[data-testid=progress-form] button")
    owner.wait_for_selector("text=方案已印发，压降 6%")
    problems += _checked(owner, f"/tasks/{task}", "in-progress", lang)
    assert owner.locator("button[data-verb=verify]").count() == 0
    owner.click("button[data-verb=report_completion]")
    owner.wait_for_selector("[data-testid=state]:has-text('已报办结')")
    assert owner.locator("button[data-verb=verify]").count() == 0  # never the owner's
    owner.context.close()

    boss.goto(f"/tasks/{task}?lang={lang}")
    boss.click("button[data-verb=verify]")
    boss.wait_for_selector("[data-testid=state]:has-text('已销号')")
    problems += _checked(boss, f"/tasks/{task}", "verified", lang)
    assert "100%" in boss.locator("[data-testid=details]").inner_text()
    problems += _checked(boss, "/tasks?unit=G0101", "unit", lang)
    boss.context.close()
    assert not problems, "\n".join(problems)


def test_a_progress_report_sent_without_a_file_is_stored(browser, server):  # noqa: F811
    """The evidence field left empty: the browser sends it as a part with no file name and no
    bytes, which is no file, not a bad request."""
    boss = _page(browser, server, "zhanglei")
    boss.goto("/tasks/new?kind=gap&unit=G0101&indicator=revenue&period=2025-09")
    boss.fill("input[name=title]", "应收账款清收（无附件进展）")
    boss.fill("input[name=owner]", "lina")
    boss.fill("input[name=deadline]", DEADLINE.isoformat())
    boss.click("[data-testid=assign]")
    boss.wait_for_url(re.compile(r".*/tasks/\d+$"))
    task = boss.url.rsplit("/", 1)[1]
    boss.context.close()

    owner = _page(browser, server, "lina")
    owner.goto(f"/tasks/{task}")
    owner.click("button[data-verb=accept]")
    owner.wait_for_selector("[data-testid=progress-form]")
    assert owner.locator("[data-testid=progress-form] input[type=file]").input_value() == ""
    owner.fill("input[name=percent]", "40")
    owner.fill("textarea[name=narrative]", "已清收 4 笔，未附材料")
    with owner.expect_response(lambda r: r.url.endswith(f"/tasks/{task}/progress")) as sent:
        owner.click("[data-testid=progress-form] button")
    assert sent.value.status == 303, sent.value.status
    assert "multipart/form-data" in (sent.value.request.header_value("content-type") or "")
    assert b'name="evidence"; filename=""' in (sent.value.request.post_data_buffer or b"")
    owner.wait_for_selector("text=已清收 4 笔，未附材料")
    assert owner.locator("[data-testid=evidence]").count() == 0
    owner.context.close()
