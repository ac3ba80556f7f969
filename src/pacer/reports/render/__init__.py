"""A report rendered as a file: Word (.docx), PDF, HTML or Excel (its tables).

``render(report, fmt, lang, template, progress)`` returns the file's bytes. ``template`` is a
group's own Word template (.docx: letterhead, styles, fonts) for the Word output; ``progress``
is told the share done and the step, as for the content (charts are the slow part).
"""

from __future__ import annotations

from collections.abc import Callable

from pacer.errors import DomainError
from pacer.reports.model import Report

FORMATS = ("docx", "pdf", "html", "xlsx")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Progress = Callable[[float, str], None]


def render(
    report: Report,
    fmt: str,
    lang: str | None = None,
    template: bytes | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report as a ``fmt`` file; ``lang`` (default: the report's) words the document's own labels."""
    tell = progress or (lambda share, what: None)
    lang = lang or report.lang
    if fmt not in FORMATS:
        raise DomainError(f"format: '{fmt}' is not one of {', '.join(FORMATS)}", 422)
    if template is not None and fmt != "docx":
        raise DomainError("template: a Word template applies to the docx format only", 422)
    if fmt == "html":
        from pacer.reports.render.html import html_bytes

        return html_bytes(report, lang, tell)
    if fmt == "pdf":
        from pacer.reports.render.pdf import pdf_bytes

        return pdf_bytes(report, lang, tell)
    if fmt == "docx":
        from pacer.reports.render.docx import docx_bytes

        return docx_bytes(report, lang, template, tell)
    if fmt == "xlsx":
        from pacer.reports.render.xlsx import xlsx_bytes

        return xlsx_bytes(report)
    raise DomainError(f"format: '{fmt}' is not available yet", 422)
