"""A unit's monthly template: what it asks for, how it is locked, and its round trip into the
figures the analysis engine answers."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from pacer.analysis.serve.service import build
from pacer.auth.permissions import SYSTEM
from pacer.facts.template import STAMP_SHEET, VERSION
from pacer.facts.workbook_import import import_workbook_file
from pacer.facts.workbook_read import read_value
from pacer.indicators.assignment_service import AssignmentIn, assign, reported_indicators
from pacer.models import Fact, Indicator
from tests.facts.workbooks import PERIOD, fill, template


def cells(path, sheet):
    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def figure(session, unit, code, period=PERIOD):
    ind = session.scalar(select(Indicator).where(Indicator.code == code))
    return session.scalar(
        select(Fact.value).where(Fact.unit_id == unit.id, Fact.indicator_id == ind.id, Fact.period == period)
    )


def test_the_template_lists_the_units_reported_indicators_grouped_by_category_with_bilingual_headers(
    session, org, tmp_path
):
    assign(session, SYSTEM, AssignmentIn(indicator_code="inventory", unit_code="A1", exclude=True,
                                         from_month="2025-01", reason="no stock"))  # fmt: skip
    rows = cells(template(session, tmp_path), "A1")
    assert rows[1][1] == "指标代码\nIndicator code"
    assert rows[2] == ["category", "indicator_code", "indicator_name", "measure", "basis", "value", "note"]
    codes = [r[1] for r in rows[3:]]
    assert sorted(codes) == sorted(reported_indicators(session, org.A1, PERIOD))
    assert "inventory" not in codes
    categories = [r[0] for r in rows[3:]]
    assert categories == sorted(categories, key=categories.index)  # each category in one block
    revenue = next(r for r in rows if r[1] == "revenue")
    assert revenue[3] == "元"
    assert "Year to date" in revenue[4]


def test_the_template_locks_all_but_value_and_note_and_checks_values(session, org, tmp_path):
    book = load_workbook(template(session, tmp_path))
    sheet = book["A1"]
    protection = sheet.protection  # in the file's terms True means the action is blocked
    assert protection.sheet
    assert protection.insertRows
    assert protection.deleteRows
    assert protection.password is None
    assert not protection.formatColumns
    assert sheet["B4"].protection.locked
    assert not sheet["F4"].protection.locked
    assert not sheet["G4"].protection.locked
    kinds = {str(v.sqref): (v.type, v.formula1) for v in sheet.data_validations.dataValidation}
    headcount = next(r[0].row for r in sheet.iter_rows(min_col=2, max_col=2) if r[0].value == "headcount")
    assert kinds[f"F{headcount}"] == ("whole", "0")  # never negative
    assert kinds["F4"][0] == "decimal"
    assert book[STAMP_SHEET].sheet_state == "hidden"
    stamp = [[c.value for c in r] for r in book[STAMP_SHEET].iter_rows()]
    assert stamp[1][:4] == ["A1", "A1", "2025-01", VERSION]


def test_an_hq_workbook_has_one_sheet_per_child(session, org, tmp_path):
    with CalamineWorkbook.from_path(str(template(session, tmp_path, "A", scope="children"))) as book:
        assert book.sheet_names == ["A1", "A2", STAMP_SHEET]
    with CalamineWorkbook.from_path(str(template(session, tmp_path, "G", scope="subtree", name="g.xlsx"))) as book:
        assert book.sheet_names == ["A", "A1", "A2", "B", "B1", "G", STAMP_SHEET]


def test_a_filled_template_is_imported_and_the_engine_answers_its_figures(session, org, tmp_path):
    path = fill(template(session, tmp_path), "A1",
                {"revenue": 1234.5, "total_profit": "(1,234)", "operating_cost": "１，０００",
                 "headcount": 12})  # fmt: skip
    counts = import_workbook_file(session, path, org.unit_reporter)
    assert counts["created"] == 4
    assert figure(session, org.A1, "revenue") == 123450
    assert figure(session, org.A1, "total_profit") == -123400
    assert figure(session, org.A1, "operating_cost") == 100000
    analysis = build(session.connection())
    row = analysis.engine.cockpit(analysis.node(org.A1.id), 2025, 1, ["revenue", "total_profit"]).row("revenue")
    assert row.value is not None
    assert Decimal(row.value.scaled).scaleb(-row.value.scale) == Decimal("1234.5")
    group = analysis.engine.cockpit(analysis.node(org.G.id), 2025, 1, ["total_profit"]).row("total_profit")
    assert group.value is not None
    assert group.value.scaled == -123400


def test_an_hq_workbook_loads_every_sheet_in_one_import(session, org, tmp_path):
    path = template(session, tmp_path, "A", scope="children")
    fill(path, "A1", {"revenue": 10})
    fill(path, "A2", {"revenue": 20})
    assert import_workbook_file(session, path, org.group_admin)["created"] == 2
    assert (figure(session, org.A1, "revenue"), figure(session, org.A2, "revenue")) == (1000, 2000)


def test_importing_the_same_workbook_twice_changes_nothing_the_second_time(session, org, tmp_path):
    path = fill(template(session, tmp_path), "A1", {"revenue": 10})
    import_workbook_file(session, path)
    assert import_workbook_file(session, path) == {"rows": 1, "unchanged": 1}


def test_value_cells_are_read_by_the_stated_rules():
    assert read_value(1234.5) == "1234.5"
    assert read_value(None) == ""
    assert read_value(" 1,234.5 ") == "1,234.5"
    assert read_value("１２３") == "123"
    assert read_value("(1,234)") == "-1,234"
    assert read_value("（１２）") == "-12"
    for refused in ("12万", "3亿", True):
        try:
            read_value(refused)
        except ValueError:
            continue
        raise AssertionError(f"{refused!r} was read")


def test_the_commands_write_a_template_and_import_it_filled_for_that_unit_and_month(database_url, tmp_path):
    from typer.testing import CliRunner

    from pacer.cli import app
    from tests.factories import write_csv

    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result

    org = ("code,name_zh,name_en,kind,parent_code", "G,集团,Group,group,", "A1,一所,Institute One,institute,G")
    run("org", "import", str(write_csv(tmp_path / "org.csv", *org)))
    book = tmp_path / "a1.xlsx"
    assert (
        "Wrote"
        in run("facts", "template", "--unit", "A1", "--period", "2025-01", "-o", str(book), "--lang", "en").output
    )
    fill(book, "A1", {"revenue": "1,234.5", "headcount": 3})
    wrong = runner.invoke(app, ["facts", "import", str(book), "--period", "2025-02"])
    assert wrong.exit_code == 2
    assert "sheet A1" in wrong.stderr
    assert "created 2" in run("facts", "import", str(book), "--unit", "A1", "--period", "2025-01").output


def test_a_units_code_becomes_a_sheet_name_excel_takes():
    from pacer.facts.template import sheet_name

    taken: set[str] = set()
    assert sheet_name("G/01:x", taken) == "G_01_x"
    assert sheet_name("g/01:x", taken) == "g_01_x~2"
    assert len(sheet_name("X" * 40, taken)) == 31
