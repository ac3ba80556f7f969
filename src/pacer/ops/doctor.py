"""``pacer doctor``: whether this installation can serve, each check with what is wrong and how to
fix it. Settings are judged by the same rules :class:`pacer.config.Settings` refuses in
production (a problem there, a warning elsewhere)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import ValidationError
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from pacer.config import Settings

Status = Literal["ok", "warning", "problem"]
STUCK_JOB = timedelta(minutes=15)
SERIF = ("serifcjk", "sourcehanserif", "simsun")
SANS = ("sanscjk", "sourcehansans", "simhei", "msyh", "wqy")


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def run_checks() -> list[Check]:
    """Every check, in the order a reader fixes them: settings, database, schema, fonts, queue."""
    settings, checks = _settings()
    if settings is None:
        return checks
    checks += _settings_checks(settings)
    engine = _engine(settings)
    try:
        database = _database(engine, settings)
        checks.append(database)
        if database.status == "ok":
            checks.append(_migrations(engine))
            checks.append(_queue(engine, settings))
    finally:
        engine.dispose()
    checks.append(_fonts(settings))
    return checks


def _first_line(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip()
    return text_.splitlines()[0] if text_ else type(exc).__name__


# -- settings ------------------------------------------------------------------------------------


def _settings() -> tuple[Settings | None, list[Check]]:
    """The settings in force; those refused in production are read as if in development, so
    that every unsafe one is told, not only the first."""
    try:
        return Settings(), []
    except ValidationError as exc:
        refused = _messages(exc)
    try:
        settings = Settings(environment="development")
    except ValidationError as exc:
        message = "; ".join(_messages(exc))
        return None, [Check("settings", "problem", message, "correct the PACER_* variable named")]
    production = Settings.model_construct(**{**settings.model_dump(), "environment": "production"})
    if not production.unsafe_for_production():
        return None, [Check("settings", "problem", "; ".join(refused), "correct the PACER_* variable named")]
    return production, []


def _messages(exc: ValidationError) -> list[str]:
    return [str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()]


FIXES = {
    "PACER_SECRET_KEY": "unset PACER_SECRET_KEY (a key is generated into the data directory) or set it to "
    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, the same on every server",
    "PACER_COOKIE_SECURE": "unset PACER_COOKIE_SECURE and serve over HTTPS (behind a proxy: PACER_FORWARDED_ALLOW_IPS)",
    "PACER_DEBUG": "unset PACER_DEBUG",
    "PACER_ECHO_SQL": "unset PACER_ECHO_SQL",
}


def _settings_checks(settings: Settings) -> list[Check]:
    production = settings.environment == "production"
    severity: Status = "problem" if production else "warning"
    checks = [
        Check(
            "environment",
            "ok" if production else "warning",
            f"PACER_ENVIRONMENT is {settings.environment}",
            ""
            if production
            else "set PACER_ENVIRONMENT=production on a production server: unsafe settings are then refused",
        )
    ]
    unsafe = settings.unsafe_for_production()
    for variable, message in unsafe:
        checks.append(Check(variable, severity, message, FIXES.get(variable, "")))
    if not unsafe:
        checks.append(Check("secrets and cookies", "ok", "private secret key, secure cookies, debug and SQL echo off"))
    checks += [c for c in (_advice(settings, production)) if c is not None]
    return checks


def _advice(settings: Settings, production: bool) -> list[Check | None]:
    """Settings that are not wrong everywhere but deserve a look on a production server."""
    if not production:
        return []
    return [
        Check(
            "PACER_DATABASE_URL",
            "warning",
            "SQLite serves one machine; several servers or job workers on other machines need PostgreSQL",
            "set PACER_DATABASE_URL=postgresql+psycopg://USER@HOST/DB (move the data with pacer backup / restore)",
        )
        if settings.is_sqlite
        else None,
        Check(
            "PACER_FORWARDED_ALLOW_IPS",
            "warning",
            "'*' believes X-Forwarded-For from anyone, who can then choose the address sign-in throttling counts",
            "name the reverse proxies' addresses instead",
        )
        if settings.forwarded_allow_ips.strip() == "*"
        else None,
        Check(
            "PACER_PUBLIC_URL",
            "warning",
            f"links in e-mails start with {settings.public_url}, not https://",
            "set PACER_PUBLIC_URL to the https:// address users reach Pacer at",
        )
        if settings.public_url.startswith("http://")
        else None,
    ]


# -- the database --------------------------------------------------------------------------------


def _engine(settings: Settings) -> Engine:
    from pacer.db import make_engine

    return make_engine(settings.database_url, poolclass=NullPool)


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _database(engine: Engine, settings: Settings) -> Check:
    url = _safe(settings.database_url)
    database = make_url(settings.database_url).database
    if settings.is_sqlite and database and database != ":memory:" and not Path(database).exists():
        return Check("database", "problem", f"no database at {database}", "create it: pacer db upgrade")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return Check(
            "database",
            "problem",
            f"{url} cannot be reached: {_first_line(exc)}",
            "check PACER_DATABASE_URL, that the server runs and that this machine may connect to it",
        )
    return Check("database", "ok", f"{url} answers")


def _migrations(engine: Engine) -> Check:
    from pacer.ops.archive import head_revision, schema_revision

    head = head_revision()
    with engine.connect() as connection:
        current = schema_revision(connection)
    if current is None:
        return Check("migrations", "problem", "the database has no schema", "pacer db upgrade")
    if current != head:
        return Check(
            "migrations",
            "problem",
            f"the schema is at {current}, this version of Pacer at {head}",
            "pacer db upgrade (after a backup: pacer backup --output FILE)",
        )
    return Check("migrations", "ok", f"the schema is at this version's head, {head}")


def _queue(engine: Engine, settings: Settings) -> Check:
    """The queue configured (PACER_JOBS_QUEUE) answers and something runs its jobs; the jobs
    waiting in the job table."""
    from pacer.models import Job
    from pacer.models.base import utcnow

    try:
        with engine.connect() as connection:
            waiting, oldest = connection.execute(
                select(func.count(), func.min(Job.created_at)).where(Job.state == "queued")
            ).one()
    except SQLAlchemyError as exc:
        return Check("job queue", "problem", f"the job table cannot be read: {_first_line(exc)}", "pacer db upgrade")
    if settings.jobs_queue == "procrastinate":
        from pacer.jobs.queue import reachable

        served, runners = reachable(settings)
        if not served:
            return Check("job queue", "problem", runners, "start 'pacer worker' on one or more machines")
    else:
        runners = (
            f"run by {settings.jobs_workers} thread(s) in each web server process"
            if settings.jobs_workers
            else "PACER_JOBS_WORKERS is 0: run by 'pacer jobs work' processes"
        )
    if oldest is not None:
        since = utcnow() - (oldest if oldest.tzinfo else oldest.replace(tzinfo=utcnow().tzinfo))
        if since > STUCK_JOB:
            return Check(
                "job queue",
                "warning",
                f"{waiting} job(s) queued, the oldest for {since.total_seconds() / 60:.0f} minutes; {runners}",
                "start a job runner: 'pacer worker' with PACER_JOBS_QUEUE=procrastinate, else 'pacer serve' "
                "with PACER_JOBS_WORKERS > 0 or 'pacer jobs work'",
            )
    return Check("job queue", "ok", f"reachable, {waiting} job(s) queued; {runners}")


# -- fonts ---------------------------------------------------------------------------------------


def _fonts(settings: Settings) -> Check:
    """Chinese in PDF reports and chart images needs a CJK serif (body) and sans (headings)."""
    from pacer.web.charts import FONT_DIRS

    directories = [Path(settings.chart_font_dir)] if settings.chart_font_dir else [Path(d) for d in FONT_DIRS]
    names = [_plain(f.name) for d in directories if d.is_dir() for f in d.rglob("*") if f.is_file()]

    def has(hints: tuple[str, ...]) -> bool:
        return any(h in n for n in names for h in hints)

    missing = [kind for kind, hints in (("serif", SERIF), ("sans-serif", SANS)) if not has(hints)]
    where = settings.chart_font_dir or "the system's font directories"
    if missing:
        return Check(
            "fonts",
            "problem",
            f"no CJK {' or '.join(missing)} font in {where}: Chinese in PDF reports and charts would show as boxes",
            "install the Noto CJK fonts (Debian: apt-get install fonts-noto-cjk) or set PACER_CHART_FONT_DIR",
        )
    return Check("fonts", "ok", f"CJK serif and sans-serif fonts in {where}")


def _plain(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "").replace(" ", "")
