"""A report's record: its narrative blocks (problems, countermeasures, plan) moving through the
approval workflow (:mod:`pacer.reports.flow`). Approving freezes a version with the narrative and
the figures it was drawn from; files generated for an approved report use that version. Every
read goes through the visibility rule on the report's unit; flushes, never commits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pacer.audit.service import record as audit
from pacer.auth.permissions import AUTHOR, READ, Actor, require, restrict
from pacer.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from pacer.models import ReportRecord, ReportVersion, Unit, WorkflowEvent, WorkflowItem
from pacer.models.base import utcnow
from pacer.reports import drawn
from pacer.reports.ask import SPANS
from pacer.reports.flow import APPROVED, DRAFT, REPORT_FLOW
from pacer.workflow import repository as flow_repository
from pacer.workflow import service as workflow
from pacer.workflow.transitions import Transition

NARRATIVE_KEYS = ("problems", "countermeasures", "plan")
RECORD_KINDS = ("economic", "quality", "bulletin")
MAX_TEXT = 20_000
KIND_TITLES = {
    "economic": ("经济运行分析报告", "Economic operation report"),
    "quality": ("科研生产质量分析报告", "Research and production quality report"),
    "bulletin": ("督办通报", "Supervision bulletin"),
}
SPAN_WORDS = {
    "month": ("月度", "monthly"),
    "quarter": ("季度", "quarterly"),
    "half": ("半年", "half-year"),
    "year": ("年度", "annual"),
}


@dataclass(frozen=True)
class Shown:
    record: ReportRecord
    unit: Unit
    item: WorkflowItem
    versions: list[ReportVersion]
    history: list[WorkflowEvent]
    verbs: list[Transition]
    editable: bool


def title(unit: Unit, kind: str, period: str, span: str) -> tuple[str, str]:
    zh = f"{unit.name_zh} {period} {SPAN_WORDS[span][0]}{KIND_TITLES[kind][0]}"
    en = f"{unit.name_en}: {SPAN_WORDS[span][1]} {KIND_TITLES[kind][1].lower()}, {period}"
    return zh, en


def _unit(session: Session, actor: Actor, code: str) -> Unit:
    found = session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, READ))
    if found is None:
        raise NotFound(f"no unit '{code}' among those you may see")
    return found


def open_record(session: Session, actor: Actor, unit_code: str, kind: str, period: str, span: str) -> ReportRecord:
    """The report's record, made (by someone who may write the unit's reports) if it is new."""
    problems = []
    if kind not in RECORD_KINDS:
        problems.append(Problem(f"'{kind[:40]}' is not a report with a narrative", field="kind"))
    if span not in SPANS:
        problems.append(Problem(f"'{span[:20]}' is not a span", field="span"))
    if problems:
        raise ValidationFailed(problems, "report")
    unit = _unit(session, actor, unit_code)
    stmt = select(ReportRecord).where(
        ReportRecord.unit_id == unit.id,
        ReportRecord.kind == kind,
        ReportRecord.period == period,
        ReportRecord.span == span,
    )
    found = session.scalar(stmt)
    if found is not None:
        return found
    require(session, actor, AUTHOR, unit.id)
    item = workflow.start(
        session, REPORT_FLOW, f"{unit.code}/{kind}/{period}/{span}", unit.id, actor, title(unit, kind, period, span)
    )
    now = utcnow()
    rec = ReportRecord(
        unit_id=unit.id, kind=kind, period=period, span=span, problems="", countermeasures="", plan="",
        workflow_item_id=item.id, created_by=actor.username, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(rec)
    session.flush()
    item.link = f"/reports/records/{rec.id}"
    return rec


def get(session: Session, actor: Actor, record_id: int) -> tuple[ReportRecord, Unit, WorkflowItem]:
    stmt = (
        select(ReportRecord, Unit, WorkflowItem)
        .join(Unit, Unit.id == ReportRecord.unit_id)
        .join(WorkflowItem, WorkflowItem.id == ReportRecord.workflow_item_id)
        .where(ReportRecord.id == record_id)
    )
    row = session.execute(restrict(stmt, actor, ReportRecord.unit_id, READ)).tuples().first()
    if row is None:
        raise NotFound(f"no report {record_id}")
    return row


def shown(session: Session, actor: Actor, record_id: int) -> Shown:
    rec, unit, item = get(session, actor, record_id)
    history = flow_repository.history(session, item.id)
    verbs = [t for t in workflow.verbs_for(session, REPORT_FLOW, item, actor) if not _own(t.verb, history, actor)]
    editable = item.state == DRAFT and workflow.may(session, actor, REPORT_FLOW.verb("submit"), item)
    return Shown(rec, unit, item, versions(session, rec.id), history, verbs, editable)


def _own(verb: str, history: list[WorkflowEvent], actor: Actor) -> bool:
    """Whether ``verb`` would have ``actor`` approve a version they submitted themselves."""
    submits = [e.actor for e in history if e.verb == "submit"]
    return verb == "approve" and bool(submits) and submits[-1] == actor.username and not actor.is_system


def versions(session: Session, record_id: int) -> list[ReportVersion]:
    stmt = select(ReportVersion).where(ReportVersion.record_id == record_id).order_by(ReportVersion.version.desc())
    return list(session.scalars(stmt))


def narrative(rec: ReportRecord) -> dict[str, str]:
    return {k: getattr(rec, k) for k in NARRATIVE_KEYS}


def edit(session: Session, actor: Actor, record_id: int, texts: dict[str, str]) -> ReportRecord:
    """New narrative texts, while the report is being written; refused once submitted."""
    rec, _unit, item = get(session, actor, record_id)
    if item.state != DRAFT:
        raise Conflict(f"the report is {REPORT_FLOW.state_label(item.state, 'en')}: re-open or return it to edit it")
    require(session, actor, AUTHOR, rec.unit_id)
    problems = [Problem(f"at most {MAX_TEXT:,} characters", field=k) for k, v in texts.items() if len(v) > MAX_TEXT]
    problems += [Problem("not a narrative block", field=k[:40]) for k in texts if k not in NARRATIVE_KEYS]
    if problems:
        raise ValidationFailed(problems, "narrative")
    before = narrative(rec)
    for key, text in texts.items():
        setattr(rec, key, text.strip())
    rec.updated_at = utcnow()
    audit(session, actor.username, "report.edit", "report_record", str(rec.id), before, narrative(rec))
    session.flush()
    return rec


def act(session: Session, actor: Actor, record_id: int, verb: str, reason: str = "") -> ReportRecord:
    """Take a verb; approving freezes the narrative and the figures as a new version."""
    rec, unit, item = get(session, actor, record_id)
    if _own(verb, flow_repository.history(session, item.id), actor):
        raise Forbidden("the author of a report does not approve it: another reviewer does")
    workflow.apply(session, REPORT_FLOW, item, verb, actor, reason)
    if item.state == APPROVED:
        _freeze(session, actor, rec, unit)
    return rec


def _freeze(session: Session, actor: Actor, rec: ReportRecord, unit: Unit) -> ReportVersion:
    texts = narrative(rec)
    figures = _figures(session, actor, rec, unit, texts)
    number = (session.scalar(select(func.max(ReportVersion.version)).where(ReportVersion.record_id == rec.id)) or 0) + 1
    version = ReportVersion(
        record_id=rec.id, version=number, narrative=texts, figures=figures,
        figures_sha256=drawn.sha256_of(figures), approved_by=actor.username, approved_at=utcnow(),
    )  # fmt: skip
    session.add(version)
    session.flush()
    return version


def _figures(session: Session, actor: Actor, rec: ReportRecord, unit: Unit, texts: dict[str, str]) -> dict[str, Any]:
    if rec.kind == "bulletin":
        return drawn.bulletin_figures(drawn.bulletin(session, actor, unit.code, rec.period, rec.span))
    written = {k: v for k, v in texts.items() if v}
    frozen: dict[str, Any] = {}
    for lang in ("zh", "en"):  # both languages, so a file in either uses the approved figures
        report = drawn.drawn_report(session, actor, rec.kind, unit.code, rec.period, rec.span, lang)
        report = report.with_narrative(written) if written else report
        frozen[lang] = json.loads(report.to_json())
    return {"kind": rec.kind, "reports": frozen}


def for_generation(
    session: Session, unit_id: int, kind: str, period: str, span: str
) -> tuple[dict[str, str], ReportVersion | None]:
    """The narrative a generated file uses: the approved version's, frozen, while the report is
    approved; else the texts written so far. The version too when it is approved."""
    stmt = (
        select(ReportRecord, WorkflowItem)
        .join(WorkflowItem, WorkflowItem.id == ReportRecord.workflow_item_id)
        .where(
            ReportRecord.unit_id == unit_id,
            ReportRecord.kind == kind,
            ReportRecord.period == period,
            ReportRecord.span == span,
        )
    )
    row = session.execute(stmt).tuples().first()
    if row is None:
        return {}, None
    rec, item = row
    if item.state == APPROVED:
        latest = versions(session, rec.id)
        if latest:
            return {k: v for k, v in latest[0].narrative.items() if v}, latest[0]
    return {k: v for k, v in narrative(rec).items() if v}, None


def listed(session: Session, actor: Actor, limit: int = 100) -> list[tuple[ReportRecord, Unit, WorkflowItem]]:
    """The report records of units the actor sees, latest period first."""
    stmt = (
        select(ReportRecord, Unit, WorkflowItem)
        .join(Unit, Unit.id == ReportRecord.unit_id)
        .join(WorkflowItem, WorkflowItem.id == ReportRecord.workflow_item_id)
        .order_by(ReportRecord.period.desc(), Unit.code, ReportRecord.id)
    )
    return list(session.execute(restrict(stmt, actor, ReportRecord.unit_id, READ).limit(limit)).tuples())
