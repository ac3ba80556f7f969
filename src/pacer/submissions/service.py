"""Monthly submissions: a unit's reporter saves its month's figures and narrative as a draft,
then it goes through :data:`pacer.submissions.workflow.SUBMISSION` (submit, approve, accept,
return, reopen). Every face (terminal, API, pages) is a thin shell over this module.

Draft figures wait in ``submission_figure``; the analysis sees only accepted ones: acceptance
loads them into ``fact`` through the facts import (its checks, its audit trail of each changed
figure with the old value, its change marker that running engines follow). Every save and verb
raises the submission's version: one given an older version than the stored one is refused with
a conflict (409) and changes nothing, so two people editing one month never lose an update.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import REPORT, Actor, require
from pacer.config import get_settings
from pacer.errors import Conflict, DomainError, Forbidden, NotFound, Problem, ValidationFailed
from pacer.facts import repository as facts_repository
from pacer.facts.service import import_facts
from pacer.kit import periods
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Problems, Row, read_csv
from pacer.models import (
    Submission,
    SubmissionCheck,
    Unit,
    WorkflowEvent,
    WorkflowItem,
)
from pacer.models.base import utcnow
from pacer.submissions import checks, earlier, repository, staging
from pacer.submissions.staging import NARRATIVE as NARRATIVE  # the fields a save sets
from pacer.submissions.workflow import ACCEPTED, EDITABLE, RETURNS, SUBMISSION
from pacer.workflow import repository as workflow_repository
from pacer.workflow import service as workflow
from pacer.workflow.transitions import Transition

FIGURE_COLUMNS = ("indicator_code", "value")
FIGURE_OPTIONAL = ("basis",)
AUDIT_ENTITY = "submission"


class VersionConflict(Conflict):
    """A save or verb on a version that is no longer the submission's (409)."""

    def __init__(self, what: str, stored: int, given: int) -> None:
        super().__init__(
            f"{what} is at version {stored}, not {given}: it was changed meanwhile; reload it and try again"
        )
        self.stored, self.given = stored, given


@dataclass(frozen=True)
class Found:
    """A submission with what its faces show."""

    submission: Submission
    unit: Unit
    item: WorkflowItem | None
    figures: list[repository.Staged]
    history: list[WorkflowEvent]
    verbs: list[Transition]
    checks: list[SubmissionCheck]
    provisional: list[int]  # earlier months of the year whose figures it is checked against, not yet accepted

    @property
    def state(self) -> str:
        return self.item.state if self.item else self.submission.state

    @property
    def name(self) -> str:
        return f"{self.unit.code}'s submission for {periods.format_period(self.submission.period)}"

    def title(self, language: str) -> str:
        month = periods.format_period(self.submission.period)
        return f"{self.unit.code} {month} 月报" if language == "zh" else self.name


def due_at(period: int, day: int | None = None, session: Session | None = None) -> datetime:
    """When ``period``'s submission is due: the reporting calendar's deadline when a session is
    given (a day moved by hand), else the reporting day of the next month; end of day UTC."""
    if session is not None and day is None:
        from pacer.calendar.service import due_at as calendar_due_at

        return calendar_due_at(session, period)
    following = periods.add_months(period, 1)
    chosen = day or get_settings().reporting_day
    return datetime.combine(date(following // 100, following % 100, chosen), time(23, 59), UTC)


def read_figures(path: Path) -> tuple[list[Row], Problems]:
    """A unit-month's figures from CSV: ``indicator_code,value[,basis]``."""
    problems = Problems()
    return list(read_csv(path, FIGURE_COLUMNS, FIGURE_OPTIONAL, problems)), problems


def figures_from_text(text: str) -> tuple[list[Row], Problems]:
    """Figures sent as CSV text (an upload), read by the same reader as a file."""
    handle, name = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        return read_figures(Path(name))
    finally:
        Path(name).unlink(missing_ok=True)


def get(session: Session, actor: Actor, unit_code: str, period: int) -> Found:
    """One unit-month's submission the actor may see; any other is not found."""
    unit = _unit(session, actor, unit_code)
    sub = repository.submission(session, unit.id, period)
    if sub is None:
        raise NotFound(f"{unit.code} has no submission for {periods.format_period(period)}")
    return found_of(session, actor, unit, sub)


def _bare(session: Session, actor: Actor, unit_code: str, period: int) -> Found:
    """As :func:`get`, with the submission and its workflow item only (read together): what a
    save or verb checks before it acts; what its faces show is read once, after it."""
    unit = _unit(session, actor, unit_code)
    read = repository.submission_with_item(session, unit.id, period)
    if read is None:
        raise NotFound(f"{unit.code} has no submission for {periods.format_period(period)}")
    return Found(read[0], unit, read[1], [], [], [], [], [])


def found_of(
    session: Session,
    actor: Actor,
    unit: Unit,
    sub: Submission,
    provisional: list[int] | None = None,
    figures: list[repository.Staged] | None = None,
    checked: list[SubmissionCheck] | None = None,
) -> Found:
    """``sub`` of ``unit`` (which ``actor`` sees) with what its faces show; ``provisional`` (its
    earlier months not yet accepted), ``figures`` and ``checked`` (its staged figures and its
    findings, in order) when the caller has read them as they now stand."""
    item = session.get(WorkflowItem, sub.workflow_item_id) if sub.workflow_item_id else None
    history = workflow_repository.history(session, item.id) if item else []
    verbs = workflow.verbs_for(session, SUBMISSION, item, actor) if item else []
    figures = repository.figures(session, sub.id) if figures is None else figures
    checked = repository.checks(session, sub.id) if checked is None else checked
    if provisional is None:
        provisional = earlier.provisional(session, unit.id, sub.period)
    return Found(sub, unit, item, figures, history, verbs, checked, provisional)


def save_figures(
    session: Session,
    actor: Actor,
    unit_code: str,
    period: int,
    rows: Iterable[Row] | None,
    narrative: Mapping[str, str] | None = None,
    expected_version: int | None = None,
    problems: Problems | None = None,
    explanations: Mapping[str, str] | None = None,
    cells: Mapping[str, str] | None = None,
    language: str = "en",
) -> Found:
    """Save a draft's (or a returned submission's) figures and narrative as its reporter.

    ``rows`` (indicator_code, value, basis) replace the staged figures (None keeps them);
    ``narrative`` sets the fields it names; the rules' findings are recomputed and
    ``explanations`` (by ``rule:indicator`` or indicator code) explain the warnings that remain.
    ``expected_version``: the version the caller read (None: the stored one); ``cells`` name where
    each indicator's figure came from. Every problem is named at once and nothing is stored."""
    unit = _unit(session, actor, unit_code)
    require(session, actor, REPORT, unit.id)
    found = _open(session, actor, unit, period)
    name, sub = found.name, found.submission
    if found.state not in EDITABLE:
        raise Conflict(f"{name} is {found.state}: only a draft or a returned one can be changed")
    _refuse_locked(session, found, language)
    months = earlier.provisional(session, unit.id, period)  # read once for the checks and the answer
    pending = earlier.pending(session, unit.id, period, months)
    context = checks.context(session, actor, unit, period, pending)  # for the import's checks and the rules'
    parsed = None
    if rows is not None:
        rows, problems = list(rows), problems or Problems()
        parsed = staging.checked(session, actor, name, unit, period, rows, problems, language, pending, context)
    # the figures and findings as they stand, read once: the audit row's before, then kept up to date
    figures, stored = repository.figures(session, sub.id), repository.checks(session, sub.id)
    before = staging.snapshot(sub, figures, stored)
    _bump(session, found, expected_version)
    if parsed is not None:
        repository.replace_figures(session, sub.id, parsed)
        figures = repository.figures(session, sub.id)
    unknown = sorted(set(narrative or {}) - set(NARRATIVE))
    if unknown:
        raise ValidationFailed([Problem(f"no narrative field '{f}'", field=f) for f in unknown], name)
    for field, text in (narrative or {}).items():
        setattr(sub, field, text)
    sub.updated_at = utcnow()
    session.flush()
    kept = checks.refresh(session, actor, unit, sub, cells if parsed is not None else None, context, figures, stored)
    kept = repository.in_order(kept)
    if explanations:
        checks.explain(session, actor, sub, explanations, found.title(language), language, kept)
    after = staging.snapshot(sub, figures, kept)
    record(session, actor.username, "submission.save", AUDIT_ENTITY, _key(found), before, after)
    return found_of(session, actor, unit, sub, months, figures, kept)


def explain(
    session: Session,
    actor: Actor,
    unit_code: str,
    period: int,
    notes: Mapping[str, str],
    expected_version: int | None = None,
    language: str = "en",
) -> Found:
    """Give the written explanations of a draft's (or a returned one's) warnings as its
    reporter, by ``rule:indicator`` (or indicator code); empty text withdraws one."""
    found = _bare(session, actor, unit_code, period)
    unit = found.unit
    require(session, actor, REPORT, unit.id)
    if found.state not in EDITABLE:
        raise Conflict(f"{found.name} is {found.state}: only a draft or a returned one can be changed")
    _refuse_locked(session, found, language)
    sub = found.submission
    figures, rows = repository.figures(session, sub.id), repository.checks(session, sub.id)  # read once
    before = staging.snapshot(sub, figures, rows)
    _bump(session, found, expected_version)
    checks.explain(session, actor, sub, notes, found.title(language), language, rows)
    sub.updated_at = utcnow()
    session.flush()
    after = staging.snapshot(sub, figures, rows)
    record(session, actor.username, "submission.explain", AUDIT_ENTITY, _key(found), before, after)
    return found_of(session, actor, unit, sub, None, figures, rows)


def act(
    session: Session,
    actor: Actor,
    unit_code: str,
    period: int,
    verb: str,
    reason: str | None = None,
    expected_version: int | None = None,
    language: str = "en",
) -> Found:
    """Take a verb on a unit-month's submission. ``return`` is the unit approver's return of a
    submitted one or HQ's of a submitted or approved one, whichever the actor may take.
    Accepting loads the figures into ``fact`` (the analysis sees them) and clears the due date."""
    found = _bare(session, actor, unit_code, period)
    if found.item is None:
        raise Conflict(f"{found.name} was loaded from a file and has no workflow; save figures to start one")
    verb = _resolve(session, actor, found, verb)
    transition = SUBMISSION.transition(found.item.state, verb, reason)
    if not workflow.may(session, actor, transition, found.item):
        raise Forbidden(f"not allowed to {verb} {found.name}")
    _refuse_locked(session, found, language)
    _bump(session, found, expected_version)
    shown: tuple[list[repository.Staged], list[SubmissionCheck]] = ([], [])
    if verb == "submit":
        shown = _refuse_unready(session, actor, found, language)
    if verb == "accept":
        _load_facts(session, actor, found)
    workflow.apply(session, SUBMISSION, found.item, verb, actor, reason, allowed=True)
    found.submission.state = found.item.state
    found.submission.updated_at = utcnow()
    if verb == "accept":
        workflow.set_due(session, SUBMISSION, found.item, None, actor)
    session.flush()
    figures, checked = shown if verb == "submit" else (None, None)  # the findings a submit recomputed
    return found_of(session, actor, found.unit, found.submission, None, figures, checked)


def submissions(
    session: Session,
    actor: Actor,
    period: int | None = None,
    state: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[int, list[repository.Listed]]:
    if state is not None and state not in SUBMISSION.states:
        raise DomainError(f"'{state}' is not a state; states: {', '.join(SUBMISSION.states)}", status=422)
    return repository.listed(session, actor, period, state, limit, offset)


def _resolve(session: Session, actor: Actor, found: Found, verb: str) -> str:
    if verb != "return" or found.item is None:
        return verb
    possible = [t.verb for t in SUBMISSION.verbs_from(found.item.state) if t.verb in RETURNS]
    mine = [v for v in possible if workflow.may(session, actor, SUBMISSION.verb(v), found.item)]
    return (mine or possible or [verb])[0]


def _open(session: Session, actor: Actor, unit: Unit, period: int) -> Found:
    """The unit-month's submission, made (with its workflow item) on its first save."""
    if not 190001 <= period <= 299912 or not 1 <= period % 100 <= 12:
        raise DomainError(f"'{period}' is not a month", status=422)
    read = repository.submission_with_item(session, unit.id, period)
    sub, item = read if read is not None else (None, None)
    if sub is None:
        sub = Submission(unit_id=unit.id, period=period, state="draft", source="submission", version=0)
        session.add(sub)
        session.flush()
    if sub.workflow_item_id is None and sub.state == ACCEPTED:
        said = f"{unit.code}'s submission for {periods.format_period(period)}"
        raise Conflict(f"{said} is HQ's accepted load: HQ loads corrected figures with 'pacer facts import'")
    if sub.workflow_item_id is None:
        month = periods.format_period(period)
        title = (f"月报：{unit.code} {unit.name_zh} {month}", f"Monthly report: {unit.code} {unit.name_en}, {month}")
        link = f"/submissions/{unit.code}/{month}"
        item = workflow.start(
            session, SUBMISSION, f"{unit.code}/{month}", unit.id, actor, title, link, due_at(period, None, session)
        )
        sub.workflow_item_id, sub.state = item.id, item.state
        session.flush()
    return Found(sub, unit, item, [], [], [], [], [])  # what a save checks; the rest is read after it


def _refuse_unready(
    session: Session, actor: Actor, found: Found, language: str
) -> tuple[list[repository.Staged], list[SubmissionCheck]]:
    """A submission goes up with no error left (a required indicator without a figure among
    them) and every warning explained, the rules' findings recomputed now; each is named.
    Else its staged figures and its findings, in order."""
    figures = repository.figures(session, found.submission.id)
    rows = checks.refresh(session, actor, found.unit, found.submission, figures=figures)
    problems = checks.unready(rows, language)
    if problems:
        said = "不能提交" if language == "zh" else "cannot be submitted"
        raise ValidationFailed(problems, f"{found.title(language)} {said}")
    return figures, repository.in_order(rows)


def _load_facts(session: Session, actor: Actor, found: Found) -> None:
    """The accepted figures into ``fact``, on the acceptor's name (their right to accept has been
    checked; the import's own check is of the reporting right, which HQ need not hold)."""
    figures = repository.figures(session, found.submission.id)
    if not figures:
        return
    unit, period = found.unit.code, found.submission.period
    rows = [
        staging.fact_row(unit, period, n, ind.code, format_scaled(fig.value, ind.scale), fig.basis)
        for n, (ind, fig) in enumerate(figures, start=2)
    ]
    on_behalf = Actor(username=actor.username, user_id=actor.user_id, grants=actor.grants, is_system=True)
    import_facts(session, rows, on_behalf, source=found.name)


def _refuse_locked(session: Session, found: Found, language: str = "en") -> None:
    period = found.submission.period
    if facts_repository.locked_periods(session, [period]):
        month = periods.format_period(period)
        raise Conflict(
            f"{month} 已锁定：{found.title(language)}不能再修改"
            if language == "zh"
            else f"period {month} is locked: {found.name} cannot change"
        )


def _bump(session: Session, found: Found, expected: int | None) -> None:
    sub = found.submission
    given = sub.version if expected is None else expected
    if not repository.bump_version(session, sub.id, given):
        session.refresh(sub)
        raise VersionConflict(found.name, sub.version, given)
    sub.version = given + 1


def _unit(session: Session, actor: Actor, code: str) -> Unit:
    unit = repository.unit(session, actor, code)
    if unit is None:
        raise NotFound("no such unit among those you may see")  # the code typed is not echoed
    return unit


def _key(found: Found) -> str:
    return f"{found.unit.code}/{periods.format_period(found.submission.period)}"
