"""The demo's responsibility statements: a business-performance template for each kind of
second-level unit, the statements of the last full year and of the current one drafted from it
(revenue and profit against each unit's targets of record, the debt ratio against HQ's line,
follow-up tasks closed, a deduction for critical quality problems and a safety veto), issued,
signed by the units' approvers and countersigned by HQ, and the last year assessed at year end
(with one safety incident recorded, so that a veto shows) and the current one at mid-year."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from pacer.analysis import build
from pacer.assessment import assess, cascade, repository, service
from pacer.assessment.plan import Content
from pacer.auth.permissions import SYSTEM, Actor, load_actor
from pacer.demo.records import DemoGroup
from pacer.errors import ValidationFailed
from pacer.models import StatementEvent
from pacer.org.repository import roots_on

DOMAIN = "business"
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


def _actor(session: Session, group: DemoGroup, role: str, unit_code: str) -> Actor:
    user = next((u for u in group.users if u.role == role and u.unit_code == unit_code), None)
    return load_actor(session, user.username) if user else SYSTEM


def load_statements(session: Session, group: DemoGroup) -> int:
    """Store the statements; returns how many. Units without targets of record get none."""
    roots = roots_on(session, date.today())
    if not roots:
        return 0
    root = roots[0]
    hq = _actor(session, group, "hq_analyst", root.code)
    kinds = {u.kind for u in repository.children(session, root.id, date.today())}
    for kind in sorted(kinds):
        names = ("经营业绩责任书", "Business performance statement")
        cascade.save_template(session, SYSTEM, DOMAIN, kind, names, Content.of({"items": ITEMS}))
    year, month = group.as_of
    made = []
    for y in (year - 1, year):
        for unit in repository.children(session, root.id, date.today()):
            template = repository.template(session, DOMAIN, unit.kind)
            assert template is not None
            try:
                with session.begin_nested():
                    content = Content.of(template.content)
                    statement = service.draft(session, SYSTEM, unit.code, y, DOMAIN, content, template_id=template.id)
            except ValidationFailed:
                continue  # no targets of record that year (a unit created or dissolved meanwhile)
            service.act(session, hq, statement.id, "issue")
            service.act(session, _actor(session, group, "unit_approver", unit.code), statement.id, "sign")
            service.act(session, hq, statement.id, "countersign")
            made.append(statement)
    last = [s for s in made if s.year == year - 1]
    if len(last) > 2:  # one unit's safety incident: its veto caps the grade
        session.add(StatementEvent(statement_id=last[2].id, code="safety", occurred_on=date(year - 1, 8, 14),
                                   note="车间火灾，造成一人重伤", recorded_by=hq.username))  # fmt: skip
    session.flush()
    analysis = build(session.connection())
    assess.record_results(session, hq, analysis, year - 1, DOMAIN, "yearend")
    if month >= 6:
        assess.record_results(session, hq, analysis, year, DOMAIN, "midyear")
    return len(made)
