"""Responsibility statements drafted, changed and signed: each checked whole before anything is
stored (refused with every problem named in Chinese and English, nothing stored), each change a
new version with its reason, each step audited and on the shared signing workflow.

Who may do what: the issuing side is whoever sets targets at the unit above the statement's unit
(HQ for a second-level unit; the second-level unit for its own units); the unit signs through its
approver (:mod:`pacer.assessment.workflow`). Everyone else sees a statement only through the
visibility rule on its unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from pacer.assessment import repository
from pacer.assessment.plan import Content, Context, content_problems
from pacer.assessment.words import both, say
from pacer.assessment.workflow import EDITABLE, STATEMENT
from pacer.audit.service import record
from pacer.auth.permissions import SET_TARGETS, Actor, require
from pacer.errors import Conflict, Problem, ValidationFailed
from pacer.indicators import assignment_service
from pacer.indicators.assignment_calc import available_derived
from pacer.models import Statement, StatementItem, StatementVersion, Unit, WorkflowEvent, WorkflowItem
from pacer.models.base import utcnow
from pacer.workflow import repository as workflow_repository
from pacer.workflow import service as workflow
from pacer.workflow.transitions import Transition

DOMAINS: dict[str, tuple[str, str]] = {
    "business": ("经营业绩", "business performance"),
    "digital": ("数字航天战略", "digital space strategy"),
    "quality": ("质量", "quality"),
    "safety": ("安全生产", "safety"),
}


def domain_title(code: str, lang: str) -> str:
    """The domain's name opening a title: 经营业绩, Business performance."""
    zh, en = DOMAINS.get(code, (code, code))
    return zh if lang == "zh" else en[:1].upper() + en[1:]


ITEM_COLUMNS = (
    "code",
    "kind",
    "name_zh",
    "name_en",
    "weight",
    "measure",
    "rule",
    "threshold",
    "target",
    "bands",
    "lower_is_better",
    "cap",
    "per_event",
    "limit",
    "grade",
)


def refused(problems: list[Problem], lang: str = "en") -> ValidationFailed:
    failed = ValidationFailed(problems, "responsibility statement")
    failed.language = lang
    return failed


def problem(key: str, where: str, **values: object) -> Problem:
    en, zh = both(key, **values)
    return Problem(en, field=where, zh=zh)


def context_for(session: Session, unit: Unit, year: int) -> Context:
    """The indicators the unit's subtree reports in the year, and those derived from them."""
    ids = repository.subtree_ids(session, unit.id, date(year, 12, 31)) or [unit.id]
    reported: set[str] = set()
    for period in (year * 100 + 1, year * 100 + 12):
        for codes in assignment_service.reported_indicators_of(session, ids, period).values():
            reported |= set(codes)
    catalogue = assignment_service.catalogue_of(session, year)
    derived = available_derived(reported, catalogue.references)
    facts = repository.indicator_facts(session)
    return Context(indicators=facts, reported=frozenset(reported | derived), unit_code=unit.code)


def with_targets(session: Session, unit: Unit, year: int, content: Content, context: Context) -> Content:
    """``content`` with each quantitative linear item's missing threshold and target taken from
    the unit's ensure and strive targets of record (left missing where there is none), and its
    direction from the indicator's when not given."""
    codes = [str(i.get("indicator")) for i in content.items if i.get("kind") == "quantitative"]
    known = repository.targets(session, unit.id, year, codes)
    filled = []
    for item in content.items:
        tiers = known.get(str(item.get("indicator")), {})
        facts = context.indicators.get(str(item.get("indicator")))
        if item.get("kind") == "quantitative" and facts is not None and item.get("lower_is_better") is None:
            item = dict(item) | {"lower_is_better": facts.lower_is_better}
        if item.get("kind") == "quantitative" and item.get("rule") == "linear":
            item = dict(item)
            item["threshold"] = item.get("threshold") if item.get("threshold") is not None else tiers.get("ensure")
            item["target"] = item.get("target") if item.get("target") is not None else tiers.get("strive")
        filled.append(item)
    return Content(tuple(filled), content.grades)


def checked(session: Session, unit: Unit, year: int, content: Content, lang: str) -> tuple[Content, Context]:
    """The content with the unit's targets filled in, refused whole if anything is wrong."""
    context = context_for(session, unit, year)
    content = with_targets(session, unit, year, content, context)
    problems = content_problems(content, context)
    if problems:
        raise refused(problems, lang)
    return content, context


def issuer_of(session: Session, unit: Unit, lang: str) -> int:
    """The unit a statement of ``unit`` is issued by: the one above it (today's tree)."""
    parent = repository.parent_of(session, unit.id, date.today())
    if parent is None:
        raise refused([problem("no_issuer", "unit_code", unit=unit.code)], lang)
    return parent


def draft(
    session: Session,
    actor: Actor,
    unit_code: str,
    year: int,
    domain: str,
    content: Content,
    lang: str = "en",
    *,
    parent_id: int | None = None,
    template_id: int | None = None,
) -> Statement:
    """A new statement of the unit for the year and domain, drafted by the issuing side."""
    unit = repository.unit_by_code(session, actor, unit_code)
    if unit is None:
        raise refused([problem("unit_unknown", "unit_code", code=unit_code)], lang)
    if domain not in DOMAINS:
        raise refused([problem("domain_unknown", "domain", domain=domain, allowed=", ".join(DOMAINS))], lang)
    issuer = issuer_of(session, unit, lang)
    require(session, actor, SET_TARGETS, issuer)
    if (taken := repository.exists(session, unit.id, year, domain)) is not None:
        raise Conflict(say(lang, "statement_exists", unit=unit.code, year=year, id=taken))
    content, _ = checked(session, unit, year, content, lang)
    statement = Statement(
        unit_id=unit.id,
        year=year,
        domain=domain,
        issuer_unit_id=issuer,
        leader_person_id=repository.main_leader(session, unit.id, date.today()),
        parent_id=parent_id,
        template_id=template_id,
        version=0,
        grades=[list(g) for g in content.grades],
        created_by=actor.username,
    )
    session.add(statement)
    session.flush()
    title = (
        f"{unit.name_zh} {year} 年{DOMAINS[domain][0]}责任书",
        f"{unit.name_en}: {year} {DOMAINS[domain][1]} statement",
    )
    item = workflow.start(
        session, STATEMENT, _key(unit, statement), unit.id, actor, title, f"/statements/{statement.id}"
    )
    statement.workflow_item_id = item.id
    _store(session, actor, statement, unit, content, "", item.state)
    return statement


def revise(
    session: Session, actor: Actor, statement_id: int, content: Content, reason: str = "", lang: str = "en"
) -> Statement:
    """A new version of the statement's content. A draft changes freely; a statement issued or
    signed is re-opened to draft by the change, which needs a reason, and is signed again."""
    statement, unit, item = repository.statement(session, actor, statement_id)
    require(session, actor, SET_TARGETS, statement.issuer_unit_id)
    content, _ = checked(session, unit, statement.year, content, lang)
    if item.state not in EDITABLE:
        if not reason.strip():
            raise refused([problem("reason_needed", "reason")], lang)
        workflow.apply(session, STATEMENT, item, "reopen", actor, reason)
    _store(session, actor, statement, unit, content, reason.strip(), item.state)
    return statement


def _store(
    session: Session, actor: Actor, statement: Statement, unit: Unit, content: Content, reason: str, state: str
) -> None:
    """The content as the statement's items and its next version, audited with before and after."""
    before = _current(session, statement)
    for old in repository.items(session, [statement.id])[statement.id]:
        session.delete(old)
    session.flush()
    ids = repository.indicator_ids(session, [str(i["indicator"]) for i in content.items if i.get("indicator")])
    for position, raw in enumerate(content.items, start=1):
        values = {c: raw[c] for c in ITEM_COLUMNS if raw.get(c) is not None}
        values["bands"] = [list(b) for b in raw.get("bands") or ()]
        row = StatementItem(statement_id=statement.id, position=position, **values)
        row.indicator_id = ids.get(str(raw.get("indicator"))) if raw.get("indicator") else None
        session.add(row)
    statement.version += 1
    statement.grades = [list(g) for g in content.grades]
    after = content.as_json()
    session.add(
        StatementVersion(
            statement_id=statement.id,
            version=statement.version,
            content=after,
            reason=reason,
            state=state,
            changed_by=actor.username,
            changed_at=utcnow(),
        )
    )
    action = "statement.draft" if before is None else "statement.revise"
    key = _key(unit, statement)
    record(session, actor.username, action, "statement", key, before, after, reason, unit_id=unit.id)
    session.flush()


def _current(session: Session, statement: Statement) -> dict[str, Any] | None:
    found = repository.versions(session, statement.id)
    return found[-1].content if found else None


def _key(unit: Unit, statement: Statement) -> str:
    return f"{unit.code}/{statement.year}/{statement.domain}"


def act(session: Session, actor: Actor, statement_id: int, verb: str, reason: str | None = None) -> WorkflowItem:
    """Take a signing verb (issue, sign, return, countersign) on the statement; ``reopen`` goes
    through :func:`revise` or here with its reason."""
    _, _, item = repository.statement(session, actor, statement_id)
    return workflow.apply(session, STATEMENT, item, verb, actor, reason)


@dataclass(frozen=True)
class StatementView:
    statement: Statement
    unit: Unit
    item: WorkflowItem
    items: list[StatementItem]
    versions: list[StatementVersion]
    history: list[WorkflowEvent]
    verbs: list[Transition]


def view(session: Session, actor: Actor, statement_id: int) -> StatementView:
    """The statement as its page shows it: items, versions, signing history, the viewer's verbs."""
    statement, unit, item = repository.statement(session, actor, statement_id)
    return StatementView(
        statement,
        unit,
        item,
        repository.items(session, [statement.id])[statement.id],
        repository.versions(session, statement.id),
        workflow_repository.history(session, item.id),
        workflow.verbs_for(session, STATEMENT, item, actor),
    )


def content_of(items: list[StatementItem], codes: dict[int, str], grades: list[Any]) -> Content:
    """A stored statement's items back as content (``codes``: indicator id -> code)."""
    out = []
    for row in items:
        raw = {c: getattr(row, c) for c in ITEM_COLUMNS}
        raw["indicator"] = codes.get(row.indicator_id) if row.indicator_id else None
        out.append({k: v for k, v in raw.items() if v not in (None, "")})
    return Content.of({"items": out, "grades": grades})
