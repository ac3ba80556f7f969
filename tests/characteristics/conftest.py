"""A quality engineer of A, a characteristic of A1 and clients that call the API as anyone."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pacer.auth.permissions import load_actor
from pacer.characteristics import service
from pacer.characteristics.schemas import CharacteristicIn, SubgroupIn
from pacer.models import Characteristic
from tests.factories import create_user
from tests.web.test_bad_input import bearer
from tests.webclient import app, client, figures, signed_in  # noqa: F401  (fixtures)


def spec(unit_code: str = "A1", **fields: object) -> CharacteristicIn:
    values: dict[str, object] = {
        "unit_code": unit_code, "code": "BORE-D", "name_zh": "内孔直径", "name_en": "Bore diameter",
        "product": "Pump housing PH-200", "measure_unit": "mm", "lsl": 9.0, "usl": 11.0, "target": 10.0,
        "subgroup_size": 5, "chart": "xbar-r", "rules": "we", "phase1_last": 25,
    }  # fmt: skip
    return CharacteristicIn.model_validate(values | fields)


def in_control(count: int, size: int = 5, seed: int = 7, mean: float = 10.0) -> np.ndarray:
    return np.round(np.random.default_rng(seed).normal(mean, 0.2, (count, size)), 4)


def as_subgroups(values: np.ndarray) -> list[SubgroupIn]:
    return [SubgroupIn(values=row.tolist()) for row in values]


@pytest.fixture
def engineer(org, session):
    return create_user(session, "quinn", [("quality_engineer", org.A)])


@pytest.fixture
def bore(org, session, engineer) -> Characteristic:
    """A characteristic of A1 with 25 subgroups of 5 in control."""
    c = service.create(session, load_actor(session, "quinn"), spec())
    service.add(session, load_actor(session, "quinn"), c.id, as_subgroups(in_control(25)))
    return c


@pytest.fixture
def api_as(org, session, app: FastAPI, engineer) -> Iterator[Callable[[str], TestClient]]:  # noqa: F811  (the imported fixture)
    """A factory of API clients (bearer tokens), one per username."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        c = TestClient(app, follow_redirects=False, headers=bearer(session, username))
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()
