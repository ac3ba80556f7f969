"""The entry grid of one unit's month: the indicators its assignment asks for, by category, each
with the figure saved so far and what it is compared with.

The comparisons come from the analysis engine in one call for every line (same month last year,
last month, the year to date before this month, on each line's reporting basis) and its annual
targets; what the page's script needs to recompute the derived indicators as figures are typed
(each flow's year to date before the month, each stock's last December, each formula as a tree)
comes from the validation rules' context, so the page computes what the rules check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, Window, evaluate_windows
from pacer.auth.permissions import REPORT, Actor, visible_unit_ids
from pacer.errors import NotFound
from pacer.indicators.assignment_service import reported_indicators
from pacer.indicators.formula import FormulaError, parse
from pacer.models import Indicator, IndicatorCategory, MeasureUnit, SubmissionCheck, Unit
from pacer.submissions import checks, earlier, repository, rule_config, service
from pacer.submissions.entry import EntryUnit, FormulaTree, entry_unit, formula_tree, typed_text
from pacer.submissions.rule_context import contexts
from pacer.submissions.rule_derived import computed
from pacer.submissions.rules import RuleContext
from pacer.submissions.service import Found
from pacer.submissions.workflow import EDITABLE
from pacer.submissions.workflow import SUBMISSION as FLOW

COMPARISONS = ("last_year", "last_month", "ytd_before")


@dataclass
class Line:
    code: str
    name_zh: str
    name_en: str
    kind: str  # flow | stock | derived
    basis: str  # ytd | monthly (a flow's), balance (a stock's), derived
    scale: int
    unit: EntryUnit
    value: str = ""  # the saved figure, typed in ``unit``
    saved: int | None = None  # the saved figure, scaled, on the line's basis
    compared: dict[str, int | None] = field(default_factory=dict)  # COMPARISONS, scaled
    targets: dict[str, int | None] = field(default_factory=dict)  # ensure, strive
    ytd_before: int = 0  # the rules' (a flow's months before this one)
    opening: int | None = None  # the rules' last December (a stock's)
    formula: FormulaTree | None = None
    derived: Decimal | None = None  # the saved figures' value of a derived indicator

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass
class Category:
    code: str
    name_zh: str
    name_en: str
    lines: list[Line] = field(default_factory=list)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass
class EntryGrid:
    unit: Unit
    period: int
    found: Found | None  # None: nothing saved yet
    categories: list[Category]
    may_report: bool
    provisional: list[int] = field(default_factory=list)  # earlier months used, not yet accepted

    @property
    def findings(self) -> list[SubmissionCheck]:
        """The rules' findings on the saved figures, as the submission keeps them."""
        return self.found.checks if self.found else []

    @property
    def state(self) -> str:
        return self.found.state if self.found else FLOW.initial

    @property
    def version(self) -> int:
        return self.found.submission.version if self.found else 0

    @property
    def editable(self) -> bool:
        return self.may_report and self.state in EDITABLE

    @property
    def lines(self) -> list[Line]:
        return [line for c in self.categories for line in c.lines]


def build_entry_grid(session: Session, actor: Actor, analysis: Analysis, unit_code: str, period: int) -> EntryGrid:
    """The grid of ``unit_code``'s month ``period`` (404 when the actor may not see the unit)."""
    unit = repository.unit(session, actor, unit_code)
    if unit is None:
        raise NotFound("no such unit among those you may see")
    found = None
    if repository.submission(session, unit.id, period) is not None:
        found = service.get(session, actor, unit.code, period)
    pending = earlier.pending(session, unit.id, period)  # earlier months not yet accepted
    context = contexts(session, actor, [(unit, period)], rule_config.configured(), pending)[(unit.id, period)]
    reported = reported_indicators(session, unit, period)
    lines = _lines(session, context, reported)
    figures = found.figures if found else []
    for ind, fig in figures:
        line = lines.get(ind.code)
        if line is not None:
            line.saved = fig.value
            line.value = typed_text(fig.value, line.scale, line.unit.shift)
    for code, _, value in computed(checks.monthly(figures, context), context):
        if code in lines:
            lines[code].derived = value
    _compare(analysis, unit.id, period, lines)
    reporters = visible_unit_ids(session, actor, REPORT)
    may_report = reporters is None or unit.id in reporters
    provisional = found.provisional if found else earlier.provisional(session, unit.id, period)
    return EntryGrid(unit, period, found, _by_category(session, lines), may_report, provisional)


def month_figures(saved: dict[str, tuple[int, str]], context: RuleContext) -> dict[str, int]:
    """Saved figures as the rules take them: a year-to-date flow's less its months before."""
    out = {}
    for code, (value, basis) in saved.items():
        ind = context.indicators.get(code)
        ytd = basis == "ytd" and ind is not None and ind.kind == "flow"
        out[code] = value - context.ytd_before.get(code, 0) if ytd else value
    return out


def _lines(session: Session, context: RuleContext, reported: list[str]) -> dict[str, Line]:
    measures = {m.code: m for m in session.scalars(select(MeasureUnit))}
    units = dict(session.execute(select(Indicator.code, Indicator.unit)).tuples().all())
    wanted = [c for c in reported if c in context.indicators]
    have = set(wanted)
    for code, ind in context.indicators.items():
        if ind.kind == "derived" and ind.formula:
            try:
                refs = parse(ind.formula).references
            except FormulaError:
                continue
            if refs and refs <= have:
                wanted.append(code)
    out: dict[str, Line] = {}
    for code in wanted:
        ind = context.indicators[code]
        basis = {"stock": "balance", "derived": "derived"}.get(ind.kind, ind.reporting or "monthly")
        out[code] = Line(
            code,
            ind.name_zh,
            ind.name_en,
            ind.kind,
            basis,
            ind.scale,
            entry_unit(units.get(code, ""), measures),
            ytd_before=context.ytd_before.get(code, 0),
            opening=context.last_december.get(code),
            formula=formula_tree(ind.formula) if ind.kind == "derived" and ind.formula else None,
        )
    return out


def _by_category(session: Session, lines: dict[str, Line]) -> list[Category]:
    of = dict(session.execute(select(Indicator.code, Indicator.category)).tuples().all())
    cats = {c.code: c for c in session.scalars(select(IndicatorCategory).order_by(IndicatorCategory.position))}
    out: dict[str, Category] = {
        code: Category(code, c.name_zh, c.name_en) for code, c in cats.items() if code in set(of.values())
    }
    for line in lines.values():
        code = of.get(line.code, "")
        category = out.get(code) or out.setdefault(code, Category(code, code, code))
        category.lines.append(line)
    for category in out.values():
        category.lines.sort(key=lambda x: x.kind == "derived")  # stable: library order, derived last
    return [c for c in out.values() if c.lines]


def _windows(year_index: int, month: int) -> list[Window]:
    """Same month last year, its year to date, last month, the year to date before this month,
    last year's whole year (January's "last month" for a year-to-date figure)."""
    last = Window.of(year_index, month - 1, month - 1) if month > 1 else Window.of(year_index - 1, 12, 12)
    before = Window.of(year_index, 1, month - 1) if month > 1 else Window(-1, -1, -1)
    return [
        Window.of(year_index - 1, month, month),
        Window.of(year_index - 1, 1, month),
        last,
        before,
        Window.of(year_index - 1, 1, 12),
    ]


def _compare(analysis: Analysis, unit_id: int, period: int, lines: dict[str, Line]) -> None:
    """Fill each line's comparisons and targets from the engine, one call for every line."""
    engine, node = analysis.engine, analysis.node(unit_id)
    catalog = engine.catalog
    codes = [c for c in lines if c in catalog.index]
    year, month = divmod(period, 100)
    yi = year - engine.first_year
    if node is None or not codes or yi < 0:
        return
    columns = catalog.closure(catalog.indices(codes))
    where = catalog.positions(columns)
    values = evaluate_windows(engine.cube(), catalog, np.array([node]), columns, _windows(yi, month))
    held = engine.targets
    in_range = held is not None and 0 <= year - held.first_year < held.values.shape[2]
    targets = held.of_year(year - held.first_year) if held is not None and in_range else None
    for code in codes:
        line, col = lines[code], where[catalog.index[code]]

        def at(w: int, col: int = col) -> int | None:
            return int(values[w].scaled[0, col]) if values[w].present[0, col] else None

        per_month = line.basis in ("monthly", "balance")
        line.compared = {
            "last_year": at(0) if line.basis == "monthly" else at(1),
            "last_month": at(2) if per_month else at(3) if month > 1 else at(4),
            "ytd_before": at(3) if line.kind == "flow" else None,
        }
        if targets is not None:
            scaled, present = targets
            i = catalog.index[code]
            line.targets = {
                tier: int(scaled[node, i, t]) if present[node, i, t] else None
                for t, tier in enumerate(("ensure", "strive"))
            }
