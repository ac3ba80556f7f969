"""Single sign-on in a real browser: the sign-in page offers the provider in both languages and
passes axe, and a click walks the whole OpenID Connect flow through the provider the suite
started, back into Pacer signed in. Screenshots go to test-artifacts/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from sqlalchemy import Engine

from pacer.app import create_app
from tests.auth import oidc_provider
from tests.conftest import fresh_database
from tests.web.test_browser import ARTIFACTS, _axe_violations, _english_on, _free_port, browser  # noqa: F401
from tests.webclient import settings_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def sso_server(database_template: str, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    idp = oidc_provider.start(f"{base}/login/oidc/callback")
    idp.provider.add_account("carol", "carol-pw", "carol@example.com", "Carol Chen")
    for url in fresh_database(database_template, tmp_path_factory.mktemp("sso")):
        settings = settings_for(
            url,
            oidc_issuer=idp.issuer,
            oidc_client_id=oidc_provider.CLIENT_ID,
            oidc_client_secret=oidc_provider.CLIENT_SECRET,
        )
        app = create_app(settings)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the server did not start"
        yield base
        server.should_exit = True
        thread.join(10)
        app.state.jobs.stop()
        app.state.db_engine.dispose()
    idp.stop()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sign_in_page_offers_the_provider_and_passes_axe(browser, sso_server, lang):  # noqa: F811
    context = browser.new_context(base_url=sso_server, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/login?lang={lang}")
    label = {"zh": "使用 SSO 登录", "en": "Sign in with SSO"}[lang]
    assert page.get_by_role("link", name=label).is_visible()
    problems = _axe_violations(page) + (_english_on(page) if lang == "zh" else [])
    page.screenshot(path=str(ARTIFACTS / f"login-sso-{lang}.png"), full_page=True)
    context.close()
    assert problems == []


def test_a_click_walks_the_provider_flow_back_into_pacer(browser, sso_server):  # noqa: F811
    context = browser.new_context(base_url=sso_server, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto("/login?lang=en&next=/account")
    page.get_by_role("link", name="Sign in with SSO").click()
    page.wait_for_selector("input[name=login]")
    assert "/authorize?" in page.url
    page.fill("input[name=login]", "carol")
    page.fill("input[name=secret]", "carol-pw")
    page.press("input[name=secret]", "Enter")
    page.wait_for_url(f"{sso_server}/account")
    assert "Carol Chen" in page.content()
    assert page.locator("form[action='/account/password']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "login-sso-signed-in.png"), full_page=True)
    context.close()
