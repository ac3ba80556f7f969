"""The target round at the terminal: propose from a CSV, return, resubmit with new rows, accept."""

import re

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
    number = re.search(r"Proposal #(\d+) submitted", out.output).group(1)  # PostgreSQL's ids need not start at 1
    refused = run("targets", "return", number, "--as", "hana", ok=False)
    assert "'return' needs a reason" in refused.stderr
    assert "returned" in run("targets", "return", number, "--reason", "too low", "--as", "hana").output
    second = write_csv(tmp_path / "p2.csv", HEADER, "A1,revenue,2026,ensure,120,,,")
    assert "submitted" in run("targets", "submit", number, "--file", str(second), "--as", "amy").output
    assert f"#{number}" in run("targets", "proposals", "--as", "hana").output
    assert "accepted" in run("targets", "accept", number, "--as", "hana").output
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(select(Target.value, Target.reason)).all() == [(12000, f"accepted proposal #{number}")]
    engine.dispose()
    tick = run("workflow", "tick", "--now", "2026-02-10T09:00").output
    assert "remind 0, overdue 0, escalate 0" in tick  # accepted: nothing is chased
