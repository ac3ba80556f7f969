"""A real browser against a real server: sign in as each persona, read the cockpit, drill down
two levels, switch language, export a table. Screenshots go to test-artifacts/.

Debian's Chromium drives the tests (no browser download): CI installs it, and without it these
tests fail with a message saying so.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from pacer.app import create_app
from pacer.db import make_engine
from pacer.demo.loader import DEMO_PASSWORD, load_demo
from tests.conftest import fresh_database
from tests.webclient import settings_for

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(database_template: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small demo group on a private database, served by uvicorn on a loopback port."""
    engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
    for url in fresh_database(database_template, tmp_path_factory.mktemp("browser")):
        engine = make_engine(url)
        load_demo(engine, units=None, years=2, seed=7, as_of=202510)
        engine.dispose()
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings_for(url)), host="127.0.0.1", port=port,
                                               log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the server did not start"
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(10)
        assert make_url(url)  # the private database is dropped by fresh_database


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail("browser tests need Debian's Chromium at /usr/bin/chromium: "
                    "apt-get install -y chromium fonts-noto-cjk (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


def _page(browser, base: str, username: str, width: int = 1366, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=base, viewport={"width": width, "height": height}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/cockpit/**")
    return page


def _charts_drawn(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(".chart[data-rendered='1'] svg", timeout=20_000)


def test_group_admin_reads_the_cockpit_drills_down_and_exports(browser, server):
    page = _page(browser, server, "admin")
    assert page.url.endswith("/cockpit/G")
    assert page.locator("[data-testid=tile-revenue]").is_visible()
    _charts_drawn(page)
    page.screenshot(path=ARTIFACTS / "cockpit-group-zh.png", full_page=True)

    first = page.locator("[data-testid=ranking] tbody tr td:nth-child(2) a").first
    child = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith(child)
    page.locator("[data-testid=ranking] tbody tr td:nth-child(2) a").first.click()
    page.wait_for_load_state()
    assert page.locator(".crumbs a").count() == 2  # group › second level › (here)
    page.screenshot(path=ARTIFACTS / "cockpit-level3-zh.png", full_page=True)

    page.click("[data-testid=switch-language]")
    page.wait_for_load_state()
    assert "Year to date" in page.content()
    page.goto("/cockpit/G")
    _charts_drawn(page)
    page.screenshot(path=ARTIFACTS / "cockpit-group-en.png", full_page=True)

    with page.expect_download() as download:
        page.click("[data-testid=export-ranking]")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.click("[data-testid=tile-total_profit] h3 a")
    page.wait_for_selector("[data-testid=months]")
    page.screenshot(path=ARTIFACTS / "indicator-en.png", full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=export-indicator]")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.click("[data-testid=switch-language]")  # back to Chinese for the next run
    page.context.close()


def test_unit_reporter_sees_only_their_unit_and_sorts_with_the_keyboard(browser, server):
    page = _page(browser, server, "lina")
    assert "/cockpit/G0101" in page.url
    assert page.locator(".crumbs a").count() == 0  # nothing above the grant is shown
    response = page.goto("/cockpit/G02")
    assert response is not None and response.status == 404
    page.goto("/cockpit/G0101")
    page.screenshot(path=ARTIFACTS / "cockpit-reporter-zh.png", full_page=True)
    page.context.close()


def test_viewer_on_a_tablet_sorts_the_ranking_with_the_keyboard(browser, server):
    page = _page(browser, server, "liuyang", width=820, height=1180)
    header = page.locator("[data-testid=ranking] thead th:nth-child(3) button")
    header.focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-testid=ranking] thead th:nth-child(3)").get_attribute("aria-sort") == "ascending"
    page.screenshot(path=ARTIFACTS / "cockpit-tablet-zh.png", full_page=True)
    page.context.close()


def test_pages_work_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", "wangjing")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/cockpit/G")
    assert page.locator("noscript").count() >= 2
    assert page.locator("[data-testid=ranking] tbody tr").count() >= 5
    context.close()
