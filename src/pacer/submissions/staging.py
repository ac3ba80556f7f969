"""A save's figures on their way to ``submission_figure``: checked by the facts import's own
checks (nothing stored), and the audit trail's picture of a submission before and after."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.errors import Problem, ValidationFailed
from pacer.facts.service import check_facts
from pacer.kit import periods
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Problems, Row
from pacer.models import Submission, SubmissionCheck, Unit
from pacer.submissions import earlier, repository
from pacer.submissions.rules import RuleContext

NARRATIVE = ("situation", "problems", "deviations", "measures")


def checked(
    session: Session,
    actor: Actor,
    name: str,
    unit: Unit,
    period: int,
    rows: list[Row],
    problems: Problems,
    language: str,
    pending: Mapping[earlier.Key, int],
    context: RuleContext,
) -> list[repository.FigureRow]:
    """The rows of ``unit``'s month (the submission ``name``) as staged figures, checked by the
    facts import's own checks, storing nothing; ``pending``: the earlier months' figures not
    yet accepted, ``context``: the rules' context of the month (the import asks for no required
    indicator: the submission does)."""
    if problems:
        raise problems.failure(name)
    if not rows:
        raise ValidationFailed([Problem("no figures: nothing to save")], name)
    cells = ("indicator_code", "value", "basis")
    as_facts = [fact_row(unit.code, period, r.number, *(r.get(c) for c in cells)) for r in rows]
    as_facts += earlier.rows(session, unit.code, pending)
    given = {(unit.id, period): replace(context, required=frozenset())}
    parsed, _ = check_facts(session, as_facts, actor, source=name, language=language, given=given)
    # the month's own rows as the import read them, in their order (the earlier months' left out)
    return [(f.indicator.id, f.value, f.basis) for f in parsed if f.period == period]


def fact_row(unit_code: str, period: int, number: int, code: str, value: str, basis: str) -> Row:
    """A figure of ``unit_code``'s month as a row of the facts import."""
    cells = {"unit_code": unit_code, "indicator_code": code, "period": periods.format_period(period)}
    return Row(number, cells | {"value": value, "basis": basis})


def snapshot(
    sub: Submission, figures: Sequence[repository.Staged], checks: Sequence[SubmissionCheck]
) -> dict[str, object]:
    """The submission as its audit rows show it: version, staged figures, explanations, narrative."""
    return {
        "version": sub.version,
        "figures": {ind.code: f"{format_scaled(fig.value, ind.scale)} {fig.basis}" for ind, fig in figures},
        "explanations": {c.key: c.explanation for c in checks if c.explanation},
        **{f: getattr(sub, f) for f in NARRATIVE},
    }
