"""``pacer doctor`` tells each check with OK, a warning or a problem and how to fix it; it exits 1
when something is wrong."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, insert, text
from typer.testing import CliRunner

from pacer.cli import app as cli
from pacer.config import get_settings
from pacer.models import Job, Unit
from pacer.models.base import utcnow

runner = CliRunner()


def doctor(monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[int, dict[str, dict[str, str]]]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    result = runner.invoke(cli, ["doctor", "--json"])
    get_settings.cache_clear()
    assert "Traceback" not in result.output
    return result.exit_code, {c["name"]: c for c in json.loads(result.stdout)}


def test_a_healthy_installation_is_ok_and_exits_0(database_url, monkeypatch):
    code, checks = doctor(monkeypatch)
    assert code == 0
    for name in ("database", "migrations", "job queue", "fonts", "secrets and cookies"):
        assert checks[name]["status"] == "ok", checks[name]
    assert checks["environment"]["status"] == "warning"  # development: the rules are advice


def test_the_lines_say_what_is_wrong_and_how_to_fix_it(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("PACER_CHART_FONT_DIR", str(tmp_path))
    get_settings.cache_clear()
    result = runner.invoke(cli, ["doctor"])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "OK      database:" in result.output
    assert "PROBLEM fonts: no CJK serif or sans-serif font" in result.output
    assert "fix: install the Noto CJK fonts" in result.output
    assert "1 problem(s)." in result.output


def test_every_unsafe_production_setting_is_a_problem_with_its_fix(database_url, monkeypatch):
    code, checks = doctor(
        monkeypatch,
        PACER_ENVIRONMENT="production",
        PACER_SECRET_KEY="pacer-development-secret-change-me",
        PACER_COOKIE_SECURE="false",
        PACER_DEBUG="true",
        PACER_ECHO_SQL="true",
        PACER_FORWARDED_ALLOW_IPS="*",
    )
    assert code == 1
    for variable in ("PACER_SECRET_KEY", "PACER_COOKIE_SECURE", "PACER_DEBUG", "PACER_ECHO_SQL"):
        assert checks[variable]["status"] == "problem", checks[variable]
        assert checks[variable]["fix"]
    assert checks["PACER_FORWARDED_ALLOW_IPS"]["status"] == "warning"
    assert checks["database"]["status"] == "ok"  # the other checks still run


def test_production_settings_that_are_safe_pass(database_url, monkeypatch):
    code, checks = doctor(monkeypatch, PACER_ENVIRONMENT="production", PACER_SECRET_KEY="k" * 40)
    assert checks["environment"]["status"] == "ok"
    assert checks["secrets and cookies"]["status"] == "ok"
    assert code == 0


def test_an_unreachable_database_is_a_problem(monkeypatch):
    code, checks = doctor(monkeypatch, PACER_DATABASE_URL="postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert code == 1
    assert checks["database"]["status"] == "problem"
    assert "127.0.0.1:1" in checks["database"]["detail"]
    assert "secret" not in checks["database"]["detail"]  # the password is never printed


def test_a_missing_sqlite_file_is_a_problem_and_is_not_created(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.db"
    code, checks = doctor(monkeypatch, PACER_DATABASE_URL=f"sqlite:///{missing}")
    assert code == 1
    assert checks["database"]["fix"] == "create it: pacer db upgrade"
    assert not missing.exists()


def test_a_schema_behind_this_version_is_a_problem(database_url, monkeypatch):
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '20261122_elimination_entries'"))
    engine.dispose()
    code, checks = doctor(monkeypatch)
    assert code == 1
    assert checks["migrations"]["status"] == "problem"
    assert "20261122_elimination_entries" in checks["migrations"]["detail"]
    assert checks["migrations"]["fix"].startswith("pacer db upgrade")


def test_a_setting_that_cannot_be_read_is_a_problem(database_url, monkeypatch):
    code, checks = doctor(monkeypatch, PACER_LANGUAGE="fr")
    assert code == 1
    assert "PACER_LANGUAGE" in checks["settings"]["detail"]


def test_jobs_waiting_long_are_a_warning(database_url, monkeypatch):
    engine = create_engine(database_url)
    with engine.begin() as connection:
        unit = connection.execute(insert(Unit).values(code="Q", name_zh="单位", name_en="Q", kind="group", tags={}))
        long_ago = utcnow() - timedelta(hours=2)
        values = {"kind": "report", "requested_by": "t", "unit_id": unit.inserted_primary_key[0], "parameters": {}}
        connection.execute(insert(Job).values(**values, created_at=long_ago, updated_at=long_ago))
    engine.dispose()
    code, checks = doctor(monkeypatch, PACER_JOBS_WORKERS="0")
    assert code == 0
    queue = checks["job queue"]
    assert queue["status"] == "warning"
    assert "1 job(s) queued, the oldest for 120 minutes" in queue["detail"]
    assert "pacer jobs work" in queue["fix"]
