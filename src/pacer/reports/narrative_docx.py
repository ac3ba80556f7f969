"""The narrative blocks (problems, countermeasures, plan) added at the end of a Word document
that has no place of its own for them (the supervision bulletin), and a note under its title."""

from __future__ import annotations

import io

from docx import Document

HEADINGS = {
    "problems": ("存在的问题", "Problems"),
    "countermeasures": ("对策措施", "Countermeasures"),
    "plan": ("下一步工作安排", "Work plan"),
}


def with_narrative(content: bytes, texts: dict[str, str], lang: str) -> bytes:
    """The document with a heading and the paragraphs of each block written (none: unchanged)."""
    written = [(key, texts[key]) for key in HEADINGS if texts.get(key)]
    if not written:
        return content
    doc = Document(io.BytesIO(content))
    for key, text in written:
        doc.add_heading(HEADINGS[key][0] if lang == "zh" else HEADINGS[key][1], level=1)
        for paragraph in (p.strip() for p in text.splitlines()):
            if paragraph:
                doc.add_paragraph(paragraph)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def with_note(content: bytes, note: str) -> bytes:
    """The document with ``note`` as a paragraph under its title (none: unchanged)."""
    if not note:
        return content
    doc = Document(io.BytesIO(content))
    paragraph = doc.add_paragraph(note)
    doc.paragraphs[0]._p.addnext(paragraph._p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
