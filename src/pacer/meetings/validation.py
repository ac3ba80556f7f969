"""A meeting record checked as a whole before anything is stored: every problem at once, each
naming its field, in English and Chinese. Pure: the units it may name are given."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pacer.errors import Problem
from pacer.meetings.schemas import MeetingIn, RequirementIn
from pacer.models.followup import AGENDA_KINDS, MEETING_KINDS, MEETING_MODES

EARLIEST = date(1949, 10, 1)
YEARS_AHEAD = 2
MAX_TAG = 40


def problem(field: str, en: str, zh: str) -> Problem:
    return Problem(en, field=field, zh=zh)


def held_on(text: str, today: date) -> date | Problem:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return problem("held_on", f"'{text}' is not a date (YYYY-MM-DD)", f"“{text}”不是日期（年-月-日）")
    latest = date(today.year + YEARS_AHEAD, 12, 31)
    if not EARLIEST <= day <= latest:
        return problem(
            "held_on",
            f"{day} is outside {EARLIEST} – {latest}",
            f"{day} 不在 {EARLIEST} 至 {latest} 之间",
        )
    return day


def meeting_problems(data: MeetingIn, in_scope: dict[str, bool], today: date) -> list[Problem]:
    """``in_scope``: every unit code the record names, and whether it is in the meeting unit's
    subtree (an unknown code is absent)."""
    found: list[Problem] = []
    if data.kind not in MEETING_KINDS:
        found.append(problem("kind", f"'{data.kind}' is not one of {', '.join(MEETING_KINDS)}", "会议类型不正确"))
    if not data.title.strip():
        found.append(problem("title", "the title is empty", "会议名称不能为空"))
    when = held_on(data.held_on, today)
    if isinstance(when, Problem):
        found.append(when)
    if data.mode not in MEETING_MODES:
        found.append(problem("mode", f"'{data.mode}' is not one of {', '.join(MEETING_MODES)}", "会议形式不正确"))
    found += _duplicates("attendees", data.attendees)
    for field in ("attendee_units", "reporting_units"):
        found += _units(field, getattr(data, field), in_scope)
    for i, item in enumerate(data.agenda):
        if item.kind not in AGENDA_KINDS:
            found.append(problem(f"agenda[{i + 1}].kind", f"'{item.kind}' is not speech or report", "议程类型不正确"))
        if not item.title.strip() and not item.speaker.strip():
            found.append(problem(f"agenda[{i + 1}]", "give a speaker or a title", "请填写发言人或题目"))
    if data.requirements is not None:
        found += requirement_problems(data.requirements)
    return found


def _duplicates(field: str, names: Iterable[str]) -> list[Problem]:
    seen: set[str] = set()
    found = []
    for name in names:
        key = name.strip()
        if key and key in seen:
            found.append(problem(field, f"'{key}' is listed twice", f"“{key}”重复"))
        seen.add(key)
    return found


def _units(field: str, codes: list[str], in_scope: dict[str, bool]) -> list[Problem]:
    found = _duplicates(field, codes)
    for code in codes:
        if code not in in_scope:
            found.append(problem(field, f"no unit '{code}' (or not one you see)", f"没有单位“{code}”（或您无权查看）"))
        elif not in_scope[code]:
            found.append(
                problem(field, f"'{code}' is not under the unit holding the meeting", f"“{code}”不在召开单位之下")
            )
    return found


def requirement_problems(items: list[RequirementIn]) -> list[Problem]:
    found: list[Problem] = []
    numbered: set[tuple[str, int]] = set()
    ids: set[int] = set()
    for i, item in enumerate(items):
        where = f"requirements[{i + 1}]"
        if not item.text.strip():
            found.append(problem(f"{where}.text", "the requirement's text is empty", "要求内容不能为空"))
        if item.number is not None and item.number < 1:
            found.append(problem(f"{where}.number", "the number is a whole number from 1", "序号应为从 1 起的整数"))
        key = (item.issuer.strip(), item.number or 0)
        if item.number is not None and key in numbered:
            who = f" of {key[0]}" if key[0] else ""
            found.append(
                problem(f"{where}.number", f"number {item.number}{who} is given twice", f"序号 {item.number} 重复")
            )
        numbered.add(key)
        if item.id is not None and item.id in ids:
            found.append(problem(f"{where}.id", f"requirement {item.id} is listed twice", "同一条要求出现了两次"))
        ids.add(item.id or 0)
        for tag in item.tags:
            if not tag.strip() or len(tag.strip()) > MAX_TAG:
                found.append(problem(f"{where}.tags", f"a tag is empty or over {MAX_TAG} characters", "标签为空或过长"))
    return found


def numbered(items: list[RequirementIn]) -> list[tuple[int, str, str, list[str]]]:
    """(number, issuer, text, tags) in order; a requirement without a number takes its issuer's
    next one."""
    last: dict[str, int] = {}
    out = []
    for item in items:
        issuer = item.issuer.strip()
        number = item.number if item.number is not None else last.get(issuer, 0) + 1
        last[issuer] = max(number, last.get(issuer, 0))
        tags = list(dict.fromkeys(t.strip() for t in item.tags if t.strip()))
        out.append((number, issuer, item.text.strip(), tags))
    return out
