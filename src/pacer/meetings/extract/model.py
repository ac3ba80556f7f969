"""What an extraction proposes: the meeting record, its numbered requirements and the warnings
a person confirming them should read; and the error of an article that cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, field

from pacer.errors import DomainError

# The words of warnings and errors, (中文, English); values are filled in with str.format.
WORDS: dict[str, tuple[str, str]] = {
    "count_mismatch": (
        "{speaker}提出{stated}条要求，找到{found}条",
        "{speaker} states {stated} requirements; {found} were found",
    ),
    "numbering_gap": (
        "{speaker}的编号在第{last}条后中断（下一个编号是{next}），只取了前{last}条",
        "{speaker}'s numbering breaks after {last} (the next number is {next}); only the first {last} were taken",
    ),
    "no_speaker": ("第{list}组要求未能识别讲话人", "the speaker of list {list} was not recognised"),
    "someone": ("讲话人", "the speaker"),
    "no_requirements": ("未找到编号的要求", "no numbered requirements found"),
    "empty": ("文章是空的", "the article is empty"),
    "binary": ("不是文本文件（二进制内容）", "not a text file (binary content)"),
    "encoding": ("文件既不是 UTF-8 也不是 GB18030 文本", "the file is neither UTF-8 nor GB18030 text"),
    "unsupported": (
        "不支持的文件类型 {suffix}：请另存为 .docx、.txt、.md 或 .html",
        "unsupported file type {suffix}: save it as .docx, .txt, .md or .html",
    ),
    "not_docx": (
        "文件不是可读取的 Word 文档（.docx）",
        "the file is not a Word document (.docx) that can be read",
    ),
}


def say(key: str, lang: str, **values: object) -> str:
    """One message in Chinese (``lang == "zh"``) or English."""
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


class ArticleError(DomainError):
    """An article that yields nothing: empty, binary, undecodable, or without numbered requirements."""

    status = 422

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(say(key, "en", **values))
        self.key = key
        self.values = values

    def in_language(self, lang: str) -> str:
        return say(self.key, lang, **self.values)


@dataclass(frozen=True)
class Notice:
    """A warning: something found that a person should check before confirming."""

    key: str
    values: dict[str, object] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        values = dict(self.values)
        if values.get("speaker") is None and "speaker" in values:
            values["speaker"] = say("someone", lang)
        return say(self.key, lang, **values)


@dataclass(frozen=True)
class Meeting:
    """The proposed meeting record; a field not recognised is None."""

    title: str | None
    date: str | None  # ISO 8601, when the year is known
    place: str | None
    kind: str | None  # one of pacer.models.MEETING_KINDS but 'other'
    mode: str | None  # on_site, video, both (MEETING_MODES)
    chair: str | None
    speakers: tuple[str, ...]
    language: str  # zh or en: the article's

    def as_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "date": self.date,
            "place": self.place,
            "kind": self.kind,
            "mode": self.mode,
            "chair": self.chair,
            "speakers": list(self.speakers),
            "language": self.language,
        }


@dataclass(frozen=True)
class Requirement:
    """One numbered requirement: who set it, its number in that speaker's list, its text without
    the ordinal marker, and its topic tags."""

    speaker: str | None
    number: int
    text: str
    tags: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"speaker": self.speaker, "number": self.number, "text": self.text, "tags": list(self.tags)}


@dataclass(frozen=True)
class Extraction:
    meeting: Meeting
    requirements: tuple[Requirement, ...]
    warnings: tuple[Notice, ...]

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        """The JSON document: meeting, requirements in order, warnings in ``lang``."""
        return {
            "meeting": self.meeting.as_dict(),
            "requirements": [r.as_dict() for r in self.requirements],
            "warnings": [w.text(lang) for w in self.warnings],
        }
