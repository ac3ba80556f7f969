"""Every table, on one metadata (Alembic autogenerates against ``Base.metadata``)."""

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
    Target,
)
from pacer.models.indicators import Indicator, IndicatorSet, IndicatorSetMember, IndicatorVersion
from pacer.models.org import LEADER_ROLES, UNIT_KINDS, Person, Unit, UnitLeader, UnitParentage

__all__ = [
    "LEADER_ROLES",
    "ROLES",
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
    "IndicatorSet",
    "IndicatorSetMember",
    "IndicatorVersion",
    "LoginAttempt",
    "PeriodLock",
    "Person",
    "RoleGrant",
    "Submission",
    "Target",
    "Unit",
    "UnitLeader",
    "UnitParentage",
    "User",
    "WebSession",
]
