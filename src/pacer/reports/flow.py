"""A report's approval: its author writes the narrative blocks and submits them, a reviewer
approves (the version is frozen with the figures it was drawn from) or returns them with a
reason; an approved report is re-opened only with a reason. Authoring is its own permission
(HQ's analysts write the group's report); whoever submitted a version does not approve it."""

from __future__ import annotations

from pacer.auth.permissions import APPROVE, AUTHOR
from pacer.workflow.registry import register
from pacer.workflow.transitions import Transition, Workflow

DRAFT, REVIEW, APPROVED = "draft", "review", "approved"

REPORT_FLOW = register(
    Workflow(
        name="report",
        states=(DRAFT, REVIEW, APPROVED),
        initial=DRAFT,
        # none: an approved report can be re-opened (a side verb nobody is waited for)
        terminal=frozenset(),
        transitions=(
            Transition("submit", frozenset({DRAFT}), REVIEW, AUTHOR, label=("提交审核", "Submit for review")),
            Transition("approve", frozenset({REVIEW}), APPROVED, APPROVE, label=("批准", "Approve")),
            Transition(
                "return", frozenset({REVIEW}), DRAFT, APPROVE, reason_required=True, label=("退回修改", "Return")
            ),
            Transition(
                "reopen",
                frozenset({APPROVED}),
                DRAFT,
                APPROVE,
                reason_required=True,
                label=("重新打开", "Re-open"),
                awaits=False,
            ),
        ),
        label=("报告审批", "Report approval"),
        state_labels={
            DRAFT: ("编写中", "being written"),
            REVIEW: ("待审核", "in review"),
            APPROVED: ("已批准", "approved"),
        },
    )
)
