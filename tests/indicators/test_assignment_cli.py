"""``pacer indicators assign | assignments | unassign | assign-import``, run as a user would."""

from __future__ import annotations

import re

from sqlalchemy import create_engine, func, select

from pacer.models import AuditEntry, IndicatorAssignment
from tests.factories import write_csv
from tests.test_cli import ORG, assert_one_line_error, runner


def run(*args: str, ok: bool = True):
    from pacer.cli import app

    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    if ok:
        assert result.exit_code == 0, result.output
    return result


def _count(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = tuple(conn.scalar(select(func.count()).select_from(t)) for t in (IndicatorAssignment, AuditEntry))
    engine.dispose()
    return counts


def test_assign_list_and_close_a_rule(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    out = run(
        "indicators",
        "assign",
        "--indicator",
        "inventory",
        "--kind",
        "institute",
        "--exclude",
        "--from",
        "2025-03",
        "--reason",
        "institutes keep no inventory",
        "--lang",
        "en",
    ).output
    rule_id = re.search(r"Rule (\d+) added", out).group(1)  # ids are not reused: not always 1 on PostgreSQL
    listed = run("indicators", "assignments", "--unit", "A1", "--period", "2025-03", "--lang", "en").output
    assert "inventory" in listed
    assert "institutes keep no inventory" in listed
    reports = listed.split("Institute One reports", 1)[1]
    assert "revenue" in reports
    assert "inventory" not in reports
    before = run("indicators", "assignments", "--unit", "A1", "--period", "2025-02", "--lang", "en").output
    assert "inventory" in before.split("Institute One reports", 1)[1]
    closed = run("indicators", "unassign", rule_id, "--from", "2025-06", "--reason", "a warehouse", "--lang", "en")
    assert f"Rule {rule_id} no longer applies from 2025-06" in closed.output
    history = run("indicators", "assignments", "--history", "--lang", "en").output
    assert "2025-05" in history
    assert "a warehouse" in history


def test_assign_import_adds_every_rule_of_a_file_or_none(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    header = "set_code,indicator_code,kind,tag,unit_code,effect,from,to,reason"
    good = write_csv(
        tmp_path / "rules.csv",
        header,
        "express_report,,institute,,,,2025-01,,the express report",
        ",inventory,,,A1,exclude,2025-01,2025-12,no stock",
    )
    assert "rules 2" in run("indicators", "assign-import", str(good)).output
    bad = write_csv(
        tmp_path / "bad.csv",
        header,
        "express_report,,institute,,,,2025-01,,fine",
        "nope,,,,NOPE,sometimes,2025-13,,",
    )
    before = _count(database_url)
    result = run("indicators", "assign-import", str(bad), ok=False)
    assert_one_line_error(result)
    for where in (
        "row 3, field 'set_code'",
        "row 3, field 'unit_code'",
        "row 3, field 'effect'",
        "row 3, field 'from'",
    ):
        assert where in result.stderr
    assert "row 3, field 'reason'" in result.stderr
    assert _count(database_url) == before


def test_bad_arguments_end_on_one_line_and_change_nothing(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    before = _count(database_url)
    for args in (
        ["assign", "--set", "express_report", "--from", "2025-01", "--reason", "r"],  # no selector
        ["assign", "--set", "express_report", "--kind", "planet", "--from", "June", "--reason", "r"],
        ["assign", "--set", "express_report", "--unit", "A1", "--from", "2025-01", "--reason", "r", "--as", "alice"],
        ["assign", "--set", "express_report", "--unit", "A1", "--reason", "r"],  # no --from
        ["unassign", "99", "--from", "2025-01", "--reason", "r"],
        ["unassign", "x", "--from", "2025-01", "--reason", "r"],
        ["assignments", "--unit", "NOPE"],
        ["assignments", "--period", "2025-13"],
    ):
        assert_one_line_error(run("indicators", *args, ok=False))
    assert _count(database_url) == before
