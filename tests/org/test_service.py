from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.errors import ValidationFailed
from pacer.models import AuditEntry, Unit, UnitParentage
from pacer.org import repository
from pacer.org.service import export_units, import_units_file
from tests.factories import write_csv

HEADER = "code,name_zh,name_en,kind,parent_code,tags"


def snapshot(session):
    return (
        session.scalar(select(func.count()).select_from(Unit)),
        session.scalar(select(func.count()).select_from(UnitParentage)),
        session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def test_import_creates_a_tree_whatever_the_row_order(session, tmp_path):
    path = write_csv(
        tmp_path / "org.csv",
        HEADER,
        "X1,一所,Institute One,institute,X,segment=defence;civil=no",
        "X,集团,The Group,group,,",
    )
    counts = import_units_file(session, path)
    assert counts["created"] == 2
    tree = repository.tree_on(session, date.today())
    units = repository.units_by_code(session, ["X", "X1"])
    assert tree[units["X1"].id] == units["X"].id
    assert tree[units["X"].id] is None
    assert units["X1"].tags == {"segment": "defence", "civil": "no"}


@pytest.mark.parametrize(
    ("lines", "field", "words"),
    [
        (["X,集团,Group,group,", "X,集团2,Group2,group,"], "code", "duplicate code 'X'"),
        (["X,集团,Group,group,", "Y,子,Child,company,NOPE"], "parent_code", "unknown parent 'NOPE'"),
        (["X,,,group,"], "name_zh", "no name"),
        (["X,集团,Group,spaceship,"], "kind", "unknown kind"),
        (["X,集团,Group,group,Z", "Y,乙,Y,company,X", "Z,丙,Z,company,Y"], "parent_code", "cycle"),
        (["X,集团,Group,group,X"], "parent_code", "own parent"),
        (["X,集团,Group,group,,colour"], "tags", "key=value"),
    ],
)
def test_bad_org_files_are_refused_whole_with_row_and_field(session, tmp_path, lines, field, words):
    before = snapshot(session)
    path = write_csv(tmp_path / "org.csv", HEADER, "OK1,好,Fine,group,,", *lines)
    with pytest.raises(ValidationFailed) as caught:
        import_units_file(session, path)
    problem = caught.value.problems[0]
    assert problem.field == field
    assert words in problem.message
    assert problem.row is not None
    assert snapshot(session) == before


def test_missing_column_is_named(session, tmp_path):
    path = write_csv(tmp_path / "org.csv", "code,name_zh,kind", "X,集团,group")
    with pytest.raises(ValidationFailed) as caught:
        import_units_file(session, path)
    assert {p.field for p in caught.value.problems} == {"name_en", "parent_code"}


def test_changing_a_parent_is_an_effective_dated_move(session, org, tmp_path):
    path = write_csv(tmp_path / "org.csv", HEADER + ",effective", "A2,二厂,Factory Two,factory,B,,2024-01-01")
    counts = import_units_file(session, path)
    assert counts["moved"] == 1
    assert repository.tree_on(session, date(2023, 12, 31))[org.A2.id] == org.A.id
    assert repository.tree_on(session, date(2024, 1, 1))[org.A2.id] == org.B.id
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "unit.move")).one()
    assert entry.before["parent_code"] == "A"
    assert entry.after["parent_code"] == "B"
    assert entry.actor == "system"


def test_a_move_into_its_own_subtree_is_a_cycle(session, org, tmp_path):
    path = write_csv(tmp_path / "org.csv", HEADER, "A,研究院,Academy,academy,A1,")
    with pytest.raises(ValidationFailed, match="cycle"):
        import_units_file(session, path)


def test_export_round_trips_through_import(session, org, tmp_path):
    text = export_units(session)
    assert text.splitlines()[0].startswith("code,name_zh,name_en,kind,parent_code")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["G", "A", "A1", "A2", "B", "B1"]
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    counts = import_units_file(session, path)
    assert counts["unchanged"] == 6


def test_gb18030_files_from_chinese_spreadsheets_are_read(session, tmp_path):
    path = tmp_path / "org.csv"
    path.write_bytes((HEADER + "\nX,航天集团,Group,group,,\n").encode("gb18030"))
    import_units_file(session, path)
    assert repository.units_by_code(session, ["X"])["X"].name_zh == "航天集团"


def test_a_name_the_export_protected_from_spreadsheets_round_trips_unchanged(session, org, tmp_path):
    org.A1.name_en = "=HYPERLINK(1)"
    org.A2.name_en = "-12.50"
    session.flush()
    text = export_units(session)
    assert "'=HYPERLINK(1)" in text  # a spreadsheet opening the export does not run it
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    assert import_units_file(session, path)["unchanged"] == 6
    assert repository.units_by_code(session, ["A1"])["A1"].name_en == "=HYPERLINK(1)"
