"""The target round and the inbox in a real browser: HQ is told of a submitted proposal, returns
it with a reason from its page, and the proposer reads why in the timeline."""

from __future__ import annotations

import pytest

from pacer.demo.loader import DEMO_PASSWORD
from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _page(browser, base: str, username: str):  # noqa: F811
    """Signed in, in a context that lets axe-core's script in (the pages' CSP forbids inline ones)."""
    context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/cockpit/**")
    return page


def test_hq_returns_a_proposal_with_a_reason_and_the_proposer_reads_it(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    admin.goto("/inbox?lang=en")
    assert admin.locator("[data-testid=unread-count]").count() == 1
    # the proposal waits in HQ's queue; the demo's month in progress fills the page's first 20 with
    # reports due sooner, so it is looked up in the whole queue and opened from its link there
    queue = admin.request.get("/api/inbox/queue?limit=500").json()["items"]
    links = [i["link"] for i in queue if i["workflow"] == "target_round"]
    assert links == ["/target-proposals/1"], queue
    admin.goto(f"{links[0]}?lang=en")
    admin.fill("form[action$='/verbs/return'] input[name=reason]", "R&D line missing")
    admin.screenshot(path=ARTIFACTS / "round-hq-en.png", full_page=True)
    admin.click("button[data-verb=return]")
    admin.wait_for_selector("text=R&D line missing")
    assert admin.locator("[data-testid=state]").inner_text() == "已退回"  # the account's own language again
    assert _axe_violations(admin) == []
    admin.context.close()

    proposer = _page(browser, server, "zhaoqiang")
    proposer.goto("/inbox?lang=zh")
    proposer.screenshot(path=ARTIFACTS / "inbox-proposer-zh.png", full_page=True)
    assert proposer.locator("[data-testid=inbox] tbody tr").count() >= 1
    proposer.click("[data-testid=inbox] tbody tr >> nth=0 >> button[name=open][value='1']")
    proposer.wait_for_url("**/target-proposals/1")
    assert "R&D line missing" in proposer.locator("[data-testid=timeline]").inner_text()
    assert proposer.locator("button[data-verb=revise]").count() == 1
    proposer.screenshot(path=ARTIFACTS / "round-proposer-zh.png", full_page=True)
    assert _axe_violations(proposer) == []
    proposer.context.close()
