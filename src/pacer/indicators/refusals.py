"""Changes to the library that stored figures forbid. A figure is stored as an integer in its
indicator's unit, scale, kind and reporting basis; changing any of those would silently
reinterpret it (a flow read as a stock, yuan read as 万元). Such an indicator is retired and a
new code created instead."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pacer.indicators import repository
from pacer.indicators.changes import Change
from pacer.indicators.specs import Library

_FIXED = ("kind", "reporting", "scale")
_RETIRE = "retire it (retired_from) and create a new code"


def refusals(session: Session, stored: Library, incoming: Library, changes: list[Change]) -> list[str]:
    """Every refused change, each naming the entry and field."""
    ids = {row.code: row.id for row in repository.indicators(session)}
    suspects = {c.code for c in changes if c.entity == "indicator" and _touches_figures(c)}
    changed_units = {c.code: c for c in changes if c.entity == "unit" and {"factor", "dimension"} & c.fields.keys()}
    users = {code for code, spec in stored.indicators.items() if spec.unit in changed_units}
    with_figures = repository.with_figures(session, [ids[code] for code in sorted(suspects | users) if code in ids])
    figured = {code for code in ids if ids[code] in with_figures}
    problems: list[str] = []
    for change in changes:
        if change.entity == "indicator" and change.code in figured:
            problems += _indicator_refusals(change, stored, incoming)
    for code, change in changed_units.items():
        holders = sorted(c for c in figured if stored.indicators[c].unit == code)
        if holders:
            field = "factor" if "factor" in change.fields else "dimension"
            old, new = change.fields[field]
            problems.append(
                f"unit {code!r}: field {field!r}: {old} → {new} would reinterpret the figures stored in it "
                f"(indicator {', '.join(map(repr, holders))}); create a new unit instead"
            )
    return problems


def _touches_figures(change: Change) -> bool:
    return change.action == "removed" or bool({*_FIXED, "unit"} & change.fields.keys())


def _indicator_refusals(change: Change, stored: Library, incoming: Library) -> list[str]:
    where = f"indicator {change.code!r}"
    if change.action == "removed":
        return [f"{where}: it has stored figures and cannot be removed; retire it instead (retired_from)"]
    problems = []
    for field in _FIXED:
        if field in change.fields:
            old, new = change.fields[field]
            problems.append(f"{where}: field {field!r}: {old} → {new} would reinterpret its stored figures; {_RETIRE}")
    if "unit" in change.fields:
        old, new = change.fields["unit"]
        units = {**stored.units, **incoming.units}
        before = units[old].dimension if old in units else "?"
        after = units[new].dimension if new in units else "?"
        if before != after:
            problems.append(
                f"{where}: field 'unit': {old} ({before}) → {new} ({after}) is a unit of another dimension; {_RETIRE}"
            )
        else:
            problems.append(
                f"{where}: field 'unit': {old} → {new}: its stored figures are in {old} and would be read as {new}; "
                f"{_RETIRE}"
            )
    return problems
