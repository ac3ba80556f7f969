"""Quality problems opened and read: the record with its unit, stages, severity, owner and
zeroing deadline, its ten criteria to fill, and the problem as its page shows it.

The zeroing itself (evidence, sign-off, verbs) is in :mod:`pacer.quality.zeroing`; the checks at
sister units in :mod:`pacer.quality.sisters`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from pacer.auth.permissions import QUALITY, Actor, load_actor, visible_unit_ids
from pacer.auth.repository import display_names
from pacer.errors import Conflict, Forbidden, NotFound, Problem
from pacer.files import service as files
from pacer.models import StoredFile, Unit, WorkflowEvent, WorkflowItem
from pacer.models.base import utcnow
from pacer.models.quality import QualityProblem, ZeroingCriterion
from pacer.notifications.service import Message, notify
from pacer.quality import figures, repository
from pacer.quality.validation import ProblemPlan, SignalSource, plan_problems, refused, source_problems
from pacer.quality.words import CRITERIA, both, say
from pacer.quality.workflow import CHECK, CHECK_CONFIRMED, DONE, PROBLEM, role_allows
from pacer.workflow import repository as workflow_repository
from pacer.workflow import service as workflow
from pacer.workflow.transitions import Transition


def due_at(deadline: date) -> datetime:
    """A deadline as the workflow's due moment: the end of that day."""
    return datetime.combine(deadline, time(23, 59), UTC)


def attachment_owner(problem_id: int) -> str:
    """How a problem's attachments name their owner among stored files."""
    return f"problem:{problem_id}"


def evidence_owner(criterion_id: int) -> str:
    """How a criterion's evidence files name their owner among stored files."""
    return f"zeroing:{criterion_id}"


def open_problem(
    session: Session,
    actor: Actor,
    plan: ProblemPlan,
    source: SignalSource | None = None,
    attachments: Sequence[tuple[str, bytes]] = (),
    lang: str = "en",
    today: date | None = None,
    now: datetime | None = None,
) -> QualityProblem:
    """Open a quality problem at ``plan.unit_code`` (the actor must manage quality there), with
    its ten zeroing criteria to fill, on the zeroing workflow due at the end of its deadline; its
    owner is told. Refused with every problem named, and nothing stored, when the record is wrong.

    ``source`` links the problem to the control-chart signal it comes from: the stored
    characteristic's id and the 1-based index of the point (and the run rule that fired). The
    caller has found the characteristic through the visibility rule; a signal opens one problem
    at most (a second is refused with 409, naming the first). ``attachments`` are (file name,
    bytes), each checked by :mod:`pacer.files`: all stored with the problem, or none.
    """
    today = today or date.today()
    problems = plan_problems(plan, today) + source_problems(source)
    unit, owner = _resolve(session, actor, plan, lang, problems)
    if problems or unit is None:
        raise refused(problems, "quality problem", lang=lang)
    if source is not None and (taken := repository.from_signal(session, source.characteristic_id, source.point)):
        raise Conflict(say(lang, "source_taken", id=taken))
    with session.begin_nested():  # the problem and its files, or nothing
        problem = _store(session, actor, plan, unit, owner, source, now or utcnow())
        _save_files(session, actor, problem, attachments, "attachments")
    figures.follow(session, unit.id, problem.found_on, today)
    return problem


def _resolve(
    session: Session, actor: Actor, plan: ProblemPlan, lang: str, problems: list[Problem]
) -> tuple[Unit | None, str]:
    """The unit (one the actor manages quality at) and the owner (one who does too)."""
    owner = plan.owner.strip() or actor.username
    unit = repository.unit_by_code(session, actor, plan.unit_code)
    if unit is None:
        en, zh = both("unit_unknown", code=plan.unit_code)
        problems.append(Problem(en, field="unit_code", zh=zh))
        return None, owner
    allowed = visible_unit_ids(session, actor, QUALITY)
    if allowed is not None and unit.id not in allowed:
        raise Forbidden(say(lang, "not_quality", code=unit.code))
    user = repository.active_user(session, owner)
    if user is None:
        en, zh = both("owner_unknown", owner=owner)
        problems.append(Problem(en, field="owner", zh=zh))
    else:
        theirs = visible_unit_ids(session, load_actor(session, owner), QUALITY)
        if theirs is not None and unit.id not in theirs:
            en, zh = both("owner_no_access", owner=owner, code=unit.code)
            problems.append(Problem(en, field="owner", zh=zh))
    return unit, owner


def _store(
    session: Session,
    actor: Actor,
    plan: ProblemPlan,
    unit: Unit,
    owner: str,
    source: SignalSource | None,
    now: datetime,
) -> QualityProblem:
    problem = QualityProblem(
        unit_id=unit.id,
        title=plan.title.strip(),
        programme=plan.programme.strip(),
        product=plan.product.strip(),
        found_stage=plan.found_stage,
        origin_stage=plan.origin_stage,
        cause=plan.cause,
        severity=plan.severity,
        description=plan.description,
        found_on=plan.found_on,
        deadline=plan.due(),
        supplier=plan.supplier.strip(),
        owner=owner,
        source_characteristic_id=source.characteristic_id if source else None,
        source_point=source.point if source else None,
        source_rule=source.rule if source else "",
        created_by=actor.username,
        created_at=now,
    )
    session.add(problem)
    session.flush()
    session.add_all(
        ZeroingCriterion(problem_id=problem.id, track=track, code=code, position=n)
        for n, (track, code, *_) in enumerate(CRITERIA, start=1)
    )
    title = (f"质量问题 #{problem.id}：{problem.title}", f"Quality problem #{problem.id}: {problem.title}")
    link = f"/quality/problems/{problem.id}"
    item = workflow.start(session, PROBLEM, str(problem.id), unit.id, actor, title, link, due_at(problem.deadline), now)
    problem.workflow_item_id = item.id
    owner_ids = workflow_repository.user_ids(session, [owner]) - {actor.user_id or -1}
    notify(session, owner_ids, _opened_message(problem, unit, title, link))
    session.flush()
    return problem


def _opened_message(problem: QualityProblem, unit: Unit, title: tuple[str, str], link: str) -> Message:
    return Message(
        kind="quality",
        title_zh=f"{title[0]}（请组织归零）",
        title_en=f"{title[1]} (yours to zero)",
        body_zh=f"单位：{unit.name_zh}；归零期限：{problem.deadline}。",
        body_en=f"Unit: {unit.name_en}; zeroing due by {problem.deadline}.",
        link=link,
    )


def attach(session: Session, actor: Actor, problem_id: int, attachments: Sequence[tuple[str, bytes]]) -> None:
    """Files added to an open problem by one who manages quality at its unit: all or none."""
    problem, _, item = repository.problem(session, actor, problem_id)
    if item.state in DONE:
        raise Conflict(f"quality problem #{problem_id} is {item.state}: nothing is attached to it any more")
    with session.begin_nested():
        _save_files(session, actor, problem, attachments, "files")


def _save_files(
    session: Session, actor: Actor, problem: QualityProblem, attachments: Sequence[tuple[str, bytes]], field: str
) -> None:
    """The problem's attachments, each refusal naming ``field[n]`` as the request named it."""
    for n, (filename, content) in enumerate(attachments, start=1):
        files.save(
            session, actor, owner=attachment_owner(problem.id), unit_id=problem.unit_id, action=QUALITY,
            filename=filename, content=content, field=f"{field}[{n}]",
        )  # fmt: skip


@dataclass(frozen=True)
class ProblemView:
    """A problem with what its page shows."""

    problem: QualityProblem
    unit: Unit
    item: WorkflowItem
    criteria: list[ZeroingCriterion]
    evidence: dict[int, list[StoredFile]]  # criterion id -> its files
    attachments: list[StoredFile]
    checks: list[repository.CheckRow]
    history: list[WorkflowEvent]
    verbs: list[Transition]
    check_verbs: dict[int, list[Transition]]  # sister check id -> the verbs the viewer may take
    names: dict[str, str]  # username -> the person's name, of everyone the page names

    def name(self, username: str) -> str:
        return self.names.get(username, username)


def verbs_for(
    session: Session, actor: Actor, problem: QualityProblem, item: WorkflowItem, criteria: list[ZeroingCriterion]
) -> list[Transition]:
    """The verbs the actor may take now: the state's, their grants', their part, and those the
    zeroing is complete enough for (submit once every criterion has evidence; close once every
    criterion is signed off and every sister check confirmed)."""
    allowed = workflow.verbs_for(session, PROBLEM, item, actor)
    return [
        t
        for t in allowed
        if role_allows(t.verb, actor.username, problem.owner) and ready(session, problem, t.verb, criteria)
    ]


def ready(session: Session, problem: QualityProblem, verb: str, criteria: list[ZeroingCriterion]) -> bool:
    """Whether the zeroing is complete enough for ``verb`` (what taking it checks)."""
    if verb == "submit":
        return all(c.evidence_by for c in criteria)
    if verb == "close":
        checks = repository.all_checks(session, problem.id)
        return all(c.signed_by for c in criteria) and all(i.state == CHECK_CONFIRMED for _, _, i in checks)
    return True


def get(session: Session, actor: Actor, problem_id: int) -> ProblemView:
    problem, unit, item = repository.problem(session, actor, problem_id)
    checks = repository.checks(session, actor, problem.id)
    criteria = repository.criteria(session, problem.id)
    evidence: dict[int, list[StoredFile]] = {c.id: [] for c in criteria}
    for f in repository.files_of(session, actor, [evidence_owner(c.id) for c in criteria]):
        evidence[int(f.owner.split(":")[1])].append(f)
    history = workflow_repository.history(session, item.id)
    named = {problem.owner, problem.created_by, *(e.actor for e in history), *(c.answered_by for c, _, _ in checks)}
    named |= {c.evidence_by for c in criteria} | {c.signed_by for c in criteria}
    return ProblemView(
        problem=problem,
        unit=unit,
        item=item,
        criteria=criteria,
        evidence=evidence,
        attachments=files.listed(session, actor, attachment_owner(problem.id)),
        checks=checks,
        history=history,
        verbs=verbs_for(session, actor, problem, item, criteria),
        check_verbs={c.id: _check_verbs(session, actor, c.answered_by, i) for c, _, i in checks},
        names=display_names(session, named),
    )


def _check_verbs(session: Session, actor: Actor, answered_by: str, item: WorkflowItem) -> list[Transition]:
    """A check's verbs the viewer may take; whoever answered it does not confirm or reopen it."""
    allowed = workflow.verbs_for(session, CHECK, item, actor)
    return [t for t in allowed if t.verb == "answer" or actor.username != answered_by]


def manages(session: Session, actor: Actor, unit_id: int) -> bool:
    """Whether the actor manages quality at the unit."""
    allowed = visible_unit_ids(session, actor, QUALITY)
    return allowed is None or unit_id in allowed


def file_owner(session: Session, actor: Actor, problem_id: int, file_id: int) -> str:
    """The owner name of one of the problem's files (an attachment or evidence) the actor sees."""
    view = get(session, actor, problem_id)
    owners = {f.id: attachment_owner(problem_id) for f in view.attachments}
    for criterion_id, stored in view.evidence.items():
        owners |= {f.id: evidence_owner(criterion_id) for f in stored}
    if file_id not in owners:
        raise NotFound(f"no file {file_id} of quality problem #{problem_id}")
    return owners[file_id]
