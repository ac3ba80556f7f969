"""What a report is drawn from: the supervision bulletin (:mod:`pacer.tasks.bulletin`) and the
economic-operation report (:func:`pacer.reports.build_economic`), and the
snapshot of figures an approved version is frozen with."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor
from pacer.reports import EconomicRequest, Report, build_economic
from pacer.reports.ask import days
from pacer.reports.render import Progress
from pacer.tasks import bulletin as bulletins
from pacer.tasks.bulletin_calc import Period


def kinds_available() -> tuple[str, ...]:
    """The kinds of report that can be made, in the order the form offers them."""
    return ("economic", "meeting_pack", "bulletin")


def bulletin(session: Session, actor: Actor, unit_code: str | None, period: str, span: str) -> bulletins.Bulletin:
    """The bulletin of the span's days, as of its last day (the tasks' states as they stood
    then), or of today in the month under way."""
    start, end = days(period, span)
    today = date.today()
    return bulletins.bulletin(session, actor, Period(start, end, min(end, today), as_of=end < today), unit_code)


def economic_report(
    session: Session,
    actor: Actor,
    unit_code: str | None,
    period: str,
    span: str,
    lang: str,
    progress: Progress | None = None,
) -> Report:
    """The economic report as built from the engine now, as the actor sees it."""
    request = EconomicRequest(unit_code=unit_code, period=period, span=span, lang=lang)
    return build_economic(session, actor, request, progress=progress)


def bulletin_figures(b: bulletins.Bulletin) -> dict[str, Any]:
    """The bulletin's figures as a plain document (what an approved version keeps)."""

    return {
        "kind": "bulletin",
        "unit": b.node.code,
        "from": b.period.start.isoformat(),
        "to": b.period.end.isoformat(),
        "as_of": b.period.today.isoformat(),
        "total": asdict(b.figures.total),
        "by_unit": {u.code: asdict(t) for u, t in b.units},
        "overdue": [i.id for i in b.overdue],
        "closed": [i.id for i in b.closed],
    }


def sha256_of(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
