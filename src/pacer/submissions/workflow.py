"""The monthly submission's workflow: a unit's reporter submits its figures, its approver approves
them, HQ accepts them (they become the figures of record); a reviewer returns them with a reason.

HQ reopens an accepted month with a reason (a unit asks HQ; HQ's reopening is the approval): it
goes back to the reporter as returned, the accepted figures stay in ``fact`` until the new ones
are accepted, and each changed figure keeps its old value in the audit trail.

Acceptance is checked on the submission's own unit: the ``accept`` action is held by HQ's roles,
granted at the group or a unit above, so the group's own month is accepted the same way.
"""

from __future__ import annotations

from pacer.auth.permissions import ACCEPT, APPROVE, REPORT
from pacer.workflow.registry import register
from pacer.workflow.transitions import Transition, Workflow

DRAFT, SUBMITTED, APPROVED, ACCEPTED, RETURNED = "draft", "submitted", "approved", "accepted", "returned"
EDITABLE = frozenset({DRAFT, RETURNED})
# the verbs named "return" by the terminal and the API: the unit's approver's and HQ's
RETURNS = ("return", "hq_return")

SUBMISSION = register(
    Workflow(
        name="submission",
        states=(DRAFT, SUBMITTED, APPROVED, ACCEPTED, RETURNED),
        initial=DRAFT,
        # accepted is not terminal (HQ may reopen it): its due date is cleared on acceptance
        terminal=frozenset(),
        transitions=(
            Transition("submit", EDITABLE, SUBMITTED, REPORT, label=("提交", "Submit")),
            Transition("approve", frozenset({SUBMITTED}), APPROVED, APPROVE, label=("审核通过", "Approve")),
            Transition("accept", frozenset({APPROVED}), ACCEPTED, ACCEPT, label=("接受", "Accept")),
            Transition("return", frozenset({SUBMITTED}), RETURNED, APPROVE, "unit", True, label=("退回", "Return")),
            Transition(
                "hq_return",
                frozenset({SUBMITTED, APPROVED}),
                RETURNED,
                ACCEPT,
                "unit",
                True,
                label=("总部退回", "Return (HQ)"),
            ),
            Transition("reopen", frozenset({ACCEPTED}), RETURNED, ACCEPT, "unit", True, label=("重新打开", "Reopen")),
        ),
        label=("月度报送", "Monthly submission"),
        state_labels={
            DRAFT: ("草稿", "draft"),
            SUBMITTED: ("已提交", "submitted"),
            APPROVED: ("已审核", "approved"),
            ACCEPTED: ("已接受", "accepted"),
            RETURNED: ("已退回", "returned"),
        },
    )
)
