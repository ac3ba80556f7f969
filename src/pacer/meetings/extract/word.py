"""The text of a Word document (.docx, with python-docx): its paragraphs and tables in the order
they stand, a table row as its cells separated by tabs. A file that is not a Word document, or
holds no text, is refused with a clear error."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table

from pacer.meetings.extract.model import ArticleError

WORD_SUFFIXES = frozenset({".docx"})
OLD_WORD = frozenset({".doc", ".wps", ".rtf"})


def docx_text(data: bytes) -> str:
    """The document's text; :class:`ArticleError` for an empty or unreadable file."""
    if not data.strip():
        raise ArticleError("empty")
    if not data.startswith(b"PK\x03\x04"):
        raise ArticleError("binary" if b"\x00" in data[:4096] else "not_docx")
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise ArticleError("not_docx") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                lines.append("\t".join(c for c in cells if c))
        else:
            lines.append(block.text)
    text = "\n".join(lines)
    if not text.strip():
        raise ArticleError("empty")
    return text
