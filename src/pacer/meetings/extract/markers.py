"""Ordinal markers: every place the article may begin a numbered item, with its numbering style
(its family) and its number. Lists are made of them in :mod:`pacer.meetings.extract.lists`.

A marker must begin a sentence or a clause (after a line end or punctuation), so "the first half
of the year", "第一季度", "坚持质量第一，" or "统一是" are not markers; "First, ... Second, ..." and
"Firstly, ... Sixthly, ..." are one family, as articles mix them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

ZH_NUMERALS = "一二三四五六七八九十"
EN_ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
]
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
SEQUENCE_WORDS = {"首先": 1, "其次": 2, "再次": 3, "最后": 0}  # 最后 closes the list

_N = f"[{ZH_NUMERALS}]{{1,3}}"
_SENTENCE = r"(?:^|(?<=[\n。.!?;:]))[ \t\"“‘']*"  # begins a sentence
_CLAUSE = r"(?:^|(?<=[\n。.!?;:,]))[ \t\"“‘']*"  # begins a sentence or a clause


@dataclass(frozen=True)
class Marker:
    start: int  # where the marker begins
    end: int  # where the item's text begins
    family: str  # the numbering style
    number: int  # 0: closes the list ("最后")


def zh_number(numeral: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23; None for anything else."""
    digits = [ZH_NUMERALS.index(c) + 1 for c in numeral]
    if len(digits) == 1:
        return digits[0]
    if len(digits) == 2 and digits[0] == 10 and digits[1] < 10:
        return 10 + digits[1]
    if len(digits) == 2 and digits[0] < 10 and digits[1] == 10:
        return digits[0] * 10
    if len(digits) == 3 and digits[0] < 10 and digits[1] == 10 and digits[2] < 10:
        return digits[0] * 10 + digits[2]
    return None


def _en_number(word: str) -> int | None:
    word = word.lower()
    return EN_ORDINALS.index(word) + 1 if word in EN_ORDINALS else None


def _digit_number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _circled(text: str) -> int | None:
    return CIRCLED.index(text) + 1


# (family, pattern with groups m (the marker) and n (its number), how n reads as a number)
_STYLES: tuple[tuple[str, re.Pattern[str], Callable[[str], int | None]], ...] = (
    (
        "en",
        re.compile(_SENTENCE + rf"(?P<m>(?P<n>{'|'.join(EN_ORDINALS)})(?:ly)?(?:\s+of\s+all)?\s*[,:])\s*", re.I | re.M),
        _en_number,
    ),
    ("zh_shi", re.compile(_CLAUSE + rf"(?P<m>(?P<n>{_N})是)(?=\S)", re.M), zh_number),
    ("zh_yao", re.compile(_CLAUSE + rf"(?P<m>(?P<n>{_N})要)(?=[^\s求])", re.M), zh_number),
    ("zh_di", re.compile(_CLAUSE + rf"(?P<m>第(?P<n>{_N})[,、:])\s*", re.M), zh_number),
    ("zh_paren", re.compile(_CLAUSE + rf"(?P<m>\((?P<n>{_N})\))\s*", re.M), zh_number),
    ("zh_dun", re.compile(_SENTENCE + rf"(?P<m>(?P<n>{_N})、)(?![{ZH_NUMERALS}])\s*", re.M), zh_number),
    ("digit_dot", re.compile(_SENTENCE + r"(?P<m>(?P<n>\d{1,2})\.)(?![\d.])\s*", re.M), _digit_number),
    ("digit_dun", re.compile(_SENTENCE + r"(?P<m>(?P<n>\d{1,2})、)\s*", re.M), _digit_number),
    ("digit_paren", re.compile(_CLAUSE + r"(?P<m>\(?(?P<n>\d{1,2})\))\s*", re.M), _digit_number),
    ("circled", re.compile(rf"(?P<m>(?P<n>[{CIRCLED}]))\s*"), _circled),
)
_SEQUENCE = re.compile(_CLAUSE + r"(?P<m>(?P<n>首先|其次)[,:]?|(?P<c>再次|最后)(?:[,:]|(?=[要是还])))\s*", re.M)


def find_markers(norm: str) -> list[Marker]:
    """Every marker of every family in the normalised text, in order of position."""
    found: list[Marker] = []
    for family, pattern, reader in _STYLES:
        for match in pattern.finditer(norm):
            number = reader(match["n"])
            if number:
                found.append(Marker(match.start("m"), match.end(), family, number))
    for match in _SEQUENCE.finditer(norm):
        word = match["n"] or match["c"]
        found.append(Marker(match.start("m"), match.end(), "zh_sequence", SEQUENCE_WORDS[word]))
    found.sort(key=lambda m: m.start)
    return found
