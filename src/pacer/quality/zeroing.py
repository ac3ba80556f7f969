"""A problem's double zeroing: the owner's evidence for each criterion, a reviewer's sign-off,
and the verbs on the shared workflow (submit, return, close, cancel), each with its own checks
and effects, in the caller's transaction.

Submitted, a problem waits for its reviewers without deadline reminders to its owner; returned,
they start again. It closes (归零) only with all ten criteria signed off and every check at a
sister unit confirmed. Nobody signs off a criterion of a problem they own or whose evidence they
wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import QUALITY, Actor, require
from pacer.errors import Conflict, Forbidden, Problem
from pacer.files import service as files
from pacer.models import WorkflowItem
from pacer.models.base import utcnow
from pacer.models.quality import QualityProblem, ZeroingCriterion
from pacer.quality import figures, repository
from pacer.quality.service import due_at, evidence_owner
from pacer.quality.validation import TEXT_LIMIT, refused
from pacer.quality.words import both, criterion_name, say
from pacer.quality.workflow import CHECK_CONFIRMED, DONE, OWNER_VERBS, PROBLEM, REVIEW, WORKING, role_allows
from pacer.workflow import service as workflow

ENTITY = "quality_problem"


def _criterion(criteria: list[ZeroingCriterion], code: str, lang: str) -> ZeroingCriterion:
    for c in criteria:
        if c.code == code:
            return c
    en, zh = both("criterion_unknown", code=code)
    raise refused([Problem(en, field="criterion", zh=zh)], "zeroing", lang=lang)


def write_evidence(
    session: Session,
    actor: Actor,
    problem_id: int,
    code: str,
    text: str,
    evidence: Sequence[tuple[str, bytes]] = (),
    lang: str = "en",
    now: datetime | None = None,
) -> ZeroingCriterion:
    """The owner's evidence for one criterion (text, and files each checked by
    :mod:`pacer.files`): while the problem is worked on and the criterion not signed off. A
    refused file stores neither it nor the text."""
    problem, _, item = repository.problem(session, actor, problem_id)
    criterion = _criterion(repository.criteria(session, problem.id), code, lang)
    if actor.username != problem.owner:
        raise Forbidden(say(lang, "not_owner", owner=problem.owner))
    require(session, actor, QUALITY, problem.unit_id)
    _evidence_problems(session, actor, problem, item, criterion, text, evidence, lang)
    savepoint = session.begin_nested()
    try:
        for n, (filename, content) in enumerate(evidence, start=1):
            files.save(
                session, actor, owner=evidence_owner(criterion.id), unit_id=problem.unit_id, action=QUALITY,
                filename=filename, content=content, field=f"evidence[{n}]",
            )  # fmt: skip
        before = {"evidence": criterion.evidence}
        criterion.evidence, criterion.evidence_by, criterion.evidence_at = text.strip(), actor.username, now or utcnow()
        record(
            session, actor.username, "quality_problem.evidence", ENTITY, f"{problem.id}/{code}", before,
            {"evidence": criterion.evidence, "files": len(evidence)}, unit_id=problem.unit_id,
        )  # fmt: skip
        session.flush()
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return criterion


def _evidence_problems(
    session: Session,
    actor: Actor,
    problem: QualityProblem,
    item: WorkflowItem,
    criterion: ZeroingCriterion,
    text: str,
    evidence: Sequence[tuple[str, bytes]],
    lang: str,
) -> None:
    if item.state not in WORKING:
        raise Conflict(say(lang, "evidence_state", state=PROBLEM.state_label(item.state, lang)))
    if criterion.signed_by:
        raise Conflict(say(lang, "evidence_signed", criterion=criterion_name(criterion.code, lang)))
    problems = []
    if len(text) > TEXT_LIMIT:
        en, zh = both("too_long", limit=TEXT_LIMIT)
        problems.append(Problem(en, field="evidence", zh=zh))
    has_files = bool(evidence) or bool(files.listed(session, actor, evidence_owner(criterion.id)))
    if not text.strip() and not has_files:
        en, zh = both("evidence_missing")
        problems.append(Problem(en, field="evidence", zh=zh))
    if problems:
        raise refused(problems, f"quality problem #{problem.id}", lang=lang)


def sign_off(
    session: Session,
    actor: Actor,
    problem_id: int,
    code: str,
    note: str = "",
    lang: str = "en",
    now: datetime | None = None,
) -> ZeroingCriterion:
    """A reviewer's sign-off of one criterion with evidence, while the problem is under review."""
    problem, _, item = repository.problem(session, actor, problem_id)
    criterion = _criterion(repository.criteria(session, problem.id), code, lang)
    if actor.username in (problem.owner, criterion.evidence_by):
        raise Forbidden(say(lang, "sign_own"))
    require(session, actor, QUALITY, problem.unit_id)
    if item.state != REVIEW:
        raise Conflict(say(lang, "sign_state"))
    if not criterion.evidence_by:
        raise Conflict(say(lang, "sign_no_evidence", criterion=criterion_name(code, lang)))
    if len(note) > TEXT_LIMIT:
        en, zh = both("too_long", limit=TEXT_LIMIT)
        raise refused([Problem(en, field="note", zh=zh)], f"quality problem #{problem.id}", lang=lang)
    criterion.signed_by, criterion.signed_at, criterion.sign_note = actor.username, now or utcnow(), note.strip()
    record(
        session, actor.username, "quality_problem.sign_off", ENTITY, f"{problem.id}/{code}", None,
        {"signed_by": actor.username, "note": criterion.sign_note}, unit_id=problem.unit_id,
    )  # fmt: skip
    session.flush()
    return criterion


def act(
    session: Session,
    actor: Actor,
    problem_id: int,
    verb: str,
    reason: str | None = None,
    lang: str = "en",
    today: date | None = None,
    now: datetime | None = None,
) -> QualityProblem:
    """Take ``verb`` on a problem: refused, with nothing changed, when the state does not allow
    it, a reason is missing, the actor lacks the grant, it is not their part, or the zeroing is
    not complete enough for it."""
    today = today or (now.date() if now else date.today())
    problem, _, item = repository.problem(session, actor, problem_id)
    transition = PROBLEM.transition(item.state, verb, reason)
    if not role_allows(verb, actor.username, problem.owner):
        if verb in OWNER_VERBS:
            raise Forbidden(say(lang, "not_owner", owner=problem.owner))
        raise Forbidden(say(lang, "owner_signs_off", verb=PROBLEM.verb_label(verb, lang)))
    if not workflow.may(session, actor, transition, item):
        raise Forbidden(f"not allowed to {verb} quality problem #{problem_id}")
    _check(session, problem, verb, lang)
    workflow.apply(session, PROBLEM, item, verb, actor, reason, now=now)
    if verb == "submit":
        workflow.set_due(session, PROBLEM, item, None, actor)
    elif verb == "return":
        workflow.set_due(session, PROBLEM, item, due_at(problem.deadline), actor)
    if item.state in DONE:
        problem.closed_on = today
        session.flush()
        figures.follow(session, problem.unit_id, problem.found_on, today)
    session.flush()
    return problem


def _check(session: Session, problem: QualityProblem, verb: str, lang: str) -> None:
    criteria = repository.criteria(session, problem.id)
    if verb == "submit":
        missing = [c.code for c in criteria if not c.evidence_by]
        if missing:
            problem_ = _listing("submit_incomplete", missing, "criteria")
            raise refused([problem_], f"quality problem #{problem.id}", lang=lang)
    if verb != "close":
        return
    problems = []
    unsigned = [c.code for c in criteria if not c.signed_by]
    if unsigned:
        problems.append(_listing("close_unsigned", unsigned, "criteria"))
    waiting = [
        unit.code for _, unit, item in repository.all_checks(session, problem.id) if item.state != CHECK_CONFIRMED
    ]
    if waiting:
        en, zh = both("close_checks_open", units=", ".join(waiting))
        problems.append(Problem(en, field="checks", zh=zh))
    if problems:
        raise refused(problems, f"quality problem #{problem.id}", lang=lang)


def _listing(key: str, codes: list[str], field: str) -> Problem:
    """A refusal that names criteria, each in its own language."""
    en = say("en", key, missing=", ".join(criterion_name(c, "en") for c in codes))
    zh = say("zh", key, missing="、".join(criterion_name(c, "zh") for c in codes))
    return Problem(en, field=field, zh=zh)
