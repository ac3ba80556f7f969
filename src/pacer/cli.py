"""The ``pacer`` command. Subcommands are thin shells over services; each one commits."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from pacer.config import get_settings
from pacer.db import get_engine, unit_of_work
from pacer.errors import DomainError
from pacer.kit import periods

console = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

# Exit codes: 1 a refused operation (or a database or file that cannot be used), 2 an input with
# problems (a file's rows, the command line), 3 an unexpected error (a bug in Pacer).
INTERNAL_ERROR = 3


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
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


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
        return f"the database at {_safe_url()} could not be used: {_first_line(exc.orig or exc)}", 1
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


def _open_consoles() -> None:
    """Consoles for the terminal the command runs in: Rich fixes a console's width (COLUMNS)
    when it is made, so each command makes its own rather than keep one made at import."""
    global console, err
    console, err = Console(), Console(stderr=True)


class ErrorBoundary(TyperGroup):
    """The root command group: every command runs inside it, so none can end in a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        _open_consoles()
        try:
            return super().invoke(ctx)
        except Exception as exc:
            fail(exc)


app = typer.Typer(
    help="Pacer: operations management for multi-level enterprise groups.",
    no_args_is_help=True,
    add_completion=False,
    cls=ErrorBoundary,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)
org_app = typer.Typer(help="Import and export the org tree.", no_args_is_help=True)
indicators_app = typer.Typer(help="The indicator library and indicator sets.", no_args_is_help=True)
targets_app = typer.Typer(help="Annual targets (ensure / strive tiers).", no_args_is_help=True)
facts_app = typer.Typer(help="Monthly figures reported by units.", no_args_is_help=True)
eliminations_app = typer.Typer(help="Elimination entries for intra-group amounts (内部抵销).", no_args_is_help=True)
users_app = typer.Typer(help="Users and their role grants.", no_args_is_help=True)
analyze_app = typer.Typer(
    help="Analyse the figures: a unit's indicators (the default), rankings, bridges, outlook, history."
)
for sub, name in (
    (db_app, "db"),
    (org_app, "org"),
    (indicators_app, "indicators"),
    (targets_app, "targets"),
    (facts_app, "facts"),
    (eliminations_app, "eliminations"),
    (users_app, "users"),
    (analyze_app, "analyze"),
):
    app.add_typer(sub, name=name)


def reports_errors(func: F) -> F:
    """Errors of the command end at the boundary (:func:`fail`): one line, a non-zero exit."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            fail(exc)

    return wrapper  # type: ignore[return-value]


def _sqlite_path() -> Path | None:
    """The file of a SQLite database URL (None for another database or an in-memory one)."""
    from sqlalchemy.engine import make_url

    url = make_url(get_settings().database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _ensure_schema() -> None:
    """Refuse to go on without a migrated database; never creates a database file."""
    from pacer.migrate import is_initialised

    path = _sqlite_path()
    if path is not None and not path.exists():
        raise DomainError(
            f"no database at {path}: create one with 'pacer db upgrade' or 'pacer demo', or set PACER_DATABASE_URL"
        )
    if not is_initialised(get_engine()):
        raise DomainError("the database has no schema yet: run 'pacer db upgrade' first")


def _prepare_database() -> None:
    """Create the directory a SQLite database file goes in (for the commands that build one)."""
    path = _sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _period(option: str, text: str) -> int:
    try:
        return periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(f"{option}: {exc}") from None


def _actor(username: str | None):  # type: ignore[no-untyped-def]
    from pacer.auth.permissions import SYSTEM, load_actor

    if username is None:
        return SYSTEM
    with unit_of_work() as session:
        return load_actor(session, username)


AsUser = Annotated[str | None, typer.Option("--as", help="Act as this user (their grants apply); default: the system.")]


@db_app.command("upgrade")
@reports_errors
def db_upgrade() -> None:
    """Apply every migration and load the built-in indicator library."""
    from pacer.indicators.service import sync_library
    from pacer.migrate import upgrade

    _prepare_database()
    upgrade(get_engine())
    with unit_of_work(writes=True) as session:
        result = sync_library(session)
    console.print(f"Database ready at {_safe_url()} ({result['indicators']} indicators, {result['sets']} sets).")


def _date(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{option}: '{text}' is not a date (expected YYYY-MM-DD)") from None


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


@app.command("demo")
@reports_errors
def demo(
    units: Annotated[
        int | None, typer.Option(min=1, help="Approximate number of units (default: the configured group, about 50).")
    ] = None,
    years: Annotated[
        int | None, typer.Option(min=1, max=100, help="Years of monthly history up to --as-of (default: from 2019).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same group.")] = 7,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last month with figures, YYYY-MM (default: the last complete month).")
    ] = None,
    indicators: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=1000,
            help="Reported indicators in all; beyond the 20 of the express report, statistical ones are added"
            " (the benchmark group uses 300).",
        ),
    ] = None,
    config: Annotated[Path | None, typer.Option(help="A group configuration YAML instead of the built-in one.")] = None,
    summary: Annotated[bool, typer.Option(help="Print the group's picture afterwards.")] = True,
    reset: Annotated[
        bool, typer.Option(help="Drop every table and rebuild the schema first: ALL data is lost.")
    ] = False,
) -> None:
    """Create a realistic demo group (org, people, users, monthly figures, targets)."""
    from pacer.demo.loader import load_demo
    from pacer.demo.records import BASE_CODES
    from pacer.migrate import upgrade

    as_of_period = _period("--as-of", as_of) if as_of else periods.last_complete_month()
    _prepare_database()
    if not reset:  # with --reset, the schema is rebuilt once the group has been generated
        upgrade(get_engine())
    result = load_demo(
        get_engine(),
        units=units,
        years=years,
        seed=seed,
        as_of=as_of_period,
        extra_indicators=max(0, (indicators or 0) - len(BASE_CODES)),
        config=config,
        reset=reset,
        console=console,
    )
    console.print(
        f"Demo group loaded: {result['units']} units, {result['facts']:,} facts, "
        f"{result['targets']} targets, {result['users']} users, in {result['seconds']:.1f} s."
    )
    if summary:
        show_summary(as_of=periods.format_period(as_of_period))
    _print_demo_accounts(result["group"])


def _print_demo_accounts(group: Any) -> None:
    from rich.table import Table

    from pacer.demo.loader import DEMO_PASSWORD

    table = Table("username", "role", "unit", "password", title="Demo accounts (pacer serve, then sign in)")
    for user in group.users:
        table.add_row(user.username, user.role, user.unit_code, DEMO_PASSWORD)
    console.print(table)


@app.command("summary")
@reports_errors
def show_summary(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Period YYYY-MM (default: the latest month complete enough to read, see PACER_COMPLETE_SHARE).",
        ),
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Unit code (default: the group).")] = None,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """Print a unit's picture for a month: key figures YTD, year on year, against target and time."""
    from pacer.summary import render_summary

    _ensure_schema()
    render_summary(console, as_of=as_of, unit_code=unit, language=lang.value if lang else get_settings().language)


@org_app.command("import")
@reports_errors
def org_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV: code,name_zh,name_en,kind,parent_code[,tags,created_on,dissolved_on,effective]."),
    ],
    as_user: AsUser = None,
) -> None:
    """Create or update units; a changed parent is an effective-dated move."""
    from pacer.org.service import import_units_file

    _ensure_schema()
    actor = _actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        counts = import_units_file(session, file, actor)
    console.print("Org imported: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@org_app.command("export")
@reports_errors
def org_export(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of standard output.")
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="The tree as it was on this date, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Export the org tree as CSV (the format 'org import' reads)."""
    from pacer.org.service import export_units

    _ensure_schema()
    with unit_of_work() as session:
        text = export_units(session, _date("--on", on) if on else None)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}")
    else:
        sys.stdout.write(text)


@indicators_app.command("list")
@reports_errors
def indicators_list(
    set_code: Annotated[str | None, typer.Option("--set", help="Only this indicator set, in its order.")] = None,
    year: Annotated[int | None, typer.Option(help="Definitions and set membership in force this year.")] = None,
    lang: Annotated[Language | None, typer.Option(help="zh or en (default: PACER_LANGUAGE).")] = None,
) -> None:
    """List indicators with their kind, unit, direction and formula."""
    from rich.table import Table

    from pacer.indicators.service import list_indicators, set_exists

    _ensure_schema()
    language = lang.value if lang else get_settings().language
    with unit_of_work() as session:
        if set_code and not set_exists(session, set_code):
            raise DomainError(f"unknown indicator set '{set_code}' (see 'pacer indicators sets')")
        rows = list_indicators(session, set_code, year)
    table = Table("code", "name", "kind", "unit", "direction", "reported as", "formula")
    table.columns[0].no_wrap = True
    for r in rows:
        table.add_row(
            r.code,
            r.name_zh if language == "zh" else r.name_en,
            r.kind,
            r.unit,
            r.direction,
            r.reporting or "",
            r.formula or "",
        )
    console.print(table)


@indicators_app.command("sets")
@reports_errors
def indicators_sets() -> None:
    """List the indicator sets."""
    from sqlalchemy import select

    from pacer.models import IndicatorSet

    _ensure_schema()
    with unit_of_work() as session:
        for s in session.scalars(select(IndicatorSet).order_by(IndicatorSet.code)):
            console.print(f"{s.code:28} {s.name_zh}  {s.name_en}")


def _import_file(what: str, importer: Callable[..., dict[str, int]], file: Path, as_user: str | None) -> None:
    """Run one CSV import as one transaction and print its counts."""
    _ensure_schema()
    actor = _actor(as_user)
    with unit_of_work(writes=True, queue=True) as session:
        counts = importer(session, file, actor)
    console.print(f"{what} imported: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@targets_app.command("import")
@reports_errors
def targets_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: unit_code,indicator_code,year,tier[,value,growth_pct,phasing,reason].")
    ],
    as_user: AsUser = None,
) -> None:
    """Import annual targets; a changed target becomes a new revision and needs a reason."""
    from pacer.targets.service import import_targets_file

    _import_file("Targets", import_targets_file, file, as_user)


@facts_app.command("import")
@reports_errors
def facts_import(
    file: Annotated[Path, typer.Argument(help="CSV: unit_code,indicator_code,period,value[,basis].")],
    as_user: AsUser = None,
) -> None:
    """Import monthly figures; the whole file is one transaction."""
    from pacer.facts.service import import_facts_file

    _import_file("Figures", import_facts_file, file, as_user)


@eliminations_app.command("import")
@reports_errors
def eliminations_import(
    file: Annotated[
        Path, typer.Argument(help="CSV: unit_code,indicator_code,period,value[,counterparty,description].")
    ],
    as_user: AsUser = None,
) -> None:
    """Import elimination entries of consolidating units; the whole file is one transaction."""
    from pacer.eliminations.service import import_eliminations_file

    _import_file("Eliminations", import_eliminations_file, file, as_user)


@users_app.command("list")
@reports_errors
def users_list() -> None:
    """List users and their grants."""
    from pacer.auth.service import list_users

    _ensure_schema()
    with unit_of_work() as session:
        for user, grants in list_users(session):
            console.print(f"{user.username:20} {user.display_name:16} " + ", ".join(f"{r}@{u}" for r, u in grants))


@users_app.command("add")
@reports_errors
def users_add(
    username: str,
    display_name: Annotated[str, typer.Option(help="Name shown to others.")],
    grant: Annotated[list[str] | None, typer.Option(help="ROLE@UNIT_CODE, repeatable.")] = None,
) -> None:
    """Create a user with role grants (each scoped to a unit's subtree)."""
    from pacer.auth.service import add_user

    _ensure_schema()
    with unit_of_work(writes=True, queue=True) as session:
        add_user(session, username, display_name, grant or [], actor="system")
    console.print(f"User {username} created.")


@users_app.command("set-password")
@reports_errors
def users_set_password(
    username: str,
    password: Annotated[
        str,
        typer.Option(
            prompt=True, confirmation_prompt=True, hide_input=True, help="The new password (asked for when not given)."
        ),
    ],
) -> None:
    """Set a user's web sign-in password; the user's open sessions end."""
    from pacer.auth.repository import user_by_username
    from pacer.auth.sessions import set_password

    _ensure_schema()
    with unit_of_work(writes=True) as session:
        user = user_by_username(session, username)
        if user is None:
            raise DomainError(f"no user '{username}'")
        set_password(session, user, password, actor="system")
    console.print(f"Password of {username} set.")


@app.command("serve")
@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the web application and JSON API for the database PACER_DATABASE_URL names."""
    from pacer.web.server import run_server

    _ensure_schema()
    run_server(host=host, port=port, workers=workers)


# -- analyze ----------------------------------------------------------------------------------------


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Language(str, Enum):
    zh = "zh"
    en = "en"


class MoneyScale(str, Enum):
    yi = "yi"
    wan = "wan"


class TimeBasisChoice(str, Enum):
    linear = "linear"
    seasonal = "seasonal"


class RankMeasure(str, Enum):
    ytd = "ytd"
    yoy = "yoy"
    completion = "completion"
    gap = "gap"
    value = "value"


class SpanChoice(str, Enum):
    month = "month"
    quarter = "quarter"
    half = "half"
    ytd = "ytd"
    year = "year"


UnitOpt = Annotated[
    str | None, typer.Option("--unit", help="Unit code (default: the group, or your first granted unit).")
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period", help="Month YYYY-MM (default: the latest month complete enough to read, see PACER_COMPLETE_SHARE)."
    ),
]
SetOpt = Annotated[str | None, typer.Option("--set", help="Indicator set (default: key).")]
IndicatorOpt = Annotated[str, typer.Option("--indicator", help="Indicator code (see 'pacer indicators list').")]
FormatOpt = Annotated[OutputFormat | None, typer.Option("--format", help="table (default), json or csv.")]
LangOpt = Annotated[Language | None, typer.Option("--lang", help="zh or en (default: PACER_LANGUAGE).")]
ScaleOpt = Annotated[MoneyScale | None, typer.Option("--scale", help="Money in yi (亿元, default) or wan (万元).")]
BasisOpt = Annotated[
    TimeBasisChoice | None, typer.Option("--time-basis", help="Time progress: linear (default) or seasonal.")
]
RestateOpt = Annotated[
    bool | None,
    typer.Option(
        "--restate/--as-was",
        help="Every month under today's org tree (同口径); default: as the tree was.",
        show_default=False,
    ),
]


def _shared(ctx: typer.Context, **given: Any) -> dict[str, Any]:
    """A subcommand's options, falling back to those given before its name ('pacer analyze --period P rank')."""
    before = ctx.obj if isinstance(ctx.obj, dict) else {}
    return {k: (v if v is not None else before.get(k)) for k, v in given.items()}


def _analyze(command: str, opts: dict[str, Any], **args: Any) -> None:
    from pacer.analysis import report
    from pacer.analysis.display import DisplayUnit
    from pacer.analysis.report_text import rows_csv, table
    from pacer.analysis.service import get_analysis

    _ensure_schema()
    actor = _actor(opts.get("as_user"))
    language = (opts.get("lang") or Language(get_settings().language)).value
    money = DisplayUnit.WAN_YUAN if opts.get("scale") is MoneyScale.wan else DisplayUnit.YI_YUAN
    analysis = get_analysis(get_engine())
    with unit_of_work() as session:
        scope = report.open_scope(session, actor, analysis, opts.get("unit"), opts.get("period"), language, money)
        builder = {
            "cockpit": report.cockpit_report,
            "rank": report.rank_report,
            "bridge": report.bridge_report,
            "outlook": report.outlook_report,
            "history": report.history_report,
        }[command]
        doc = builder(scope, **args)
    fmt = opts.get("format") or OutputFormat.table
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        sys.stdout.write(rows_csv(doc))
    else:
        console.print(table(doc, money, console.width))
        _say_if_still_reported(analysis, scope.year * 100 + scope.month, language)


def _say_if_still_reported(analysis: Any, period: int, language: str) -> None:
    from pacer.analysis.completeness import incomplete
    from pacer.analysis.wording import still_reported

    state = incomplete(analysis, period)
    if state is not None:
        console.print(
            still_reported(periods.format_period(period), state.reported, state.expected, language),
            style="yellow",
            highlight=False,
            soft_wrap=True,
        )


@analyze_app.callback(invoke_without_command=True)
@reports_errors
def analyze(
    ctx: typer.Context,
    unit: UnitOpt = None,
    period: PeriodOpt = None,
    set_code: SetOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    scale: ScaleOpt = None,
    time_basis: BasisOpt = None,
    restate: RestateOpt = None,
    as_user: AsUser = None,
) -> None:
    """A unit's indicators for a month: value, YTD, last year, YoY, targets, completion, time progress, gap, status,
    what remains."""
    opts = {
        "unit": unit,
        "period": period,
        "format": fmt,
        "lang": lang,
        "scale": scale,
        "time_basis": time_basis,
        "restate": restate,
        "as_user": as_user,
        "set_code": set_code,
    }
    if ctx.invoked_subcommand is not None:
        ctx.obj = opts
        return
    _analyze(
        "cockpit",
        opts,
        set_code=set_code or "key",
        time_basis=(time_basis or TimeBasisChoice.linear).value,
        restate=bool(restate),
    )


@analyze_app.command("rank")
@reports_errors
def analyze_rank(
    ctx: typer.Context,
    indicator: IndicatorOpt,
    measure: Annotated[RankMeasure, typer.Option(help="What to rank on.")] = RankMeasure.ytd,
    level: Annotated[
        int | None,
        typer.Option(min=1, help="Rank every unit at this level (the group is 1) instead of a unit's children."),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Rank this unit's children (default: the group's).")
    ] = None,
    period: PeriodOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    scale: ScaleOpt = None,
    time_basis: BasisOpt = None,
    restate: RestateOpt = None,
    as_user: AsUser = None,
) -> None:
    """Rank a unit's children (or every unit at a level) on one indicator."""
    if level is not None and unit is not None:
        raise DomainError("give either --level or --unit, not both")
    opts = _shared(
        ctx,
        unit=unit,
        period=period,
        format=fmt,
        lang=lang,
        scale=scale,
        time_basis=time_basis,
        restate=restate,
        as_user=as_user,
    )
    _analyze(
        "rank",
        opts,
        code=indicator,
        measure=measure.value,
        level=level,
        restate=bool(opts["restate"]),
        time_basis=(opts["time_basis"] or TimeBasisChoice.linear).value,
    )


@analyze_app.command("bridge")
@reports_errors
def analyze_bridge(
    ctx: typer.Context,
    indicator: IndicatorOpt,
    unit: UnitOpt = None,
    span: Annotated[
        SpanChoice, typer.Option(help="The span ending at the period, against the same span last year.")
    ] = SpanChoice.ytd,
    period: PeriodOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    scale: ScaleOpt = None,
    restate: RestateOpt = None,
    as_user: AsUser = None,
) -> None:
    """How each child (and the unit's own line) moved an indicator against last year."""
    opts = _shared(ctx, unit=unit, period=period, format=fmt, lang=lang, scale=scale, restate=restate, as_user=as_user)
    _analyze("bridge", opts, code=indicator, span=span.value, restate=bool(opts["restate"]))


@analyze_app.command("outlook")
@reports_errors
def analyze_outlook(
    ctx: typer.Context,
    unit: UnitOpt = None,
    set_code: SetOpt = None,
    period: PeriodOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    scale: ScaleOpt = None,
    restate: RestateOpt = None,
    as_user: AsUser = None,
) -> None:
    """Year-end outlook of a unit's indicators: run-rate, seasonal, statistical, and the chance of each target."""
    opts = _shared(
        ctx,
        unit=unit,
        period=period,
        format=fmt,
        lang=lang,
        scale=scale,
        restate=restate,
        as_user=as_user,
        set_code=set_code,
    )
    _analyze("outlook", opts, set_code=opts["set_code"] or "key", restate=bool(opts["restate"]))


@analyze_app.command("history")
@reports_errors
def analyze_history(
    ctx: typer.Context,
    indicator: IndicatorOpt,
    unit: UnitOpt = None,
    months: Annotated[
        int | None, typer.Option(min=1, help="Only the last N months up to the period (default: all).")
    ] = None,
    period: PeriodOpt = None,
    fmt: FormatOpt = None,
    lang: LangOpt = None,
    scale: ScaleOpt = None,
    restate: RestateOpt = None,
    as_user: AsUser = None,
) -> None:
    """An indicator of a unit month by month: value, YTD, last year, YoY and month on month."""
    opts = _shared(ctx, unit=unit, period=period, format=fmt, lang=lang, scale=scale, restate=restate, as_user=as_user)
    _analyze("history", opts, code=indicator, months=months, restate=bool(opts["restate"]))


def main() -> None:  # pragma: no cover - console entry point alias
    app()
