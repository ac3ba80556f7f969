"""What the computation of every indicator shares: window, reporting mask, parameters, noise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from pacer.demo.calendar import MonthGrid, monthly_profile
from pacer.demo.config import DemoConfig

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
FEN = 100.0
WAN_FEN = 1_000_000  # 万元 in fen
YI = 1e8  # 亿元 in yuan


@dataclass(frozen=True)
class Frame:
    """What every indicator's computation shares: the window, the mask, parameters, noise."""

    config: DemoConfig
    grid: MonthGrid
    active: Bools
    params: dict[str, Floats]
    rng: np.random.Generator
    codes: tuple[str, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return self.active.shape

    @property
    def year_index(self) -> npt.NDArray[np.intp]:
        return (self.grid.years - self.grid.start_year).astype(np.intp)

    def col(self, name: str) -> Floats:
        """A unit parameter as a column, to broadcast over months."""
        return self.params[name][:, None]

    def lognoise(self, name: str) -> Floats:
        """Mean-one multiplicative noise per unit-month."""
        sigma = self.config.noise[name]
        return np.exp(sigma * self.rng.standard_normal(self.shape) - sigma * sigma / 2)

    def by_month(self, yearly: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """An (L, Y) per-year array spread over the months of each year."""
        return yearly[:, self.year_index]

    def profile(self, name: str, *, normalise: bool = False) -> Floats:
        return monthly_profile(self.grid, self.config, name, normalise=normalise)[None, :]

    def row(self, code: str) -> int | None:
        return self.codes.index(code) if code in self.codes else None


def yearly_sum(values: npt.NDArray[np.generic], grid: MonthGrid) -> npt.NDArray[np.generic]:
    """(L, M) monthly values summed per calendar year into (L, Y)."""
    return np.add.reduceat(values, np.arange(0, grid.size, 12), axis=1)


def fen(yuan: Floats) -> Ints:
    return np.rint(yuan * FEN).astype(np.int64)


def lognormal(frame: Frame, sigma: float, shape: tuple[int, ...]) -> Floats:
    return np.exp(sigma * frame.rng.standard_normal(shape) - sigma * sigma / 2)
