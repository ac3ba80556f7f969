"""From a meeting article to a proposed record for a person to confirm: the article (pasted text or
an uploaded file) goes through the extractor, and what it found becomes the meeting form's
record, its requirements numbered per speaker, with the extractor's warnings. Nothing is stored
until the record is confirmed (``service.create``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.errors import Problem, ValidationFailed
from pacer.meetings import extract, form, service
from pacer.meetings.schemas import MeetingIn

MAX_ARTICLE = 200_000  # characters: a long article is a tenth of it


@dataclass(frozen=True)
class Proposal:
    record: MeetingIn
    warnings: list[str]


def _refused(field: str, exc: extract.ArticleError) -> ValidationFailed:
    return ValidationFailed([Problem(exc.message, field=field, zh=exc.in_language("zh"))], "article")


def article_of(text: str, upload: tuple[str, bytes] | None) -> str:
    """The article's text: the uploaded file's when there is one, else the pasted text."""
    if upload is not None and upload[1]:
        name, data = upload
        try:
            text = extract.article_text(data, PurePath(name).suffix)
        except extract.ArticleError as exc:
            raise _refused("file", exc) from None
    if len(text) > MAX_ARTICLE:
        raise ValidationFailed(
            [Problem(f"the article is over {MAX_ARTICLE:,} characters", field="text", zh="文章超过了长度上限")],
            "article",
        )
    return text


def propose(session: Session, actor: Actor, text: str, lang: str, unit_code: str | None = None) -> Proposal:
    """The record an article proposes, to be checked and confirmed; refused (naming ``text``)
    when the article is empty, binary or has no numbered requirements."""
    service.require_registrar(session, actor)
    try:
        extraction = extract.extract(text)
    except extract.ArticleError as exc:
        raise _refused("text", exc) from None
    found = extraction.as_dict(lang)
    unit = unit_code or service.home_unit(session, actor).code
    return Proposal(form.from_proposal(found, text.strip(), unit), [w.text(lang) for w in extraction.warnings])
