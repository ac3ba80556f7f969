"""What a report is asked for (its kind, unit, month, span, format and language), checked as a
whole: every problem names its field, nothing is queued. Pure, no I/O."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from pacer.errors import Problem, ValidationFailed
from pacer.kit import periods

SPANS = ("month", "quarter", "half", "year")
LANGS = ("zh", "en")
# the formats each kind of report is made in
FORMATS: dict[str, tuple[str, ...]] = {
    "economic": ("docx", "pdf", "html", "xlsx"),
    "quality": ("docx", "pdf", "html", "xlsx"),
    "meeting_pack": ("docx", "pdf"),
    "bulletin": ("docx", "xlsx"),
}
SPAN_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True)
class ReportAsk:
    kind: str
    unit_code: str | None  # None: the highest unit the asker sees (the group)
    period: str  # YYYY-MM, the last month covered
    span: str
    fmt: str
    lang: str

    def parameters(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "unit_code": self.unit_code,
            "period": self.period,
            "span": self.span,
            "fmt": self.fmt,
            "lang": self.lang,
        }


def months(period: str, span: str) -> tuple[int, int]:
    """The first and last month (YYYYMM) a span ending with ``period`` covers: the month, or its
    quarter, half year or year up to the month (the year to date)."""
    last = periods.parse_period(period)
    year, month = periods.split(last)
    size = SPAN_MONTHS[span]
    first_month = ((month - 1) // size) * size + 1
    return year * 100 + first_month, last


def days(period: str, span: str) -> tuple[date, date]:
    first, last = months(period, span)
    year, month = periods.split(last)
    return periods.first_day(first), date(year, month, calendar.monthrange(year, month)[1])


def ask(
    kind: str,
    unit_code: str | None,
    period: str,
    span: str,
    fmt: str,
    lang: str,
    kinds: tuple[str, ...],
    today: date,
) -> ReportAsk:
    """The request, or :class:`ValidationFailed` listing every bad field."""
    problems: list[Problem] = []
    if kind not in kinds:
        problems.append(
            Problem(f"'{kind[:40]}' is not a report that can be made; one of {', '.join(kinds)}", field="kind")
        )
    try:
        month = periods.parse_period(period)
        if month > periods.current_month(today):
            problems.append(Problem(f"{periods.format_period(month)} has not begun yet", field="period"))
        period = periods.format_period(month)
    except ValueError as exc:
        problems.append(Problem(str(exc), field="period"))
    if span not in SPANS:
        problems.append(Problem(f"'{span[:20]}' is not a span; one of {', '.join(SPANS)}", field="span"))
    allowed = FORMATS.get(kind, ())
    if allowed and fmt not in allowed:
        problems.append(
            Problem(f"'{fmt[:20]}' is not a format of this report; one of {', '.join(allowed)}", field="format")
        )
    if lang not in LANGS:
        problems.append(Problem(f"'{lang[:20]}' is not a language; zh or en", field="lang"))
    if problems:
        raise ValidationFailed(problems, "report")
    return ReportAsk(kind, unit_code or None, period, span, fmt, lang)
