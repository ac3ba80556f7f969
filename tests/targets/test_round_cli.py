"""The target round at the terminal: propose from a CSV, return, resubmit with new rows, accept."""

from sqlalchemy import create_engine, select

from pacer.models import Target
from tests.factories import write_csv
from tests.test_cli import ORG, run

HEADER = "unit_code,indicator_code,year,tier,value,growth_pct,phasing,reason"


def test_a_proposal_goes_round_at_the_terminal(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("users", "add", "amy", "--display-name", "Amy", "--grant", "unit_approver@A")
    run("users", "add", "hana", "--display-name", "Hana", "--grant", "hq_analyst@G")
    first = write_csv(tmp_path / "p.csv", HEADER, "A1,revenue,2026,ensure,100,,,")
    out = run("targets", "propose", str(first), "--unit", "A", "--year", "2026", "--due", "2026-01-31", "--as", "amy")
    assert "Proposal #1 submitted" in out.output
    refused = run("targets", "return", "1", "--as", "hana", ok=False)
    assert "'return' needs a reason" in refused.stderr
    assert "returned" in run("targets", "return", "1", "--reason", "too low", "--as", "hana").output
    second = write_csv(tmp_path / "p2.csv", HEADER, "A1,revenue,2026,ensure,120,,,")
    assert "submitted" in run("targets", "submit", "1", "--file", str(second), "--as", "amy").output
    assert "#1" in run("targets", "proposals", "--as", "hana").output
    assert "accepted" in run("targets", "accept", "1", "--as", "hana").output
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(select(Target.value, Target.reason)).all() == [(12000, "accepted proposal #1")]
    engine.dispose()
    tick = run("workflow", "tick", "--now", "2026-02-10T09:00").output
    assert "remind 0, overdue 0, escalate 0" in tick  # accepted: nothing is chased
