"""The entry grid in a real browser: a unit's reporter types figures, pastes a column copied
from Excel, sees the computed indicators follow and a rule's warning beside its figure, saves
through the API and submits; the page passes axe-core in both languages."""

from __future__ import annotations

import json
import re

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser(postgresql=True)]

# a unit whose October the demo has accepted: November's year to date builds on it
URL = "/submissions/G0103/2025-11"


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _plausible_column(page) -> list[str]:
    """A figure for every value cell, near last month's: a year to date grown by a tenth."""
    out = []
    for row in page.locator("tr[data-line]:has(input.amount)").all():
        line = json.loads(row.get_attribute("data-line"))
        last = row.locator("td").nth(4).inner_text().strip()
        value = _number(last) if re.search(r"\d", last) else 1.0
        if line["basis"] == "ytd":
            value *= 1.1
        decimals = line["scale"] + line["shift"]
        out.append(f"{value:,.{min(decimals, 2)}f}" if decimals else f"{round(value):,}")
    return out


def _paste(page, cell, text: str) -> None:
    cell.focus()
    cell.evaluate(
        """(el, text) => { const data = new DataTransfer(); data.setData('text/plain', text);
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""",
        text,
    )


def test_the_reporter_types_pastes_sees_the_computed_indicators_saves_and_submits(browser, server):  # noqa: F811
    page = _page(browser, server, "sunhao")  # the First Academy's reporter
    page.goto(f"{URL}?lang=en")
    cells = page.locator("input.amount")
    assert cells.count() >= 10

    # a column copied from Excel fills this cell and the ones below it, read as the server reads it
    _paste(page, cells.nth(0), "1,234.5\r\n(1,234)\r\n１２３\r\n")
    assert [cells.nth(i).input_value() for i in range(3)] == ["1,234.5", "(1,234)", "123"]
    assert page.evaluate("document.activeElement.name") == cells.nth(2).get_attribute("name")
    page.keyboard.press("Enter")  # Enter moves down the column
    assert page.evaluate("document.activeElement.name") == cells.nth(3).get_attribute("name")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.name") == cells.nth(2).get_attribute("name")

    # every cell, then typing: R&D intensity follows revenue and R&D expenditure
    _paste(page, cells.nth(0), "\n".join(_plausible_column(page)))
    revenue, rd = page.locator("[data-testid=value-revenue]"), page.locator("[data-testid=value-rd_expense]")
    intensity = page.locator("[data-testid=derived-rd_intensity]")
    revenue.fill("")
    revenue.type("300,000")  # three times the year so far: a year-on-year jump to explain
    rd.fill("")
    rd.type("9,000")
    assert intensity.inner_text() == "3.00"
    rd.fill("")
    rd.type("6000")
    assert intensity.inner_text() == "2.00"
    page.screenshot(path=ARTIFACTS / "submission-typed-en.png", full_page=True)

    page.click("[data-testid=save]")
    page.wait_for_url("**/2025-11?lang=en&saved=1")  # the first save starts the workflow: its verbs appear
    warning = page.locator("tr[data-code=revenue] .cell-problem.warning")
    assert "year-on-year jump" in warning.inner_text()
    assert page.locator("[data-testid=value-revenue]").input_value() == "300000.00"
    assert page.locator("[data-testid=derived-rd_intensity]").inner_text() == "2.00"
    assert _axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "submission-saved-en.png", full_page=True)

    # each warning needs a written explanation before the month is submitted
    explanations = page.locator("input[data-key]")
    assert explanations.count() >= 1
    for i in range(explanations.count()):
        explanations.nth(i).fill("新签大额合同集中确认收入")
    page.click("[data-testid=save]")
    page.locator("[data-testid=save-done]", has_text="version 3").wait_for()
    assert page.locator("[data-testid=explain-yoy_jump\\:revenue]").input_value() == "新签大额合同集中确认收入"

    page.click("button[data-verb=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=state]").inner_text() == "已提交"  # the account's own language again
    answer = page.request.get(f"/api{URL}")
    assert answer.json()["state"] == "submitted"
    assert page.locator("input.amount").count() == 0  # a submitted month is read only

    page.goto(f"{URL}?lang=zh")
    assert page.locator("[data-testid=state]").inner_text() == "已提交"
    assert "同比异动" in page.locator("tr[data-code=revenue] .cell-problem").inner_text()
    assert "新签大额合同集中确认收入" in page.locator("tr[data-code=revenue] .explained").inner_text()
    assert _axe_violations(page) == []
    page.screenshot(path=ARTIFACTS / "submission-submitted-zh.png", full_page=True)
    page.context.close()


def test_a_stale_save_is_refused_with_a_conflict_and_keeps_what_was_typed(browser, server):  # noqa: F811
    first, second = _page(browser, server, "lina"), _page(browser, server, "lina")
    url = "/submissions/G0101/2025-12?lang=en"
    first.goto(url)
    second.goto(url)
    first.locator("[data-testid=narrative-situation]").fill("first")
    first.click("[data-testid=save]")
    first.wait_for_url("**saved=1")
    second.locator("[data-testid=narrative-situation]").fill("second")
    second.click("[data-testid=save]")
    problem = second.locator("[data-testid=save-problem]")
    problem.wait_for()
    assert "someone else changed this report" in problem.inner_text()
    assert second.locator("[data-testid=narrative-situation]").input_value() == "second"
    first.reload()
    assert first.locator("[data-testid=narrative-situation]").input_value() == "first"
    first.context.close()
    second.context.close()
