"""Numbered lists: markers of one family numbered 1, 2, 3 … without a gap (a list has at least
two items), each item's text running to the next marker; the last item ends with its paragraph,
or with its first sentence where the items before it were single sentences (an inline list such
as "一是…；二是…；三是…。"). A list inside one item of another is part of that item's text.
The count a speaker states ("提出四点要求", "put forward 10 specific requirements") is read from
the words just before the list."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import pairwise

from pacer.meetings.extract.markers import Marker, zh_number
from pacer.meetings.extract.text import SENTENCE_END, Article, clean

MAX_GAP = 4000  # characters between two markers of one list, at most
COUNT_WINDOW = 500  # characters before a list where its stated count is looked for
_EN_COUNTS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_ZH_COUNT = re.compile(
    r"(?P<n>[一二三四五六七八九十两]{1,3}|\d{1,2})\s*(?:点|项|条|个方面|方面|个)\s*"
    r"(?:具体|明确|重点|主要|工作)?\s*(?:要求|意见|希望|建议|任务|工作|措施)"
)
_EN_COUNT = re.compile(
    rf"\b(?P<n>\d{{1,2}}|{'|'.join(_EN_COUNTS)})\s+(?:[a-z-]+\s+){{0,2}}?"
    r"(?:requirements|points|tasks|aspects|demands|measures|suggestions|priorities|instructions)\b",
    re.I,
)


@dataclass(frozen=True)
class FoundList:
    markers: tuple[Marker, ...]
    spans: tuple[tuple[int, int], ...]  # each item's text, without its marker
    stated: int | None = None  # the count stated before the list
    broken: tuple[int, int] | None = None  # (last number taken, the number that followed)

    @property
    def start(self) -> int:
        return self.markers[0].start

    @property
    def end(self) -> int:
        return self.spans[-1][1]


def find_lists(article: Article, markers: list[Marker]) -> list[FoundList]:
    """The article's numbered lists, in order, outermost only, each with its stated count."""
    families: dict[str, list[Marker]] = defaultdict(list)
    for marker in markers:
        families[marker.family].append(marker)
    found = [_with_spans(article, run, broken) for family in families.values() for run, broken in _runs(family)]
    lists = _outermost(found)
    counted, previous_end = [], 0
    for found_list in lists:
        counted.append(replace(found_list, stated=stated_count(article, previous_end, found_list.start)))
        previous_end = found_list.end
    return counted


def _runs(markers: list[Marker]) -> list[tuple[tuple[Marker, ...], tuple[int, int] | None]]:
    """Consecutive runs 1, 2, … n (n ≥ 2) of one family's markers, with where a run broke off."""
    runs: list[tuple[tuple[Marker, ...], tuple[int, int] | None]] = []
    current: list[Marker] = []

    def close(broken: tuple[int, int] | None = None) -> None:
        if len(current) >= 2:
            runs.append((tuple(current), broken))
        current.clear()

    for marker in markers:
        if current and marker.start - current[-1].start > MAX_GAP:
            close()
        if marker.number == 0:  # closes the list as its next item
            if current:
                current.append(replace(marker, number=current[-1].number + 1))
                close()
        elif marker.number == 1:
            close()
            current.append(marker)
        elif current and marker.number == current[-1].number + 1:
            current.append(marker)
        elif current:
            close((current[-1].number, marker.number) if marker.number > current[-1].number else None)
    close()
    return runs


def _with_spans(article: Article, run: tuple[Marker, ...], broken: tuple[int, int] | None) -> FoundList:
    spans = [(marker.end, following.start) for marker, following in pairwise(run)]
    last = run[-1]
    paragraph_end = max(article.block_end(last.end), last.end)
    end = paragraph_end
    single = all(not SENTENCE_END.search(clean(article.norm[s:e])) for s, e in spans)
    if single:
        sentence = SENTENCE_END.search(article.norm, last.end, paragraph_end)
        end = sentence.end() if sentence else paragraph_end
    spans.append((last.end, end))
    return FoundList(run, tuple(spans), broken=broken)


def _outermost(lists: list[FoundList]) -> list[FoundList]:
    """Drop a list that begins inside another (it is part of one of that list's items)."""
    kept = [x for x in lists if not any(o.start < x.start < o.end for o in lists)]
    return sorted(kept, key=lambda x: x.start)


def stated_count(article: Article, since: int, start: int) -> int | None:
    """The count stated just before a list (the last one in its window), if any."""
    lo = max(since, start - COUNT_WINDOW)
    window = article.norm[lo:start]
    matches = list(_ZH_COUNT.finditer(window)) + list(_EN_COUNT.finditer(window))
    if not matches:
        return None
    word = max(matches, key=lambda m: m.start())["n"].lower()
    if word.isdigit():
        return int(word)
    if word in _EN_COUNTS:
        return _EN_COUNTS.index(word) + 1
    return zh_number(word.replace("两", "二"))
