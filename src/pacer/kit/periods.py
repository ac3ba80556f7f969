"""Periods are integers YYYYMM: sortable, compact, and the same in every database."""

from __future__ import annotations

import re
from datetime import date

# The accepted spellings of a month: 2025-07, 2025-7, 2025/07, 2025/7 (how spreadsheets in China
# show a month) and 202507. ASCII digits only; no other separator (2025.10 reads back from a
# spreadsheet as 2025.1), no day.
_PERIOD = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})|([0-9]{4})([0-9]{2})")


def parse_period(text: str) -> int:
    """'2025-06', '2025/6', '202506' -> 202506; raises ValueError with the text otherwise."""
    text = str(text).strip()
    match = _PERIOD.fullmatch(text)
    if not match:
        shown = text if len(text) <= 30 else text[:30] + "…"
        raise ValueError(f"'{shown}' is not a period (a month: YYYY-MM, YYYY/MM or YYYYMM)")
    year, month = (int(g) for g in match.groups() if g is not None)
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        raise ValueError(f"'{text}' is not a period (month 1-12, year 1900-2999)")
    return year * 100 + month


def format_period(period: int) -> str:
    return f"{period // 100:04d}-{period % 100:02d}"


def split(period: int) -> tuple[int, int]:
    return period // 100, period % 100


def add_months(period: int, months: int) -> int:
    index = (period // 100) * 12 + (period % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def month_index(period: int, first_year: int) -> int:
    """Months since January of ``first_year`` (0-based): the position in a dense time axis."""
    return (period // 100 - first_year) * 12 + period % 100 - 1


def periods_between(first: int, last: int) -> list[int]:
    out, p = [], first
    while p <= last:
        out.append(p)
        p = add_months(p, 1)
    return out


def last_complete_month(today: date | None = None) -> int:
    today = today or date.today()
    return add_months(today.year * 100 + today.month, -1)


def current_month(today: date | None = None) -> int:
    today = today or date.today()
    return today.year * 100 + today.month


def first_day(period: int) -> date:
    return date(period // 100, period % 100, 1)
