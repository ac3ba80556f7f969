"""From the bytes of an uploaded file to the article's text: the encoding (UTF-8, UTF-16 with a
byte-order mark, else GB18030), binary content refused, HTML tags and Markdown marks removed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pacer.meetings.extract.model import ArticleError
from pacer.meetings.extract.word import WORD_SUFFIXES, docx_text

TEXT_SUFFIXES = frozenset({"", ".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | WORD_SUFFIXES
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Elements that begin a new line of text; script and style hold no text of the article.
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "title",
        "pre",
        "dd",
        "dt",
    ]
)
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head"})


def article_text(data: bytes, suffix: str = ".txt") -> str:
    """The text of a file's bytes; ``suffix`` (the file name's, e.g. ".html") says how to read it.
    Raises :class:`ArticleError` for an empty, binary or undecodable file or an unknown type."""
    suffix = suffix.lower()
    if suffix not in SUFFIXES:
        raise ArticleError("unsupported", suffix=suffix)
    if not data.strip():
        raise ArticleError("empty")
    if suffix in WORD_SUFFIXES:
        return docx_text(data)
    text = decode(data)
    if suffix in HTML_SUFFIXES:
        text = html_text(text)
    elif suffix in (".md", ".markdown"):
        text = markdown_text(text)
    if not text.strip():
        raise ArticleError("empty")
    return text


def decode(data: bytes) -> str:
    """UTF-16 or UTF-8 when a byte-order mark says so, else UTF-8, else GB18030; a file with NUL
    bytes or many control characters is binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise ArticleError("encoding") from None
    if b"\x00" in data:
        raise ArticleError("binary")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise ArticleError("encoding")


def _checked(text: str) -> str:
    if len(_CONTROL.findall(text)) > max(2, len(text) // 200):
        raise ArticleError("binary")
    return text


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_text(html: str) -> str:
    """The text of an HTML page, a blank line between blocks (paragraphs, headings, list items)."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_MD_MARKS = (
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M), ""),  # headings
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # quotes
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # strong
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*"), r"\1"),  # emphasis
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links
)


def markdown_text(text: str) -> str:
    """Markdown without its marks (headings, quotes, emphasis, links); numbered lists stay."""
    for pattern, replacement in _MD_MARKS:
        text = pattern.sub(replacement, text)
    return text
