"""The demo's meetings and supervised tasks: stored as the file says, each task walked through the
task workflow to its state at the dates it would have happened."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml
from sqlalchemy import create_engine, func, select

from pacer.demo.followup import ISSUER, MEETINGS
from pacer.models import WorkflowEvent, WorkflowItem
from pacer.models.followup import Meeting, Requirement, Task

FILE = yaml.safe_load(MEETINGS.read_text(encoding="utf-8"))


@pytest.fixture
def demo(demo_groups, tmp_path, monkeypatch):
    template, _ = demo_groups.cli("--years", "2", "--as-of", "2026-10")
    for url in demo_groups.copy(template, tmp_path, monkeypatch):
        engine = create_engine(url)
        with engine.connect() as conn:
            yield conn
        engine.dispose()


def test_every_meeting_is_stored_with_its_requirements_numbered_per_speaker_and_tasks_in_their_states(demo):
    titles = demo.scalars(select(Meeting.title).order_by(Meeting.held_on)).all()
    assert titles == [m["title"] for m in FILE["meetings"]]
    rows = demo.execute(select(Requirement.meeting_id, Requirement.issuer, Requirement.number)).all()
    by_speaker: dict[tuple[int, str], list[int]] = {}
    for meeting_id, issuer, number in rows:
        by_speaker.setdefault((meeting_id, issuer), []).append(number)
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in by_speaker.values())
    assert len(rows) == sum(len(m["requirements"]) for m in FILE["meetings"])
    # each task reaches the state the file gives it
    wanted = {t["title"]: t["state"] for m in FILE["meetings"] for r in m["requirements"] for t in r["tasks"]}
    got = dict(demo.execute(select(Task.title, WorkflowItem.state).join(WorkflowItem)).all())
    assert got == wanted
    assert {"assigned", "accepted", "in_progress", "completion_reported", "verified", "returned", "cancelled"} <= set(
        got.values()
    )


def test_tasks_are_verified_by_the_supervisor_never_their_owner_at_the_dates_they_happened(demo):
    verifiers = demo.execute(
        select(WorkflowEvent.actor, Task.owner)
        .join(WorkflowItem, WorkflowItem.id == WorkflowEvent.item_id)
        .join(Task, Task.workflow_item_id == WorkflowItem.id)
        .where(WorkflowEvent.verb == "verify")
    ).all()
    assert verifiers
    assert all(actor == ISSUER and actor != owner for actor, owner in verifiers)
    closed_2020 = demo.scalar(
        select(func.max(WorkflowEvent.at))
        .join(WorkflowItem, WorkflowItem.id == WorkflowEvent.item_id)
        .join(Task, Task.workflow_item_id == WorkflowItem.id)
        .where(Task.original_deadline <= date(2020, 12, 31))
    )
    assert closed_2020 is not None
    assert closed_2020.replace(tzinfo=UTC) < datetime(2021, 1, 31, tzinfo=UTC)
    late = demo.execute(select(Task.title).where(Task.closed_on > Task.original_deadline)).scalars().all()
    extended = demo.execute(select(Task.title).where(Task.deadline > Task.original_deadline)).scalars().all()
    assert "数字化车间试点" in late
    assert "存货清理与周转提升" in extended
