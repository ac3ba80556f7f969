"""The demo's responsibility statements: a business-performance template for each kind of
second-level unit, the statements of the last full year and of the current one drafted from it
by HQ for every second-level unit (the group's own headquarters is not assessed), issued, signed
by the unit's main leader and countersigned by HQ early in their year, and the last year assessed
at year end (with one safety incident recorded, so that a veto shows) and the current one at
mid-year.

Revenue and profit are scored as real statements score them: nothing at or below a threshold
set 15 % under the unit's ensure target, the full weight at the strive target, up to 1.2 times
it beyond; the debt ratio against HQ's line; follow-up tasks closed; a deduction for critical
quality problems and a safety veto."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import build
from pacer.assessment import assess, cascade, repository, service
from pacer.assessment.plan import Content
from pacer.assessment.rules import BP
from pacer.auth.permissions import SYSTEM, Actor, load_actor
from pacer.demo.records import DemoGroup
from pacer.errors import ValidationFailed
from pacer.models import Statement, StatementEvent, StatementVersion, Unit, WorkflowEvent
from pacer.org.repository import roots_on

DOMAIN = "business"
HEADQUARTERS = "headquarters"  # the kind of a unit's own headquarters (本部): it issues, it is not assessed
ITEMS = [
    {"code": "revenue", "kind": "quantitative", "name_zh": "营业收入", "name_en": "Operating revenue",
     "indicator": "revenue", "weight": 3500, "rule": "linear", "cap": 12_000},
    {"code": "profit", "kind": "quantitative", "name_zh": "利润总额", "name_en": "Total profit",
     "indicator": "total_profit", "weight": 3500, "rule": "linear", "cap": 12_000},
    {"code": "debt", "kind": "quantitative", "name_zh": "资产负债率", "name_en": "Debt-to-asset ratio",
     "indicator": "debt_to_asset_ratio", "weight": 1000, "rule": "linear", "threshold": 7000, "target": 6500},
    {"code": "tasks", "kind": "qualitative", "name_zh": "督办事项按期完成", "name_en": "Tasks completed",
     "measure": "task_completion", "weight": 2000, "rule": "linear", "threshold": 6000, "target": 10000},
    {"code": "accident", "kind": "deduction", "name_zh": "重大质量问题", "name_en": "Critical quality problems",
     "measure": "critical_problems", "per_event": 300, "limit": 1000},
    {"code": "safety", "kind": "veto", "name_zh": "较大及以上安全生产事故", "name_en": "Major safety incident",
     "measure": "events", "grade": "C"},
]  # fmt: skip


THRESHOLD_BELOW_ENSURE = 1_500  # basis points of the ensure target: the threshold lies 15 % under it
VETOED_UNIT = "G06"  # the company whose workshop fire the last year's veto records
# when each step of a year's statement was taken: (month, day) of that January
SIGNING_DAYS = {"create": (1, 8), "issue": (1, 10), "sign": (1, 16), "countersign": (1, 20)}


def _actor(session: Session, group: DemoGroup, role: str, unit_code: str) -> Actor | None:
    user = next((u for u in group.users if u.role == role and u.unit_code == unit_code), None)
    return load_actor(session, user.username) if user else None


def _content(session: Session, unit: Unit, year: int, template: Content) -> Content:
    """The template with each flow item's threshold set under the unit's ensure target (its
    strive target stays the one of record); an item without targets is left to be refused."""
    codes = [str(i["indicator"]) for i in template.items if i.get("kind") == "quantitative"]
    known = repository.targets(session, unit.id, year, codes)
    items = []
    for item in template.items:
        ensure = known.get(str(item.get("indicator")), {}).get("ensure")
        if item.get("kind") == "quantitative" and item.get("threshold") is None and ensure is not None:
            item = dict(item) | {"threshold": ensure - abs(ensure) * THRESHOLD_BELOW_ENSURE // BP}
        items.append(item)
    return Content(tuple(items), template.grades)


def _dated(session: Session, statement: Statement, year: int) -> None:
    """The statement's history as signed early in its year, not on the day the demo is built."""
    for event in session.scalars(select(WorkflowEvent).where(WorkflowEvent.item_id == statement.workflow_item_id)):
        month, day = SIGNING_DAYS.get(event.verb, (1, 8))
        event.at = datetime(year, month, day, 9, 30, tzinfo=UTC)
    for version in session.scalars(select(StatementVersion).where(StatementVersion.statement_id == statement.id)):
        version.changed_at = datetime(year, *SIGNING_DAYS["create"], 9, 0, tzinfo=UTC)


def load_statements(session: Session, group: DemoGroup) -> int:
    """Store the statements; returns how many. Units without targets of record get none; a
    unit without a main leader's account has its statement issued and awaiting signature."""
    roots = roots_on(session, date.today())
    if not roots:
        return 0
    root = roots[0]
    hq = _actor(session, group, "hq_analyst", root.code) or SYSTEM
    units = [u for u in repository.children(session, root.id, date.today()) if u.kind != HEADQUARTERS]
    for kind in sorted({u.kind for u in units}):
        names = ("经营业绩责任书", "Business performance statement")
        cascade.save_template(session, hq, DOMAIN, kind, names, Content.of({"items": ITEMS}))
    year, month = group.as_of
    made = []
    for y in (year - 1, year):
        for unit in units:
            template = repository.template(session, DOMAIN, unit.kind)
            assert template is not None
            try:
                with session.begin_nested():
                    content = _content(session, unit, y, Content.of(template.content))
                    statement = service.draft(session, hq, unit.code, y, DOMAIN, content, template_id=template.id)
            except ValidationFailed:
                continue  # no targets of record that year (a unit created or dissolved meanwhile)
            service.act(session, hq, statement.id, "issue")
            leader = _actor(session, group, "unit_approver", unit.code)
            if leader is not None:
                service.act(session, leader, statement.id, "sign")
                service.act(session, hq, statement.id, "countersign")
            _dated(session, statement, y)
            made.append((statement, unit))
    last = [(s, u) for s, u in made if s.year == year - 1]
    vetoed = next((s for s, u in last if u.code == VETOED_UNIT), last[0][0] if last else None)
    if vetoed is not None:  # one unit's safety incident: its veto caps the grade
        session.add(StatementEvent(statement_id=vetoed.id, code="safety", occurred_on=date(year - 1, 8, 14),
                                   note="车间火灾，造成一人重伤", recorded_by=hq.username))  # fmt: skip
    session.flush()
    analysis = build(session.connection())
    assess.record_results(session, hq, analysis, year - 1, DOMAIN, "yearend")
    if month >= 6:
        assess.record_results(session, hq, analysis, year, DOMAIN, "midyear")
    return len(made)
