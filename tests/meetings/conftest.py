from __future__ import annotations

import pytest

from pacer.meetings.schemas import AgendaIn, MeetingIn, RequirementIn
from tests.factories import create_user
from tests.webclient import app, client, signed_in  # noqa: F401  (fixtures)


def record(**changes: object) -> MeetingIn:
    """A meeting record as a supervisor would type it."""
    values: dict[str, object] = {
        "kind": "economic_analysis",
        "title": "2026年上半年经济运行分析会",
        "held_on": "2026-07-16",
        "place": "北京",
        "mode": "both",
        "chair": "刘主任",
        "attendees": ["袁总", "刘副总"],
        "attendee_units": ["A", "B"],
        "reporting_units": ["A1"],
        "agenda": [
            AgendaIn(speaker="袁总", title="讲话"),
            AgendaIn(kind="report", speaker="财务部", title="经济运行报告"),
        ],
        "requirements": [
            RequirementIn(issuer="袁总", text="稳增长，确保全年目标", tags=["performance"]),
            RequirementIn(issuer="袁总", text="压两金", tags=["risk"]),
            RequirementIn(issuer="刘副总", text="抓创新", tags=["innovation"]),
        ],
    }
    return MeetingIn.model_validate(values | changes)


@pytest.fixture
def supervisors(session, org):
    """Sue supervises academy A; grace administers the group."""
    create_user(session, "sue", [("supervisor", org.A)])
    return org
