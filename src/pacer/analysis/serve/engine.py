"""The analysis engine: consolidated cubes kept current, and the questions HQ asks of them.

Build it once from the loader's arrays, then ask; ``apply`` keeps it current as submissions are
accepted. Nodes are unit indices, periods are (year, month 1..12). With ``restate=True`` every
month is consolidated under today's tree (a comparable basis, 同口径); otherwise each month uses
the tree as it was. The restated cube is built on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from pacer.analysis.answers import views
from pacer.analysis.answers.bridge import Bridge, build_bridge
from pacer.analysis.answers.bridge_derived import build_derived_bridge
from pacer.analysis.answers.checks import (
    RD_INTENSITY_LINE_PCT,
    CheckCodes,
    CheckRow,
    negative_operating_cash_flow,
    rd_intensity_below,
    two_funds_outpacing_revenue,
)
from pacer.analysis.answers.history import History, build_history
from pacer.analysis.answers.results import (
    CockpitRow,
    Dispersion,
    OffTrackRow,
    RankRow,
    SpanRow,
    Value,
    opt,
)
from pacer.analysis.answers.views import Measure
from pacer.analysis.core import calc
from pacer.analysis.core.calc import Thresholds
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube, EliminationBook
from pacer.analysis.core.holt_winters import Grid
from pacer.analysis.core.inputs import (
    BoolArray,
    Eliminations,
    Facts,
    FloatArray,
    IndicatorDef,
    Int64Array,
    Targets,
    TreeHistory,
    Units,
)
from pacer.analysis.core.measures import (
    LeanMeasures,
    PeriodMeasures,
    TimeBasis,
    lean_measures,
    period_measures,
    ranking_keys,
)
from pacer.analysis.core.tree import Tree, TreeTimeline
from pacer.analysis.core.windows import Span, Window, evaluate_windows
from pacer.analysis.outlook_table import Outlook, build_outlook

# from this many children on, the cockpit computes for them only what their ranks need
_LEAN_CHILDREN = 4


@dataclass(frozen=True)
class Ranking:
    """Nodes ranked best first on ``measure`` of one indicator (ties keep the given order,
    nodes without the measure come last), with the spread of the measure."""

    code: str
    measure: Measure
    descending: bool
    rows: tuple[RankRow, ...]
    dispersion: Dispersion


@dataclass(frozen=True, eq=False)
class Cockpit:
    """A node at one period: one row per indicator, and its children ranked on each indicator.

    ``child_ranks`` holds the children's rank on each indicator; the typed ``rows`` are built on
    first use (a caller that reads a few rows does not pay for all of them), and
    ``ranking(code)`` builds the children's typed ranking on demand. Every measure is computed
    for the node up front; for many children, only what their ranks need is, and the rest on
    first use: ``measures``, every measure of the node and its children as arrays (row 0 the
    node, rows 1.. the children), and the children's measures of one indicator for
    ``ranking(code)``, from the engine as it was when the cockpit was built (after ``apply`` or
    ``rebuild`` they raise instead).
    """

    node: int
    year: int
    month: int
    restated: bool
    selected: Int64Array = field(repr=False)  # catalog positions of the rows, in order
    children: tuple[int, ...]
    child_ranks: Int64Array = field(repr=False)  # [children, rows]: rank, 0 without measure
    rank_measures: dict[str, Measure] = field(repr=False)
    _node_measures: PeriodMeasures = field(repr=False)  # the node alone
    # the children's measures of some indicators, and the children's rows in them
    _child_measures: Callable[[Sequence[str]], tuple[LeanMeasures, Int64Array]] = field(repr=False)
    _all_measures: Callable[[], PeriodMeasures] = field(repr=False)
    _catalog: IndicatorCatalog = field(repr=False)

    @cached_property
    def measures(self) -> PeriodMeasures:
        return self._all_measures()

    @cached_property
    def rows(self) -> tuple[CockpitRow, ...]:
        return views.cockpit_rows(self._node_measures, self._catalog, self.selected)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._catalog.codes[i] for i in self.selected.tolist())

    def row(self, code: str) -> CockpitRow:
        if "rows" in self.__dict__:
            return self.rows[self._row_of[code]]
        return views.cockpit_rows(self._node_measures, self._catalog, self.selected[self._row_of[code] :][:1])[0]

    @cached_property
    def _row_of(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.codes)}

    def ranking(self, code: str, measure: Measure | None = None) -> Ranking:
        measure = measure or self.rank_measures[code]
        pm, rows = self._child_measures([code])
        if not views.has_measure(pm, measure):
            pm, rows = self.measures, np.arange(1, len(self.children) + 1)
        return _ranking(pm, self._catalog, code, measure, rows, None)


class Engine:
    """Pure, in-memory analysis over a group's figures (see the module docstring).

    The engine owns ``facts`` (``apply`` writes into them) and the elimination entries
    (``eliminate`` replaces them). It holds no lock: readers must not run while ``apply``,
    ``eliminate`` or ``rebuild`` does, and the first restated question builds the
    restated cube, so a multi-threaded caller guards the engine with a read-write lock.
    """

    def __init__(
        self,
        units: Units,
        tree_history: TreeHistory,
        indicators: Sequence[IndicatorDef],
        facts: Facts,
        targets: Targets | None,
        first_year: int,
        *,
        thresholds: Thresholds | None = None,
        reference_years: int = 3,
        grid: Grid | None = None,
        eliminations: Eliminations | None = None,
    ) -> None:
        self.units = units
        self.tree_history = tree_history
        self.catalog = IndicatorCatalog(indicators, first_year)
        self.facts = facts
        self.targets = targets
        self.first_year = first_year
        self.thresholds = thresholds or Thresholds()
        self.reference_years = reference_years
        self.grid = grid
        n, r, t = facts.shape
        if n != len(units) or n != tree_history.n_units or r != self.catalog.n_reported:
            raise ValueError("engine: units, tree, indicators and facts disagree in size")
        if targets is not None and targets.values.shape[:2] != (n, len(self.catalog)):
            raise ValueError("engine: targets must be [units, indicators, years, 2]")
        self._is_flow = self.catalog.is_flow[self.catalog.reported]
        # elimination entries per node (see Cube); shared by every cube, like the facts
        self.eliminations = EliminationBook.of(eliminations, r, t)
        self._cubes = {False: Cube(facts, TreeTimeline(tree_history, t), self._is_flow, self.eliminations)}
        self._generation = 0  # counts changes to the figures (apply, rebuild)

    # -- structure -----------------------------------------------------------------------------

    @property
    def n_months(self) -> int:
        return self.facts.shape[2]

    def cube(self, restate: bool = False) -> Cube:
        if restate not in self._cubes:
            timeline = TreeTimeline(self.tree_history, self.n_months, restate=True)
            self._cubes[restate] = Cube(self.facts, timeline, self._is_flow, self.eliminations)
        return self._cubes[restate]

    def month_index(self, year: int, month: int) -> int:
        t = 12 * (year - self.first_year) + month - 1
        if not (1 <= month <= 12 and 0 <= t < self.n_months):
            raise ValueError(f"no figures for {year}-{month:02d}")
        return t

    def tree(self, year: int, month: int, restate: bool = False) -> Tree:
        return self.cube(restate).timeline.tree_at(self.month_index(year, month))

    def children(self, node: int, year: int, month: int, restate: bool = False) -> list[int]:
        return [int(k) for k in self.tree(year, month, restate).children(node)]

    # -- keeping current -----------------------------------------------------------------------

    def apply(self, unit: int, year: int, month: int, values: Int64Array, present: np.ndarray) -> None:
        """Accept one unit-month of reported figures (one per reported indicator, scaled) and
        bring every ancestor's aggregates up to date in every cube built so far."""
        t = self.month_index(year, month)
        self._generation += 1
        dv, dc = self._cubes[False].apply(unit, t, values, present)
        for restate, cube in self._cubes.items():
            if restate:
                cube.propagate(unit, t, dv, dc)

    def eliminate(self, unit: int, year: int, month: int, values: Int64Array) -> None:
        """Replace ``unit``'s elimination entries of one month (their sum per reported
        indicator, scaled; zero where there is none) and bring every ancestor up to date in
        every cube built so far."""
        t = self.month_index(year, month)
        values = np.asarray(values, dtype=np.int64)
        if values.shape != (self.catalog.n_reported,):
            raise ValueError("eliminate: one value per reported indicator")
        if not 0 <= unit < len(self.units):
            raise IndexError("eliminate: unit out of range")
        self._generation += 1
        delta = self.eliminations.replace(unit, t, values)
        if delta.any():
            for cube in self._cubes.values():
                cube.eliminate(unit, t, delta)

    def rebuild(self) -> None:
        """Recompute every aggregate from the facts."""
        self._generation += 1
        for cube in self._cubes.values():
            cube.rebuild()

    # -- questions -----------------------------------------------------------------------------

    def measures(
        self,
        nodes: Sequence[int],
        year: int,
        month: int,
        codes: Sequence[str] | None = None,
        *,
        restate: bool = False,
        time_basis: TimeBasis = "linear",
    ) -> PeriodMeasures:
        """All measures of ``nodes`` x ``codes`` (and what they reference) as arrays."""
        self.month_index(year, month)
        return period_measures(
            self.cube(restate),
            self.catalog,
            self.targets,
            self.first_year,
            np.asarray(nodes, dtype=np.int64),
            year,
            month,
            self.catalog.indices(codes),
            self.thresholds,
            time_basis,
            self.reference_years,
        )

    def span(
        self, node: int, year: int, month: int, span: Span, codes: Sequence[str] | None = None, *, restate: bool = False
    ) -> tuple[SpanRow, ...]:
        """``codes`` of ``node`` over a span ending at the period (a quarter or half not yet
        over runs to date; ``year`` is the whole calendar year) against the same span of last
        year; derived indicators are evaluated on the span's sums."""
        self.month_index(year, month)
        yi, selected = year - self.first_year, self.catalog.indices(codes)
        columns = self.catalog.closure(selected)
        now, before = evaluate_windows(
            self.cube(restate),
            self.catalog,
            np.array([node]),
            columns,
            [Window.span(yi, span, month), Window.span(yi - 1, span, month)],
        )
        return views.span_rows(columns, self.catalog, selected, now, before)

    def cockpit(
        self,
        node: int,
        year: int,
        month: int,
        codes: Sequence[str] | None = None,
        *,
        restate: bool = False,
        time_basis: TimeBasis = "linear",
        rank_by: Measure = "completion",
    ) -> Cockpit:
        """Every indicator of ``codes`` for ``node`` at the period, and its children ranked on
        ``rank_by`` (on YTD for an indicator where no child has that measure)."""
        kids = self.children(node, year, month, restate)
        selected = self.catalog.indices(codes)
        rows = np.arange(1, len(kids) + 1)
        if len(kids) < _LEAN_CHILDREN or rank_by not in ("completion", "ytd"):
            # one pass over the node and its children costs less than two
            every = self.measures([node, *kids], year, month, codes, restate=restate, time_basis=time_basis)
            ranks, rank_measures = self._child_ranks(every, rows, selected, rank_by)
            return Cockpit(
                node,
                year,
                month,
                restate,
                selected,
                tuple(kids),
                ranks,
                rank_measures,
                every,
                lambda wanted: (every, rows),
                lambda: every,
                self.catalog,
            )
        own = self.measures([node], year, month, codes, restate=restate, time_basis=time_basis)
        kid_nodes = np.asarray(kids, dtype=np.int64)
        completion, ytd = ranking_keys(
            self.cube(restate), self.catalog, self.targets, self.first_year, kid_nodes, year, month, selected
        )
        ranks, rank_measures = self._ranks(completion if rank_by == "completion" else ytd, ytd, selected, rank_by)
        generation = self._generation

        def current() -> None:
            if self._generation != generation:
                raise RuntimeError("the engine's figures changed after this cockpit was built")

        def lean(wanted: Sequence[str]) -> tuple[LeanMeasures, Int64Array]:
            current()
            return lean_measures(
                self.cube(restate),
                self.catalog,
                self.targets,
                self.first_year,
                kid_nodes,
                year,
                month,
                self.catalog.indices(wanted),
                self.thresholds,
                time_basis,
                self.reference_years,
            ), rows - 1

        def every_measure() -> PeriodMeasures:
            current()
            return self.measures([node, *kids], year, month, codes, restate=restate, time_basis=time_basis)

        return Cockpit(
            node,
            year,
            month,
            restate,
            selected,
            tuple(kids),
            ranks,
            rank_measures,
            own,
            lean,
            every_measure,
            self.catalog,
        )

    def _child_ranks(
        self, pm: LeanMeasures, rows: Int64Array, selected: Int64Array, rank_by: Measure
    ) -> tuple[Int64Array, dict[str, Measure]]:
        """The rank of each of ``pm``'s ``rows`` (the children) on each ``selected`` indicator."""
        ix = np.ix_(rows, np.searchsorted(pm.columns, selected))
        return self._ranks(
            views.measure_matrix(pm, rank_by)[ix], views.measure_matrix(pm, "ytd")[ix], selected, rank_by
        )

    def _ranks(
        self, wanted: FloatArray, ytd: FloatArray, selected: Int64Array, rank_by: Measure
    ) -> tuple[Int64Array, dict[str, Measure]]:
        """Ranks on ``wanted`` ([children, selected]), on ``ytd`` for an indicator where no
        child has the wanted measure."""
        has: BoolArray = np.asarray(~np.isnan(wanted).all(axis=0))
        keys = np.where(has, wanted, ytd) if not has.all() else wanted
        # best first: a gap is signed so that higher is better, other measures follow direction
        best_high = ~self.catalog.is_lower[selected] | (has & (rank_by == "gap"))
        if not best_high.all():
            keys = keys * np.where(best_high, 1.0, -1.0)
        ranks = calc.competition_ranks(keys, descending=True)
        measures: dict[str, Measure] = {
            self.catalog.codes[i]: rank_by if h else "ytd" for i, h in zip(selected.tolist(), has.tolist(), strict=True)
        }
        return ranks, measures

    def rank(
        self,
        code: str,
        year: int,
        month: int,
        *,
        nodes: Sequence[int] | None = None,
        parent: int | None = None,
        measure: Measure = "ytd",
        descending: bool | None = None,
        restate: bool = False,
        time_basis: TimeBasis = "linear",
    ) -> Ranking:
        """Rank ``nodes`` (or the children of ``parent``) on ``measure`` of ``code``."""
        if (nodes is None) == (parent is None):
            raise ValueError("rank: give either nodes or parent")
        members = self.children(parent, year, month, restate) if parent is not None else nodes
        pm = self.measures(list(members or ()), year, month, [code], restate=restate, time_basis=time_basis)
        return _ranking(pm, self.catalog, code, measure, np.arange(len(pm.nodes)), descending)

    def off_track(
        self,
        node: int,
        year: int,
        month: int,
        codes: Sequence[str] | None = None,
        *,
        restate: bool = False,
        time_basis: TimeBasis = "linear",
    ) -> tuple[OffTrackRow, ...]:
        """Children x indicators judged off track or watch, worst first."""
        kids = self.children(node, year, month, restate)
        pm = self.measures(kids, year, month, codes, restate=restate, time_basis=time_basis)
        return views.off_track_rows(pm, self.catalog, self.catalog.indices(codes), np.arange(len(kids)))

    def bridge(
        self, node: int, year: int, month: int, code: str, span: Span = "ytd", *, restate: bool = False
    ) -> Bridge:
        """How each child (and the node's own line) moved ``code`` against the same span of
        last year; the lines add up to the node's change exactly.

        A derived indicator that is a sum of reported ones is bridged through that sum, a ratio
        of sums by each line's contribution to the ratio's change (in pp for a percent
        indicator; see :mod:`pacer.analysis.answers.bridge_derived`); a ratio without a value in either
        span raises :class:`NotDecomposable`, a formula of another shape ``ValueError``."""
        self.month_index(year, month)
        yi = year - self.first_year
        indicator = self.catalog.index[code]
        build = build_derived_bridge if self.catalog.is_derived[indicator] else build_bridge
        return build(
            self.cube(restate),
            self.catalog,
            node,
            indicator,
            Window.span(yi, span, month),
            Window.span(yi - 1, span, month),
        )

    def checks(
        self,
        node: int,
        year: int,
        month: int,
        codes: CheckCodes | None = None,
        *,
        rd_line_pct: float = RD_INTENSITY_LINE_PCT,
        restate: bool = False,
    ) -> tuple[CheckRow, ...]:
        """Two funds against revenue, R&D intensity and operating cash flow, for each child."""
        codes = codes or CheckCodes()
        kids = self.children(node, year, month, restate)
        pm = self.measures(kids, year, month, codes.all(), restate=restate)
        col = {c: pm.column(self.catalog.index[c]) for c in codes.all()}

        def now(c: str) -> np.ndarray:
            return pm.ytd.number[:, col[c]]

        def before(c: str) -> np.ndarray:
            return pm.ytd_last_year.number[:, col[c]]

        tf_flag, tf_growth, rev_growth = two_funds_outpacing_revenue(
            now(codes.receivables),
            before(codes.receivables),
            now(codes.inventory),
            before(codes.inventory),
            now(codes.revenue),
            before(codes.revenue),
        )
        rd_flag, intensity = rd_intensity_below(now(codes.rd_expense), now(codes.revenue), rd_line_pct)
        ocf = now(codes.operating_cash_flow)
        cash_flag = negative_operating_cash_flow(ocf)
        scale = int(self.catalog.scale[self.catalog.index[codes.operating_cash_flow]])
        ocf_scaled = pm.ytd.scaled[:, col[codes.operating_cash_flow]]
        return tuple(
            CheckRow(
                kid,
                opt(float(tf_growth[i])),
                opt(float(rev_growth[i])),
                bool(tf_flag[i]),
                opt(float(intensity[i])),
                bool(rd_flag[i]),
                Value(int(ocf_scaled[i]), scale, True, float(ocf[i])) if not np.isnan(ocf[i]) else None,
                bool(cash_flag[i]),
            )
            for i, kid in enumerate(kids)
        )

    def outlook(
        self, nodes: Sequence[int], year: int, month: int, codes: Sequence[str] | None = None, *, restate: bool = False
    ) -> Outlook:
        """Year-end outlook of every indicator of ``codes`` for each of ``nodes``; a derived
        indicator is its formula on its references' outlooks, with an interval and chances
        simulated from theirs (see :mod:`pacer.analysis.outlook_table`)."""
        t = self.month_index(year, month)
        return build_outlook(
            self.cube(restate),
            self.catalog,
            self.targets,
            year,
            np.asarray(nodes, dtype=np.int64),
            self.catalog.indices(codes),
            t,
            self.grid,
            self.reference_years,
        )

    def history(self, node: int, code: str, *, restate: bool = False) -> History:
        """Every month of ``code`` for ``node``: value, YTD, last year's YTD, YoY and month on
        month."""
        return build_history(self.cube(restate), self.catalog, node, self.catalog.index[code], self.first_year)


def _ranking(
    pm: LeanMeasures, catalog: IndicatorCatalog, code: str, measure: Measure, rows: Int64Array, descending: bool | None
) -> Ranking:
    indicator = catalog.index[code]
    values = views.measure_matrix(pm, measure)[rows, pm.column(indicator)]
    if descending is None:
        descending = views.default_descending(catalog, indicator, measure)
    order, ranks = calc.rank_order(values, descending)
    return Ranking(
        code,
        measure,
        descending,
        views.rank_rows(pm, catalog, indicator, rows, values, order, ranks),
        views.dispersion(values),
    )
