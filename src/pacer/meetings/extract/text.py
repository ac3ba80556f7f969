"""The article as the extractor reads it: the text itself, and beside it a form of the same
length to match patterns on (traditional script as simplified, full-width letters, digits and
punctuation as ASCII), so a match's position is its position in the text itself."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]+")
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20}
SENTENCE_END = re.compile(r"[。!?]|\.(?=[\s\"'”’)]|$)")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified script, of the same length (character by character where the
    phrase-level conversion would change the length)."""
    converted: str = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    chars = sorted(set(_CJK.findall(text)))
    mapped = _converter().convert("\n".join(chars)).split("\n")
    table = {ord(a): b for a, b in zip(chars, mapped, strict=False) if len(b) == 1 and a != b}
    return text.translate(table)


@dataclass(frozen=True)
class Article:
    text: str  # the article, line ends as \n
    norm: str  # the same length: simplified script, ASCII punctuation, to match on
    language: str  # zh or en
    blocks: tuple[tuple[int, int], ...]  # paragraphs as (start, end), in order

    def block_end(self, position: int) -> int:
        """Where the paragraph holding ``position`` ends."""
        index = bisect.bisect_right([start for start, _ in self.blocks], position) - 1
        return self.blocks[max(index, 0)][1] if self.blocks else len(self.text)

    def lines(self) -> list[tuple[int, int]]:
        """Every non-empty line as (start, end)."""
        return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", self.text)]


def read(text: str) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    norm = simplified(text.translate(_WIDTH))
    cjk = len(_CJK.findall(text))
    language = "zh" if cjk > len(_LATIN.findall(text)) else "en"
    return Article(text, norm, language, _blocks(text))


def _blocks(text: str) -> tuple[tuple[int, int], ...]:
    """Paragraphs: blocks between blank lines, or every line when the text has no blank line."""
    separator = r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n\s*\S", text) else r"\n"
    blocks, start = [], 0
    for match in re.finditer(separator, text):
        blocks.append((start, match.start()))
        start = match.end()
    blocks.append((start, len(text)))
    return tuple((s, e) for s, e in blocks if text[s:e].strip())


def clean(fragment: str) -> str:
    """A fragment of the article as one line: whitespace collapsed, the separators (and one
    sentence end) at its end removed."""
    one_line = re.sub(r"\s+", " ", fragment).strip()
    one_line = re.sub(r"[\s;；,，、:：]+$", "", one_line)
    return re.sub(r"[。.]$", "", one_line).strip()
