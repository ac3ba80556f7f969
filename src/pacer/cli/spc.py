"""``pacer spc``: control charts and capability of a measurement file (CSV or Parquet)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from pacer.cli.common import console, group, reports_errors

commands = group("Statistical process control of measurement files (统计过程控制).")


def register(app: typer.Typer) -> None:
    app.add_typer(commands, name="spc")


class ChartKind(str, Enum):
    xbar_r = "xbar-r"
    xbar_s = "xbar-s"
    imr = "imr"
    p = "p"
    np = "np"
    c = "c"
    u = "u"
    ewma = "ewma"
    cusum = "cusum"


class Sigma(str, Enum):
    rbar = "rbar"
    sbar = "sbar"
    pooled = "pooled"
    mr = "mr"
    sd = "sd"


class Rules(str, Enum):
    we = "we"
    nelson = "nelson"
    none = "none"


class Constants(str, Enum):
    exact = "exact"
    qcc = "qcc"


class Format(str, Enum):
    table = "table"
    json = "json"


FileArg = Annotated[Path, typer.Argument(help="A .csv (header row) or .parquet file of measurements.")]
ValueOpt = Annotated[str, typer.Option("--value", help="The column of measurements (counts for p, np, c, u).")]
SubgroupOpt = Annotated[
    str | None, typer.Option("--subgroup", help="The column naming each row's subgroup (consecutive rows).")
]
SizeOpt = Annotated[
    str | None,
    typer.Option("--size", help="Subgroups of N consecutive rows; for p, np, u the sample size: N or a column."),
]
SigmaOpt = Annotated[Sigma | None, typer.Option("--sigma", help="Sigma within: rbar, sbar, pooled, mr or sd.")]
FormatOpt = Annotated[Format, typer.Option("--format", help="table (default) or json.")]
ConstantsOpt = Annotated[
    Constants, typer.Option("--constants", help="exact (default) or qcc (R qcc's rounded d2/d3 tables).")
]


@commands.command("chart")
@reports_errors
def spc_chart(
    file: FileArg,
    chart: Annotated[ChartKind, typer.Option("--chart", help="xbar-r, xbar-s, imr, p, np, c, u, ewma or cusum.")],
    value: ValueOpt,
    subgroup: SubgroupOpt = None,
    size: SizeOpt = None,
    phase1: Annotated[
        str | None, typer.Option("--phase1", help="Points A-B (from 1) calibrate the limits; later ones are phase II.")
    ] = None,
    exclude: Annotated[
        str | None, typer.Option("--exclude", help="Phase I points removed for an assignable cause, e.g. 15,23.")
    ] = None,
    sigma: SigmaOpt = None,
    rules: Annotated[Rules, typer.Option("--rules", help="Run rules: we (default), nelson or none.")] = Rules.we,
    rule_count: Annotated[
        list[str] | None, typer.Option("--rule-count", help="Change a rule's count, e.g. N2=8 (repeatable).")
    ] = None,
    lam: Annotated[float, typer.Option("--lambda", help="EWMA weight λ in (0, 1].")] = 0.2,
    nsigmas: Annotated[float, typer.Option("--nsigmas", help="Width of the limits in sigmas (EWMA's L).")] = 3.0,
    k: Annotated[float, typer.Option("--k", help="CUSUM reference value k, in sigmas of the mean.")] = 0.5,
    h: Annotated[float, typer.Option("--h", help="CUSUM decision interval h, in sigmas of the mean.")] = 5.0,
    constants: ConstantsOpt = Constants.exact,
    fmt: FormatOpt = Format.table,
) -> None:
    """Draw a control chart: centre line, limits per point, plotted statistics, rule violations."""
    from pacer.cli.present.spc import chart_table
    from pacer.spc.data.command import ChartRequest, run_chart
    from pacer.spc.documents import chart_document

    request = ChartRequest(
        kind=chart.value, value=value, subgroup=subgroup, size=size, phase1=phase1, exclude=exclude,
        sigma=sigma.value if sigma else None, rules=rules.value, rule_counts=tuple(rule_count or ()),
        lam=lam, nsigmas=nsigmas, k=k, h=h, constants=constants.value,
    )  # fmt: skip
    result, labels, sizes = run_chart(file, request)
    doc = chart_document(result, labels, sizes, rules.value)
    if fmt is Format.json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    for table in chart_table(doc):
        console().print(table)


@commands.command("capability")
@reports_errors
def spc_capability(
    file: FileArg,
    value: ValueOpt,
    lsl: Annotated[float | None, typer.Option("--lsl", help="Lower specification limit.")] = None,
    usl: Annotated[float | None, typer.Option("--usl", help="Upper specification limit.")] = None,
    target: Annotated[float | None, typer.Option("--target", help="Target (default: mid-specification).")] = None,
    subgroup: SubgroupOpt = None,
    size: Annotated[int | None, typer.Option("--size", help="Subgroups of N consecutive rows.")] = None,
    sigma: SigmaOpt = None,
    level: Annotated[float, typer.Option("--level", help="Confidence level of the intervals.")] = 0.95,
    phase1: Annotated[
        str | None,
        typer.Option("--phase1", help="Points A-B are phase I; later ones phase II, studied with phase I's sigma."),
    ] = None,
    constants: ConstantsOpt = Constants.exact,
    fmt: FormatOpt = Format.table,
) -> None:
    """Capability (Cp, Cpk, Cpm) and performance (Pp, Ppk, Ppm) with confidence intervals, % out of spec."""
    from pacer.cli.present.spc import capability_table
    from pacer.spc.data.command import run_capability
    from pacer.spc.documents import capability_document, phases_document

    one, two, method = run_capability(
        file, value, spec=(lsl, usl, target), subgroup=subgroup, size=size,
        sigma=sigma.value if sigma else None, level=level, constants=constants.value, phase1=phase1,
    )  # fmt: skip
    doc: dict[str, Any] = phases_document(one, two, method) if phase1 else capability_document(one, method)
    if fmt is Format.json:
        typer.echo(json.dumps(doc, ensure_ascii=False))
        return
    if not phase1:
        console().print(capability_table(doc))
        return
    for name, part in doc.items():
        if part is not None:
            console().print(capability_table(part, title=f"Phase {'I' if name == 'phase1' else 'II'}"))
