"""What an audit row is about: its unit, indicator and month, read from its entity and key.

Pure: the unit comes back as its code; the writer turns codes into ids. A key's shapes are the
features' own (``UNIT/INDICATOR/YYYY-MM`` for a figure or an elimination, ``UNIT/INDICATOR/YEAR/TIER``
for a target, ``UNIT/YYYY-MM`` for a submission, ``user/role@UNIT`` for a grant, ``UNIT`` for a
unit, ``YYYY-MM`` for a month of the calendar); a workflow item names its unit itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class Subject:
    unit_code: str | None = None
    indicator: str | None = None
    period: int | None = None


NONE = Subject()


def month_of(text: str) -> int | None:
    found = MONTH.match(text)
    return int(found.group(1)) * 100 + int(found.group(2)) if found else None


def subject_of(entity: str, key: str) -> Subject:
    parts = key.split("/")
    if entity in ("fact", "elimination") and len(parts) == 3:
        return Subject(parts[0], parts[1], month_of(parts[2]))
    if entity == "target" and len(parts) == 4:
        return Subject(parts[0], parts[1])
    if entity == "submission" and len(parts) == 2:
        return Subject(parts[0], None, month_of(parts[1]))
    if entity == "unit":
        return Subject(key)
    if entity == "role_grant" and "@" in key:
        return Subject(key.rpartition("@")[2])
    if entity == "period":
        return Subject(None, None, month_of(key))
    if entity == "workflow_item" and len(parts) >= 2:
        # ``workflow/UNIT/YYYY-MM`` for a month's report; the unit is given by the writer
        return Subject(None, None, month_of(parts[-1]))
    return NONE
