"""``pacer jobs``: list, show and work, on a committed database; bad input on one line."""

from __future__ import annotations

import json
from datetime import date

from pacer.auth.permissions import load_actor
from pacer.db import get_engine, unit_of_work
from pacer.reports import generate
from tests.factories import write_csv
from tests.test_cli import ORG, run

MONTH = f"{date.today().year}-{date.today().month:02d}"


def test_a_queued_report_is_run_by_the_command_and_shown(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PACER_REPORT_MONTHLY", "")  # only the job asked here
    from pacer.config import get_settings

    get_settings.cache_clear()
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    run("users", "add", "vera", "--display-name", "Vera", "--grant", "viewer@A")
    run("users", "add", "olga", "--display-name", "Olga", "--grant", "viewer@A1")
    with unit_of_work(get_engine(), writes=True) as session:
        fields = {"kind": "bulletin", "unit": "A", "period": MONTH, "span": "month", "format": "xlsx", "lang": "zh"}
        job_id = generate.start(session, load_actor(session, "vera"), fields, None, date.today()).id
    listed = run("jobs", "list", "--as", "vera").output
    assert f"#{job_id}" in listed
    assert "queued" in listed
    worked = run("jobs", "work", "--once").output
    assert f"job #{job_id}: done" in worked
    shown = json.loads(run("jobs", "show", str(job_id), "--as", "vera").output)
    assert shown["state"] == "done"
    assert shown["file"]["name"] == f"bulletin-A-{MONTH}-month-zh.xlsx"
    assert shown["parameters"]["unit_code"] == "A"
    hidden = run("jobs", "show", str(job_id), "--as", "olga", ok=False)  # A1 does not see A's job
    assert hidden.exit_code != 0
    assert f"no job {job_id}" in hidden.output
    assert len(hidden.output.strip().splitlines()) == 1


def test_bad_arguments_are_refused_on_one_line(database_url):
    for args in (("jobs", "show", "0"), ("jobs", "show", "x"), ("jobs", "list", "--limit", "0")):
        refused = run(*args, ok=False)
        assert refused.exit_code != 0
        assert "Traceback" not in refused.output
