"""The demo's commendation register: the awards of ``commendations.yaml`` and the commendations
of the last full year, each recorded through the register's own service (its checks and audit),
for the units present and existing in that year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import SYSTEM
from pacer.commendations import service
from pacer.demo.generator import DemoGroup
from pacer.models import Person, Unit

COMMENDATIONS = Path(__file__).with_name("commendations.yaml")


def last_full_year(group: DemoGroup) -> int:
    year, month = group.as_of
    return year if month == 12 else year - 1


def load_commendations(session: Session, group: DemoGroup, path: Path = COMMENDATIONS) -> int:
    """Store the file's awards and the last full year's commendations; how many were recorded."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for a in raw["awards"]:
        service.add_award(session, SYSTEM, a["code"], a["name_zh"], a["name_en"], a["category"], a["recipients"])
    year = last_full_year(group)
    units = {u.code: u for u in session.scalars(select(Unit))}
    count = 0
    for spec in raw["commendations"]:
        unit = units.get(spec["unit"])
        if unit is None or service.lifetime_problems(unit, year):
            continue  # a resized group, or a unit dissolved before the year
        service.add(session, SYSTEM, _entry(session, spec, year))
        count += 1
    return count


def _entry(session: Session, spec: dict[str, Any], year: int) -> service.Entry:
    person_id = None
    if "person" in spec:
        person = Person(name_zh=spec["person"]["zh"], name_en=spec["person"]["en"])
        session.add(person)
        session.flush()
        person_id = person.id
    return service.Entry(
        award=spec["award"],
        year=year,
        unit_code=spec["unit"],
        person_id=person_id,
        distinction_zh=spec.get("distinction_zh", ""),
        distinction_en=spec.get("distinction_en", ""),
        citation_zh=spec["citation_zh"],
        citation_en=spec["citation_en"],
    )
