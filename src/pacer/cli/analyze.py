"""``pacer analyze``: a unit's indicators, rankings, bridges, outlook and history, as tables,
JSON or CSV (the documents of :mod:`pacer.cli.present`)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated, Any

import typer

from pacer.cli.common import AsUser, Language, actor, console, ensure_schema, group, reports_errors
from pacer.config import get_settings
from pacer.db import get_engine, unit_of_work
from pacer.errors import DomainError
from pacer.group_settings.service import current
from pacer.kit import periods

commands = group(
    "Analyse the figures: a unit's indicators (the default), rankings, bridges, outlook, history.",
    no_args_is_help=False,
)


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="analyze")


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


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
ScaleOpt = Annotated[
    MoneyScale | None,
    typer.Option("--scale", help="Money in yi (亿元) or wan (万元) (default: the group's money_scale setting)."),
]
BasisOpt = Annotated[
    TimeBasisChoice | None,
    typer.Option("--time-basis", help="Time progress: linear or seasonal (default: the group's time_basis setting)."),
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
    from pacer.analysis import DisplayUnit, get_analysis
    from pacer.cli.present import BUILDERS, Screen, open_scope, rows_csv, table

    ensure_schema()
    by = actor(opts.get("as_user"))
    language = (opts.get("lang") or Language(get_settings().language)).value
    analysis = get_analysis(get_engine())
    with unit_of_work() as session:
        group = current(session)  # the group's settings stand where an option is not given
        scale = opts.get("scale") or MoneyScale(group.money_scale)
        money = DisplayUnit.WAN_YUAN if scale is MoneyScale.wan else DisplayUnit.YI_YUAN
        if "time_basis" in args and args["time_basis"] is None:
            args["time_basis"] = group.time_basis
        scope = open_scope(session, by, analysis, opts.get("unit"), opts.get("period"), language, money)
        doc = BUILDERS[command](scope, **args)
    fmt = opts.get("format") or OutputFormat.table
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        sys.stdout.write(rows_csv(doc))
    else:
        console().print(table(doc, Screen(money, analysis.data.measures), console().width))
        _say_if_still_reported(analysis, scope.year * 100 + scope.month, language)


def _say_if_still_reported(analysis: Any, period: int, language: str) -> None:
    from pacer.analysis import incomplete, still_reported

    state = incomplete(analysis, period)
    if state is not None:
        console().print(
            still_reported(periods.format_period(period), state.reported, state.expected, language),
            style="yellow",
            highlight=False,
            soft_wrap=True,
        )


@commands.callback(invoke_without_command=True)
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
        time_basis=time_basis.value if time_basis else None,
        restate=bool(restate),
    )


@commands.command("rank")
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
        time_basis=opts["time_basis"].value if opts["time_basis"] else None,
    )


@commands.command("bridge")
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


@commands.command("outlook")
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


@commands.command("history")
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
