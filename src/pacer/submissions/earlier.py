"""A month entered while an earlier month of the year still awaits acceptance.

A unit may save month N while N-1 (or any earlier month of the year) is saved, submitted or
approved but not yet accepted: the year-to-date checks of N then use each earlier month's latest
figures, those its submission holds where it is not accepted yet, the figures of record
elsewhere. Those months are named as provisional on the grid and in the API. Only acceptance
makes figures of record, and it takes the months in order: N's year-to-date figures become its
month's amounts against the accepted earlier months, so accepting N before N-1 is refused by
the import (it names the month still missing).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.facts import repository as facts_repository
from pacer.kit import periods
from pacer.kit.numbers import format_scaled
from pacer.kit.tabular import Row
from pacer.models import Indicator, Submission, SubmissionFigure, WorkflowItem
from pacer.submissions.workflow import ACCEPTED

Key = tuple[int, int, int]  # unit id, indicator id, period
ROWS_FROM = 1_000_000  # the rows the earlier months take in a trial import, after any of the month's own


def provisional(session: Session, unit_id: int, period: int) -> list[int]:
    """The earlier months of ``period``'s year whose submission holds figures not yet accepted."""
    stmt = (
        select(Submission.period)
        .outerjoin(WorkflowItem, WorkflowItem.id == Submission.workflow_item_id)
        .where(Submission.unit_id == unit_id, Submission.period.between(period // 100 * 100 + 1, period - 1))
        .where(Submission.workflow_item_id.is_not(None), WorkflowItem.state != ACCEPTED)
        .where(select(SubmissionFigure.indicator_id).where(SubmissionFigure.submission_id == Submission.id).exists())
        .order_by(Submission.period)
    )
    return list(session.scalars(stmt))


def pending(session: Session, unit_id: int, period: int, months: list[int] | None = None) -> dict[Key, int]:
    """The provisional months' figures as months' amounts (a year-to-date flow less the months
    before it, each of those by its own latest figure), by (unit id, indicator id, month);
    ``months``: the provisional months, when the caller has read them."""
    months = provisional(session, unit_id, period) if months is None else months
    if not months:
        return {}
    stmt = (
        select(Submission.period, Indicator, SubmissionFigure.value, SubmissionFigure.basis)
        .join(SubmissionFigure, SubmissionFigure.submission_id == Submission.id)
        .join(Indicator, Indicator.id == SubmissionFigure.indicator_id)
        .where(Submission.unit_id == unit_id, Submission.period.in_(months))
    )
    staged = {
        (p, ind.id): (value, basis == "ytd" and ind.kind == "flow") for p, ind, value, basis in session.execute(stmt)
    }
    ids = {i for _, i in staged}
    stored = facts_repository.facts_for(session, [unit_id], ids, period // 100 * 100 + 1, period - 1)
    out: dict[Key, int] = {}
    for ind_id in sorted(ids):
        ytd = 0
        for month in range(period // 100 * 100 + 1, period):
            given = staged.get((month, ind_id))
            if given is None:
                ytd += stored.get((unit_id, ind_id, month), 0)
                continue
            value, is_ytd = given
            out[(unit_id, ind_id, month)] = amount = value - ytd if is_ytd else value
            ytd += amount
    return out


def rows(session: Session, unit_code: str, values: Mapping[Key, int]) -> list[Row]:
    """``values`` as rows of a trial import (months' amounts), numbered after the month's own."""
    if not values:
        return []
    indicators = {i.id: i for i in session.scalars(select(Indicator).where(Indicator.id.in_({k[1] for k in values})))}
    out = []
    for n, ((_, ind_id, month), value) in enumerate(sorted(values.items()), start=ROWS_FROM):
        ind = indicators[ind_id]
        cells = {"unit_code": unit_code, "indicator_code": ind.code, "period": periods.format_period(month)}
        out.append(Row(n, cells | {"value": format_scaled(value, ind.scale), "basis": "monthly"}))
    return out
