"""The entry grid as its page shows it: figures in each line's entry unit, the rules' findings
beside their lines, a refused save's problems beside the figures they concern, the workbook
links when the application serves them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import Request
from starlette.routing import Route

from pacer.analysis import wording
from pacer.errors import DomainError, ValidationFailed
from pacer.kit import periods
from pacer.kit.numbers import to_decimal
from pacer.kit.tabular import Row
from pacer.models import SubmissionCheck
from pacer.submissions.grid import Category, EntryGrid, Line
from pacer.submissions.service import NARRATIVE
from pacer.submissions.workflow import SUBMISSION
from pacer.web.i18n import translate


def number(line: Line, value: int | Decimal | None) -> str:
    """A figure of ``line`` (scaled, or a derived value in its unit) in its entry unit, grouped."""
    if value is None:
        return wording.DASH
    amount = to_decimal(value, line.scale) if isinstance(value, int) else value
    decimals = 2 if line.unit.shift else line.scale
    return wording.number(amount.scaleb(-line.unit.shift), decimals)


def ytd_now(line: Line) -> str:
    """A flow's year to date with the saved figure of the month."""
    if line.kind != "flow" or line.saved is None:
        return wording.DASH
    return number(line, line.saved if line.basis == "ytd" else line.ytd_before + line.saved)


def data_of(line: Line) -> str:
    """What the page's script needs of a line, as JSON (scaled figures in the stored unit)."""
    return json.dumps(
        {
            "kind": line.kind,
            "basis": line.basis,
            "scale": line.scale,
            "shift": line.unit.shift,
            "ytd_before": line.ytd_before,
            "opening": line.opening,
            "formula": line.formula,
        },
        separators=(",", ":"),
    )


@dataclass(frozen=True, slots=True)
class Shown:
    """A line as its row shows it, every figure already in words: the page's loop over 300
    lines then only places text (a template call per cell would cost more than the figures)."""

    code: str
    kind: str
    name: str
    basis: str
    symbol: str
    data: str  # data_of(line)
    css: str
    value: str  # the input's text: what was posted, else the saved figure as typed
    shown: str  # the saved figure (or a derived line's value) in words
    last_year: str
    last_month: str
    ytd_before: str
    ytd_now: str
    targets: str
    findings: list[SubmissionCheck]
    problems: list[str]


def shown(
    grid: EntryGrid,
    lang: str,
    findings: Mapping[str, list[SubmissionCheck]],
    posted: Mapping[str, str],
    problems: Mapping[str, list[str]],
) -> list[tuple[Category, list[Shown]]]:
    """Each category with its lines as shown in ``lang``."""
    bases = {b: translate(lang, f"sub.basis.{b}") for b in ("ytd", "monthly", "balance", "derived")}
    return [(c, [_shown(line, lang, bases, findings, posted, problems) for line in c.lines]) for c in grid.categories]


def _shown(
    line: Line,
    lang: str,
    bases: Mapping[str, str],
    findings: Mapping[str, list[SubmissionCheck]],
    posted: Mapping[str, str],
    problems: Mapping[str, list[str]],
) -> Shown:
    code, mine, bad = line.code, findings.get(line.code, []), problems.get(line.code, [])
    css = ("derived" if line.kind == "derived" else "") + (
        " has-problem" if bad or any(f.severity == "error" for f in mine) else ""
    )
    ensure, strive = line.targets.get("ensure"), line.targets.get("strive")
    targeted = ensure is not None or strive is not None
    return Shown(
        code=code,
        kind=line.kind,
        name=line.name(lang),
        basis=bases.get(line.basis) or translate(lang, f"sub.basis.{line.basis}"),
        symbol=line.unit.symbol(lang),
        data=data_of(line),
        css=css,
        value=posted.get(f"v.{code}", line.value),
        shown=number(line, line.derived if line.kind == "derived" else line.saved),
        last_year=number(line, line.compared.get("last_year")),
        last_month=number(line, line.compared.get("last_month")),
        ytd_before=number(line, line.compared.get("ytd_before")) if line.kind == "flow" else "",
        ytd_now=ytd_now(line),
        targets=f"{number(line, ensure)} / {number(line, strive)}" if targeted else "",
        findings=mine,
        problems=bad,
    )


def problems_by_line(
    exc: DomainError, rows: list[Row], refused: Mapping[str, list[str]], lang: str = "en"
) -> tuple[dict[str, list[str]], list[str]]:
    """A refused save's problems beside the lines they concern (by the row each figure was
    sent as), and those of no line, in ``lang`` where they have its words."""
    by_line = {code: list(messages) for code, messages in refused.items()}
    loose: list[str] = []
    codes = {row.number: row.get("indicator_code") for row in rows}
    problems = exc.problems if isinstance(exc, ValidationFailed) else []
    for problem in problems:
        code = codes.get(problem.row or 0)
        if code:
            by_line.setdefault(code, []).append(problem.text(lang))
        else:
            loose.append(problem.said(lang))
    if not problems and not refused:
        loose.append(exc.message)
    return by_line, loose


def workbook_links(request: Request, grid: EntryGrid) -> dict[str, str]:
    """The template download and the upload of this unit-month, where the application has them."""
    month = periods.format_period(grid.period)
    found = {}
    for route in request.app.routes:
        if not isinstance(route, Route) or not route.path.startswith("/submissions/{"):
            continue
        for name, method, tail in (("template", "GET", "/template.xlsx"), ("upload", "POST", "/upload")):
            if route.path.endswith(tail) and method in (route.methods or set()) and route.path.count("{") == 2:
                first, second = route.param_convertors
                found[name] = route.path.replace("{" + first + "}", grid.unit.code).replace("{" + second + "}", month)
    return found


def context(request: Request, grid: EntryGrid, lang: str) -> dict[str, Any]:
    errors = sum(f.severity == "error" for f in grid.findings)
    findings: dict[str, list[SubmissionCheck]] = {}
    for f in grid.findings:
        findings.setdefault(f.indicator, []).append(f)
    month = periods.format_period(grid.period)
    why = None
    if not grid.editable:
        state = SUBMISSION.state_label(grid.state, lang)
        why = translate(lang, "sub.read_only.rights" if not grid.may_report else "sub.read_only.state", state=state)
    sub = grid.found.submission if grid.found else None
    return {
        "grid": grid,
        "month": month,
        "previous": periods.format_period(periods.add_months(grid.period, -1)),
        "provisional_months": ", ".join(periods.format_period(p) for p in grid.provisional),
        "following": periods.format_period(periods.add_months(grid.period, 1)),
        "flow": SUBMISSION,
        "findings": findings,
        "counts": {"errors": errors, "warnings": len(grid.findings) - errors},
        "unexplained": sum(f.severity == "warning" and not f.explanation for f in grid.findings),
        "number": number,
        "ytd_now": ytd_now,
        "data_of": data_of,
        "narrative": {f: getattr(sub, f) if sub else "" for f in NARRATIVE},
        "read_only_why": why,
        "links": workbook_links(request, grid),
        "action": f"/submissions/{grid.unit.code}/{month}",
        "hidden": {"unit": grid.unit.code, "month": month},
        "posted": {},
        "line_problems": {},
        "loose": [],
        "refusal": None,
        "conflict": False,
    }
