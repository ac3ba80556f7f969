"""The meeting form's fields to and from a record, and an article's proposal into the form. Pure.

The form holds rows: agenda items ``agenda-<i>-kind|speaker|title`` and requirements
``req-<i>-id|order|issuer|number|text|tags|drop``; an all-empty row is left out, requirements
are stored in the order their ``order`` says."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pacer.meetings.schemas import AgendaIn, MeetingIn, RequirementIn

FIELDS = ("unit_code", "kind", "title", "held_on", "place", "mode", "chair", "summary", "source_text")
LISTS = ("attendee_units", "reporting_units")
BLANK_AGENDA, BLANK_REQUIREMENTS = 2, 3
# the article reader's words for a meeting's kind, and the register's
KINDS = {
    "economic_operation": "economic_analysis",
    "semi_annual": "semiannual_conference",
    "annual": "annual_conference",
    "special": "special_conference",
}
_SPLIT = re.compile(r"[\s,，、;；]+")


def words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text or "") if w]


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _int(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else 0  # 0: refused as "a whole number from 1"


def rows(form: Mapping[str, str], prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    indexes = sorted({int(m.group(1)) for k in form if (m := re.fullmatch(rf"{prefix}-(\d+)-\w+", k))})
    found = [{n: form.get(f"{prefix}-{i}-{n}", "").strip() for n in names} for i in indexes]
    return [r for r in found if any(r[n] for n in names if n not in ("kind", "order"))]


def record(form: Mapping[str, str]) -> MeetingIn:
    """The record the form describes (its texts unchecked: the service checks them)."""
    agenda = [AgendaIn(**r) for r in rows(form, "agenda", ("kind", "speaker", "title"))]
    kept = [r for r in rows(form, "req", ("id", "order", "issuer", "number", "text", "tags", "drop")) if not r["drop"]]
    kept = [r for _, r in sorted(enumerate(kept), key=lambda p: (_int(p[1]["order"]) or p[0] + 1, p[0]))]
    requirements = [
        RequirementIn(
            id=_int(r["id"]) or None,
            number=_int(r["number"]),
            issuer=r["issuer"],
            text=r["text"],
            tags=words(r["tags"]),
        )
        for r in kept
    ]
    values: dict[str, Any] = {f: form.get(f, "").strip() for f in FIELDS}
    values["unit_code"] = values["unit_code"] or None
    values |= {f: words(form.get(f, "")) for f in LISTS}
    return MeetingIn(**values, attendees=lines(form.get("attendees", "")), agenda=agenda, requirements=requirements)


def values(data: MeetingIn) -> dict[str, Any]:
    """The form's fields for a record (to show it again, or to edit it)."""
    shown: dict[str, Any] = {f: getattr(data, f) or "" for f in FIELDS}
    shown |= {f: " ".join(getattr(data, f)) for f in LISTS}
    shown["attendees"] = "\n".join(data.attendees)
    shown["agenda"] = [a.model_dump() for a in data.agenda]
    shown["requirements"] = [
        r.model_dump() | {"tags": " ".join(r.tags), "number": r.number or ""} for r in data.requirements or []
    ]
    return shown


def from_proposal(proposal: Mapping[str, Any], source_text: str, unit_code: str) -> MeetingIn:
    """An article's proposed meeting and requirements as a record to confirm."""
    meeting: Mapping[str, Any] = proposal.get("meeting") or {}
    kind = str(meeting.get("kind") or "other")
    speakers = [str(s) for s in meeting.get("speakers") or []]
    requirements = [
        RequirementIn(
            number=r.get("number"),
            issuer=str(r.get("speaker") or "")[:100],
            text=str(r.get("text") or ""),
            tags=[str(t) for t in r.get("tags") or []],
        )
        for r in proposal.get("requirements") or []
    ]
    return MeetingIn(
        unit_code=unit_code or None,
        kind=KINDS.get(kind, kind),
        title=str(meeting.get("title") or "")[:300],
        held_on=str(meeting.get("date") or meeting.get("held_on") or "")[:10],
        place=str(meeting.get("place") or "")[:200],
        mode=str(meeting.get("mode") or "on_site"),
        chair=str(meeting.get("chair") or "")[:100],
        source_text=source_text,
        attendees=[s[:200] for s in speakers],
        agenda=[AgendaIn(speaker=s[:100]) for s in speakers],
        requirements=requirements,
    )
