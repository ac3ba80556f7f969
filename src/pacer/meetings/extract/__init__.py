"""From a meeting article to its proposed meeting record and numbered requirements, for a person
to confirm. Pure: text (or a file's bytes) in, an :class:`Extraction` out; nothing is stored.

Chinese in simplified or traditional script, or English. Lists numbered "First, … Second, …",
"Firstly, …", "一是…二是…", "一要…二要…", "第一，…", "（一）…", "一、…", "首先…其次…最后",
"1. …", "1、…", "(1) …" or "①…", one item per paragraph or several in one; several speakers
each with their own list; the count a speaker states checked against the items found.
"""

from __future__ import annotations

from pacer.meetings.extract import lists, markers, meeting, people, tags
from pacer.meetings.extract.model import ArticleError, Extraction, Meeting, Notice, Requirement, say
from pacer.meetings.extract.source import SUFFIXES, article_text, decode
from pacer.meetings.extract.text import Article, clean, read

__all__ = [
    "SUFFIXES",
    "Article",
    "ArticleError",
    "Extraction",
    "Meeting",
    "Notice",
    "Requirement",
    "article_text",
    "decode",
    "extract",
    "extract_file",
    "read",
    "say",
]


def extract(text: str) -> Extraction:
    """The meeting and requirements of an article's text. Raises :class:`ArticleError` when the
    text is empty or has no numbered list."""
    if not text.strip():
        raise ArticleError("empty")
    article = read(text)
    mentions = people.speakers(article)
    found = lists.find_lists(article, markers.find_markers(article.norm))
    if not found:
        raise ArticleError("no_requirements")
    requirements: list[Requirement] = []
    warnings: list[Notice] = []
    for index, found_list in enumerate(found, start=1):
        speaker = people.speaker_before(mentions, found_list.start)
        if speaker is None:
            warnings.append(Notice("no_speaker", {"list": index}))
        for marker, (start, end) in zip(found_list.markers, found_list.spans, strict=True):
            text_of_item = clean(article.text[start:end])
            requirements.append(Requirement(speaker, marker.number, text_of_item, tags.tags(article.norm[start:end])))
        found_count = len(found_list.markers)
        if found_list.broken:
            last, following = found_list.broken
            warnings.append(Notice("numbering_gap", {"speaker": speaker, "last": last, "next": following}))
        if found_list.stated is not None and found_list.stated != found_count:
            warnings.append(
                Notice("count_mismatch", {"speaker": speaker, "stated": found_list.stated, "found": found_count})
            )
    names = [m.name for m in mentions] + [r.speaker for r in requirements if r.speaker]
    record = meeting.meeting(article, [people.Mention(0, name) for name in names])
    return Extraction(record, tuple(requirements), tuple(warnings))


def extract_file(data: bytes, suffix: str = ".txt") -> Extraction:
    """:func:`extract` on a file's bytes (``suffix``: the file name's, e.g. ".md", ".html")."""
    return extract(article_text(data, suffix))
