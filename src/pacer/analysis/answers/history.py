"""One node's indicator month by month: value, YTD, last year's YTD, YoY and month on month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pacer.analysis.answers.results import HistoryRow, Value
from pacer.analysis.answers.views import change_of
from pacer.analysis.core import calc
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.windows import Values, Window, evaluate_windows


@dataclass(frozen=True, eq=False)
class History:
    """Arrays over all months (index t = 12 * (year - first_year) + month - 1)."""

    node: int
    code: str
    first_year: int
    scale: int
    exact: bool
    value: Values
    ytd: Values
    ytd_last_year: Values
    yoy: tuple[np.ndarray, np.ndarray, np.ndarray]  # code, change, percent
    mom: tuple[np.ndarray, np.ndarray, np.ndarray]

    def rows(self) -> tuple[HistoryRow, ...]:
        def val(v: Values, t: int) -> Value | None:
            if not v.present[t]:
                return None
            return Value(int(v.scaled[t]), self.scale, self.exact, float(v.number[t]))

        out = []
        for t in range(len(self.value.scaled)):
            yoy_scaled = int(self.ytd.scaled[t] - self.ytd_last_year.scaled[t])
            mom_scaled = int(self.value.scaled[t] - self.value.scaled[t - 1]) if t else 0
            out.append(
                HistoryRow(
                    self.first_year + t // 12,
                    t % 12 + 1,
                    val(self.value, t),
                    val(self.ytd, t),
                    val(self.ytd_last_year, t),
                    change_of(int(self.yoy[0][t]), float(self.yoy[1][t]), yoy_scaled, float(self.yoy[2][t])),
                    change_of(int(self.mom[0][t]), float(self.mom[1][t]), mom_scaled, float(self.mom[2][t])),
                )
            )
        return tuple(out)


def build_history(cube: Cube, catalog: IndicatorCatalog, node: int, indicator: int, first_year: int) -> History:
    n_months = cube.n_months
    columns = catalog.closure(np.array([indicator]))
    col = int(np.searchsorted(columns, indicator))
    months = [Window(t, t, 12 * (t // 12) - 1) for t in range(n_months)]
    ytds = [Window(12 * (t // 12), t, 12 * (t // 12) - 1) for t in range(n_months)]
    got = evaluate_windows(cube, catalog, np.array([node]), columns, months + ytds)

    def stack(part: list[Values]) -> Values:
        return Values(*(np.array([getattr(v, f)[0, col] for v in part]) for f in ("scaled", "number", "present")))

    value, ytd = stack(got[:n_months]), stack(got[n_months:])
    ly = Values(
        *(
            np.concatenate([np.full(12, fill, a.dtype), a[:-12]])[:n_months]
            for a, fill in ((ytd.scaled, 0), (ytd.number, np.nan), (ytd.present, False))
        )
    )
    pct = bool(catalog.is_percent[indicator])
    prev = Values(
        *(
            np.concatenate([np.full(1, fill, a.dtype), a[:-1]])
            for a, fill in ((value.scaled, 0), (value.number, np.nan), (value.present, False))
        )
    )
    yoy = calc.classify_change(ytd.number, ly.number, ytd.present & ly.present, np.array(pct))
    mom = calc.classify_change(value.number, prev.number, value.present & prev.present, np.array(pct))
    return History(
        node,
        catalog.codes[indicator],
        first_year,
        int(catalog.scale[indicator]),
        not catalog.is_derived[indicator],
        value,
        ytd,
        ly,
        yoy,
        mom,
    )
