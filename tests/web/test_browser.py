"""A real browser against a real server: sign in as each persona, read the cockpit, drill down
two levels, switch language, export a table. Screenshots go to test-artifacts/.

Debian's Chromium drives the tests (no browser download): CI installs it, and without it these
tests fail with a message saying so.
"""

from __future__ import annotations

import re
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
from tests.conftest import DemoGroups, fresh_database
from tests.webclient import settings_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo_groups: DemoGroups, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small demo group on a private database (a copy of one loaded once per test process),
    served by uvicorn on a loopback port."""
    engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
    template, _ = demo_groups.loaded("browser", _load_demo)
    for url in fresh_database(template, tmp_path_factory.mktemp("browser")):
        port = _free_port()
        app = create_app(settings_for(url))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the server did not start"
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(10)
        app.state.jobs.stop()  # the job threads a test started, before their database is dropped
        app.state.db_engine.dispose()
        assert make_url(url)  # the private database is dropped by fresh_database


def _load_demo(url: str) -> None:
    engine = make_engine(url)
    load_demo(engine, units=None, years=2, seed=7, as_of=202510)
    _a_submitted_proposal(engine)
    engine.dispose()


def _a_submitted_proposal(engine: Engine) -> None:
    """Target proposal #1: G0101's approver proposes its targets and submits them to HQ (whose
    inboxes then hold a notification of it)."""
    from sqlalchemy import text

    from pacer.auth.permissions import load_actor
    from pacer.db import unit_of_work
    from pacer.kit.tabular import Row
    from pacer.targets import round as target_round

    with unit_of_work(engine, writes=True) as session:
        if engine.dialect.name == "postgresql":  # the template's sequences moved on in rolled-back tests
            session.execute(text("SELECT setval(pg_get_serial_sequence('target_proposal', 'id'), 1, false)"))
        approver = load_actor(session, "zhaoqiang")
        rows = [Row(2, {"unit_code": "G0101", "indicator_code": "revenue", "tier": "ensure", "value": "120000000"})]
        proposal = target_round.propose(session, approver, "G0101", 2026, rows)
        target_round.act(session, approver, proposal.id, "submit")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "browser tests need Debian's Chromium at /usr/bin/chromium: "
            "apt-get install -y chromium fonts-noto-cjk (.ci/run does this)"
        )
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


def _page(browser, base: str, username: str, width: int = 1366, height: int = 900):
    context = browser.new_context(base_url=base, viewport={"width": width, "height": height}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/cockpit/**")
    return page


def _charts_drawn(page) -> None:
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
    assert "Off-track list" in page.content()
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
    assert response is not None
    assert response.status == 404
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


# -- every page, both languages: accessibility, one language, no broken requests ---------------------

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# names and acronyms a Chinese page may carry in Latin letters
# codes and acronyms (a unit's G01, a characteristic's GYRO-BRG-D, a run rule's WE1) and the X̄
# panel's name (xbar:WE1) are notation, not language
LATIN_ALLOWED = re.compile(r"^(Pacer|API|JSON|Excel|English|G\d*|pp|xbar|[A-Z]{2,}\d*)$")
PAGES = (
    "/cockpit/G",
    "/cockpit/G01",
    "/cockpit/G01?eliminations=before",
    "/cockpit/G0101",
    "/cockpit/G/indicators/revenue",
    "/cockpit/G01/indicators/rd_intensity",
    "/cockpit/G/indicators/energy_intensity",  # the group's own indicators (group_indicators.yaml)
    "/cockpit/G0105/indicators/launches",
    "/account",
    "/admin/users",
    "/admin/users/lina",
    "/indicators/assignments?unit=G0101",
    "/inbox",
    "/target-proposals",
    "/target-proposals/1",
    "/targets",
    "/targets/2025/G?set=key",
    "/targets/2025/G01?open=G0101",
    "/submissions?period=2025-10",
    "/submissions/G0101/2025-10",
    "/indicators",
    "/indicators/revenue",
    "/indicators/roe/edit",
    "/indicators/new",
    "/indicators/units",
    "/indicators/categories",
    "/cockpit/NO-SUCH-UNIT",
)


def _axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test` (it runs `npm ci --prefix tests/web`)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


def test_the_accessibility_check_names_what_it_is_for(browser):
    """The check every page passes finds violations: an image without a text alternative and
    faint text, each named with where it is."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><head><title>Check</title></head><body><main>'
        '<img src="data:," id="bare"><p id="faint" style="color:#ccc;background:#fff">Faint</p></main></body></html>'
    )
    found = _axe_violations(page)
    page.close()
    assert any(v.startswith("image-alt") and "#bare" in v for v in found), found
    assert any(v.startswith("color-contrast") and "#faint" in v for v in found), found


def _english_on(page) -> list[str]:
    """Latin words on the page, but for what is not language (user names, a header's name:
    marked translate="no") and a few names."""
    text = page.evaluate("""() => { const b = document.body.cloneNode(true);
        b.querySelectorAll('[translate=no], script, style, noscript').forEach(e => e.remove());
        return b.innerText || b.textContent; }""")
    english = sorted({w for w in re.findall(r"[A-Za-z][A-Za-z.]+", text) if not LATIN_ALLOWED.match(w.rstrip("."))})
    return [f"English on a Chinese page: {english}"] if english else []


def _wait_for_charts(page) -> None:
    if page.locator(".chart[data-spec]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('.chart[data-spec]')]"
            ".every(c => c.getAttribute('data-rendered') === '1' || c.querySelector('img'))",
            timeout=20_000,
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_passes_axe_wcag_aa_speaks_one_language_and_requests_nothing_missing(browser, server, lang):
    context = browser.new_context(base_url=server, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 and "NO-SUCH" not in r.url else None,
    )
    problems: dict[str, list[str]] = {}
    page.goto(f"/login?lang={lang}")
    problems["/login"] = _axe_violations(page) + (_english_on(page) if lang == "zh" else [])
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/cockpit/**")
    for path in PAGES:
        page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        _wait_for_charts(page)
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
        page.screenshot(path=ARTIFACTS / f"page-{name}-{lang}.png", full_page=True)
        problems[path] = _axe_violations(page)
        if lang == "zh" and not path.startswith("/admin"):  # user names are Latin by choice
            problems[path] += _english_on(page)
        assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
    context.close()
    assert not any(problems.values()), "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)
    assert not failed, failed  # the favicon and every asset are served


def test_the_yoy_waterfall_shows_each_step_visibly_and_names_in_full(browser, server):
    page = _page(browser, server, "admin")
    page.goto("/cockpit/G?lang=en")
    chart = page.locator("#bridge .chart")
    chart.scroll_into_view_if_needed()
    page.wait_for_selector("#bridge .chart[data-rendered='1'] svg")
    shot = ARTIFACTS / "waterfall-en.png"
    chart.screenshot(path=shot)
    bars = page.evaluate("""() => [...document.querySelectorAll('#bridge .chart svg g.mark-rect.role-mark path')]
        .map(p => { const b = p.getBoundingClientRect(); return [b.width, b.height]; })""")
    plot = page.evaluate("() => document.querySelector('#bridge .chart svg').getBoundingClientRect().width")
    steps = [w for w, _ in bars[1:-1]]
    assert len(steps) >= 3
    # the largest change spans a good part of the plot (on an axis from zero it was 4 px wide), and
    # every bar carries its value, so even a change of 0.01 is read
    assert max(steps) > plot / 20, (steps, plot)
    values = page.evaluate("""() => [...document.querySelectorAll('#bridge .chart svg g.mark-text.role-mark text')]
        .map(t => t.textContent)""")
    assert len(values) == len(bars), values
    assert all(re.search(r"\d", v) for v in values), values
    labels = page.evaluate("""() => [...document.querySelectorAll('#bridge .chart svg .role-axis-label text')]
        .map(t => t.textContent)""")
    assert labels, labels
    assert not any(t.endswith("…") for t in labels), labels
    # the screenshot: green and red steps cover a visible area
    from PIL import Image

    pixels = Image.open(shot).convert("RGB").getdata()
    better = sum(1 for p in pixels if abs(p[0] - 0x2E) < 12 and abs(p[1] - 0x7D) < 12 and abs(p[2] - 0x46) < 12)
    worse = sum(1 for p in pixels if abs(p[0] - 0xC0) < 12 and abs(p[1] - 0x39) < 12 and abs(p[2] - 0x2B) < 12)
    assert better + worse > 1500, (better, worse)
    page.context.close()


def test_chart_titles_and_axis_titles_do_not_overlap_in_english(browser, server):
    page = _page(browser, server, "admin")
    for path in ("/cockpit/G?lang=en", "/cockpit/G/indicators/rd_intensity?lang=en"):
        page.goto(path)
        _wait_for_charts(page)
        overlaps = page.evaluate("""() => [...document.querySelectorAll('.chart svg')].flatMap(svg => {
            const title = svg.querySelector('.role-title');
            if (!title) return [];
            const t = title.getBoundingClientRect();
            return [...svg.querySelectorAll('.role-axis-title')].map(a => a.getBoundingClientRect())
              .filter(a => a.left < t.right && t.left < a.right && a.top < t.bottom && t.top < a.bottom)
              .map(a => svg.closest('figure').getAttribute('data-spec'));
        })""")
        assert overlaps == [], overlaps
    page.context.close()


def test_printing_keeps_every_tables_headers(browser, server):
    page = _page(browser, server, "admin")
    page.goto("/cockpit/G?lang=zh")
    page.emulate_media(media="print")
    for table in page.locator("table").all():
        heads = table.locator("thead th")
        for i in range(heads.count()):
            th = heads.nth(i)
            text = th.inner_text().strip()
            assert text, f"header {i} of a table is not printed"
            assert th.is_visible(), f"header {i} of a table is not printed"
    assert page.locator("[data-testid=ranking] thead th button.sort").first.is_visible()
    page.pdf(path=ARTIFACTS / "cockpit-print-zh.pdf")
    page.context.close()


def test_an_analyst_revises_a_target_with_the_keyboard_and_is_asked_for_a_reason(browser, server):
    page = _page(browser, server, "admin")
    page.goto("/targets/2025/G01?set=key&lang=en")
    first = page.locator("input[name='G01|revenue|ensure']")
    first.focus()
    first.fill("12")
    page.keyboard.press("Enter")  # down the column, not a submit
    focused = page.evaluate("document.activeElement.name")
    assert focused.endswith("|revenue|ensure"), focused
    assert focused != "G01|revenue|ensure", focused
    reason = page.locator("input[name='G01|revenue|reason']")
    assert reason.evaluate("r => r.required")  # a revision: the page asks for its reason
    page.screenshot(path=ARTIFACTS / "targets-revise-en.png", full_page=False)
    reason.fill("new contract")
    page.click("[data-testid=save-targets]")
    page.wait_for_selector("[data-testid=saved]")
    assert "saved=0-1-0" in page.url  # one revision, nothing else touched
    with page.expect_download() as download:
        page.click("[data-testid=export-targets]")
    assert download.value.suggested_filename == "targets-2025-G01.xlsx"
    page.context.close()
