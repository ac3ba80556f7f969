"""The group's own Word template from the browser, and a report's HTML file read in the browser: a
template given with HTML is refused on the form in the reader's language, naming the field, with
nothing queued; the Word file made on the template carries its letterhead and styles; the quality
report's HTML file, opened as the page it is, shows its headings, tables and charts with every
picture drawn, no box for a missing glyph, and passes axe-core's WCAG 2.1 AA rules in zh and en."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.shared import Pt

from pacer.demo.loader import DEMO_PASSWORD
from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_reports import _wait_done

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _page(browser, base: str, username: str):  # noqa: F811
    """Signed in (axe-core's script let in), with room for a first sign-in that loads the engine
    on a busy machine."""
    context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900}, bypass_csp=True)
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/cockpit/**")
    context.set_default_timeout(30_000)
    return page


LETTERHEAD = "中国航天科技装备集团有限公司文件"


def _template() -> bytes:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = LETTERHEAD
    doc.styles["Heading 1"].font.size = Pt(20)
    doc.add_paragraph("placeholder")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _ask(page, kind: str, fmt: str, lang: str, template: bytes | None) -> None:
    form = page.locator("[data-testid=report-form]")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("select[name=unit]").select_option("G")
    form.locator("input[name=period]").fill("2025-09")
    form.locator("select[name=span]").select_option("quarter")
    form.locator("select[name=format]").select_option(fmt)
    form.locator("select[name=lang]").select_option(lang)
    if template is not None:
        form.locator("input[name=template]").set_input_files(
            files=[{"name": "group.docx", "mimeType": "application/octet-stream", "buffer": template}]
        )
    page.click("[data-testid=report-start]")


def _file(page) -> bytes:
    _wait_done(page)
    assert page.locator(".job-progress").get_attribute("data-state") == "done", page.content()
    answer = page.request.get(page.locator("[data-testid=job-file]").get_attribute("href"))
    assert answer.status == 200
    return answer.body()


def test_a_group_template_with_html_is_refused_and_the_word_file_carries_the_letterhead(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, said in (("zh", "集团 Word 模板只用于 Word（.docx）格式"), ("en", "a Word template is used for Word")):
        admin.goto(f"/reports?lang={lang}")
        _ask(admin, "quality", "html", lang, _template())
        problems = admin.locator("[data-testid=problems]")
        assert said in problems.inner_text()
        assert "template" in problems.inner_text()  # the field named
        assert "/jobs/" not in admin.url
        admin.screenshot(path=ARTIFACTS / f"report-template-refused-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    admin.goto("/reports?lang=zh")
    _ask(admin, "quality", "docx", "zh", _template())
    admin.wait_for_url("**/jobs/*")
    doc = Document(io.BytesIO(_file(admin)))
    assert doc.sections[0].header.paragraphs[0].text == LETTERHEAD
    assert doc.styles["Heading 1"].font.size == Pt(20)
    assert doc.paragraphs[0].text.endswith("科研生产质量分析报告")
    assert "placeholder" not in [p.text for p in doc.paragraphs]  # the template's body is not kept
    admin.context.close()


def test_the_quality_report_s_html_reads_in_the_browser_in_both_languages(browser, server):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("zh", "一、质量总体情况"), ("en", "1. Overall quality situation")):
        admin.goto(f"/reports?lang={lang}")
        _ask(admin, "quality", "html", lang, None)
        admin.wait_for_url("**/jobs/*")
        html = _file(admin).decode("utf-8")
        reader = admin.context.new_page()
        reader.set_content(html, wait_until="load")
        assert reader.locator("h2").first.inner_text() == heading
        assert reader.locator("table").count() >= 3
        pictures = reader.locator("figure img")
        assert pictures.count() >= 2
        drawn = reader.evaluate("() => [...document.querySelectorAll('figure img')].every(i => i.naturalWidth > 0)")
        assert drawn
        # a glyph the fonts lack would show as a box or a replacement character
        assert "\ufffd" not in reader.locator("body").inner_text()
        reader.screenshot(path=ARTIFACTS / f"quality-report-html-{lang}.png", full_page=True)
        assert _axe_violations(reader) == []
        reader.close()
    admin.context.close()
