"""举一反三: checks at sister units (the units under the same parent, or units chosen) for the same
problem, each a tracked item on its own workflow with a deadline, reminders and escalation. The
unit checked answers (affected or not, and what it found); a unit above it confirms the answer
or reopens the check; the answerer never confirms their own answer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import QUALITY, Actor, require
from pacer.errors import Conflict, Forbidden, Problem
from pacer.models import Unit
from pacer.models.base import utcnow
from pacer.models.quality import QualityProblem, SisterCheck
from pacer.quality import repository
from pacer.quality.service import due_at
from pacer.quality.validation import TEXT_LIMIT, refused
from pacer.quality.words import both, say
from pacer.quality.workflow import CHECK, CHECK_OPEN, DONE
from pacer.workflow import service as workflow


def spawn_checks(
    session: Session,
    actor: Actor,
    problem_id: int,
    unit_codes: list[str] | None = None,
    deadline: date | None = None,
    lang: str = "en",
    now: datetime | None = None,
) -> list[SisterCheck]:
    """A check at each unit named (default: every sister unit the actor manages quality at), due
    by ``deadline`` (default: the problem's). All or none: every refused unit is named."""
    today = now.date() if now else date.today()
    problem, unit, item = repository.problem(session, actor, problem_id)
    require(session, actor, QUALITY, problem.unit_id)
    if item.state in DONE:
        raise Conflict(say(lang, "spread_state"))
    units = _units(session, actor, problem, unit, unit_codes, lang)
    due = deadline or max(problem.deadline, today)
    if due < today:
        en, zh = both("deadline_past", deadline=due)
        raise refused([Problem(en, field="deadline", zh=zh)], "sister checks", lang=lang)
    made = []
    for sister in units:
        check = SisterCheck(
            problem_id=problem.id,
            unit_id=sister.id,
            deadline=due,
            created_by=actor.username,
            created_at=now or utcnow(),
        )
        session.add(check)
        session.flush()
        title = (
            f"举一反三 #{problem.id}：{problem.title}（{sister.name_zh}）",
            f"Sister check #{problem.id}: {problem.title} ({sister.name_en})",
        )
        link = f"/quality/problems/{problem.id}#check-{check.id}"
        check_item = workflow.start(
            session, CHECK, f"{problem.id}/{sister.code}", sister.id, actor, title, link, due_at(due), now
        )
        check.workflow_item_id = check_item.id
        made.append(check)
    session.flush()
    return made


def _units(
    session: Session, actor: Actor, problem: QualityProblem, unit: Unit, codes: list[str] | None, lang: str
) -> list[Unit]:
    taken = {u.id for _, u, _ in repository.all_checks(session, problem.id)}
    if codes is None:
        units = [u for u in repository.sisters(session, actor, unit.id, QUALITY) if u.id not in taken]
        if not units:
            en, zh = both("no_sisters")
            raise refused([Problem(en, field="units", zh=zh)], "sister checks", lang=lang)
        return units
    problems, units = [], []
    for code in dict.fromkeys(c.strip() for c in codes if c.strip()):
        found = repository.unit_by_code(session, actor, code, QUALITY)
        key = "unit_unknown" if found is None else "sister_is_self" if found.id == unit.id else None
        if key is None and found is not None and found.id in taken:
            key = "sister_twice"
        if key is not None:
            en, zh = both(key, code=code)
            problems.append(Problem(en, field="units", zh=zh))
        elif found is not None:
            units.append(found)
    if not units and not problems:
        en, zh = both("no_sisters")
        problems.append(Problem(en, field="units", zh=zh))
    if problems:
        raise refused(problems, "sister checks", lang=lang)
    return units


def answer(
    session: Session,
    actor: Actor,
    check_id: int,
    affected: bool,
    finding: str,
    lang: str = "en",
    now: datetime | None = None,
) -> SisterCheck:
    """The checked unit's answer: whether the same problem exists there, and what it found."""
    check, _, item = repository.check(session, actor, check_id)
    if item.state != CHECK_OPEN:
        raise Conflict(say(lang, "answer_state", state=CHECK.state_label(item.state, lang)))
    problems = []
    if not finding.strip():
        en, zh = both("answer_needed")
        problems.append(Problem(en, field="finding", zh=zh))
    if len(finding) > TEXT_LIMIT:
        en, zh = both("too_long", limit=TEXT_LIMIT)
        problems.append(Problem(en, field="finding", zh=zh))
    if problems:
        raise refused(problems, f"sister check #{check_id}", lang=lang)
    workflow.apply(session, CHECK, item, "answer", actor, now=now)
    check.affected, check.finding = affected, finding.strip()
    check.answered_by, check.answered_at = actor.username, now or utcnow()
    record(
        session, actor.username, "quality_check.finding", "quality_check", str(check.id), None,
        {"affected": affected, "finding": check.finding}, unit_id=check.unit_id,
    )  # fmt: skip
    session.flush()
    return check


def decide(
    session: Session,
    actor: Actor,
    check_id: int,
    verb: str,
    reason: str | None = None,
    lang: str = "en",
    now: datetime | None = None,
) -> SisterCheck:
    """Confirm an answered check, or reopen it with a reason (by a unit above the one checked)."""
    check, _, item = repository.check(session, actor, check_id)
    if verb not in ("confirm", "reopen"):
        CHECK.verb(verb)  # unknown: 404 naming it
        raise Conflict(f"'{verb}' is the checked unit's verb; use the answer")
    if actor.username == check.answered_by:
        raise Forbidden(say(lang, "sign_own"))
    workflow.apply(session, CHECK, item, verb, actor, reason, now=now)
    if verb == "reopen":
        check.affected, check.answered_by, check.answered_at = None, "", None
    session.flush()
    return check
