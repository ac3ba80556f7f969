"""Every command, run as a user would, against a private committed database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.main import get_command
from typer.testing import CliRunner

from pacer.cli import app
from pacer.config import get_settings
from pacer.models import AuditEntry, Fact, Unit, User
from tests.factories import write_csv
from tests.spc.reference import reference_dir

SPC_REFERENCE = reference_dir()

runner = CliRunner()


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


def all_commands(group=None, prefix=()):
    group = group or get_command(app)
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            yield from all_commands(command, path)
        else:
            yield path


def count(url: str, table) -> int:
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
    assert "Usage" in result.output
    assert len(result.output.splitlines()) > 3


def test_db_upgrade_is_idempotent(database_url):
    assert "Database ready" in run("db", "upgrade").output
    assert "Database ready" in run("db", "upgrade").output


ORG = (
    "code,name_zh,name_en,kind,parent_code",
    "G,集团,Group,group,",
    "A,一院,First Academy,academy,G",
    "A1,一所,Institute One,institute,A",
)


def test_org_import_then_export(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    out = run("org", "export").output
    assert out.splitlines()[1].startswith("G,集团,Group,group,")
    target = tmp_path / "out.csv"
    run("org", "export", "-o", str(target))
    assert target.read_text(encoding="utf-8").count("\n") == 4


def test_org_import_with_a_cycle_exits_non_zero_and_stores_nothing(database_url, tmp_path):
    path = write_csv(
        tmp_path / "org.csv",
        "code,name_zh,name_en,kind,parent_code",
        "G,集团,Group,group,A",
        "A,一院,Academy,academy,G",
    )
    result = run("org", "import", str(path), ok=False)
    assert result.exit_code == 2
    assert "cycle" in result.output
    assert "row" in result.output
    assert count(database_url, Unit) == 0


def test_facts_import_good_and_bad(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    header = "unit_code,indicator_code,period,value"
    run(
        "facts",
        "import",
        str(write_csv(tmp_path / "ok.csv", header, "A1,revenue,2025-01,10", "A1,inventory,2025-01,5")),
    )
    assert count(database_url, Fact) == 2
    audit_rows = count(database_url, AuditEntry)
    bad = write_csv(tmp_path / "bad.csv", header, "A1,revenue,2025-02,10", "A1,revenue,2025-03,ten")
    result = run("facts", "import", str(bad), ok=False)
    assert result.exit_code == 2
    assert "row 3" in result.output
    assert "'value'" in result.output
    assert count(database_url, Fact) == 2
    assert count(database_url, AuditEntry) == audit_rows


def test_quality_yields_stores_a_files_step_yields_and_refuses_a_bad_file_whole(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    header = "unit,month,product,step,entered,passed"
    good = write_csv(tmp_path / "ok.csv", header, "A1,2025-03,舵机,1,100,90", "A1,2025-03,舵机,2,90,81")
    assert "written 2" in run("quality", "yields", str(good)).output
    assert count(database_url, Fact) == 2
    bad = write_csv(tmp_path / "bad.csv", header, "A1,2025-04,舵机,1,100,90", "A1,2025-04,舵机,2,90,ninety")
    result = run("quality", "yields", str(bad), ok=False)
    assert result.exit_code == 2
    assert "row 3, column passed: 'ninety' is not a whole number" in result.output
    assert count(database_url, Fact) == 2


def test_facts_import_as_a_reporter_of_another_unit_is_refused(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG, "B,二院,Second Academy,academy,G")))
    run("users", "add", "bob", "--display-name", "Bob", "--grant", "unit_reporter@B")
    result = run(
        "facts",
        "import",
        "--as",
        "bob",
        str(write_csv(tmp_path / "f.csv", "unit_code,indicator_code,period,value", "A1,revenue,2025-01,1")),
        ok=False,
    )
    assert result.exit_code != 0
    assert "unknown unit 'A1'" in result.output


def test_targets_import(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    path = write_csv(tmp_path / "t.csv", "unit_code,indicator_code,year,tier,value", "A,revenue,2026,ensure,1000")
    assert "created 1" in run("targets", "import", str(path)).output


def test_targets_export_import_and_check(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    header = "unit_code,indicator_code,year,tier,value"
    run(
        "targets",
        "import",
        str(write_csv(tmp_path / "t.csv", header, "G,revenue,2026,ensure,1000", "A,revenue,2026,ensure,600")),
    )
    book = tmp_path / "t.xlsx"
    assert "Wrote" in run("targets", "export", "--year", "2026", "-o", str(book)).output
    assert "unchanged 2" in run("targets", "import", str(book)).output
    report = run("targets", "check", "--year", "2026").output
    assert "G revenue ensure: parent 1000.00, children 600.00, difference 400.00" in report


def test_indicators_list_and_sets(database_url):
    out = run("indicators", "list", "--set", "one_profit_five_ratios", "--year", "2025", "--lang", "en").output
    assert "cash_collection_ratio" in out
    assert "operating_cash_ratio" not in out
    assert "一利五率" in run("indicators", "sets").output
    result = run("indicators", "list", "--set", "nonsense", ok=False)
    assert result.exit_code == 1
    assert "unknown indicator set" in result.output


def test_users_add_and_list(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    assert "unit_reporter@A1" in run("users", "list").output
    bad = run("users", "add", "eve", "--display-name", "Eve", "--grant", "emperor@G", ok=False)
    assert bad.exit_code != 0
    assert "ROLE@UNIT_CODE" in bad.output


def test_the_calendar_and_the_settings_are_kept_from_the_terminal_and_audited(database_url):
    run("periods", "lock", "2026-05")
    assert "2026-05  locked" in run("periods", "list", "--year", "2026").output
    run("periods", "reopen", "2026-05", "--reason", "a late correction")
    run("periods", "deadline", "2026-05", "2026-06-10")
    listed = run("periods", "list", "--year", "2026").output.splitlines()
    may = next(line for line in listed if line.startswith("2026-05"))
    assert "reopened" in may
    assert "due 2026-06-10 (moved)" in may
    assert "(moved)" not in next(line for line in listed if line.startswith("2026-04"))
    assert (
        "Settings changed: time_basis, money_scale."
        in run("settings", "set", "money_scale=wan", "time_basis=seasonal").output
    )
    shown = run("settings", "show").output
    assert "money_scale     wan" in shown
    assert "time_basis      seasonal" in shown
    assert "Nothing changed." in run("settings", "set", "money_scale=wan").output
    engine = create_engine(database_url)
    with engine.connect() as conn:
        trail = conn.execute(select(AuditEntry.action, AuditEntry.entity_key, AuditEntry.note).order_by(AuditEntry.id))
        actions = [tuple(row) for row in trail]
    engine.dispose()
    assert actions[-5:] == [
        ("period.lock", "2026-05", ""),
        ("period.reopen", "2026-05", "a late correction"),
        ("period.deadline", "2026-05", ""),
        ("setting.update", "time_basis", ""),
        ("setting.update", "money_scale", ""),
    ]


def test_commands_on_an_empty_database_say_what_to_do(tmp_path, monkeypatch):
    from pacer.config import get_settings

    monkeypatch.setenv("PACER_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    result = run("org", "export", ok=False)
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "pacer db upgrade" in result.output


def test_demo_reset_runs_twice_on_one_database(database_url):
    args = ("demo", "--reset", "--units", "10", "--years", "1", "--as-of", "2026-06", "--no-summary")
    first = run(*args)
    assert "Demo group loaded" in first.output
    facts = count(database_url, Fact)
    second = run(*args)
    assert "Demo group loaded" in second.output
    assert "Traceback" not in second.output
    assert count(database_url, Fact) == facts > 0


# -- every command fails on one line --------------------------------------------------------------

# Each command: arguments it runs with, and arguments it must refuse. Every command is listed, so
# a new one fails here until it says how it refuses bad input. ``{missing}`` is a file that does
# not exist, ``{csv}`` one that does.
CASES: dict[tuple[str, ...], tuple[list[str], list[list[str]]]] = {
    ("db", "upgrade"): ([], [["--bogus"]]),
    ("demo",): (
        ["--units", "10", "--years", "1", "--no-summary"],
        [
            ["--as-of", "2026-13"],
            ["--as-of", "June"],
            ["--config", "{missing}"],
            ["--units", "0"],
            ["--years", "-1"],
            ["--indicators", "100000000"],
            # a configuration that cannot generate a group resets nothing
            ["--reset", "--config", "{missing}"],
            ["--reset", "--config", "{csv}"],
        ],
    ),
    ("summary",): (
        [],
        [["--as-of", "2026-12"], ["--as-of", "2019-01"], ["--as-of", "junk"], ["--unit", "NOPE"], ["--lang", "fr"]],
    ),
    ("org", "import"): (["{csv}"], [["{missing}"], ["{dir}"]]),
    ("org", "export"): ([], [["--on", "2026-13-01"], ["-o", "{missing}/out.csv"]]),
    ("indicators", "list"): ([], [["--set", "nope"], ["--lang", "fr"], ["--year", "x"]]),
    ("indicators", "sets"): ([], [["--bogus"]]),
    ("indicators", "assign"): (
        ["--set", "express_report", "--kind", "institute", "--from", "2025-01", "--reason", "r"],
        [
            ["--set", "nope", "--kind", "institute", "--from", "2025-01", "--reason", "r"],
            ["--set", "express_report", "--kind", "planet", "--from", "2025-13", "--reason", " "],
            ["--set", "express_report", "--from", "2025-01", "--reason", "r"],
            ["--set", "express_report", "--unit", "NOPE", "--from", "2025-01", "--reason", "r"],
            ["--set", "express_report", "--kind", "institute", "--from", "2025-01", "--reason", "r", "--as", "nobody"],
        ],
    ),
    ("indicators", "assignments"): ([], [["--unit", "NOPE"], ["--period", "x"], ["--as", "nobody"]]),
    ("indicators", "unassign"): (
        ["1", "--from", "2025-01", "--reason", "r"],
        [["999999", "--from", "2025-01", "--reason", "r"], ["x", "--from", "2025-01", "--reason", "r"]],
    ),
    ("indicators", "assign-import"): (["{csv}"], [["{missing}"], ["{csv}"], ["{csv}", "--as", "nobody"]]),
    ("indicators", "export"): ([], [["--format", "xlsx"], ["--format", "pdf"], ["-o", "{missing}/out.yaml"]]),
    ("indicators", "import"): (
        ["{csv}", "--dry-run"],
        [["{missing}"], ["{csv}"], ["{csv}", "--as", "nobody"], ["{dir}/no.xlsx"], ["{csv}", "--as", "liuyang"]],
    ),
    ("targets", "import"): (["{csv}"], [["{missing}"], ["{csv}", "--as", "nobody"], ["{dir}/no.xlsx"]]),
    ("targets", "export"): (
        ["--year", "2026", "-o", "{dir}/t.xlsx"],
        [["--year", "x"], ["--year", "1999"], ["--year", "2026", "--unit", "NOPE"], ["--year", "2026", "-o", "{csv}"]],
    ),
    ("targets", "check"): (["--year", "2026"], [[], ["--year", "x"], ["--year", "2026", "--unit", "NOPE"]]),
    ("targets", "propose"): (
        ["{csv}", "--unit", "G", "--year", "2026"],
        [
            ["{missing}", "--unit", "G", "--year", "2026"],
            ["{csv}", "--unit", "G", "--year", "2026"],
            ["{csv}", "--unit", "G", "--year", "2026", "--due", "junk"],
            ["{csv}", "--unit", "G", "--year", "2026", "--as", "nobody"],
        ],
    ),
    ("targets", "proposals"): ([], [["--as", "nobody"]]),
    ("targets", "submit"): (["1"], [["999"], ["0"], ["1", "--file", "{missing}"]]),
    ("targets", "accept"): (["1"], [["999"], ["x"]]),
    ("targets", "return"): (["1", "--reason", "why"], [["999", "--reason", "why"]]),
    ("workflow", "tick"): ([], [["--now", "junk"]]),
    ("quality", "figures"): (
        ["--period", "2026-05", "--to", "2026-06"],
        [
            ["--period", "2026-13"],
            ["--period", "2026-06", "--to", "2026-05"],
            ["--period", "2026-06", "--as", "nobody"],
        ],
    ),
    ("quality", "yields"): (["{csv}"], [["{missing}"], ["{csv}"], ["{dir}"]]),
    ("jobs", "list"): ([], [["--limit", "0"], ["--as", "nobody"]]),
    ("jobs", "show"): (["1"], [["0"], ["x"], ["999999"]]),
    ("jobs", "work"): (["--once"], [["--bogus"]]),
    ("worker",): ([], [[], ["--bogus"]]),  # the embedded queue: no worker to run
    ("jobs", "clean"): ([], [["--older-than", "0"], ["--older-than", "x"], ["--now", "junk"]]),
    ("tasks", "list"): ([], [["--unit", "NOPE"], ["--as", "nobody"], ["--format", "pdf"]]),
    ("tasks", "show"): (["1"], [["999999"], ["x"]]),
    ("tasks", "create"): (
        ["--unit", "G", "--title", "t", "--owner", "admin", "--deadline", "2027-01-01"],
        [
            ["--unit", "NOPE", "--title", "t", "--owner", "admin", "--deadline", "2027-01-01"],
            ["--unit", "G", "--title", "t", "--owner", "admin", "--deadline", "junk"],
            ["--unit", "G", "--title", "t", "--owner", "nobody", "--deadline", "2027-01-01"],
            ["--unit", "G", "--title", "t", "--owner", "admin", "--deadline", "2027-01-01", "--milestone", "x=y"],
            ["--unit", "G", "--title", "t", "--owner", "admin", "--deadline", "2000-01-01"],
        ],
    ),
    ("tasks", "act"): (["1", "accept"], [["999999", "accept"], ["x", "accept"]]),
    ("tasks", "progress"): (["1", "--percent", "10"], [["999999", "--percent", "10"], ["1", "--percent", "x"]]),
    ("submissions", "list"): ([], [["--period", "soon"], ["--state", "late"]]),
    ("submissions", "monitor"): (
        ["--period", "2026-01"],
        [["--period", "soon"], ["--period", "2026-01", "--node", "NOPE"], ["--period", "2026-01", "--lang", "fr"]],
    ),
    ("submissions", "show"): (["G", "2026-01"], [["NOPE", "2026-01"], ["G", "2026-13"]]),
    ("submissions", "save"): (["G", "2026-01", "{csv}"], [["G", "2026-01", "{missing}"], ["NOPE", "2026-01", "{csv}"]]),
    ("submissions", "submit"): (["G", "2026-01"], [["NOPE", "2026-01"], ["G", "junk"]]),
    ("submissions", "approve"): (["G", "2026-01"], [["NOPE", "2026-01"], ["G", "junk"]]),
    ("submissions", "accept"): (["G", "2026-01"], [["NOPE", "2026-01"], ["G", "junk"]]),
    ("submissions", "explain"): (
        ["G", "2026-01", "yoy_jump:revenue", "新合同投产"],
        [["NOPE", "2026-01", "revenue", "x"], ["G", "junk", "revenue", "x"], ["G", "2026-01", "nope:x", "x"]],
    ),
    ("submissions", "return"): (
        ["G", "2026-01", "--reason", "why"],
        [["NOPE", "2026-01", "--reason", "why"], ["G", "junk"]],
    ),
    ("submissions", "reopen"): (
        ["G", "2026-01", "--reason", "why"],
        [["NOPE", "2026-01", "--reason", "why"], ["G", "junk"]],
    ),
    ("facts", "import"): (
        ["{csv}"],
        [["{missing}"], ["{dir}"], ["{dir}/no.xlsx"], ["{csv}", "--unit", "G"], ["{csv}", "--period", "x"]],
    ),
    ("facts", "template"): (
        ["--unit", "G", "--period", "2026-03", "-o", "{dir}/f.xlsx"],
        [
            ["--unit", "NOPE", "--period", "2026-03", "-o", "{dir}/f.xlsx"],
            ["--unit", "G", "--period", "2026-13", "-o", "{dir}/f.xlsx"],
            ["--unit", "G", "--period", "2026-03", "-o", "{missing}/f.xlsx"],
            ["--unit", "G", "--period", "2026-03", "-o", "{csv}"],
            ["--unit", "G", "--period", "2026-03", "--all-children", "--subtree"],
            ["--unit", "G"],
        ],
    ),
    ("eliminations", "import"): (["{csv}"], [["{missing}"], ["{csv}", "--as", "nobody"]]),
    ("meetings", "list"): ([], [["--unit", "NOPE"], ["--year", "soon"]]),
    ("meetings", "show"): (["1"], [["999999"], ["one"]]),
    ("meetings", "import-article"): (
        [str(Path(__file__).parent / "meetings" / "articles" / "zh_01_yishi.txt")],
        [
            ["{missing}"],
            ["{dir}"],
            ["{csv}", "--confirm"],
            [str(Path(__file__).parent / "meetings" / "articles" / "zh_10_no_list.txt"), "--confirm"],
            [str(Path(__file__).parent / "meetings" / "articles" / "zh_01_yishi.txt"), "--unit", "NOPE", "--confirm"],
        ],
    ),
    ("meetings", "extract"): (
        [str(Path(__file__).parent / "meetings" / "articles" / "zh_01_yishi.txt")],
        [["{missing}"], ["{dir}"], ["{csv}"], ["{csv}", "--format", "xml"]],
    ),
    ("spc", "chart"): (
        [str(SPC_REFERENCE / "antifreeze.csv"), "--chart", "imr", "--value", "water_ppm", "--format", "json"],
        [
            ["{missing}", "--chart", "imr", "--value", "value"],
            ["{csv}", "--chart", "imr", "--value", "nope"],
            ["{csv}", "--chart", "xbar-r", "--value", "value", "--size", "2"],
            ["{csv}", "--chart", "pie", "--value", "value"],
            ["{csv}", "--chart", "imr", "--value", "unit_code"],
        ],
    ),
    ("spc", "capability"): (
        [str(SPC_REFERENCE / "antifreeze.csv"), "--value", "water_ppm", "--lsl", "2", "--usl", "3.2"],
        [
            ["{missing}", "--value", "value", "--lsl", "0"],
            ["{csv}", "--value", "value"],
            ["{csv}", "--value", "value", "--usl", "9"],
        ],
    ),
    ("users", "list"): ([], [["--bogus"]]),
    ("users", "add"): (
        ["newcomer", "--display-name", "N"],
        [["x", "--display-name", "X", "--grant", "emperor@G"], ["x", "--display-name", "X", "--grant", "viewer@NOPE"]],
    ),
    ("users", "set-password"): (["nobody", "--password", "secret-pass"], [["nobody", "--password", "secret-pass"]]),
    ("serve",): ([], [["--port", "0"], ["--workers", "0"]]),
    ("backup",): (["--output", "{dir}/pacer.backup"], [[], ["--output", "{csv}"], ["--output", "{missing}/x.backup"]]),
    ("restore",): (["{csv}"], [["{missing}"], ["{csv}"], []]),
    ("doctor",): ([], [["--bogus"], ["--json", "x"]]),
    ("analyze",): ([], [["--period", "2026-12"], ["--period", "2026-13"], ["--unit", "NOPE"], ["--set", "nope"]]),
    ("analyze", "rank"): (
        ["--indicator", "revenue"],
        [
            ["--indicator", "nope"],
            ["--indicator", "revenue", "--period", "2026-12"],
            ["--indicator", "revenue", "--unit", "NOPE"],
        ],
    ),
    ("analyze", "bridge"): (
        ["--indicator", "revenue"],
        [
            ["--indicator", "nope"],
            ["--indicator", "revenue", "--period", "1999-01"],
            ["--indicator", "revenue", "--unit", "NOPE"],
        ],
    ),
    ("report", "quality"): (
        ["--period", "2026-06", "--format", "html", "--output", "{dir}/q.html"],
        [
            ["--period", "2026-13", "--format", "html"],
            ["--period", "1999-01", "--format", "html"],
            ["--period", "2026-06", "--format", "rtf"],
            ["--period", "2026-06", "--format", "html", "--span", "week"],
            ["--period", "2026-06", "--format", "html", "--unit", "NOPE"],
            ["--period", "2026-06", "--format", "html", "--template", "{dir}/t.docx"],
        ],
    ),
    ("report", "economic"): (
        ["--period", "2026-06", "--format", "html", "--output", "{dir}/r.html"],
        [
            ["--period", "2026-13", "--format", "html"],
            ["--period", "1999-01", "--format", "html"],
            ["--period", "2026-06", "--format", "rtf"],
            ["--period", "2026-06", "--format", "html", "--span", "week"],
            ["--period", "2026-06", "--format", "html", "--unit", "NOPE"],
            ["--period", "2026-06", "--format", "html", "--as", "nobody"],
            ["--period", "2026-06", "--format", "pdf", "--template", "{csv}"],
            ["--period", "2026-06", "--format", "docx", "--template", "{missing}"],
            ["--period", "2026-06", "--format", "docx", "--template", "{csv}", "--output", "{dir}/r.docx"],
        ],
    ),
    ("periods", "list"): ([], [["--year", "20"], ["--year", "x"]]),
    ("periods", "lock"): (["2026-05"], [["2026-13"], ["2026-05", "--as", "nobody"]]),
    ("periods", "reopen"): (
        ["2026-05", "--reason", "a late correction"],
        [["2026-05", "--reason", "not locked"], ["2026-05", "--reason", " "], ["2026-05"], ["May", "--reason", "x"]],
    ),
    ("periods", "deadline"): (
        ["2026-05", "2026-06-10"],
        [["2026-05", "2026-06-31"], ["2026-05", "2026-09-10"], ["2026-5x", "2026-06-10"]],
    ),
    ("settings", "show"): ([], [["--bogus"]]),
    ("settings", "set"): (
        ["money_scale=wan"],
        [["money_scale=zzz"], ["nope=1"], ["money_scale"], ["session_hours=0", "time_basis=linear"], []],
    ),
    ("analyze", "outlook"): ([], [["--period", "2026-12"], ["--unit", "NOPE"], ["--set", "nope"]]),
    ("analyze", "history"): (
        ["--indicator", "revenue"],
        [
            ["--indicator", "nope"],
            ["--indicator", "revenue", "--period", "x"],
            ["--indicator", "revenue", "--unit", "NOPE"],
        ],
    ),
}


# Commands that read only the files they are given.
NO_DATABASE = {("meetings", "extract"), ("spc", "chart"), ("spc", "capability")}


def test_every_command_is_listed_with_its_bad_input():
    assert set(CASES) == {*all_commands(), ("analyze",)}


@pytest.fixture(scope="module")
def small_demo(database_template, tmp_path_factory):
    """A small demo group (figures to 2026-06) that the refused commands leave as it is."""
    from pacer.analysis.serve import service
    from pacer.db import _engine_for
    from tests.conftest import fresh_database

    patch = pytest.MonkeyPatch()
    for url in fresh_database(database_template, tmp_path_factory.mktemp("small_demo")):
        patch.setenv("PACER_DATABASE_URL", url)
        get_settings.cache_clear()
        result = runner.invoke(
            app, ["demo", "--reset", "--units", "10", "--years", "1", "--as-of", "2026-06", "--no-summary"]
        )
        assert result.exit_code == 0, result.output
        patch.undo()
        get_settings.cache_clear()
        yield url
        service.clear()
        _engine_for.cache_clear()


def _filled(args: list[str], tmp_path) -> list[str]:
    csv_file = write_csv(tmp_path / "in.csv", "unit_code,indicator_code,period,value", "G,revenue,2026-01,1")
    return [a.format(missing=tmp_path / "missing", csv=csv_file, dir=tmp_path) for a in args]


def assert_one_line_error(result) -> None:
    """A non-zero exit, no exception escaping, and the error on one line (an input file's
    problems follow it, one per line)."""
    assert result.exit_code not in (0, None), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines, result.output
    assert lines[0].startswith("error: "), result.output
    assert all(ln.startswith("  - ") for ln in lines[1:]), result.output


def _invoke_on(url: str, args: list[str], monkeypatch):
    from pacer.analysis.serve import service
    from pacer.db import _engine_for

    monkeypatch.setenv("PACER_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        return runner.invoke(app, args, env={"COLUMNS": "100"})
    finally:
        get_settings.cache_clear()
        _engine_for.cache_clear()
        service.clear()


@pytest.mark.parametrize("path", list(CASES), ids=" ".join)
def test_every_command_refuses_bad_input_on_one_line(path, small_demo, tmp_path, monkeypatch):
    _, bad = CASES[path]
    engine = create_engine(small_demo)
    with engine.connect() as conn:
        before = conn.scalar(select(func.max(AuditEntry.id)))
    engine.dispose()
    for args in bad:
        result = _invoke_on(small_demo, [*path, *_filled(args, tmp_path)], monkeypatch)
        assert_one_line_error(result)
    assert count(small_demo, Unit) > 0
    engine = create_engine(small_demo)
    with engine.connect() as conn:
        assert conn.scalar(select(func.max(AuditEntry.id))) == before  # nothing was changed
    engine.dispose()


@pytest.mark.parametrize("path", list(CASES), ids=" ".join)
def test_every_command_on_a_database_it_cannot_use_fails_on_one_line(path, tmp_path, monkeypatch):
    good, _ = CASES[path]
    args = [*path, *_filled(good, tmp_path)]
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    result = _invoke_on(unreachable, args, monkeypatch)
    if path in NO_DATABASE:
        assert result.exit_code == 0, result.output  # it reads a file and needs no database
        return
    if path == ("doctor",):  # it reports what is wrong, the database among the rest
        assert result.exit_code == 1, result.output
        assert "PROBLEM database: postgresql+psycopg://nobody@127.0.0.1:1/none cannot be reached" in result.stdout
        return
    assert_one_line_error(result)
    assert "127.0.0.1:1" in result.stderr
    if path in (("db", "upgrade"), ("demo",), ("restore",)):
        return  # these build a database where there is none
    missing = tmp_path / "nowhere" / "pacer.db"
    result = _invoke_on(f"sqlite:///{missing}", args, monkeypatch)
    assert_one_line_error(result)
    assert "no database at" in result.stderr
    assert not missing.exists()
    assert not missing.parent.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    result = _invoke_on(f"sqlite:///{empty}", args, monkeypatch)
    assert_one_line_error(result)
    assert "pacer db upgrade" in result.stderr


def test_an_unexpected_error_is_one_line_naming_it_or_its_traceback_with_pacer_debug(small_demo, monkeypatch):
    from pacer.cli.present import summary

    def broken(*_args, **_kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(summary, "render_summary", broken)
    result = _invoke_on(small_demo, ["summary"], monkeypatch)
    assert_one_line_error(result)
    assert result.exit_code == 3
    assert "unexpected KeyError" in result.stderr
    assert "PACER_DEBUG" in result.stderr
    monkeypatch.setenv("PACER_DEBUG", "1")
    result = _invoke_on(small_demo, ["summary"], monkeypatch)
    assert isinstance(result.exception, KeyError)


def test_a_setting_with_a_bad_value_is_one_line(monkeypatch, small_demo):
    monkeypatch.setenv("PACER_LANGUAGE", "fr")
    result = _invoke_on(small_demo, ["users", "list"], monkeypatch)
    assert_one_line_error(result)
    assert "PACER_LANGUAGE" in result.stderr


def test_the_default_month_is_the_latest_complete_one(database_url, tmp_path, monkeypatch):
    import json

    run("demo", "--reset", "--units", "10", "--years", "1", "--as-of", "2026-06", "--no-summary")
    # the demo's last month, June, is still being reported (some units have not handed it in)
    assert json.loads(run("analyze", "--format", "json").stdout)["period"] == "2026-05"
    assert (
        json.loads(run("analyze", "rank", "--indicator", "revenue", "--format", "json").stdout)["period"] == "2026-05"
    )
    assert "2026-05" in run("summary", "--lang", "en").stdout
    assert json.loads(run("analyze", "--period", "2026-06", "--format", "json").stdout)["period"] == "2026-06"
    # asked for, a month still being reported says so
    assert "2026-06 is still being reported: " in run("analyze", "--period", "2026-06", "--lang", "en").stdout
    assert "2026-06 仍在报送中" in run("summary", "--as-of", "2026-06", "--lang", "zh").stdout
    assert "still being reported" not in run("analyze", "--lang", "en").stdout
    # a share of the units is enough when so configured
    monkeypatch.setenv("PACER_COMPLETE_SHARE", "0.01")
    get_settings.cache_clear()
    assert json.loads(run("analyze", "--format", "json").stdout)["period"] == "2026-06"
    assert "2026-06" in run("summary", "--lang", "en").stdout


def test_make_demo_runs_twice_and_leaves_the_cli_reading_its_database(tmp_path):
    """The Makefile's demo recipe, in a directory of its own (a small group; serving is refused
    at once by an invalid port, after the demo is built)."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parents[1]
    venv = Path(sys.executable).parent.parent
    if shutil.which("make") is None or not (venv / ".installed").exists():
        pytest.fail("make and an installed .venv are needed (make install)")
    (tmp_path / "pyproject.toml").touch()
    os.utime(tmp_path / "pyproject.toml", (0, 0))  # older than the installed venv: nothing to install
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACER_")}
    make = [
        "make",
        "-s",
        "-C",
        str(tmp_path),
        "-f",
        str(root / "Makefile"),
        f"VENV={venv}",
        "PORT=0",
        "DEMO_ARGS=--units 10 --years 1 --as-of 2026-06 --no-summary",
        "demo",
    ]
    for _ in range(2):
        done = subprocess.run(make, env=env, capture_output=True, text=True, timeout=300)
        assert "Demo group loaded" in done.stdout, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
    assert (tmp_path / ".env").read_text().strip() == f"PACER_DATABASE_URL=sqlite:///{tmp_path}/pacer-demo.db"
    summary = subprocess.run(
        [str(venv / "bin" / "pacer"), "summary", "--lang", "en"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert summary.returncode == 0, summary.stderr
    assert "2026-05 operations" in summary.stdout


def test_a_demo_database_is_served_beyond_loopback_only_once_its_published_password_is_gone(database_url, monkeypatch):
    import uvicorn

    served: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: served.append(kwargs["host"]))
    monkeypatch.setenv("PACER_SECRET_KEY", "x" * 40)
    run("demo", "--reset", "--units", "10", "--years", "1", "--as-of", "2026-06", "--no-summary")
    refused = run("serve", "--host", "0.0.0.0", ok=False)
    assert refused.exit_code != 0
    assert "published password" in refused.output
    assert served == []
    run("serve", "--host", "127.0.0.1")
    assert served == ["127.0.0.1"]
    engine = create_engine(database_url)
    with engine.connect() as conn:
        names = conn.execute(select(User.username).where(User.is_active.is_(True))).scalars().all()
    engine.dispose()
    for name in names:
        run("users", "set-password", name, "--password", f"own-{name}-secret")
    run("serve", "--host", "0.0.0.0")
    assert served == ["127.0.0.1", "0.0.0.0"]


def test_the_summary_and_analyze_read_the_group_s_time_basis_and_money_scale(database_url):
    import json

    run("demo", "--reset", "--units", "10", "--years", "2", "--as-of", "2026-06", "--no-summary")
    before = run("summary", "--as-of", "2026-05", "--lang", "en").stdout
    assert "amounts in RMB 100m; time progress 41.7%" in before
    assert json.loads(run("analyze", "--period", "2026-05", "--format", "json").stdout)["time_basis"] == "linear"
    run("settings", "set", "money_scale=wan", "time_basis=seasonal")
    after = run("summary", "--as-of", "2026-05", "--lang", "zh").stdout
    assert "金额单位：万元" in after
    assert "时间进度 41.7%" not in after  # last year's shape, not five twelfths
    doc = json.loads(run("analyze", "--period", "2026-05", "--format", "json").stdout)
    assert doc["time_basis"] == "seasonal"
    assert (
        json.loads(run("analyze", "--period", "2026-05", "--time-basis", "linear", "--format", "json").stdout)[
            "time_basis"
        ]
        == "linear"
    )
    table = run("analyze", "--period", "2026-05", "--lang", "en").stdout
    assert "RMB 10k" in table
    assert "RMB 100m" not in table
