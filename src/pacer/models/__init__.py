"""Every table, on one metadata (Alembic autogenerates against ``Base.metadata``)."""

from pacer.models.assignments import EFFECTS, SELECTORS, IndicatorAssignment
from pacer.models.auth import ROLES, ApiToken, LoginAttempt, RoleGrant, User, WebSession
from pacer.models.base import Base
from pacer.models.figures import (
    SUBMISSION_STATES,
    TARGET_BASES,
    TARGET_TIERS,
    AuditEntry,
    EliminationEntry,
    Fact,
    PeriodLock,
    Submission,
    SubmissionFigure,
    Target,
)
from pacer.models.indicators import (
    ORIGINS,
    Indicator,
    IndicatorCategory,
    IndicatorSet,
    IndicatorSetMember,
    IndicatorVersion,
    MeasureUnit,
)
from pacer.models.notifications import Notification, OutboxMail
from pacer.models.org import LEADER_ROLES, UNIT_KINDS, Person, Unit, UnitLeader, UnitParentage
from pacer.models.target_rounds import TargetProposal, TargetProposalRow
from pacer.models.workflow import WorkflowEvent, WorkflowItem, WorkflowReminder

__all__ = [
    "EFFECTS",
    "LEADER_ROLES",
    "ORIGINS",
    "ROLES",
    "SELECTORS",
    "SUBMISSION_STATES",
    "TARGET_BASES",
    "TARGET_TIERS",
    "UNIT_KINDS",
    "ApiToken",
    "AuditEntry",
    "Base",
    "EliminationEntry",
    "Fact",
    "Indicator",
    "IndicatorAssignment",
    "IndicatorCategory",
    "IndicatorSet",
    "IndicatorSetMember",
    "IndicatorVersion",
    "LoginAttempt",
    "MeasureUnit",
    "Notification",
    "OutboxMail",
    "PeriodLock",
    "Person",
    "RoleGrant",
    "Submission",
    "SubmissionFigure",
    "Target",
    "TargetProposal",
    "TargetProposalRow",
    "Unit",
    "UnitLeader",
    "UnitParentage",
    "User",
    "WebSession",
    "WorkflowEvent",
    "WorkflowItem",
    "WorkflowReminder",
]
