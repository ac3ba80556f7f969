"""A unit's filled monthly template (``pacer facts template``) saved into its submission as a
draft, through the same service and rules as every other way in. The stamp must be that unit's,
that month's and of this template version; every problem is named by sheet and cell and nothing
is stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from pacer.auth.permissions import REPORT, Actor, require
from pacer.errors import NotFound, ValidationFailed
from pacer.facts.template import LETTER, write_template
from pacer.facts.workbook_import import ROW_SPAN, locate, workbook_rows
from pacer.kit.tabular import Row
from pacer.models import Unit
from pacer.submissions import repository, service


def template(session: Session, actor: Actor, unit_code: str, period: int, language: str) -> bytes:
    """The unit's template for the month, as ``pacer facts template`` writes it."""
    unit = _unit(session, actor, unit_code)
    return write_template(session, actor, unit.code, period, language, "unit")


def save_workbook(
    session: Session,
    actor: Actor,
    unit_code: str,
    period: int,
    path: Path,
    source: str,
    expected_version: int | None = None,
    language: str = "en",
) -> service.Found:
    """Save the workbook's figures as the unit-month's draft, as its reporter."""
    unit = reporting_unit(session, actor, unit_code)
    rows, names, problems, _ = workbook_rows(session, actor, [path], unit.code, period, source)
    if problems:
        raise _located(problems.failure(source), names)
    staged = [Row(r.number, {"indicator_code": r.get("indicator_code"), "value": r.get("value")}) for r in rows]
    cells = {
        r.get("indicator_code"): f"{names[r.number // ROW_SPAN]}!{LETTER['value']}{r.number % ROW_SPAN}" for r in rows
    }
    try:
        return service.save_figures(
            session, actor, unit.code, period, staged, None, expected_version, cells=cells, language=language
        )
    except ValidationFailed as exc:
        raise _located(ValidationFailed(exc.problems, source, exc.more), names) from None


def _located(exc: ValidationFailed, names: list[str]) -> ValidationFailed:
    return ValidationFailed([locate(p, names) for p in exc.problems], exc.source, exc.more)


def reporting_unit(session: Session, actor: Actor, code: str) -> Unit:
    """The unit, if the actor sees it (else not found) and reports for it (else forbidden)."""
    unit = _unit(session, actor, code)
    require(session, actor, REPORT, unit.id)
    return unit


def _unit(session: Session, actor: Actor, code: str) -> Unit:
    unit = repository.unit(session, actor, code)
    if unit is None:
        raise NotFound("no such unit among those you may see")  # the code typed is not echoed
    return unit
