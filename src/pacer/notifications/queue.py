"""The viewer's queue, shown beside their inbox: every workflow's items awaiting them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.models import Unit, WorkflowItem
from pacer.workflow import registry, repository


@dataclass(frozen=True)
class Waiting:
    item: WorkflowItem
    unit_code: str
    state_label: tuple[str, str]

    def state(self, lang: str) -> str:
        return self.state_label[0] if lang == "zh" else self.state_label[1]


def waiting_for(session: Session, actor: Actor, limit: int, offset: int) -> tuple[int, list[Waiting]]:
    workflows = registry.all_workflows()
    total, items = repository.queue(session, actor, workflows, limit, offset)
    codes = dict(
        session.execute(select(Unit.id, Unit.code).where(Unit.id.in_({i.unit_id for i in items}))).tuples().all()
    )
    by_name = {w.name: w for w in workflows}
    out = []
    for item in items:
        flow = by_name[item.workflow]
        label = (flow.state_label(item.state, "zh"), flow.state_label(item.state, "en"))
        out.append(Waiting(item, codes.get(item.unit_id, ""), label))
    return total, out
