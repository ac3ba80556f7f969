"""A supervised task's workflow (督办事项) and who may take which verb (no I/O).

The owner accepts the task (confirming its plan), starts work, reports progress and completion,
and may ask for more time before the deadline. The issuer or the supervising department (the
``supervise`` action on the task's unit) verifies and signs it off (销号) or returns it with
reasons, decides extension requests, and cancels, merges or carries a task over to next year.
The owner never takes a verb of the supervising side on their own task, whatever rights they
hold: nobody signs off their own work.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from pacer.auth.permissions import REPORT, SUPERVISE
from pacer.models.followup import Task, TaskCoUnit
from pacer.workflow.registry import register
from pacer.workflow.transitions import Transition, Workflow

ASSIGNED, ACCEPTED, IN_PROGRESS, COMPLETION_REPORTED = "assigned", "accepted", "in_progress", "completion_reported"
VERIFIED, RETURNED, EXTENSION_REQUESTED = "verified", "returned", "extension_requested"
CANCELLED, MERGED, CARRIED_OVER = "cancelled", "merged", "carried_over"
OPEN = frozenset({ASSIGNED, ACCEPTED, IN_PROGRESS, COMPLETION_REPORTED, RETURNED, EXTENSION_REQUESTED})
CLOSED = frozenset({VERIFIED, CANCELLED, MERGED, CARRIED_OVER})
WORKING = frozenset({ACCEPTED, IN_PROGRESS, RETURNED})  # where the owner reports progress
# verbs only the owner takes; every other verb is the supervising side's, never the owner's
OWNER_VERBS = frozenset({"accept", "start", "report_completion", "request_extension"})
# verbs that take more than a reason: a new deadline, or the task merged into
NEEDS_DATE = frozenset({"request_extension", "carry_over"})
NEEDS_TASK = frozenset({"merge"})


def reminded(session: Any, item: Any) -> set[int]:
    """A task's reminders and overdue notice go to its owner and to the co-units' contacts (who
    report for a co-unit by a grant on it), not to everyone with rights above them."""
    from pacer.workflow.repository import holders, user_ids

    task = session.scalar(select(Task).where(Task.workflow_item_id == item.id))
    if task is None:
        return set()
    co_units = session.scalars(select(TaskCoUnit.unit_id).where(TaskCoUnit.task_id == task.id))
    contacts: set[int] = set()
    for unit_id in co_units:
        contacts |= holders(session, [REPORT], [unit_id])
    return user_ids(session, [task.owner]) | contacts


TASK = register(
    Workflow(
        name="task",
        states=(
            ASSIGNED,
            ACCEPTED,
            IN_PROGRESS,
            COMPLETION_REPORTED,
            VERIFIED,
            RETURNED,
            EXTENSION_REQUESTED,
            CANCELLED,
            MERGED,
            CARRIED_OVER,
        ),
        initial=ASSIGNED,
        terminal=CLOSED,
        transitions=(
            Transition("accept", frozenset({ASSIGNED}), ACCEPTED, REPORT, label=("确认接收", "Accept")),
            Transition("start", frozenset({ACCEPTED, RETURNED}), IN_PROGRESS, REPORT, label=("开始办理", "Start")),
            Transition(
                "report_completion",
                frozenset({IN_PROGRESS, RETURNED}),
                COMPLETION_REPORTED,
                REPORT,
                label=("报告办结", "Report completion"),
            ),
            Transition("verify", frozenset({COMPLETION_REPORTED}), VERIFIED, SUPERVISE, label=("验收销号", "Verify")),
            Transition(
                "return", frozenset({COMPLETION_REPORTED}), RETURNED, SUPERVISE, "unit", True, label=("退回", "Return")
            ),
            Transition(
                "request_extension",
                WORKING,
                EXTENSION_REQUESTED,
                REPORT,
                "unit",
                True,
                label=("申请延期", "Request extension"),
            ),
            Transition(
                "approve_extension",
                frozenset({EXTENSION_REQUESTED}),
                IN_PROGRESS,
                SUPERVISE,
                label=("同意延期", "Approve extension"),
            ),
            Transition(
                "refuse_extension",
                frozenset({EXTENSION_REQUESTED}),
                IN_PROGRESS,
                SUPERVISE,
                "unit",
                True,
                label=("不同意延期", "Refuse extension"),
            ),
            Transition("cancel", OPEN, CANCELLED, SUPERVISE, "unit", True, label=("撤销", "Cancel"), awaits=False),
            Transition("merge", OPEN, MERGED, SUPERVISE, "unit", True, label=("合并", "Merge"), awaits=False),
            Transition(
                "carry_over",
                OPEN,
                CARRIED_OVER,
                SUPERVISE,
                "unit",
                True,
                label=("结转下年", "Carry over"),
                awaits=False,
            ),
        ),
        label=("督办事项", "Supervised task"),
        reminded=reminded,
        state_labels={
            ASSIGNED: ("已交办", "assigned"),
            ACCEPTED: ("已接收", "accepted"),
            IN_PROGRESS: ("办理中", "in progress"),
            COMPLETION_REPORTED: ("已报办结", "completion reported"),
            VERIFIED: ("已销号", "verified"),
            RETURNED: ("已退回", "returned"),
            EXTENSION_REQUESTED: ("延期申请中", "extension requested"),
            CANCELLED: ("已撤销", "cancelled"),
            MERGED: ("已合并", "merged"),
            CARRIED_OVER: ("已结转", "carried over"),
        },
    )
)


def role_allows(verb: str, username: str, owner: str) -> bool:
    """Whether the verb is one this person may take on a task owned by ``owner``, before any
    grant is looked at: the owner's verbs are the owner's alone, the others never the owner's."""
    return username == owner if verb in OWNER_VERBS else username != owner
