"""One place for settings: ``PACER_*`` environment variables and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


DEVELOPMENT_SECRET = "pacer-development-secret-change-me"


def default_database_url() -> str:
    # The embedded default lives in the user's data directory so that `pacer` works from any
    # working directory; PACER_DATABASE_URL overrides it (PostgreSQL in production).
    data = Path(user_data_dir("pacer", appauthor=False))
    data.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data / 'pacer.db'}"


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

    secret_key: str = DEVELOPMENT_SECRET
    """Signs the sign-in form's CSRF cookie; production refuses the built-in default."""

    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    """Hours a web sign-in lasts before the user must sign in again."""

    cookie_secure: bool = False
    """Send cookies over HTTPS only (set it when Pacer is served behind TLS)."""

    login_max_failures: int = Field(default=5, ge=1)
    """Failed sign-ins allowed per username and address within the window, then 429."""

    login_window_minutes: int = Field(default=15, ge=1)
    """The window over which failed sign-ins are counted."""

    forwarded_allow_ips: str = "127.0.0.1"
    """Comma-separated addresses (or ``*``) of reverse proxies whose X-Forwarded-For names the
    client: sign-in throttling then counts the client's address, not the proxy's."""

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
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("PACER_SECRET_KEY must be set to a private random value in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
