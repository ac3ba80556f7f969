"""The meeting record an article proposes: title (its first line), date (of the sentence that says
the meeting was held), place, kind and mode (by keywords), chair and speakers."""

from __future__ import annotations

import re
from datetime import date

from pacer.meetings.extract import people
from pacer.meetings.extract.model import Meeting
from pacer.meetings.extract.text import SENTENCE_END, Article

MAX_TITLE = 200
HEAD = 3000  # characters at the start of an article where the meeting is described
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_HELD = re.compile(r"\b(?:held|convened|hosted|opened|organi[sz]ed)\b|召开|举行|举办|开幕", re.I)
_EN_DATE = re.compile(
    rf"\b(?P<month>{'|'.join(MONTHS)})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?", re.I
)
_ZH_DATE = re.compile(r"(?:(?P<year>\d{4})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]")
_ISO_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_EN_PLACE = re.compile(
    r"\b(?:held|convened|hosted|opened)\b[^.;\n]{0,200}?\bin\s+(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
)
_ZH_PLACE = re.compile(r"(?:在|于)(?P<place>[^\s\d,。;:、在于以月日年通过\"“”]{2,16}?)(?:召开|举行|举办)")
KINDS = (
    (
        "inspection_feedback",
        r"(?:巡视|巡察|审计)[^。]{0,6}反馈|inspection\W+feedback|feedback\W+(?:\w+\W+){0,3}inspection",
    ),
    ("economic_analysis", r"经济运行|经营分析会|economic\s+operations?\b|business\s+operation\s+analysis"),
    ("semiannual_conference", r"半年度?工作会|年中工作会|semi-annual|mid-year\s+work|half-year\s+work"),
    ("annual_conference", r"年度?工作会|annual\s+work|\b(?:19|20)\d{2}\s+work(?:ing)?\s+(?:conference|meeting)"),
    ("special_conference", r"专题|专项|推进会|座谈会|会议|大会|special|conference|meeting|session"),
)
_KINDS = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in KINDS)
MODES = (
    (
        "both",
        r"(?:on[\s-]site|in\s+person|现场)[^.。]{0,40}?(?:video|online|视频|线上)"
        r"|(?:video|online|视频|线上)[^.。]{0,40}?(?:on[\s-]site|in\s+person|现场|线下)|分会场|线上线下",
    ),
    ("video", r"video|teleconference|视频|线上|电视电话会议"),
    ("on_site", r"on[\s-]site|in\s+person|现场会|现场召开"),
)
_MODES = tuple((mode, re.compile(pattern, re.I)) for mode, pattern in MODES)


def meeting(article: Article, mentions: list[people.Mention]) -> Meeting:
    title = _title(article)
    return Meeting(
        title=title,
        date=_date(article, title or ""),
        place=_place(article),
        kind=_kind(article, len(title or "")),
        mode=_first(_MODES, article.norm[:HEAD]),
        chair=people.chair(article),
        speakers=people.unique([m.name for m in mentions]),
        language=article.language,
    )


def _title(article: Article) -> str | None:
    lines = article.lines()
    if len(lines) < 2:
        return None
    start, end = lines[0]
    title = article.text[start:end].strip()
    return title if len(title) <= MAX_TITLE else None


def _first(table: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> str | None:
    return next((name for name, pattern in table if pattern.search(text)), None)


def _kind(article: Article, title_length: int) -> str | None:
    title = article.norm[:title_length]
    return _first(_KINDS, title) or _first(_KINDS, article.norm[title_length : title_length + HEAD // 2])


def _date(article: Article, title: str) -> str | None:
    """The day of the first sentence saying the meeting was held; its year if stated, else the
    publication date's, the sentence's or the title's."""
    head = article.norm[:HEAD]
    published = next((m for line in head.splitlines()[:5] if (m := _ISO_DATE.search(line))), None)
    start = 0
    for end_of_sentence in [*SENTENCE_END.finditer(head), None]:
        end = end_of_sentence.end() if end_of_sentence else len(head)
        sentence, start = head[start:end], end
        if not _HELD.search(sentence):
            continue
        day = _EN_DATE.search(sentence) or _ZH_DATE.search(sentence)
        if day is None:
            continue
        years = [day["year"], published["year"] if published else None, *_YEAR.findall(sentence)]
        years += _YEAR.findall(title)
        year = next((int(y) for y in years if y), None)
        month = day["month"]
        number = int(month) if month.isdigit() else MONTHS.index(month.lower()) + 1
        try:
            return date(year, number, int(day["day"])).isoformat() if year else None
        except ValueError:
            return None
    return None


def _place(article: Article) -> str | None:
    head = article.norm[:HEAD]
    found = (_ZH_PLACE if article.language == "zh" else _EN_PLACE).search(head)
    if found is None or found["place"].lower() in MONTHS:
        return None
    return article.text[found.start("place") : found.end("place")]
