"""A monthly template's upload in a real browser: a file that is no workbook is refused on a
page naming the problem, in Chinese and English, that passes axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest

from tests.web.test_browser import ARTIFACTS, _axe_violations, browser, server  # noqa: F401  (fixtures)
from tests.web.test_browser_round import _page

pytestmark = [pytest.mark.slow, pytest.mark.browser]

UPLOAD = "/submissions/G0101/2025-10/upload"


def _send(page, tmp_path, lang: str) -> None:
    """Post a PDF renamed .xlsx through a multipart form carrying the page's CSRF token."""
    fake = tmp_path / "report.xlsx"
    fake.write_bytes(b"%PDF-1.7\n%%EOF\n")
    page.goto(f"/account?lang={lang}")
    page.evaluate(
        """action => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = action; form.enctype = 'multipart/form-data';
            form.innerHTML = '<input type="file" name="file" id="f">' +
              '<input type="hidden" name="csrf_token" value="' +
              document.querySelector('input[name=csrf_token]').value + '">';
            document.body.appendChild(form);
        }""",
        f"{UPLOAD}?lang={lang}",
    )
    page.set_input_files("#f", str(fake))
    with page.expect_navigation():
        page.evaluate("() => document.querySelector('#f').form.submit()")


def test_a_refused_upload_is_told_in_both_languages_and_passes_axe(browser, server, tmp_path):  # noqa: F811
    admin = _page(browser, server, "admin")
    for lang, heading in (("en", "Upload not saved"), ("zh", "上传未保存")):
        _send(admin, tmp_path, lang)
        assert heading in admin.locator("h1").inner_text()
        assert "report.xlsx" in admin.locator("[data-testid=upload-problems]").inner_text()
        assert admin.locator("[data-testid=upload-problem-table] tbody tr").count() == 1
        admin.screenshot(path=ARTIFACTS / f"upload-refused-{lang}.png", full_page=True)
        assert _axe_violations(admin) == []
    admin.context.close()
