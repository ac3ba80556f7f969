"""What every command shares: the one error boundary, consoles made per command, ``--as`` actor
resolution, the database checks and one-transaction file imports, and the option types."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from pacer.config import get_settings
from pacer.db import get_engine, unit_of_work
from pacer.errors import DomainError
from pacer.kit import periods
from pacer.kit.progress import Report

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pacer.auth.permissions import Actor

P = ParamSpec("P")
R = TypeVar("R")

# Exit codes: 1 a refused operation (or a database or file that cannot be used), 2 an input with
# problems (a file's rows, the command line), 3 an unexpected error (a bug in Pacer).
INTERNAL_ERROR = 3

_consoles: dict[str, Console] = {"out": Console(), "err": Console(stderr=True)}


def console() -> Console:
    """The standard output console of the running command."""
    return _consoles["out"]


_STAGES = {"read": ("读取", "Reading"), "store": ("写入", "Storing")}


@contextmanager
def progress_bar(lang: str) -> Iterator[Report | None]:
    """A bar per stage of a long import on standard error when it is a terminal (gone once
    done); None elsewhere, so piped output and scripts see only the result."""
    err = _consoles["err"]
    if not err.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                zh, en = _STAGES.get(stage, (stage, stage))
                tasks[stage] = bar.add_task(zh if lang == "zh" else en, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield report


def open_consoles() -> None:
    """Consoles for the terminal the command runs in: Rich fixes a console's width (COLUMNS)
    when it is made, so each command makes its own rather than keep one made at import."""
    _consoles.update(out=Console(), err=Console(stderr=True))


def fail(exc: BaseException) -> NoReturn:
    """The CLI's error boundary: print what went wrong on one line and exit non-zero.

    The product's own errors (refusals, bad input, a database or file that cannot be used) are
    told as they are; anything else is a bug, named with its type and message. PACER_DEBUG=1
    lets the exception through, with its traceback.
    """
    if isinstance(exc, click.exceptions.Exit | click.Abort | typer.Exit | click.exceptions.NoArgsIsHelpError):
        raise exc
    if isinstance(exc, click.ClickException):  # the command line itself (unknown option, bad choice)
        name = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else "pacer"
        message = exc.format_message().replace(" (env var: 'None')", "")
        _say(f"{message} (see '{name} --help')")
        raise typer.Exit(code=exc.exit_code)
    message, code = _explain(exc)
    if code == INTERNAL_ERROR and _debug():
        raise exc
    _say(message)
    raise typer.Exit(code=code) from None


def _say(message: str) -> None:
    _consoles["err"].print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def _debug() -> bool:
    try:
        return get_settings().debug
    except Exception:
        return os.environ.get("PACER_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def _explain(exc: BaseException) -> tuple[str, int]:
    """(message, exit code) for an exception reaching the command line."""
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError, DBAPIError

    if isinstance(exc, DomainError):
        return exc.message, 2 if exc.status == 422 else 1
    if isinstance(exc, ValidationError):  # a setting (PACER_*) with a value it cannot take
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()), 1
    if isinstance(exc, ArgumentError):
        return f"PACER_DATABASE_URL cannot be used: {_first_line(exc)}", 1
    if isinstance(exc, DBAPIError):
        return f"the database at {safe_url()} could not be used: {_first_line(exc.orig or exc)}", 1
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}", 1
    return (
        f"unexpected {type(exc).__name__}: {_first_line(exc)}. This is a bug in Pacer; "
        "PACER_DEBUG=1 shows where it happened."
    ), INTERNAL_ERROR


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class ErrorBoundary(TyperGroup):
    """The root command group: every command runs inside it, so none can end in a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        open_consoles()
        try:
            return super().invoke(ctx)
        except Exception as exc:
            fail(exc)


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Errors of the command end at the boundary (:func:`fail`): one line, a non-zero exit."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            fail(exc)

    return wrapper


def group(help_text: str, no_args_is_help: bool = True) -> typer.Typer:
    """A feature's group of subcommands ('pacer org ...')."""
    return typer.Typer(help=help_text, no_args_is_help=no_args_is_help)


# -- the database --------------------------------------------------------------------------------


def sqlite_path() -> Path | None:
    """The file of a SQLite database URL (None for another database or an in-memory one)."""
    from sqlalchemy.engine import make_url

    url = make_url(get_settings().database_url)
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def ensure_schema() -> None:
    """Refuse to go on without a migrated database; never creates a database file."""
    from pacer.migrate import is_initialised

    path = sqlite_path()
    if path is not None and not path.exists():
        raise DomainError(
            f"no database at {path}: create one with 'pacer db upgrade' or 'pacer demo', or set PACER_DATABASE_URL"
        )
    if not is_initialised(get_engine()):
        raise DomainError("the database has no schema yet: run 'pacer db upgrade' first")


def prepare_database() -> None:
    """Create the directory a SQLite database file goes in (for the commands that build one)."""
    path = sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def actor(username: str | None) -> Actor:
    """The actor ``--as`` names (the system when none is given)."""
    from pacer.auth.permissions import SYSTEM, load_actor

    if username is None:
        return SYSTEM
    with unit_of_work() as session:
        return load_actor(session, username)


def import_file(
    what: str, importer: Callable[[Session, Path, Actor], dict[str, int]], file: Path, as_user: str | None
) -> None:
    """Run one CSV import as one transaction and print its counts."""
    ensure_schema()
    by = actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        counts = importer(session, file, by)
    console().print(f"{what} imported: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


# -- options -------------------------------------------------------------------------------------


class Language(str, Enum):
    zh = "zh"
    en = "en"


def language(lang: Language | None) -> str:
    """The language asked for, else PACER_LANGUAGE."""
    return lang.value if lang else get_settings().language


def period(option: str, text: str) -> int:
    try:
        return periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(f"{option}: {exc}") from None


def day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{option}: '{text}' is not a date (expected YYYY-MM-DD)") from None


AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (their grants apply); default: the system.")]
