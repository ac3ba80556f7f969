"""A task's people: a supervisor at the group, the owner reporting for A1, and one who both
reports for A1 and supervises it."""

from __future__ import annotations

from datetime import date

import pytest

from pacer.tasks import service
from pacer.tasks.validation import MilestonePlan, TaskPlan
from tests.factories import create_user
from tests.webclient import app, client, figures, signed_in  # noqa: F401  (fixtures)

TODAY = date(2026, 3, 1)
DEADLINE = date(2026, 6, 30)


@pytest.fixture
def supervisor(session, org):
    return create_user(session, "sam", [("supervisor", org.G)])


@pytest.fixture
def owner(org):
    return org.unit_reporter  # alice, reporter of A1


def plan(**changes: object) -> TaskPlan:
    fields: dict[str, object] = {
        "unit_code": "A1",
        "title": "两金压降 10%",
        "owner": "alice",
        "deadline": DEADLINE,
        "assigned_on": TODAY,
        "deliverables": "压降方案与月度台账",
        "milestones": (MilestonePlan("方案", date(2026, 3, 31)), MilestonePlan("压降 5%", date(2026, 5, 31))),
    }
    return TaskPlan(**(fields | changes))  # type: ignore[arg-type]


@pytest.fixture
def task(session, org, supervisor, owner):
    return service.create(session, supervisor, plan(co_unit_codes=("A2",)), today=TODAY)
