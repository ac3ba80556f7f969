"""The org tree, a unit's history and leaders, a restructuring's preview, the people directory
and the eliminations page in a real browser, in Chinese and English, over the demo group;
axe-core's WCAG 2.1 AA rules on each, screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, _english_on, browser, server  # noqa: F401
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGES = ("/admin/org", "/admin/org/G01", "/admin/people", "/admin/eliminations?unit=G01")


def test_every_administration_page_passes_axe_in_both_languages(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    problems: dict[str, list[str]] = {}
    for lang in ("zh", "en"):
        for path in PAGES:
            admin.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
            name = path.strip("/").split("?")[0].replace("/", "-")
            admin.screenshot(path=ARTIFACTS / f"{name}-{lang}.png", full_page=True)
            problems[f"{path} {lang}"] = _axe_violations(admin) + (_english_on(admin) if lang == "zh" else [])
    assert not any(problems.values()), "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)
    admin.goto("/admin/org?lang=en")
    assert admin.locator("[data-testid=org-tree] li[data-code=G0101]").count() == 1
    admin.fill("input[name=q]", "G0101")
    admin.click("[data-testid=org-filters] button")
    admin.wait_for_url("**q=G0101*")
    assert admin.locator("[data-testid=org-found] tbody tr").count() == 1
    admin.context.close()


def test_hq_previews_a_move_and_a_refusal_is_said_in_chinese(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang in ("en", "zh"):
        admin.goto(f"/admin/org/restructure?kind=move&code=G0102&lang={lang}")
        admin.fill("input[name=parent_code]", "G02")
        admin.fill("input[name=effective]", "2025-01-01")
        admin.fill("textarea[name=reason]", "reorganisation")
        admin.click("[data-testid=preview]")
        admin.wait_for_selector("[data-testid=preview-result]")
        assert admin.locator("[data-testid=preview-as_was] tr[data-unit=G01]").count() > 0
        assert admin.locator("[data-testid=preview-restated] tr[data-unit=G02]").count() > 0
        assert admin.locator("[data-testid=save]").count() == 1  # saved only after a preview
        admin.screenshot(path=ARTIFACTS / f"org-preview-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    admin.fill("input[name=parent_code]", "G0102")
    admin.fill("input[name=code]", "G01")
    admin.click("[data-testid=preview]")
    alert = admin.locator("[data-testid=restructure-problems]")
    assert "循环" in alert.inner_text()
    admin.screenshot(path=ARTIFACTS / "org-refused-zh.png", full_page=True)
    assert _axe_violations(admin) == []
    admin.context.close()


def test_a_unit_user_sees_its_subtree_only(browser, server):  # noqa: F811
    approver = _page(browser, server, "zhaoqiang")  # G0101's approver
    approver.goto("/admin/org?lang=en")
    codes = approver.locator("li[data-code]").evaluate_all("ls => ls.map(l => l.dataset.code)")
    assert codes == ["G0101"]
    assert approver.request.get("/admin/org/G02").status == 404
    approver.screenshot(path=ARTIFACTS / "org-unit-user-en.png", full_page=True)
    assert _axe_violations(approver) == []
    approver.context.close()


def test_an_administrator_ends_a_leader_s_term_from_the_unit_s_page(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, person, day in (("en", "Zhou Xiaoming", "2025-11-01"), ("zh", "李志强", "2025-12-01")):
        admin.goto(f"/admin/org/G01?lang={lang}")
        row = admin.locator("[data-testid=leaders] tbody tr", has_text=person)
        row.locator("input[name=valid_to]").fill(day)
        row.locator("button").click()
        admin.wait_for_url("**/admin/org/G01?saved=1")
        admin.goto(f"/admin/org/G01?lang={lang}")
        row = admin.locator("[data-testid=leaders] tbody tr", has_text=person)
        assert day in row.inner_text()
        assert row.locator("form").count() == 0  # a term that has ended offers nothing more to end
        admin.screenshot(path=ARTIFACTS / f"org-term-ended-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    admin.context.close()
