"""Months of the generated window and the Chinese business calendar's monthly factors."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

from pacer.demo.config import DemoConfig

Floats = npt.NDArray[np.float64]

# A new moon (2000-01-06 18:14 UTC) in Beijing time, and the mean synodic month. The mean new
# moon strays from the true one by at most about half a day, which moves the festival by a day
# but, for the years the calendar lists, never into another month.
_NEW_MOON = datetime(2000, 1, 7, 2, 14)
_SYNODIC_DAYS = 29.530588853


@dataclass(frozen=True)
class MonthGrid:
    """Consecutive months from January of ``start_year`` to ``end`` inclusive."""

    start_year: int
    end: tuple[int, int]

    @property
    def size(self) -> int:
        return (self.end[0] - self.start_year) * 12 + self.end[1]

    @property
    def years(self) -> npt.NDArray[np.int32]:
        return (self.start_year + np.arange(self.size) // 12).astype(np.int32)

    @property
    def months(self) -> npt.NDArray[np.int32]:
        return (np.arange(self.size) % 12 + 1).astype(np.int32)

    @property
    def periods(self) -> npt.NDArray[np.int32]:
        return (self.years * 100 + self.months).astype(np.int32)

    @property
    def year_range(self) -> range:
        return range(self.start_year, self.end[0] + 1)

    def index(self, year: int, month: int) -> int:
        return (year - self.start_year) * 12 + month - 1

    def of_year(self, year: int) -> slice:
        """The months of ``year`` inside the window (fewer than 12 for the as-of year)."""
        start = max(self.index(year, 1), 0)
        return slice(start, min(self.index(year, 12) + 1, self.size))

    def month_starts(self) -> list[date]:
        return [date(int(y), int(m), 1) for y, m in zip(self.years, self.months, strict=True)]

    def month_ends(self) -> list[date]:
        return [_month_end(int(y), int(m)) for y, m in zip(self.years, self.months, strict=True)]


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def spring_festival(year: int, table: dict[int, date]) -> date:
    """Chinese New Year's Day: from the table, else the mean new moon in 21 Jan – 20 Feb."""
    if year in table:
        return table[year]
    window_start = datetime(year, 1, 21)
    lunations = math.ceil((window_start - _NEW_MOON).total_seconds() / 86400 / _SYNODIC_DAYS)
    return (_NEW_MOON + timedelta(days=lunations * _SYNODIC_DAYS)).date()


def festival_factor(grid: MonthGrid, config: DemoConfig) -> Floats:
    """Monthly factor of the festival: a dip in its month, a smaller one on the side it leans.

    A festival in the first days of February drags the end of January down with it, one late
    in January drags the start of February.
    """
    factor = np.ones(grid.size)
    season = config.seasonality
    for year in grid.year_range:
        day = spring_festival(year, config.spring_festival)
        here = grid.index(year, day.month)
        neighbour = here - 1 if day.day <= 10 else here + 1 if day.day >= 20 else None
        if 0 <= here < grid.size:
            factor[here] *= season.festival_dip
        if neighbour is not None and 0 <= neighbour < grid.size:
            factor[neighbour] *= season.festival_neighbour
    return factor


def shock_factor(grid: MonthGrid, config: DemoConfig) -> Floats:
    factor = np.ones(grid.size)
    for (year, month), value in config.seasonality.shocks.items():
        position = grid.index(year, month)
        if 0 <= position < grid.size:
            factor[position] = value
    return factor


def monthly_profile(grid: MonthGrid, config: DemoConfig, name: str, *, normalise: bool) -> Floats:
    """A 12-month profile from the configuration laid over the window's months."""
    profile = np.asarray(config.seasonality.profiles[name], dtype=np.float64)
    if normalise:
        profile = profile / profile.mean()
    return profile[grid.months - 1]
