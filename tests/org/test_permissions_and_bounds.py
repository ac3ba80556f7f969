"""An org import acts only where the acting user administers, and keeps the tree sound."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.errors import ValidationFailed
from pacer.models import AuditEntry, Unit, UnitParentage
from pacer.org import repository
from pacer.org.service import import_units_file
from tests.factories import create_user, write_csv

HEADER = "code,name_zh,name_en,kind,parent_code,created_on,dissolved_on"


def snapshot(session):
    units = session.execute(select(Unit.code, Unit.name_zh, Unit.name_en, Unit.dissolved_on).order_by(Unit.code)).all()
    places = session.execute(
        select(
            UnitParentage.unit_id, UnitParentage.parent_id, UnitParentage.valid_from, UnitParentage.valid_to
        ).order_by(UnitParentage.id)
    ).all()
    return units, places, session.scalar(select(func.count()).select_from(AuditEntry))


def refused(session, path, actor=None):
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as caught:
        import_units_file(session, path, *((actor,) if actor else ()))
    assert snapshot(session) == before
    return [(p.row, p.field, p.message) for p in caught.value.problems]


def parent_of(session, unit):
    return repository.tree_on(session, date.today())[unit.id]


def test_a_viewer_cannot_rename_the_root(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "G,改名,Renamed,group,,,")
    assert refused(session, path, org.academy_viewer) == [(2, "code", "'G' is not a unit you administer")]


def test_a_reporter_cannot_move_a_unit_under_their_own(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "B,单位B,Unit B,company,A1,,")
    assert refused(session, path, org.unit_reporter) == [(2, "code", "'B' is not a unit you administer")]
    assert parent_of(session, org.B) == org.G.id


def test_an_analyst_without_administration_changes_nothing(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "A9,新所,New,institute,A,,")
    assert refused(session, path, org.hq_analyst) == [(2, "parent_code", "unknown parent 'A'")]


def test_a_subtree_administrator_changes_only_their_subtree(session, org, tmp_path):
    admin = create_user(session, "ada", [("group_admin", org.A)])
    ok = write_csv(
        tmp_path / "ok.csv",
        HEADER,
        "A2,二厂新名,Factory Two renamed,factory,A,,",
        "A9,新所,New institute,institute,A,,",
        "A91,新室,New lab,department,A9,,",
    )
    assert import_units_file(session, ok, admin)["created"] == 2
    assert session.scalar(select(Unit.name_en).where(Unit.code == "A2")) == "Factory Two renamed"
    assert refused(session, write_csv(tmp_path / "1.csv", HEADER, "A2,二厂,Factory Two,factory,B,,"), admin) == [
        (2, "parent_code", "unknown parent 'B'")
    ]
    assert refused(session, write_csv(tmp_path / "2.csv", HEADER, "A,院,Academy,academy,,,"), admin) == [
        (2, "parent_code", "only the system may place a unit at the top of the tree")
    ]
    assert refused(session, write_csv(tmp_path / "3.csv", HEADER, "B1,单位,Unit,company,A,,"), admin) == [
        (2, "code", "'B1' is not a unit you administer")
    ]
    moved = write_csv(tmp_path / "4.csv", HEADER, "A,院,Academy,academy,A1,,")
    assert refused(session, moved, admin) == [(2, "parent_code", "moving 'A' needs administration of its parent 'G'")]


def test_the_group_administrator_may_reshape_the_tree(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "B,单位B,Unit B,company,A1,,")
    assert import_units_file(session, path, org.group_admin)["moved"] == 1
    assert parent_of(session, org.B) == org.A1.id


def test_a_second_root_is_refused(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "Z,另一集团,Another group,group,,,")
    assert refused(session, path) == [
        (2, "parent_code", "a second top unit: the tree has one ('G'); give a parent_code")
    ]
    moved = write_csv(tmp_path / "m.csv", HEADER, "B,单位B,Unit B,company,,,")
    assert refused(session, moved)[0][1] == "parent_code"


def test_a_first_import_has_one_root(session, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "X,集团,Group,group,,,", "Y,集团二,Group two,group,,,")
    assert refused(session, path) == [
        (3, "parent_code", "a second top unit: the tree has one ('X'); give a parent_code")
    ]


def test_dissolved_before_created_is_refused(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "A9,新所,New,institute,A,2024-05-01,2024-04-30")
    assert refused(session, path) == [
        (2, "dissolved_on", "dissolved on 2024-04-30, before it was created on 2024-05-01")
    ]


def test_names_longer_than_the_column_are_refused(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER, "A9," + "名" * 201 + ",New,institute,A,,")
    assert refused(session, path) == [(2, "name_zh", "longer than 200 characters")]


def test_a_header_without_rows_is_refused(session, org, tmp_path):
    path = write_csv(tmp_path / "o.csv", HEADER)
    with pytest.raises(ValidationFailed, match="no rows"):
        import_units_file(session, path)
