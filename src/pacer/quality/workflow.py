"""A quality problem's zeroing and a sister check's workflow, and who may take which verb (no I/O
but the reminders' recipients).

The owner writes the evidence of the ten criteria and submits the problem for review; a reviewer
(anyone who manages quality at the problem's unit or above it, never the owner) signs each
criterion off, returns the problem with reasons or closes it (归零) once every criterion is
signed and every sister check confirmed. A sister check is answered by the unit checked and
confirmed by a unit above it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from pacer.auth.permissions import QUALITY
from pacer.models.quality import QualityProblem
from pacer.workflow.registry import register
from pacer.workflow.transitions import Transition, Workflow

OPEN, REVIEW, RETURNED, CLOSED, CANCELLED = "open", "review", "returned", "closed", "cancelled"
WORKING = frozenset({OPEN, RETURNED})  # where the owner writes evidence
DONE = frozenset({CLOSED, CANCELLED})
OWNER_VERBS = frozenset({"submit"})

CHECK_OPEN, CHECK_ANSWERED, CHECK_CONFIRMED = "open", "answered", "confirmed"


def reminded(session: Any, item: Any) -> set[int]:
    """While the problem is worked on, its reminders go to its owner; under review, to the
    reviewers (whoever may close it, the owner aside)."""
    from pacer.workflow.repository import user_ids
    from pacer.workflow.service import next_actors

    problem = session.scalar(select(QualityProblem).where(QualityProblem.workflow_item_id == item.id))
    if problem is None:
        return set()
    owner = user_ids(session, [problem.owner])
    if item.state in WORKING:
        return owner
    return next_actors(session, PROBLEM, item) - owner


PROBLEM = register(
    Workflow(
        name="quality_problem",
        states=(OPEN, REVIEW, RETURNED, CLOSED, CANCELLED),
        initial=OPEN,
        terminal=DONE,
        transitions=(
            Transition("submit", WORKING, REVIEW, QUALITY, label=("提交审查", "Submit for review")),
            Transition("close", frozenset({REVIEW}), CLOSED, QUALITY, label=("归零销号", "Close as zeroed")),
            Transition("return", frozenset({REVIEW}), RETURNED, QUALITY, "unit", True, label=("退回", "Return")),
            Transition(
                "cancel",
                frozenset({OPEN, REVIEW, RETURNED}),
                CANCELLED,
                QUALITY,
                "unit",
                True,
                label=("撤销", "Cancel"),
                awaits=False,
            ),
        ),
        label=("质量问题归零", "Quality problem zeroing"),
        reminded=reminded,
        state_labels={
            OPEN: ("归零中", "being zeroed"),
            REVIEW: ("审查中", "under review"),
            RETURNED: ("已退回", "returned"),
            CLOSED: ("已归零", "zeroed"),
            CANCELLED: ("已撤销", "cancelled"),
        },
    )
)

CHECK = register(
    Workflow(
        name="quality_check",
        states=(CHECK_OPEN, CHECK_ANSWERED, CHECK_CONFIRMED),
        initial=CHECK_OPEN,
        terminal=frozenset({CHECK_CONFIRMED}),
        transitions=(
            Transition("answer", frozenset({CHECK_OPEN}), CHECK_ANSWERED, QUALITY, label=("反馈结果", "Answer")),
            Transition(
                "confirm", frozenset({CHECK_ANSWERED}), CHECK_CONFIRMED, QUALITY, "above", label=("确认", "Confirm")
            ),
            Transition(
                "reopen", frozenset({CHECK_ANSWERED}), CHECK_OPEN, QUALITY, "above", True, label=("退回重查", "Reopen")
            ),
        ),
        label=("举一反三检查", "Sister-unit check"),
        state_labels={
            CHECK_OPEN: ("待检查", "to check"),
            CHECK_ANSWERED: ("已反馈", "answered"),
            CHECK_CONFIRMED: ("已确认", "confirmed"),
        },
    )
)


def role_allows(verb: str, username: str, owner: str) -> bool:
    """The owner's verbs are the owner's alone; the reviewers' never the owner's."""
    return username == owner if verb in OWNER_VERBS else username != owner
