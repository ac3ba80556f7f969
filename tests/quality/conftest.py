"""A quality problem's people: its owner, a quality engineer of A1; a reviewer managing quality
at the academy A; the quality engineer of the sister unit A2; and a problem found at A1."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pacer.quality import service, zeroing
from pacer.quality.validation import ProblemPlan
from pacer.quality.words import CRITERION_CODES
from tests.factories import create_user
from tests.webclient import app, client, figures, signed_in  # noqa: F401  (fixtures)

FOUND = date.today() - timedelta(days=5)


@pytest.fixture
def owner(session, org):
    return create_user(session, "quinn", [("quality_engineer", org.A1)])


@pytest.fixture
def reviewer(session, org):
    return create_user(session, "rita", [("quality_engineer", org.A)])


@pytest.fixture
def sister(session, org):
    return create_user(session, "sara", [("quality_engineer", org.A2)])


def plan(**changes: object) -> ProblemPlan:
    fields: dict[str, object] = {
        "unit_code": "A1",
        "title": "舵机电缆插头虚焊",
        "found_stage": "test",
        "severity": "major",
        "found_on": FOUND,
        "owner": "quinn",
        "programme": "XY-7",
        "product": "舵机",
        "origin_stage": "manufacturing",
        "cause": "man",
    }
    return ProblemPlan(**(fields | changes))  # type: ignore[arg-type]


@pytest.fixture
def problem(session, org, owner, reviewer):
    return service.open_problem(session, reviewer, plan())


def fill(session, owner, problem) -> None:
    for code in CRITERION_CODES:
        zeroing.write_evidence(session, owner, problem.id, code, f"{code}: 见分析报告")
