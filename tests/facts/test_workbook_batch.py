"""Several workbooks imported as one: each unit's own template, read together into one import and
one transaction; a problem in any names its workbook, sheet and cell and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pacer.errors import ValidationFailed
from pacer.facts import workbook_read
from pacer.facts.workbook_import import import_workbook_files, workbook_rows
from pacer.models import AuditEntry, Fact, Submission
from tests.facts.test_workbook_template import figure
from tests.facts.workbooks import fill, row_of, template


@pytest.fixture(params=["threads", "processes"])
def readers(request, monkeypatch):
    """Several workbooks read by threads, and by worker processes (a month's collection of
    hundreds): the import is the same either way."""
    monkeypatch.setattr(workbook_read, "PROCESSES_FROM", 2 if request.param == "processes" else 10**6)
    return request.param


def counts(session):
    return [session.scalar(select(func.count()).select_from(m)) for m in (Fact, Submission, AuditEntry)]


def books(session, tmp_path, second=None):
    first = fill(template(session, tmp_path, "A1", name="a1.xlsx"), "A1", {"revenue": 10, "operating_cost": 4})
    other = fill(template(session, tmp_path, "A2", name="a2.xlsx"), "A2", second or {"revenue": 20})
    return [first, other]


def test_each_units_workbook_is_stored_in_one_import(session, org, tmp_path, readers):
    before = counts(session)
    assert import_workbook_files(session, books(session, tmp_path), org.group_admin) == {"rows": 3, "created": 3}
    assert (figure(session, org.A1, "revenue"), figure(session, org.A2, "revenue")) == (1000, 2000)
    assert figure(session, org.A1, "operating_cost") == 400
    # an audit row per figure, and one per unit-month HQ loads as accepted
    assert [a - b for a, b in zip(counts(session), before, strict=True)] == [3, 2, 5]


def test_a_problem_in_one_workbook_names_it_and_stores_nothing_of_any(session, org, tmp_path, readers):
    paths = books(session, tmp_path, {"revenue": "12万"})
    before = counts(session)
    with pytest.raises(ValidationFailed) as failed:
        import_workbook_files(session, paths, org.group_admin)
    assert counts(session) == before
    [problem] = failed.value.problems
    assert (problem.sheet, problem.cell) == ("[a2.xlsx]A2", f"F{row_of(paths[1], 'A2', 'revenue')}")
    assert failed.value.source == "2 workbooks"


def test_the_same_unit_and_month_in_two_workbooks_is_refused(session, org, tmp_path):
    first = fill(template(session, tmp_path, "A1", name="a1.xlsx"), "A1", {"revenue": 10})
    again = fill(template(session, tmp_path, "A1", name="again.xlsx"), "A1", {"revenue": 11})
    with pytest.raises(ValidationFailed) as failed:
        import_workbook_files(session, [first, again], org.group_admin)
    [problem] = failed.value.problems
    assert problem.sheet == "[again.xlsx]_stamp"
    assert "the same unit and month as [a1.xlsx]_stamp row 2" in problem.message
    assert figure(session, org.A1, "revenue") is None


def test_a_workbook_that_is_not_a_template_is_named_among_several(session, org, tmp_path):
    paths = books(session, tmp_path)
    paths[1].write_bytes(paths[1].read_bytes()[:100])
    with pytest.raises(ValidationFailed) as failed:
        import_workbook_files(session, paths, org.group_admin)
    assert failed.value.source == "a2.xlsx"
    assert figure(session, org.A1, "revenue") is None


def test_the_command_takes_several_workbooks_but_not_a_csv_among_them(tmp_path):
    from pacer.cli import app

    (tmp_path / "a.xlsx").write_bytes(b"")
    (tmp_path / "b.csv").write_text("unit_code,indicator_code,period,value\n")
    result = CliRunner().invoke(app, ["facts", "import", str(tmp_path / "a.xlsx"), str(tmp_path / "b.csv")])
    assert result.exit_code != 0
    assert "several files are imported together when each is a workbook" in result.stderr


def test_of_several_unreadable_workbooks_the_first_given_is_named(session, org, tmp_path, readers):
    # the workbooks are read side by side, but a problem is told in the order they were given
    paths = books(session, tmp_path)
    for path in paths:
        path.write_bytes(path.read_bytes()[:100])
    for order in (paths, paths[::-1]):
        with pytest.raises(ValidationFailed) as failed:
            import_workbook_files(session, order, org.group_admin)
        assert failed.value.source == order[0].name


def test_good_values_come_read_as_figures_and_the_others_are_named_by_the_import(session, org, tmp_path, readers):
    paths = books(session, tmp_path, {"revenue": "1,234.5", "operating_cost": "1.234"})
    rows, _, problems, _ = workbook_rows(session, org.group_admin, paths, None, None)
    figures = {(r.values["unit_code"], r.values["indicator_code"]): r.figure for r in rows}
    # read where the workbook was, as the import parses them; a value too precise is left to it
    assert figures == {("A1", "revenue"): 1000, ("A1", "operating_cost"): 400, ("A2", "revenue"): 123450,
                       ("A2", "operating_cost"): None}  # fmt: skip
    assert not problems
    with pytest.raises(ValidationFailed) as failed:
        import_workbook_files(session, paths, org.group_admin)
    [problem] = failed.value.problems
    assert problem.message == "'1.234' has more than 2 decimal place(s)"
    assert (problem.sheet, problem.cell) == ("[a2.xlsx]A2", f"F{row_of(paths[1], 'A2', 'operating_cost')}")
