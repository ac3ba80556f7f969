"""One place for settings: ``PACER_*`` environment variables and an optional ``.env`` file."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets anyone can read in Pacer's source: a server must never sign with them.
DEVELOPMENT_SECRET = "pacer-development-secret-change-me"
KNOWN_SECRETS = frozenset({DEVELOPMENT_SECRET})
MIN_SECRET_LENGTH = 32
SECRET_FILE = "secret_key"


def data_dir() -> Path:
    data = Path(user_data_dir("pacer", appauthor=False))
    data.mkdir(parents=True, exist_ok=True)
    return data


def default_database_url() -> str:
    # The embedded default lives in the user's data directory so that `pacer` works from any
    # working directory; PACER_DATABASE_URL overrides it (PostgreSQL in production). Reading
    # the setting creates nothing: the commands that build a database create its directory.
    return f"sqlite:///{Path(user_data_dir('pacer', appauthor=False)) / 'pacer.db'}"


def stored_secret(directory: Path | None = None) -> str:
    """The installation's own secret key: generated once into ``secret_key`` in the user's data
    directory, readable by its owner only (0600), and read back by every later process. Several
    processes starting at once agree: the file appears complete or not at all (a hard link of a
    finished file), and the first one written wins."""
    try:
        return _read_or_create_secret((directory or data_dir()) / SECRET_FILE)
    except OSError as exc:
        # A read-only home must not stop every command; a server then signs with a key of its
        # own process (several workers would not share it: set PACER_SECRET_KEY).
        logging.getLogger("pacer").warning(
            "cannot keep a secret key in the data directory (%s); using one for this process only", exc
        )
        return secrets.token_urlsafe(48)


def _read_or_create_secret(path: Path) -> str:
    if not path.exists():
        temp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):  # another process was first: use theirs
                os.link(temp, path)
        finally:
            temp.unlink(missing_ok=True)
    return path.read_text().strip()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PACER_", env_file=".env", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    """SQLAlchemy URL. Default: a SQLite file ``pacer.db`` in the user's data directory."""

    environment: str = "development"
    """``development`` or ``production``; production refuses unsafe defaults."""

    language: str = "zh"
    """Default language of terminal output and pages: ``zh`` or ``en``."""

    echo_sql: bool = False
    """Log every SQL statement (debugging)."""

    chart_font_dir: str | None = None
    """A directory of fonts with Chinese glyphs for chart images drawn by the server (SVG/PNG);
    default: the first of the usual system font directories that has a CJK font."""

    secret_key: str = Field(default_factory=stored_secret)
    """Signs the sign-in form's CSRF cookie. Unset: a random key generated once and kept in
    ``secret_key`` (mode 0600) in the user's data directory. A published or short key is refused
    in production and by a server listening beyond loopback."""

    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    """Hours a web sign-in lasts before the user must sign in again."""

    cookie_secure: bool | None = None
    """Send cookies over HTTPS only. Unset: when the request came over HTTPS (directly or as a
    trusted proxy says) and always in production; ``false`` turns it off, ``true`` on."""

    login_max_failures: int = Field(default=5, ge=1)
    """Failed sign-ins in a row an account may have before it is locked for a while (429)."""

    login_window_minutes: int = Field(default=15, ge=1)
    """The first lock's length; each further failure doubles it, up to the maximum below."""

    complete_share: float = Field(default=1.0, gt=0, le=1)
    """The share of the units that should report a month (those in that month's tree with
    figures the month before or in it) that must have reported it before it is the month the
    cockpit, ``pacer analyze`` and ``pacer summary`` open on by default; 1 means all of them."""

    debug: bool = False
    """Let an unexpected error in a command end in its traceback instead of one line."""

    login_lockout_max_minutes: int = Field(default=60, ge=1)
    """The longest lock, so that an attacker cannot keep a user out for long."""

    token_max_days: int = Field(default=90, ge=1, le=3650)
    """The longest an API token lives (and how long one lives when no days are given)."""

    idempotency_hours: int = Field(default=24, ge=1, le=24 * 30)
    """How long the API keeps a write call made with an ``Idempotency-Key`` (and its response,
    replayed to a retry with the same key and body); the key may be used again after that."""

    forwarded_allow_ips: str = ""
    """Comma-separated addresses (or ``*``) of the reverse proxies whose X-Forwarded-For and
    X-Forwarded-Proto are believed. Empty (the default): nobody's; the connection's own address
    is the client's."""

    import_max_bytes: int = Field(default=16 * 1024 * 1024, ge=1)
    """The largest CSV file an import reads (bytes); a larger one is refused before reading."""

    upload_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    """The largest file an upload stores (a meeting's document, a task's evidence), in bytes;
    a larger one is refused before it is stored."""

    rules_file: str | None = None
    """A YAML file whose ``rules:`` section sets the validation rules' thresholds and flags
    (``pacer.submissions.rule_config``); unset: the defaults."""

    engine_snapshot_dir: str | None = None
    """A directory (only this user may write to it) where the processes of a machine share one
    analysis engine: the first to need it builds or updates it and writes it there, the others
    map it (``pacer.analysis.serve.shared``). Unset: each process holds its own, except the
    workers of ``pacer serve --workers N`` (N > 1), which share one under ``engines`` in the
    data directory."""

    public_url: str = ""
    """The address users reach Pacer at (``https://pacer.example.com``), put before the links in
    e-mails; empty: e-mails carry the links' paths only."""

    smtp_host: str = ""
    """The SMTP server e-mail notifications go through; empty (the default): no e-mail, the in-app
    inbox only."""

    smtp_port: int = Field(default=587, ge=1, le=65535)
    """The SMTP server's port."""

    smtp_user: str = ""
    """The SMTP user to sign in as; empty: no sign-in."""

    smtp_password: str = ""
    """The SMTP user's password."""

    smtp_from: str = "pacer@localhost"
    """The sender address of e-mail notifications."""

    smtp_starttls: bool = True
    """Switch the SMTP connection to TLS (STARTTLS) before signing in or sending."""

    workflow_tick_seconds: int = Field(default=300, ge=0)
    """How often the web server sends deadline reminders and escalations and the e-mails waiting
    (seconds; 0: never, run ``pacer workflow tick`` from a scheduler instead)."""

    workflow_remind_days: str = "3,1"
    """Days before a due date that reminders go out, comma-separated."""

    reporting_day: int = Field(default=8, ge=1, le=28)
    """The day of the following month by which a unit's monthly submission is due (the 8th: the
    figures of March by 8 April, end of that day UTC); its reminders and escalations follow."""

    workflow_escalate_days: int = Field(default=3, ge=0)
    """Days overdue after which an item escalates one level up the org tree, and again after each
    further such interval (0: never)."""

    jobs_queue: Literal["embedded", "procrastinate"] = "embedded"
    """Where background jobs wait and who runs them: embedded (threads in each web server process,
    the workflow tick in the web server) or procrastinate (a queue in the PostgreSQL database,
    each job queued in the transaction that asked for it; ``pacer worker`` processes, on any
    machine, run the jobs and the workflow tick once per schedule; PostgreSQL only)."""

    jobs_workers: int = Field(default=2, ge=0, le=16)
    """Threads of each web server process that run background jobs (reports); 0: none, run
    ``pacer jobs work`` instead."""

    jobs_poll_seconds: float = Field(default=2.0, gt=0, le=3600)
    """How often an idle job runner looks for jobs queued by another process (seconds)."""

    jobs_stalled_seconds: float = Field(default=30.0, ge=1, le=3600)
    """With the procrastinate queue: a ``pacer worker`` silent this long (its heartbeat, sent every
    third of it) is taken as stopped, and the job it was running is run again or failed, saying
    why (seconds)."""

    jobs_keep_days: int = Field(default=90, ge=0)
    """Days a finished job and its file are kept; the workflow tick then deletes them, audited
    (0: kept for ever)."""

    spc_engine: Literal["compiled", "duckdb", "spark"] = "compiled"
    """The engine of the columnar statistical process control (every characteristic of a Parquet
    file at once): compiled (one numba pass over a sorted file, else DuckDB), duckdb, or spark
    (PySpark, local mode unless PACER_SPARK_MASTER says otherwise)."""

    spark_master: str = "local[2]"
    """The Spark master the spark engine connects to."""

    report_monthly: str = "docx"
    """The format of the group's monthly report generated by itself once a month's reports were
    due (docx, pdf, html or xlsx); empty: none."""

    oidc_issuer: str = ""
    """The OpenID Connect provider's issuer URL (its discovery document is read from
    ``ISSUER/.well-known/openid-configuration``); empty (the default): no OpenID Connect sign-in."""

    oidc_client_id: str = ""
    """Pacer's client id at the OpenID Connect provider."""

    oidc_client_secret: str = ""
    """Pacer's client secret at the OpenID Connect provider (empty for a public client)."""

    oidc_provider_name: str = "SSO"
    """The provider's name on the sign-in page's button ("Sign in with NAME")."""

    oidc_scopes: str = "openid profile email"
    """The scopes asked for, space-separated; ``openid`` is needed."""

    oidc_username_claim: str = "preferred_username"
    """The ID token's claim that names the Pacer user (and links a pre-created one)."""

    oidc_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """How long Pacer waits for the OpenID Connect provider before the sign-in fails."""

    ldap_url: str = ""
    """The LDAP server (``ldap://host:389`` or ``ldaps://host:636``); empty (the default): no LDAP
    sign-in. Users whose account says LDAP, and unknown users, are checked against it."""

    ldap_bind_dn: str = ""
    """The service account that searches the directory for the user (empty: anonymous search)."""

    ldap_bind_password: str = ""
    """The service account's password."""

    ldap_base_dn: str = ""
    """Where in the directory users are searched for (``ou=people,dc=example,dc=com``)."""

    ldap_user_filter: str = "(uid={username})"
    """The search filter for a user; ``{username}`` is replaced by the escaped name typed in."""

    ldap_username_attribute: str = "uid"
    """The directory attribute that names the Pacer user (and links a pre-created one)."""

    ldap_start_tls: bool = False
    """Switch an ``ldap://`` connection to TLS (StartTLS) before sending any password."""

    ldap_ca_file: str = ""
    """A PEM file of the certificate authorities that vouch for the LDAP server's certificate
    (ldaps:// or StartTLS); empty: the system's."""

    ldap_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """How long Pacer waits for the LDAP server before the sign-in fails."""

    sso_new_users: Literal["create", "existing"] = "create"
    """What a first sign-in through OpenID Connect or LDAP does for someone Pacer does not know:
    ``create`` a user with no role grants (an administrator grants roles later), or, with
    ``existing``, refuse anyone an administrator did not create beforehand with that sign-in."""

    sso_link_by: Literal["username", "email"] = "username"
    """How a first sign-in finds the account an administrator created beforehand for that sign-in
    method: by the same username or by the same e-mail address. A local (password) account is
    never taken over."""

    log_format: Literal["text", "json"] = "text"
    """How ``pacer serve`` writes its logs on standard error: text lines, or JSON lines (one object
    per record; a request's carries its id, method, path, status, duration and user)."""

    metrics_token: str = ""
    """A bearer token that lets its holder read ``/metrics`` from anywhere; empty (the default):
    ``/metrics`` answers clients on the server's own machine (loopback) only."""

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("zh", "en"):
            raise ValueError("PACER_LANGUAGE must be 'zh' or 'en'")
        return value

    @field_validator("environment")
    @classmethod
    def _known_environment(cls, value: str) -> str:
        if value not in ("development", "production", "test"):
            raise ValueError("PACER_ENVIRONMENT must be development, production or test")
        return value

    @model_validator(mode="after")
    def _safe_in_production(self) -> Settings:
        if self.environment == "production" and (unsafe := self.unsafe_for_production()):
            raise ValueError("; ".join(message for _, message in unsafe))
        return self

    @model_validator(mode="after")
    def _queue_on_postgresql(self) -> Settings:
        if self.jobs_queue == "procrastinate" and not self.database_url.startswith("postgresql"):
            raise ValueError("PACER_JOBS_QUEUE=procrastinate needs a PostgreSQL PACER_DATABASE_URL")
        return self

    def unsafe_for_production(self) -> list[tuple[str, str]]:
        """(variable, what is wrong and what to do) for each setting a production installation
        must not run with; refused when PACER_ENVIRONMENT is production, told by ``pacer doctor``."""
        unsafe = []
        if not self.has_private_secret:
            unsafe.append(
                (
                    "PACER_SECRET_KEY",
                    f"PACER_SECRET_KEY must be a private random value of {MIN_SECRET_LENGTH} characters "
                    "or more in production (or unset, to generate one)",
                )
            )
        if self.cookie_secure is False:
            unsafe.append(
                ("PACER_COOKIE_SECURE", "PACER_COOKIE_SECURE must not be false in production (unset it, or true)")
            )
        if self.debug:
            unsafe.append(("PACER_DEBUG", "PACER_DEBUG must be off in production (it shows tracebacks)"))
        if self.echo_sql:
            unsafe.append(
                ("PACER_ECHO_SQL", "PACER_ECHO_SQL must be off in production (it logs every statement's values)")
            )
        return unsafe

    @property
    def has_private_secret(self) -> bool:
        return self.secret_key not in KNOWN_SECRETS and len(self.secret_key) >= MIN_SECRET_LENGTH

    @field_validator("workflow_remind_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError("PACER_WORKFLOW_REMIND_DAYS must be whole days separated by commas, such as 3,1")
        return ",".join(parts)

    @property
    def remind_days(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.workflow_remind_days.split(",") if p)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
