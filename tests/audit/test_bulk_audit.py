"""Audit rows written in bulk: the form without a dict per row writes what the dict form writes,
and JSON given as text reads back as the same JSON as a dict."""

from __future__ import annotations

import json

from sqlalchemy import select

from pacer.audit.service import record_changes, record_many
from pacer.audit.subject import Subject
from pacer.kit.bulk import Json
from pacer.models import AuditEntry

COLUMNS = ("actor", "action", "entity", "entity_key", "before", "after", "note", "unit_id", "indicator", "period")


def _written(session, action):
    rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
    return [tuple(getattr(r, c) for c in COLUMNS[2:]) for r in rows]  # from the entity on


def test_changes_without_a_dict_per_row_are_written_as_the_dict_form_writes_them(session, org):
    changes = [
        ("A1/revenue/2026-03", Subject("A1", "revenue", 202603), None, Json('{"value": "12.50"}')),
        ("A2/revenue/2026-03", Subject("A2", "revenue", 202603), Json('{"value": "-1.00"}'), Json('{"value": "3"}')),
        ("B1/headcount/2026-02", Subject("B1", "headcount", 202602), {"value": "7"}, {"value": "8"}),
    ]
    record_changes(session, "admin", "fact.bulk", "fact", "from a file", changes)
    record_many(
        session,
        [
            {"actor": "admin", "action": "fact.dicts", "entity": "fact", "entity_key": key, "note": "from a file"}
            | {"before": None if b is None else _as_dict(b), "after": _as_dict(a)}
            for key, _, b, a in changes
        ],
    )
    session.flush()
    bulk, dicts = _written(session, "fact.bulk"), _written(session, "fact.dicts")
    assert bulk == dicts
    assert bulk[0][2:] == (None, {"value": "12.50"}, "from a file", org.A1.id, "revenue", 202603)
    assert bulk[1][2:4] == ({"value": "-1.00"}, {"value": "3"})


def test_one_time_stamp_for_every_row_of_a_bulk_write(session, org):
    changes = [(f"A1/revenue/2026-0{m}", Subject("A1", "revenue", 202600 + m), None, {"value": str(m)}) for m in (1, 2)]
    record_changes(session, "admin", "fact.bulk", "fact", "", changes)
    session.flush()
    stamps = session.scalars(select(AuditEntry.at).where(AuditEntry.action == "fact.bulk")).all()
    assert len(stamps) == 2
    assert stamps[0] == stamps[1]


def _as_dict(value):
    return json.loads(value) if isinstance(value, Json) else value
