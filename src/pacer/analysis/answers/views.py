"""Turning measure arrays into typed rows (cockpit rows, ranking rows, off-track rows)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from pacer.analysis.answers.results import (
    BASES,
    CHANGE_KINDS,
    STATUSES,
    Change,
    ChangeKind,
    CockpitRow,
    Dispersion,
    Need,
    OffTrackRow,
    RankRow,
    SpanRow,
    Value,
    opt,
)
from pacer.analysis.core import calc
from pacer.analysis.core.calc import ChangeCode, StatusCode
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.inputs import FloatArray, Int64Array
from pacer.analysis.core.measures import LeanMeasures, PeriodMeasures
from pacer.analysis.core.windows import Values, round_scaled

Measure = Literal["value", "ytd", "yoy", "yoy_change", "completion", "gap"]
MEASURES: tuple[Measure, ...] = ("value", "ytd", "yoy", "yoy_change", "completion", "gap")
_TIERS = ("ensure", "strive")


class _Cells:
    """Plain-Python lists of one measure table's cells, for fast row building: ``[rows, cols]``
    of the table, or with :meth:`column` one column's ``rows`` laid out as a single row."""

    def __init__(self, columns: Int64Array, catalog: IndicatorCatalog, rows: Int64Array, cols: Int64Array) -> None:
        every = len(cols) == len(columns) and np.array_equal(cols, np.arange(len(cols)))
        self.ix: tuple[Any, ...] = (rows, slice(None)) if every else np.ix_(rows, cols)
        ind = columns[cols]
        self.scale = np.broadcast_to(catalog.scale[ind], (len(rows), len(ind)))
        self.exact = np.broadcast_to(~catalog.is_derived[ind], self.scale.shape)

    @classmethod
    def column(cls, columns: Int64Array, catalog: IndicatorCatalog, rows: Int64Array, col: int) -> _Cells:
        cells = cls(columns, catalog, np.array([0]), np.array([col]))
        cells.ix = (rows[None, :], col)
        cells.scale = np.broadcast_to(cells.scale[:, :1], (1, len(rows)))
        cells.exact = np.broadcast_to(cells.exact[:, :1], (1, len(rows)))
        return cells

    def get(self, a: np.ndarray) -> list[list[Any]]:
        cells: list[list[Any]] = a[self.ix].tolist()
        return cells

    def values(self, v: Values) -> list[list[Value | None]]:
        return [
            [_new(Value, (s, sc, ex, n)) if p else None for s, n, p, sc, ex in zip(*r, strict=True)]
            for r in zip(
                self.get(v.scaled),
                self.get(v.number),
                self.get(v.present),
                self.scale.tolist(),
                self.exact.tolist(),
                strict=True,
            )
        ]

    def changes(self, code: np.ndarray, change: FloatArray, scaled: Int64Array, pct: FloatArray) -> list[list[Change]]:
        kinds = [[CHANGE_KINDS[k] for k in row] for row in self.get(code)]
        return [
            [
                _new(Change, (k, None if c != c else c, s, None if p != p else p))
                if k is not ChangeKind.NO_DATA
                else _NO_CHANGE
                for k, c, s, p in zip(*r, strict=True)
            ]
            for r in zip(kinds, self.get(change), self.get(scaled), self.get(pct), strict=True)
        ]


_NO_CHANGE = Change(ChangeKind.NO_DATA, None, None, None)
# the named tuples' own constructors bind arguments by name; a cockpit builds thousands of them
_new = tuple.__new__


def change_of(kind: int, change: float, scaled: int, pct: float) -> Change:
    """A typed change from array cells (NaN becomes None)."""
    if kind == ChangeCode.NO_DATA:
        return _NO_CHANGE
    return Change(CHANGE_KINDS[kind], opt(change), scaled, opt(pct))


def cockpit_rows(
    pm: PeriodMeasures, catalog: IndicatorCatalog, selected: Int64Array, row: int = 0
) -> tuple[CockpitRow, ...]:
    """Typed rows of one node (``row`` of the measure table) for the ``selected`` indicators."""
    cols = np.searchsorted(pm.columns, selected)
    c = _Cells(pm.columns, catalog, np.array([row]), cols)
    mom_scaled = pm.value.scaled - pm.previous_month.scaled
    targets = [c.values(_tier(pm, catalog, t))[0] for t in range(2)]
    needs = _needs(pm, catalog, c)
    columns = zip(
        (catalog.codes[i] for i in selected),
        c.values(pm.value)[0],
        c.values(pm.ytd)[0],
        c.values(pm.ytd_last_year)[0],
        c.changes(pm.yoy_code, pm.yoy_change, pm.yoy_change_scaled, pm.yoy_pct)[0],
        c.changes(pm.mom_code, pm.mom_change, mom_scaled, pm.mom_pct)[0],
        *targets,
        c.get(pm.completion)[0],
        c.get(pm.completion_strive)[0],
        c.get(pm.progress)[0],
        c.get(pm.basis)[0],
        c.get(pm.gap)[0],
        c.get(pm.status)[0],
        needs,
        strict=True,
    )
    return tuple(
        _new(
            CockpitRow,
            (
                code,
                v,
                y,
                ly,
                yoy,
                mom,
                te,
                ts,
                None if comp != comp else comp,
                None if comp_s != comp_s else comp_s,
                None if prog != prog else prog * 100.0,
                BASES[basis],
                None if gap != gap else gap,
                STATUSES[status],
                need,
            ),
        )
        for code, v, y, ly, yoy, mom, te, ts, comp, comp_s, prog, basis, gap, status, need in columns
    )


def span_rows(
    columns: Int64Array,
    catalog: IndicatorCatalog,
    selected: Int64Array,
    current: Values,
    last_year: Values,
    row: int = 0,
) -> tuple[SpanRow, ...]:
    """Typed rows of one node (row ``row`` of the values) comparing a span with the same span
    last year."""
    cols = np.searchsorted(columns, selected)
    c = _Cells(columns, catalog, np.array([row]), cols)
    ok = current.present & last_year.present
    code, change, pct = calc.classify_change(current.number, last_year.number, ok, catalog.is_percent[columns])
    scaled = np.where(ok, current.scaled - last_year.scaled, 0)
    return tuple(
        _new(SpanRow, cells)
        for cells in zip(
            (catalog.codes[i] for i in selected),
            c.values(current)[0],
            c.values(last_year)[0],
            c.changes(code, change, scaled, pct)[0],
            strict=True,
        )
    )


def _tier(pm: PeriodMeasures, catalog: IndicatorCatalog, tier: int) -> Values:
    scaled = pm.target_scaled[..., tier]
    number = scaled / catalog.unit_scale_factor[pm.columns]
    return Values(scaled, number, pm.target_present[..., tier])


def _needs(pm: PeriodMeasures, catalog: IndicatorCatalog, c: _Cells) -> list[tuple[Need, ...]]:
    """Per cell, the needs of the tiers that have a target (ensure first)."""
    ok: list[list[bool]] = pm.need_ok[c.ix][0].tolist()  # [columns, tiers] of the cells' row
    if not any(t for pair in ok for t in pair):
        return [()] * len(ok)
    rest = pm.last_year_rest
    factor = catalog.unit_scale_factor[pm.columns]
    growth = [
        c.changes(
            pm.implied_code[..., t],
            pm.remaining_scaled[..., t] / factor - rest.number,
            pm.remaining_scaled[..., t] - rest.scaled,
            pm.implied_pct[..., t],
        )[0]
        for t in range(2)
    ]
    scale = c.scale[0][:, None]
    remaining, monthly = pm.remaining_scaled[c.ix][0], pm.monthly_need[c.ix][0]
    columns = zip(
        ok,
        remaining.tolist(),
        (remaining / 10.0**scale).tolist(),
        monthly.tolist(),
        round_scaled(monthly, scale).tolist(),
        zip(*growth, strict=True),
        c.scale[0].tolist(),
        c.exact[0].tolist(),
        strict=True,
    )
    return [
        tuple(
            _new(
                Need,
                (
                    _TIERS[t],
                    _new(Value, (rem[t], sc, ex, rem_n[t])),
                    None if m[t] != m[t] else _new(Value, (m_s[t], sc, False, m[t])),
                    grow[t],
                ),
            )
            for t in (0, 1)
            if good[t]
        )
        for good, rem, rem_n, m, m_s, grow, sc, ex in columns
    ]


def has_measure(pm: LeanMeasures, measure: Measure) -> bool:
    """Whether ``pm`` holds ``measure`` (lean measures have no month's value)."""
    return measure != "value" or isinstance(pm, PeriodMeasures)


def measure_matrix(pm: LeanMeasures, measure: Measure) -> FloatArray:
    """``[nodes, columns]`` of the measure to rank on, NaN where absent. ``yoy`` is the % change,
    or the pp change for percent-unit indicators; other YoY kinds have no number and rank last."""
    if measure == "value":
        if not isinstance(pm, PeriodMeasures):
            raise ValueError("the month's value is not among the lean measures")
        return pm.value.number
    if measure == "ytd":
        return pm.ytd.number
    if measure == "yoy":
        return np.where(pm.yoy_code == ChangeCode.PP, pm.yoy_change, pm.yoy_pct)
    if measure == "yoy_change":
        return pm.yoy_change
    if measure == "completion":
        return pm.completion
    if measure == "gap":
        return pm.gap
    raise ValueError(f"unknown measure {measure!r}; use one of {MEASURES}")


def default_descending(catalog: IndicatorCatalog, indicator: int, measure: Measure) -> bool:
    """Best first: gaps are signed so that higher is better; other measures follow direction."""
    return measure == "gap" or not catalog.is_lower[indicator]


def rank_rows(
    pm: LeanMeasures,
    catalog: IndicatorCatalog,
    indicator: int,
    rows: Int64Array,
    values: FloatArray,
    order: Int64Array,
    ranks: Int64Array,
) -> tuple[RankRow, ...]:
    """Ranking rows of measure-table ``rows`` in ranked order for one indicator."""
    picked = rows[order]
    c = _Cells.column(pm.columns, catalog, picked, pm.column(indicator))
    return tuple(
        _new(
            RankRow,
            (
                node,
                rank or None,
                None if v != v else v,
                y,
                ch,
                None if comp != comp else comp,
                None if gap != gap else gap,
                STATUSES[st],
            ),
        )
        for node, rank, v, y, ch, comp, gap, st in zip(
            pm.nodes[picked].tolist(),
            ranks[order].tolist(),
            values[order].tolist(),
            c.values(pm.ytd)[0],
            c.changes(pm.yoy_code, pm.yoy_change, pm.yoy_change_scaled, pm.yoy_pct)[0],
            c.get(pm.completion)[0],
            c.get(pm.gap)[0],
            c.get(pm.status)[0],
            strict=True,
        )
    )


def dispersion(values: FloatArray) -> Dispersion:
    d = calc.dispersion(values)
    return Dispersion(int(d["count"]), d["min"], d["max"], d["mean"], d["std"], d["cv"])


def off_track_rows(
    pm: PeriodMeasures, catalog: IndicatorCatalog, selected: Int64Array, rows: Int64Array
) -> tuple[OffTrackRow, ...]:
    """Cells judged watch or off track, off track first, then by gap (worst first)."""
    cols = np.searchsorted(pm.columns, selected)
    status = pm.status[np.ix_(rows, cols)]
    r, k = np.nonzero((status == StatusCode.WATCH) | (status == StatusCode.OFF_TRACK))
    gap = pm.gap[rows[r], cols[k]]
    order = np.lexsort((gap, -status[r, k]))
    out = []
    for i in order.tolist():
        row, col = int(rows[r[i]]), int(cols[k[i]])
        c = _Cells(pm.columns, catalog, np.array([row]), np.array([col]))
        target = c.values(_tier(pm, catalog, 0))[0][0]
        judged = STATUSES[int(status[r[i], k[i]])]
        assert judged is not None  # the cells picked are watch or off track
        out.append(
            OffTrackRow(
                int(pm.nodes[row]),
                catalog.codes[int(pm.columns[col])],
                judged,
                float(gap[i]),
                opt(float(pm.completion[row, col])),
                c.values(pm.ytd)[0][0],
                target,
            )
        )
    return tuple(out)
