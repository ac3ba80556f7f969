"""What the targets page and its JSON twin send, turned into the rows of the one import
(:func:`pacer.targets.service.import_targets_report`), and its problems put back beside the cells
they concern. The page sends every cell; only the changed ones become rows."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.errors import Forbidden, Problem, ValidationFailed
from pacer.kit.numbers import format_scaled, parse_decimal
from pacer.kit.tabular import Problems, Row
from pacer.models import TARGET_TIERS, Target
from pacer.org.repository import tree_on
from pacer.targets import repository
from pacer.targets.grid import Grid, Line
from pacer.targets.service import Report, import_targets_report

PAGE_PHASINGS = ("keep", "linear", "last_year", "typed")
_SEPARATORS = re.compile(r"[;,，；\s]+")


def cell_key(unit_code: str, indicator: str, name: str) -> str:
    """The form field (and problem key) of one cell: ``A1|revenue|ensure``."""
    return f"{unit_code}|{indicator}|{name}"


def phasing_text(shares: Sequence[int] | None) -> str:
    return "" if not shares else ";".join(format_scaled(s, 2) for s in shares)


def amount_text(target: Target | None, scale: int) -> str:
    """A target as the page shows it in its cell: the value, or the growth it was set as."""
    if target is None:
        return ""
    if target.basis == "growth" and target.growth_bp is not None:
        return format_scaled(target.growth_bp, 2)
    return format_scaled(target.value, scale)


def line_basis(line: Line) -> str:
    for target in line.targets.values():
        return target.basis
    return "absolute"


def _same(a: str, b: str) -> bool:
    try:
        return parse_decimal(a) == parse_decimal(b)
    except ValueError:
        return a == b


@dataclass
class Posted:
    rows: list[Row]
    cells: dict[int, tuple[str, str, str]]  # row number -> (unit, indicator, tier)
    problems: list[Problem] = field(default_factory=list)  # found before the import


def _line_rows(grid: Grid, line: Line, form: Mapping[str, str], posted: Posted) -> None:
    unit, code = line.place.unit.code, line.indicator.code
    basis = form.get(cell_key(unit, code, "basis")) or line_basis(line)
    choice = form.get(cell_key(unit, code, "phasing")) or "keep"
    typed = ";".join(p for p in _SEPARATORS.split(form.get(cell_key(unit, code, "months"), "")) if p)
    reason = form.get(cell_key(unit, code, "reason"), "").strip()
    for tier in TARGET_TIERS:
        current = line.targets.get(tier)
        shown = amount_text(current, line.indicator.scale)
        text = form.get(cell_key(unit, code, tier), "").strip()
        changed = (text and not _same(text, shown)) or (current is not None and basis != current.basis)
        if not (text or current) or not (changed or choice != "keep"):
            continue
        phasing = {"keep": phasing_text(current.phasing_bp if current else None), "typed": typed}.get(choice, choice)
        amount = text or shown
        number = len(posted.rows) + 2  # as if the header were row 1
        values = {
            "unit_code": unit,
            "indicator_code": code,
            "year": str(grid.year),
            "tier": tier,
            "basis": basis,
            "value" if basis != "growth" else "growth_pct": amount,
            "phasing": phasing,
            "reason": reason,
        }
        posted.rows.append(Row(number, values))
        posted.cells[number] = (unit, code, tier)


def form_rows(grid: Grid, form: Mapping[str, str]) -> Posted:
    """Rows for the cells the page's form changed, on the lines the actor may set."""
    posted = Posted([], {})
    for line in grid.lines.values():
        if line.place.editable:
            _line_rows(grid, line, form, posted)
    return posted


def api_rows(session: Session, actor: Actor, grid: Grid, items: Sequence[Mapping[str, str | None]]) -> Posted:
    """Rows as the JSON twin sends them (the year is the page's); a unit outside the node's
    subtree is named as unknown."""
    below = repository.descendants(repository.children_of(tree_on(session, date.today())), grid.node.id)
    inside = {u.code for u in repository.units_by_id(session, actor, below).values()}
    posted = Posted([], {})
    for i, item in enumerate(items, start=1):
        values = {k: ("" if v is None else str(v)) for k, v in item.items()}
        values["year"] = str(grid.year)
        code = values.get("unit_code", "")
        if code not in inside:  # outside the node's subtree reads as unknown, like an invisible unit
            posted.problems.append(Problem(f"unknown unit '{code[:40]}'", i, "unit_code"))
            continue
        posted.rows.append(Row(i, values))
        posted.cells[i] = (code, values.get("indicator_code", ""), values.get("tier", ""))
    return posted


def save(session: Session, actor: Actor, grid: Grid, posted: Posted) -> Report:
    """Store the posted rows through the one import: all or nothing, every problem named."""
    if not grid.places or not grid.places[0].editable:
        raise Forbidden("not allowed to set targets of this unit")
    if not posted.rows and not posted.problems:
        return Report({"created": 0, "revised": 0, "unchanged": 0}, [])
    problems = Problems()
    problems += posted.problems
    return import_targets_report(session, posted.rows, actor, f"targets {grid.year} {grid.node.code}", problems)


def problems_by_cell(posted: Posted, exc: ValidationFailed) -> tuple[dict[str, list[str]], list[Problem]]:
    """Each problem beside its cell (``unit|indicator|tier``, ``…|reason``, ``…|phasing``);
    those of no cell in a list of their own."""
    by_cell: dict[str, list[str]] = {}
    loose: list[Problem] = []
    for problem in exc.problems:
        where = posted.cells.get(problem.row or 0)
        if where is None:
            loose.append(problem)
            continue
        unit, code, tier = where
        name = problem.field if problem.field in ("reason", "phasing") else tier
        by_cell.setdefault(cell_key(unit, code, name or tier), []).append(problem.message)
    return by_cell, loose
