"""The bottom-up target round's workflow: a unit's approver proposes targets for its subtree,
a level above (HQ) accepts them as the targets of record or returns them with a reason."""

from __future__ import annotations

from pacer.auth.permissions import APPROVE, SET_TARGETS
from pacer.workflow.registry import register
from pacer.workflow.transitions import Transition, Workflow

DRAFT, SUBMITTED, ACCEPTED, RETURNED = "draft", "submitted", "accepted", "returned"

TARGET_ROUND = register(
    Workflow(
        name="target_round",
        states=(DRAFT, SUBMITTED, ACCEPTED, RETURNED),
        initial=DRAFT,
        terminal=frozenset({ACCEPTED}),
        transitions=(
            Transition("submit", frozenset({DRAFT}), SUBMITTED, APPROVE, label=("提交", "Submit")),
            Transition("accept", frozenset({SUBMITTED}), ACCEPTED, SET_TARGETS, "above", label=("接受", "Accept")),
            Transition(
                "return", frozenset({SUBMITTED}), RETURNED, SET_TARGETS, "above", True, label=("退回", "Return")
            ),
            Transition("revise", frozenset({RETURNED}), DRAFT, APPROVE, label=("重新修改", "Revise")),
        ),
        label=("目标建议", "Target proposal"),
        state_labels={
            DRAFT: ("草稿", "draft"),
            SUBMITTED: ("已提交", "submitted"),
            ACCEPTED: ("已接受", "accepted"),
            RETURNED: ("已退回", "returned"),
        },
    )
)
