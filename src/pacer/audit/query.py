"""A search of the audit trail as asked (a form's text fields or the API's parameters), checked:
a month, a day or a cursor that is not one is refused naming its field. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from pacer.audit.subject import month_of
from pacer.errors import Problem, ValidationFailed

MAX_ID = 2**31 - 1  # ids are INTEGER columns

# the kinds of change, by the entity the row is about (the keys of the pages' words)
KINDS = (
    "fact",
    "elimination",
    "target",
    "submission",
    "workflow_item",
    "unit",
    "indicator",
    "indicator_assignment",
    "indicator_category",
    "indicator_set",
    "measure_unit",
    "role_grant",
    "user",
    "api_token",
    "task",
    "period",
    "setting",
    "commendation",
)


@dataclass(frozen=True, slots=True)
class AuditAsk:
    unit: str | None = None  # a unit code: it and the units below
    indicator: str | None = None
    period: int | None = None
    person: str | None = None
    kind: str | None = None
    start: date | None = None  # days, inclusive
    end: date | None = None
    before: int | None = None  # the cursor: rows older than this id

    @property
    def since(self) -> datetime | None:
        return datetime.combine(self.start, time(), UTC) if self.start else None

    @property
    def until(self) -> datetime | None:
        return datetime.combine(self.end + timedelta(days=1), time(), UTC) if self.end else None

    def query(self, before: int | None = None) -> dict[str, str]:
        """The ask as query parameters (``before`` replaced), for links to the next page."""
        values = {
            "unit": self.unit,
            "indicator": self.indicator,
            "period": f"{self.period // 100:04d}-{self.period % 100:02d}" if self.period else None,
            "person": self.person,
            "kind": self.kind,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "before": str(before) if before else None,
        }
        return {k: v for k, v in values.items() if v}


def parse_ask(
    unit: str | None = None,
    indicator: str | None = None,
    period: str | None = None,
    person: str | None = None,
    kind: str | None = None,
    start: str | None = None,
    end: str | None = None,
    before: str | None = None,
) -> AuditAsk:
    """The ask from text fields (empty: no filter); every bad field is named, nothing searched."""
    problems: list[Problem] = []
    month = None
    if period:
        month = month_of(period.strip())
        if month is None:
            problems.append(Problem(f"{period!r} is not a month (YYYY-MM)", field="period", zh="不是月份（YYYY-MM）"))
    if kind and kind not in KINDS:
        problems.append(Problem(f"{kind!r} is not a kind of change", field="kind", zh="不是可选的变更类别"))
    first, last = _day(start, "from", problems), _day(end, "to", problems)
    if first and last and last < first:
        problems.append(Problem("the range ends before it starts", field="to", zh="结束日期早于开始日期"))
    cursor = None
    if before:
        if before.isascii() and before.isdigit() and 0 < int(before) <= MAX_ID:
            cursor = int(before)
        else:
            problems.append(Problem(f"{before!r} is not a row id", field="before", zh="不是记录编号"))
    if problems:
        raise ValidationFailed(problems, "audit search")
    return AuditAsk(
        (unit or "").strip() or None,
        (indicator or "").strip() or None,
        month,
        (person or "").strip() or None,
        kind or None,
        first,
        last,
        cursor,
    )


def _day(text: str | None, field: str, problems: list[Problem]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.append(Problem(f"{text!r} is not a day (YYYY-MM-DD)", field=field, zh="不是日期（YYYY-MM-DD）"))
        return None
