"""The new-task form: what it is filled in with (a parent task, an off-track indicator of the
cockpit, a requirement), what it posts, and refusals as lines to show on it."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.errors import DomainError, ValidationFailed
from pacer.models import Unit
from pacer.tasks import repository
from pacer.tasks.validation import TEXT_LIMIT, TITLE_LIMIT, TaskPlan, parse_milestones
from pacer.web.i18n import translate
from pacer.web.params import MAX_ID


class PlanForm(BaseModel):
    unit_code: str = Field(max_length=32)
    title: str = Field(max_length=TITLE_LIMIT + 100)
    owner: str = Field(max_length=64)
    deadline: date
    assigned_on: date | None = None
    description: str = Field(default="", max_length=TEXT_LIMIT + 1)
    deliverables: str = Field(default="", max_length=TEXT_LIMIT + 1)
    co_units: str = Field(default="", max_length=2000)
    milestones: str = Field(default="", max_length=20_000)
    kind: str = Field(default="requirement", max_length=16)
    requirement_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    indicator_code: str = Field(default="", max_length=64)
    indicator_goal: str = Field(default="", max_length=200)
    source: str = Field(default="", max_length=200)
    department_code: str = Field(default="", max_length=32)

    def plan(self, lang: str) -> TaskPlan:
        """The plan; milestone lines that cannot be read are refused first, each named."""
        milestones, problems = parse_milestones(self.milestones, lang)
        if problems:
            raise ValidationFailed(problems, "task")
        return TaskPlan(
            unit_code=self.unit_code.strip(),
            title=self.title,
            owner=self.owner.strip(),
            deadline=self.deadline,
            assigned_on=self.assigned_on,
            description=self.description,
            deliverables=self.deliverables,
            co_unit_codes=tuple(c.strip() for c in self.co_units.replace("，", ",").split(",") if c.strip()),
            milestones=milestones,
            kind=self.kind,
            requirement_id=self.requirement_id,
            indicator_code=self.indicator_code.strip() or None,
            indicator_goal=self.indicator_goal,
            source=self.source.strip(),
            department_code=self.department_code.strip() or None,
        )


def problems_of(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [p.message for p in exc.problems] + ([f"… +{exc.more}"] if exc.more else [])
    return [exc.message]


def new_form_values(
    session: Session,
    actor: Actor,
    lang: str,
    kind: str | None,
    unit_code: str | None,
    indicator: str | None,
    period: str | None,
    parent_id: int | None,
    requirement_id: int | None,
) -> dict[str, Any]:
    """The fields filled in: from a parent task (a sub-task), or from an off-track indicator of
    the cockpit (a gap-closing task for its unit)."""
    values: dict[str, Any] = {"kind": kind or "requirement", "unit_code": unit_code or ""}
    values["requirement_id"] = requirement_id
    if parent_id is not None:
        parent, lead, _ = repository.task(session, actor, parent_id)
        values |= {"parent_id": parent.id, "title": parent.title, "deadline": parent.deadline}
        values |= {"kind": parent.kind, "requirement_id": parent.requirement_id, "parent_unit": lead.code}
    found = repository.indicator_by_code(session, indicator) if indicator else None
    if found is not None:
        name = repository.indicator_name(session, found.id, lang)
        values |= {
            "indicator_code": found.code,
            "kind": "gap",
            "title": translate(lang, "tasks.gap_title", indicator=name),
        }
        unit = repository.unit_by_code(session, actor, unit_code) if unit_code else None
        values["gap_note"] = _gap_note(lang, unit, name, period)
        values["source"] = f"cockpit {period}" if period else "cockpit"
    return values


def _gap_note(lang: str, unit: Unit | None, indicator: str, period: str | None) -> str:
    if unit is None:
        return ""
    return translate(lang, "tasks.gap_from", unit=unit.name(lang), indicator=indicator, period=period or "")
