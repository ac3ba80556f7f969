"""Asking for a report: checked, then queued as a background job of the unit it is about (with
the group's Word template, when one is given, kept with the job). Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import READ, Actor, restrict
from pacer.errors import NotFound, Problem, ValidationFailed
from pacer.files import service as files
from pacer.jobs.service import Asked, enqueue
from pacer.models import Job, Unit
from pacer.org.repository import tree_on
from pacer.reports import drawn, record
from pacer.reports.ask import ask


@dataclass(frozen=True)
class Placed:
    """A unit as the form lists it: in tree order, indented by its depth below the top shown."""

    unit: Unit
    depth: int


def units_in_sight(session: Session, actor: Actor, today: date) -> list[Placed]:
    """The units the actor sees, each subtree below its parent, by code among siblings."""
    seen = {u.id: u for u in session.scalars(restrict(select(Unit), actor, Unit.id, READ))}
    tree = tree_on(session, today)
    children: dict[int | None, list[int]] = {}
    for unit_id, parent in tree.items():
        if unit_id in seen:
            children.setdefault(parent if parent in seen else None, []).append(unit_id)
    out: list[Placed] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit_id in sorted(children.get(parent, []), key=lambda i: seen[i].code):
            out.append(Placed(seen[unit_id], depth))
            walk(unit_id, depth + 1)

    walk(None, 0)
    return out


def node(session: Session, actor: Actor, code: str | None, today: date) -> Unit:
    """The unit asked for among those in sight (default: the first of the highest)."""
    if code:
        found = session.scalar(restrict(select(Unit).where(Unit.code == code), actor, Unit.id, READ))
        if found is None:
            raise NotFound(f"no unit '{code}' among those you may see")
        return found
    placed = units_in_sight(session, actor, today)
    if not placed:
        raise NotFound("none of the units you may see is in the tree")
    return placed[0].unit


def start(
    session: Session,
    actor: Actor,
    fields: dict[str, str],
    template: tuple[str, bytes] | None,
    today: date,
) -> Job:
    """Queue the report ``fields`` ask for (kind, unit, period, span, format, lang)."""
    asked = ask(
        fields.get("kind", ""),
        fields.get("unit", "") or None,
        fields.get("period", ""),
        fields.get("span", ""),
        fields.get("format", ""),
        fields.get("lang", ""),
        drawn.kinds_available(),
        today,
    )
    if template is not None and asked.fmt != "docx":
        raise ValidationFailed(
            [
                Problem(
                    "a Word template is used for Word (.docx) output only; for HTML, PDF or Excel leave it out",
                    field="template",
                    zh="集团 Word 模板只用于 Word（.docx）格式；生成网页、PDF 或 Excel 时请不要上传模板",
                )
            ]
        )
    if template is not None and not template[0].lower().endswith(".docx"):
        name = template[0][:80]
        raise ValidationFailed(
            [
                Problem(
                    f"'{name}' is not a Word template (.docx)", field="template", zh=f"“{name}”不是 Word 模板（.docx）"
                )
            ]
        )
    unit = node(session, actor, asked.unit_code, today)
    parameters = asked.parameters() | {"unit_code": unit.code}
    span = asked.span
    title = record.title(unit, "economic" if asked.kind == "meeting_pack" else asked.kind, asked.period, span)
    if asked.kind == "meeting_pack":
        title = (
            title[0].replace("经济运行分析报告", "会议材料"),
            title[1].replace("economic operation report", "meeting pack"),
        )
    job = enqueue(session, actor, Asked(asked.kind, parameters, unit.id, asked.period, title))
    if template is not None:
        stored = files.save(
            session, actor, owner=f"job:{job.id}:template", unit_id=unit.id, action=READ,
            filename=template[0], content=template[1], field="template",
        )  # fmt: skip
        job.parameters = {**parameters, "template_file_id": stored.id}
        session.flush()
    return job
