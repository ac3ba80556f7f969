from datetime import date

import pytest
from sqlalchemy import select

from pacer.auth.permissions import REPORT, SYSTEM, require, restrict, visible_unit_ids
from pacer.errors import Forbidden
from pacer.models import Unit
from tests.factories import create_unit, move_unit


def codes(session, ids):
    return {session.get(Unit, i).code for i in ids}


def test_group_admin_sees_the_whole_group(session, org):
    assert codes(session, visible_unit_ids(session, org.group_admin)) == {"G", "A", "A1", "A2", "B", "B1"}


def test_viewer_of_an_academy_sees_its_subtree_only(session, org):
    assert codes(session, visible_unit_ids(session, org.academy_viewer)) == {"A", "A1", "A2"}


def test_reporter_cannot_see_sibling_unit(session, org):
    assert codes(session, visible_unit_ids(session, org.unit_reporter)) == {"A1"}
    stmt = restrict(select(Unit.code), org.unit_reporter, Unit.id)
    assert set(session.scalars(stmt)) == {"A1"}


def test_outsider_sees_nothing(session, org):
    assert visible_unit_ids(session, org.outsider) == set()
    assert list(session.scalars(restrict(select(Unit.code), org.outsider, Unit.id))) == []


def test_a_role_without_the_action_grants_nothing_for_it(session, org):
    assert visible_unit_ids(session, org.academy_viewer, REPORT) == set()
    with pytest.raises(Forbidden):
        require(session, org.academy_viewer, REPORT, org.A1.id)


def test_forbidden_and_nonexistent_units_answer_alike(session, org):
    with pytest.raises(Forbidden) as sibling:
        require(session, org.unit_reporter, "read", org.B1.id)
    with pytest.raises(Forbidden) as missing:
        require(session, org.unit_reporter, "read", 10**9)
    assert sibling.value.message == missing.value.message


def test_visibility_follows_a_move_into_the_subtree(session, org):
    newcomer = create_unit(session, "B2", org.B)
    move_unit(session, newcomer, org.A, date(2020, 1, 1))
    assert "B2" in codes(session, visible_unit_ids(session, org.academy_viewer))
    assert "B2" not in codes(session, visible_unit_ids(session, org.academy_viewer, on=date(2019, 6, 1)))


def test_system_actor_is_unrestricted(session, org):
    assert visible_unit_ids(session, SYSTEM) is None
    assert len(list(session.scalars(restrict(select(Unit.code), SYSTEM, Unit.id)))) == 6
