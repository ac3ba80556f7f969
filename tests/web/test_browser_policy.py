"""The pages under their content security policy in a real browser: charts are drawn, the API
documentation works, and the browser reports no violation of the policy on any page."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _charts_drawn, _page, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _watch(page) -> list[str]:
    """Every policy violation the page reports (the browser logs each on the console)."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def test_no_page_breaks_its_content_security_policy(browser, server):  # noqa: F811  (the fixture imported above)
    page = _page(browser, server, "admin")
    violations = _watch(page)
    page.goto("/cockpit/G")
    _charts_drawn(page)
    page.hover(".chart[data-rendered='1'] svg")
    page.click("[data-testid=tile-total_profit] h3 a")
    page.wait_for_selector("[data-testid=months]")
    _charts_drawn(page)
    page.screenshot(path=ARTIFACTS / "indicator-policy-zh.png", full_page=True)
    for path in ("/account", "/admin/users"):
        page.goto(path)
        page.wait_for_load_state()
        page.screenshot(path=ARTIFACTS / f"{path.strip('/').replace('/', '-')}-policy-zh.png", full_page=True)
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    page.screenshot(path=ARTIFACTS / "api-docs.png")
    # the bars of the tiles keep their widths (inline style attributes are allowed)
    page.goto("/cockpit/G")
    width = page.eval_on_selector("[data-testid=tile-revenue] .fill", "e => e.getBoundingClientRect().width")
    assert width > 0
    assert violations == []
    page.context.close()


def test_the_policy_refuses_an_inline_script(browser, server):  # noqa: F811  (the fixture imported above)
    """The check above could pass by seeing nothing: an inline script injected into a page is
    refused, and reported."""
    page = _page(browser, server, "admin")
    violations = _watch(page)
    page.goto("/account")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran === undefined")
    assert violations
    page.context.close()
