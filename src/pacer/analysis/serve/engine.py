"""The analysis engine: consolidated cubes kept current, and the questions HQ asks of them.

Build it once from the loader's arrays, then ask; ``apply`` keeps it current as submissions are
accepted. Nodes are unit indices, periods are (year, month 1..12). With ``restate=True`` every
month is consolidated under today's tree (a comparable basis, 同口径); otherwise each month uses
the tree as it was. The restated cube is built on first use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pacer.analysis.answers import views
from pacer.analysis.answers.bridge import Bridge, build_bridge
from pacer.analysis.answers.bridge_derived import build_derived_bridge
from pacer.analysis.answers.checks import RD_INTENSITY_LINE_PCT, CheckCodes, CheckRow, check_rows
from pacer.analysis.answers.history import History, build_history
from pacer.analysis.answers.outlook_table import Outlook, build_outlook
from pacer.analysis.answers.results import OffTrackRow, SpanRow
from pacer.analysis.answers.views import Measure
from pacer.analysis.core.calc import Thresholds
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.eliminations import EliminationBook
from pacer.analysis.core.holt_winters import Grid
from pacer.analysis.core.inputs import Eliminations, Facts, IndicatorDef, Int64Array, Targets, TreeHistory, Units
from pacer.analysis.core.measures import (
    LeanMeasures,
    PeriodMeasures,
    TimeBasis,
    lean_measures,
    period_measures,
    ranking_keys,
)
from pacer.analysis.core.tree import TreeTimeline
from pacer.analysis.core.windows import Span, Window, evaluate_windows
from pacer.analysis.serve.cockpit import LEAN_CHILDREN, Cockpit, Ranking, child_ranks, ranking_of, ranks_on
from pacer.analysis.serve.keeping import KeptCurrent


class Engine(KeptCurrent):
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

    def spans(
        self,
        nodes: Sequence[int],
        year: int,
        month: int,
        span: Span,
        codes: Sequence[str] | None = None,
        *,
        restate: bool = False,
    ) -> dict[int, tuple[SpanRow, ...]]:
        """:meth:`span` of each of ``nodes``, in one pass over the cube."""
        self.month_index(year, month)
        yi, selected = year - self.first_year, self.catalog.indices(codes)
        columns = self.catalog.closure(selected)
        now, before = evaluate_windows(
            self.cube(restate),
            self.catalog,
            np.asarray(nodes, dtype=np.int64),
            columns,
            [Window.span(yi, span, month), Window.span(yi - 1, span, month)],
        )
        return {n: views.span_rows(columns, self.catalog, selected, now, before, i) for i, n in enumerate(nodes)}

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
        if len(kids) < LEAN_CHILDREN or rank_by not in ("completion", "ytd"):
            # one pass over the node and its children costs less than two
            return self._full_cockpit(node, kids, year, month, codes, restate, time_basis, rank_by)
        return self._lean_cockpit(node, kids, year, month, codes, restate, time_basis, rank_by)

    def _full_cockpit(
        self,
        node: int,
        kids: list[int],
        year: int,
        month: int,
        codes: Sequence[str] | None,
        restate: bool,
        time_basis: TimeBasis,
        rank_by: Measure,
    ) -> Cockpit:
        """A cockpit from every measure of the node and its children, computed at once."""
        selected = self.catalog.indices(codes)
        rows = np.arange(1, len(kids) + 1)
        every = self.measures([node, *kids], year, month, codes, restate=restate, time_basis=time_basis)
        ranks, rank_measures = child_ranks(self.catalog, every, rows, selected, rank_by)
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

    def _lean_cockpit(
        self,
        node: int,
        kids: list[int],
        year: int,
        month: int,
        codes: Sequence[str] | None,
        restate: bool,
        time_basis: TimeBasis,
        rank_by: Measure,
    ) -> Cockpit:
        """A cockpit from the node's measures and only the children's ranking keys; the
        children's other measures are computed on first use, while the figures are unchanged."""
        selected = self.catalog.indices(codes)
        rows = np.arange(1, len(kids) + 1)
        own = self.measures([node], year, month, codes, restate=restate, time_basis=time_basis)
        kid_nodes = np.asarray(kids, dtype=np.int64)
        completion, ytd = ranking_keys(
            self.cube(restate), self.catalog, self.targets, self.first_year, kid_nodes, year, month, selected
        )
        keys = completion if rank_by == "completion" else ytd
        ranks, rank_measures = ranks_on(self.catalog, keys, ytd, selected, rank_by)
        generation = self._generation

        def lean(wanted: Sequence[str]) -> tuple[LeanMeasures, Int64Array]:
            self._unchanged_since(generation)
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
            self._unchanged_since(generation)
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

    def _unchanged_since(self, generation: int) -> None:
        if self._generation != generation:
            raise RuntimeError("the engine's figures changed after this cockpit was built")

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
        return ranking_of(pm, self.catalog, code, measure, np.arange(len(pm.nodes)), descending)

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
        return check_rows(pm, self.catalog, kids, codes, rd_line_pct)

    def outlook(
        self, nodes: Sequence[int], year: int, month: int, codes: Sequence[str] | None = None, *, restate: bool = False
    ) -> Outlook:
        """Year-end outlook of every indicator of ``codes`` for each of ``nodes``; a derived
        indicator is its formula on its references' outlooks, with an interval and chances
        simulated from theirs (see :mod:`pacer.analysis.answers.outlook_table`)."""
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
