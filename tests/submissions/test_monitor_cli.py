"""The reporting monitor at the terminal, in both languages, and its reminder reaching a real SMTP
server (a local aiosmtpd sink): once, and only to the late unit's reporter."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from pacer.config import get_settings
from tests.factories import write_csv
from tests.notifications.test_mail import smtp  # noqa: F401  (fixture)
from tests.test_cli import run

ORG = (
    "code,name_zh,name_en,kind,parent_code",
    "G,集团,Group,group,",
    "A,一院,First Academy,academy,G",
    "A1,一所,Institute One,institute,A",
    "A2,二所,Institute Two,institute,A",
)


def _month(tmp_path) -> None:
    """A1 submitted January 2025, A2 has not started it (long past its due date); G and A report nothing."""
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    for unit in ("A1", "A2"):
        run("indicators", "assign", "--indicator", "revenue", "--unit", unit, "--from", "2024-01", "--reason", "月报")
    for unit in ("G", "A"):
        run(
            "indicators",
            "assign",
            "--set",
            "express_report",
            "--unit",
            unit,
            "--exclude",
            "--from",
            "2024-01",
            "--reason",
            "汇总",
        )
    run("users", "add", "alice", "--display-name", "Alice", "--grant", "unit_reporter@A1")
    run("users", "add", "rita", "--display-name", "Rita", "--grant", "unit_reporter@A2")
    run("users", "add", "hana", "--display-name", "Hana", "--grant", "hq_analyst@G")
    figures = write_csv(tmp_path / "m.csv", "indicator_code,value", "revenue,120.5")
    run("submissions", "save", "A1", "2025-01", str(figures), "--as", "alice")
    run("submissions", "submit", "A1", "2025-01", "--as", "alice")


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def test_the_monitor_prints_the_counts_and_units_in_either_language(database_url, tmp_path):
    _month(tmp_path)
    en = run("submissions", "monitor", "--period", "2025-01", "--lang", "en", "--as", "hana").output
    assert "Monthly reports for 2025-01: Group (due 2025-02-08 23:59 UTC)" in en
    assert "submitted" in en
    assert "not started · late" in en
    assert "0/2 accepted, 1 late" in en
    zh = run("submissions", "monitor", "--period", "2025-01", "--lang", "zh", "--late", "--node", "A").output
    assert "2025-01 月报报送情况：一院" in zh
    assert "未开始 · 逾期" in zh
    assert "一所" not in zh  # --late: the submitted unit is left out
    refused = run(
        "submissions", "monitor", "--period", "2025-01", "--node", "A1", "--as", "alice", "--remind", ok=False
    )
    assert "not allowed" in refused.output + str(refused.stderr)


def test_the_reminder_mails_the_late_units_reporter_once(database_url, tmp_path, smtp, monkeypatch):  # noqa: F811
    handler, port = smtp
    _month(tmp_path)
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE user_account SET email = username || '@example.com', language = 'en'"))
    engine.dispose()
    for name, value in {
        "PACER_SMTP_HOST": "127.0.0.1",
        "PACER_SMTP_PORT": str(port),
        "PACER_SMTP_STARTTLS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()

    first = run("submissions", "monitor", "--period", "2025-01", "--remind", "--lang", "en", "--as", "hana").output
    assert "Reminded 1 unit(s), 1 people in all: A2" in first
    assert "e-mails: 1 sent, 0 failed" in first
    assert [m["To"] for m in handler.received] == ["rita@example.com"]
    assert "A2" in handler.received[0]["Subject"]
    assert "late" in handler.received[0]["Subject"]

    again = run("submissions", "monitor", "--period", "2025-01", "--remind", "--lang", "en", "--as", "hana").output
    assert "Already reminded today, not reminded again: A2" in again
    assert len(handler.received) == 1
