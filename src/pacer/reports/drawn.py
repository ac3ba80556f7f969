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
from pacer.models import Unit
from pacer.reports import EconomicRequest, Report, build_economic
from pacer.reports.ask import days
from pacer.reports.render import Progress
from pacer.reports.words import word
from pacer.tasks import bulletin as bulletins
from pacer.tasks.bulletin_calc import Figures, Period, Tally


def kinds_available() -> tuple[str, ...]:
    """The kinds of report that can be made, in the order the form offers them."""
    return ("economic", "quality", "meeting_pack", "bulletin")


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


def drawn_report(
    session: Session, actor: Actor, kind: str, unit_code: str | None, period: str, span: str, lang: str,
    progress: Progress | None = None,
) -> Report:  # fmt: skip
    """The economic or the quality report, as drawn now, as the actor sees it."""
    from pacer.reports.quality_report import build_quality

    build = build_quality if kind == "quality" else build_economic
    request = EconomicRequest(unit_code=unit_code, period=period, span=span, lang=lang)
    return build(session, actor, request, progress=progress)


def bulletin_figures(b: bulletins.Bulletin) -> dict[str, Any]:
    """The bulletin as a plain document: what an approved version keeps, every figure and row its
    files show, with names in both languages, so that a file made while the report is approved
    is written from it (:func:`frozen_bulletin`)."""
    return {
        "kind": "bulletin",
        "unit": b.node.code,
        "unit_names": [b.node.name_zh, b.node.name_en],
        "from": b.period.start.isoformat(),
        "to": b.period.end.isoformat(),
        "as_of": b.period.today.isoformat(),
        "as_of_history": b.period.as_of,
        "total": asdict(b.figures.total),
        "by_unit": {u.code: asdict(t) for u, t in b.units},
        "units": [[_unit_doc(u), asdict(t)] for u, t in b.units],
        "departments": [[_unit_doc(d) if isinstance(d, Unit) else d, asdict(t)] for d, t in b.departments],
        "overdue": [i.id for i in b.overdue],
        "closed": [i.id for i in b.closed],
        "items": {"overdue": [_item_doc(i) for i in b.overdue], "closed": [_item_doc(i) for i in b.closed]},
    }


def _unit_doc(u: Unit) -> list[str]:
    return [u.code, u.name_zh, u.name_en]


def _item_doc(i: bulletins.Item) -> list[Any]:
    days = (i.original_deadline, i.deadline, i.closed_on)
    return [i.id, i.title, _unit_doc(i.unit), i.owner, i.state, *(d.isoformat() if d else None for d in days)]


def frozen_bulletin(figures: dict[str, Any]) -> bulletins.Bulletin | None:
    """The bulletin an approved version was frozen with (None: frozen before its rows were kept,
    or not a bulletin)."""
    if figures.get("kind") != "bulletin" or "items" not in figures:
        return None
    day = date.fromisoformat
    period = Period(day(figures["from"]), day(figures["to"]), day(figures["as_of"]), figures["as_of_history"])
    units = [(_unit(u), Tally(**t)) for u, t in figures["units"]]
    departments = [(_unit(d) if isinstance(d, list) else d, Tally(**t)) for d, t in figures["departments"]]

    def item(row: list[Any]) -> bulletins.Item:
        id_, title, unit, owner, state, original, deadline, closed = row
        closed_on = day(closed) if closed else None
        late = max(((closed_on or period.today) - day(original)).days, 0)
        return bulletins.Item(id_, title, _unit(unit), owner, state, day(original), day(deadline), closed_on, late)

    overdue, closed = ([item(r) for r in figures["items"][k]] for k in ("overdue", "closed"))
    numbers = Figures(
        Tally(**figures["total"]), {u.code: t for u, t in units}, {}, figures["overdue"], figures["closed"]
    )
    node = _unit([figures["unit"], *figures["unit_names"]])
    return bulletins.Bulletin(period, node, numbers, units, departments, overdue, closed)


def _unit(doc: list[str]) -> Unit:
    """A unit as named when the version was frozen (not read from, nor added to, the database)."""
    return Unit(code=doc[0], name_zh=doc[1], name_en=doc[2])


def sha256_of(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def bulletin_of_version(
    session: Session, actor: Actor, figures: dict[str, Any], lang: str
) -> tuple[bulletins.Bulletin, str] | None:
    """The bulletin an approved version shows, and what the reader must know about it: the rows
    frozen with it; or, for a version approved before its rows were kept, the bulletin redrawn
    from the tasks' history as they stood on the day it was drawn, with a note saying so and
    whether its totals are those the version kept. None: not an approved bulletin."""
    if figures.get("kind") != "bulletin":
        return None
    frozen = frozen_bulletin(figures)
    if frozen is not None:
        return frozen, ""
    day = date.fromisoformat
    period = Period(day(figures["from"]), day(figures["to"]), day(figures["as_of"]), as_of=True)
    b = bulletins.bulletin(session, actor, period, figures["unit"])
    kept = figures.get("total") or {}
    if kept == asdict(b.figures.total):
        totals = word(lang, "bulletin.redrawn.same")
    else:
        totals = word(lang, "bulletin.redrawn.differ", **{k: kept.get(k, "—") for k in ("due", "completed", "overdue")})
    return b, word(lang, "bulletin.redrawn", day=figures["as_of"], totals=totals)
