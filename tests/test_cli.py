"""Every command, run as a user would, against a private committed database."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select
from typer.main import get_command
from typer.testing import CliRunner

from pacer.cli import app
from pacer.models import AuditEntry, Fact, Unit
from tests.factories import write_csv

runner = CliRunner()


def run(*args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def all_commands(group=None, prefix=()):  # type: ignore[no-untyped-def]
    group = group or get_command(app)
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, path)
        else:
            yield path


def count(url: str, table) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(table))
    engine.dispose()
    return n


def test_help_lists_every_command_with_a_description():
    output = run("--help").output
    for name in ("db", "demo", "org", "indicators", "targets", "facts", "users", "summary"):
        assert name in output


@pytest.mark.parametrize("path", list(all_commands()), ids=" ".join)
def test_every_command_has_help(path):
    result = run(*path, "--help")
    assert "Usage" in result.output and len(result.output.splitlines()) > 3


def test_db_upgrade_is_idempotent(database_url):
    assert "Database ready" in run("db", "upgrade").output
    assert "Database ready" in run("db", "upgrade").output


ORG = ("code,name_zh,name_en,kind,parent_code",
       "G,集团,Group,group,", "A,一院,First Academy,academy,G", "A1,一所,Institute One,institute,A")


def test_org_import_then_export(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    out = run("org", "export").output
    assert out.splitlines()[1].startswith("G,集团,Group,group,")
    target = tmp_path / "out.csv"
    run("org", "export", "-o", str(target))
    assert target.read_text(encoding="utf-8").count("\n") == 4


def test_org_import_with_a_cycle_exits_non_zero_and_stores_nothing(database_url, tmp_path):
    path = write_csv(tmp_path / "org.csv", "code,name_zh,name_en,kind,parent_code",
                     "G,集团,Group,group,A", "A,一院,Academy,academy,G")
    result = run("org", "import", str(path), ok=False)
    assert result.exit_code == 2 and "cycle" in result.output and "row" in result.output
    assert count(database_url, Unit) == 0


def test_facts_import_good_and_bad(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    header = "unit_code,indicator_code,period,value"
    run("facts", "import", str(write_csv(tmp_path / "ok.csv", header, "A1,revenue,2025-01,10", "A1,inventory,2025-01,5")))
    assert count(database_url, Fact) == 2
    audit_rows = count(database_url, AuditEntry)
    bad = write_csv(tmp_path / "bad.csv", header, "A1,revenue,2025-02,10", "A1,revenue,2025-03,ten")
    result = run("facts", "import", str(bad), ok=False)
    assert result.exit_code == 2 and "row 3" in result.output and "'value'" in result.output
    assert count(database_url, Fact) == 2 and count(database_url, AuditEntry) == audit_rows


def test_facts_import_as_a_reporter_of_another_unit_is_refused(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG, "B,二院,Second Academy,academy,G")))
    run("users", "add", "bob", "--display-name", "Bob", "--grant", "unit_reporter@B")
    result = run("facts", "import", "--as", "bob",
                 str(write_csv(tmp_path / "f.csv", "unit_code,indicator_code,period,value", "A1,revenue,2025-01,1")), ok=False)
    assert result.exit_code != 0 and "unknown unit 'A1'" in result.output


def test_targets_import(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    path = write_csv(tmp_path / "t.csv", "unit_code,indicator_code,year,tier,value", "A,revenue,2026,ensure,1000")
    assert "created 1" in run("targets", "import", str(path)).output


def test_indicators_list_and_sets(database_url):
    out = run("indicators", "list", "--set", "one_profit_five_ratios", "--year", "2025", "--lang", "en").output
    assert "cash_collection_ratio" in out and "operating_cash_ratio" not in out
    assert "一利五率" in run("indicators", "sets").output
    result = run("indicators", "list", "--set", "nonsense", ok=False)
    assert result.exit_code == 1 and "unknown indicator set" in result.output


def test_users_add_and_list(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    assert "unit_reporter@A1" in run("users", "list").output
    bad = run("users", "add", "eve", "--display-name", "Eve", "--grant", "emperor@G", ok=False)
    assert bad.exit_code != 0 and "ROLE@UNIT_CODE" in bad.output


def test_commands_on_an_empty_database_say_what_to_do(tmp_path, monkeypatch):
    from pacer.config import get_settings

    monkeypatch.setenv("PACER_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    result = run("org", "export", ok=False)
    get_settings.cache_clear()
    assert result.exit_code == 1 and "pacer db upgrade" in result.output


def test_demo_reset_runs_twice_on_one_database(database_url):
    args = ("demo", "--reset", "--units", "10", "--years", "1", "--as-of", "2026-06", "--no-summary")
    first = run(*args)
    assert "Demo group loaded" in first.output
    facts = count(database_url, Fact)
    second = run(*args)
    assert "Demo group loaded" in second.output and "Traceback" not in second.output
    assert count(database_url, Fact) == facts > 0
