"""A responsibility statement's signing, on the shared workflow (no I/O).

The issuing side (whoever sets targets at the unit above: HQ for a second-level unit, the
second-level unit for the statements it cascades) drafts the statement and issues it; the unit
(its approver, for its main leader) signs it or returns it with a reason; the issuing side
countersigns it, and it is in force. A change after issue re-opens it to draft, always with a
reason, and the statement is signed again; the earlier versions stay in its history.
"""

from __future__ import annotations

from pacer.auth.permissions import APPROVE, SET_TARGETS
from pacer.workflow.registry import register
from pacer.workflow.transitions import Transition, Workflow

DRAFT, ISSUED, SIGNED, IN_FORCE = "draft", "issued", "signed", "in_force"
EDITABLE = frozenset({DRAFT})
SIGNED_STATES = frozenset({SIGNED, IN_FORCE})

STATEMENT = register(
    Workflow(
        name="statement",
        states=(DRAFT, ISSUED, SIGNED, IN_FORCE),
        initial=DRAFT,
        # in force is not terminal: a change re-opens it (with a reason)
        terminal=frozenset(),
        transitions=(
            Transition("issue", frozenset({DRAFT}), ISSUED, SET_TARGETS, "above", label=("下达", "Issue")),
            Transition("sign", frozenset({ISSUED}), SIGNED, APPROVE, label=("签订", "Sign")),
            Transition("return", frozenset({ISSUED}), DRAFT, APPROVE, "unit", True, label=("退回修改", "Return")),
            Transition(
                "countersign", frozenset({SIGNED}), IN_FORCE, SET_TARGETS, "above", label=("会签生效", "Countersign")
            ),
            Transition(
                "reopen",
                frozenset({ISSUED, SIGNED, IN_FORCE}),
                DRAFT,
                SET_TARGETS,
                "above",
                True,
                label=("变更", "Re-open for a change"),
                awaits=False,
            ),
        ),
        label=("责任书签订", "Responsibility statement"),
        state_labels={
            DRAFT: ("起草中", "draft"),
            ISSUED: ("已下达待签", "issued, to sign"),
            SIGNED: ("单位已签", "signed by the unit"),
            IN_FORCE: ("已生效", "in force"),
        },
    )
)
