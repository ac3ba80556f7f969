"""``pacer facts import`` runs the validation rules on each unit's month after its own row
checks: an error refuses the file with its row and field and stores nothing; a warning is
printed in the configured language and the figures are stored."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from pacer.cli import app
from pacer.errors import Problem, ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.models import AuditEntry, Fact, Submission
from tests.factories import write_csv

TODAY = date(2026, 11, 22)
FACTS = "unit_code,indicator_code,period,value,basis"
runner = CliRunner()


def state(session):
    return [session.scalar(select(func.count()).select_from(t)) for t in (Fact, Submission, AuditEntry)]


def consolidated_file(tmp_path, own: str):
    return write_csv(
        tmp_path / "f.csv",
        FACTS,
        "A1,total_assets,2026-03,100,",
        "A2,total_assets,2026-03,50,",
        f"A,total_assets,2026-03,{own},",
    )


def test_a_consolidated_figure_off_its_childrens_sum_refuses_the_file_naming_row_and_field(session, org, tmp_path):
    org.A.tags = {"reports": "consolidated"}
    session.flush()
    before = state(session)
    with pytest.raises(ValidationFailed) as caught:
        import_facts_file(session, consolidated_file(tmp_path, "200"), org.group_admin, TODAY)
    assert state(session) == before
    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (4, "value")
    assert "total_assets" in problem.message
    assert "200.00 yuan" in problem.message
    assert "150.00 yuan" in problem.message
    assert "consolidated" in problem.message


def test_the_rules_speak_the_language_asked_for(session, org, tmp_path):
    org.A.tags = {"reports": "consolidated"}
    session.flush()
    with pytest.raises(ValidationFailed) as caught:
        import_facts_file(session, consolidated_file(tmp_path, "200"), org.group_admin, TODAY, language="zh")
    assert "合并数 200.00 元" in caught.value.problems[0].message


def test_a_consolidated_figure_that_agrees_is_stored(session, org, tmp_path):
    org.A.tags = {"reports": "consolidated"}
    session.flush()
    counts = import_facts_file(session, consolidated_file(tmp_path, "150"), org.group_admin, TODAY)
    assert counts["created"] == 3


def test_a_rules_file_configures_the_import(session, org, tmp_path, monkeypatch):
    from pacer.config import get_settings

    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  consolidation_units: [A]\n  consolidation_tolerance: 0.5\n", encoding="utf-8")
    monkeypatch.setenv("PACER_RULES_FILE", str(rules))
    get_settings.cache_clear()
    try:
        assert import_facts_file(session, consolidated_file(tmp_path, "200"), org.group_admin, TODAY)["created"] == 3
        with pytest.raises(ValidationFailed):
            import_facts_file(session, consolidated_file(tmp_path, "400"), org.group_admin, TODAY)
    finally:
        get_settings.cache_clear()


def test_a_year_on_year_jump_is_a_warning_and_the_figures_are_stored(session, org, tmp_path):
    write_csv(tmp_path / "old.csv", FACTS, "A1,revenue,2025-01,100,monthly")
    import_facts_file(session, tmp_path / "old.csv", org.unit_reporter, TODAY)
    warnings: list[Problem] = []
    path = write_csv(tmp_path / "new.csv", FACTS, "A1,headcount,2026-01,5,", "A1,revenue,2026-01,300,monthly")
    counts = import_facts_file(session, path, org.unit_reporter, TODAY, warnings=warnings)
    assert counts["created"] == 2
    [warning] = warnings
    assert (warning.row, warning.field) == (3, "value")
    assert warning.message.startswith("A1 2026-01: warning [year-on-year jump] revenue")
    assert "+200.0 %" in warning.message
    assert "written explanation" in warning.message


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "written explanation is needed"), ("zh", "需要书面说明原因")]
)
def test_the_command_prints_the_warnings_in_the_configured_language(
    database_url, tmp_path, monkeypatch, language, expected
):
    from pacer.config import get_settings

    monkeypatch.setenv("PACER_LANGUAGE", language)
    get_settings.cache_clear()
    org = write_csv(
        tmp_path / "org.csv", "code,name_zh,name_en,kind,parent_code", "G,集团,Group,group,", "A1,一所,One,institute,G"
    )
    assert runner.invoke(app, ["org", "import", str(org)]).exit_code == 0
    old = write_csv(tmp_path / "old.csv", FACTS, "A1,revenue,2024-01,100,monthly")
    assert runner.invoke(app, ["facts", "import", str(old)]).exit_code == 0
    new = write_csv(tmp_path / "new.csv", FACTS, "A1,revenue,2025-01,300,monthly")
    result = runner.invoke(app, ["facts", "import", str(new)])
    assert result.exit_code == 0, result.output
    assert "Figures imported: rows 1, created 1" in result.output
    assert expected in " ".join(result.output.split())
    assert "row 2" in result.output
