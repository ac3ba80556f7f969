"""Monthly submissions at the terminal: save, submit, approve, accept, return, reopen; bad
arguments end in an error line (a bad file lists its problems below it), never a traceback."""

from sqlalchemy import create_engine, select

from pacer.models import Fact
from tests.factories import write_csv
from tests.test_cli import ORG, run

FACT_HEADER = "unit_code,indicator_code,period,value"


def test_a_month_goes_from_a_csv_to_the_figures_of_record_at_the_terminal(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("indicators", "assign", "--indicator", "revenue", "--unit", "A1", "--from", "2024-01", "--reason", "月报")
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    run("users", "add", "amy", "--display-name", "Amy", "--grant", "unit_approver@A1")
    run("users", "add", "hana", "--display-name", "Hana", "--grant", "hq_analyst@G")
    month = write_csv(tmp_path / "m.csv", "indicator_code,value", "revenue,120.5")
    saved = run("submissions", "save", "A1", "2025-01", str(month), "--situation", "平稳", "--as", "alice").output
    assert "1 figure(s) saved, version 1" in saved
    assert "submitted" in run("submissions", "submit", "A1", "2025-01", "--as", "alice").output
    refused = run("submissions", "return", "A1", "2025-01", "--as", "amy", ok=False)
    assert "'return' needs a reason" in refused.stderr
    assert "returned" in run("submissions", "return", "A1", "2025-01", "--reason", "核实", "--as", "amy").output
    stale = run("submissions", "submit", "A1", "2025-01", "--version", "1", "--as", "alice", ok=False)
    assert "version 3, not 1" in stale.stderr
    run("submissions", "submit", "A1", "2025-01", "--as", "alice")
    run("submissions", "approve", "A1", "2025-01", "--as", "amy")
    refused = run("submissions", "accept", "A1", "2025-01", "--as", "amy", ok=False)
    assert "not allowed to accept" in refused.stderr
    assert "accepted" in run("submissions", "accept", "A1", "2025-01", "--as", "hana").output
    shown = run("submissions", "show", "A1", "2025-01", "--as", "hana").output
    assert "120.5" in shown
    assert "situation: 平稳" in shown
    assert "verbs: reopen" in shown
    assert "A1" in run("submissions", "list", "--period", "2025-01", "--state", "accepted").output
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(select(Fact.value)).scalars().all() == [12050]
    engine.dispose()
    assert "returned" in run("submissions", "reopen", "A1", "2025-01", "--reason", "restated", "--as", "hana").output


def test_bad_arguments_end_in_an_error_never_a_traceback(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    month = write_csv(tmp_path / "m.csv", "indicator_code,value", "revenue,1")
    for args, said in (
        (("show", "A1", "2025-13"), "MONTH"),
        (("list", "--period", "soon"), "--period"),
        (("list", "--state", "late"), "'late' is not a state"),
        (("show", "NOPE", "2025-01"), "no such unit"),
        (("show", "A1", "2025-01"), "A1 has no submission for 2025-01"),
        (("save", "A1", "2025-01", str(tmp_path / "none.csv")), "none.csv"),
        (("approve", "A1", "2025-01"), "A1 has no submission"),
    ):
        refused = run("submissions", *args, ok=False)
        assert said in refused.stderr, args
        assert refused.stderr.startswith("error: "), refused.stderr
        assert "Traceback" not in refused.stderr
    run("submissions", "save", "A1", "2025-01", str(month))
    refused = run("submissions", "reopen", "A1", "2025-01", "--reason", "x", ok=False)
    assert "'reopen' is not possible in state 'draft'" in refused.stderr


def test_a_warning_is_explained_at_the_terminal_before_the_month_goes_up(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("indicators", "assign", "--indicator", "revenue", "--unit", "A1", "--from", "2024-01", "--reason", "月报")
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    run("facts", "import", str(write_csv(tmp_path / "ly.csv", FACT_HEADER, "A1,revenue,2024-01,100")))
    month = write_csv(tmp_path / "m.csv", "indicator_code,value", "revenue,1000")
    run("submissions", "save", "A1", "2025-01", str(month), "--as", "alice")
    refused = run("submissions", "submit", "A1", "2025-01", "--as", "alice", ok=False)
    assert "yoy_jump:revenue" in refused.stderr  # PACER_LANGUAGE: zh
    assert "尚未说明" in refused.stderr
    bad = run("submissions", "save", "A1", "2025-01", str(month), "--explain", "no-equals", "--as", "alice", ok=False)
    assert "RULE:INDICATOR=TEXT" in bad.stderr
    said = run("submissions", "explain", "A1", "2025-01", "yoy_jump:revenue", "新合同投产", "--as", "alice").output
    assert "尚有 0 条警告未说明" in said
    shown = run("submissions", "show", "A1", "2025-01", "--as", "alice").output
    assert "[yoy_jump:revenue]" in shown
    assert "说明 (alice" in shown
    assert "新合同投产" in shown
    assert "submitted" in run("submissions", "submit", "A1", "2025-01", "--as", "alice").output
