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
from sqlalchemy.orm import Session

from pacer.analysis import Analysis, Window, evaluate_windows
from pacer.auth.permissions import REPORT, Actor
from pacer.errors import NotFound
from pacer.indicators.assignment_service import catalogue_of
from pacer.indicators.memo import current
from pacer.models import SubmissionCheck, Unit
from pacer.submissions import checks, earlier, repository, rule_config, service
from pacer.submissions.entry import EntryUnit, FormulaTree, typed_text
from pacer.submissions.grid_layout import Section, layout
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
    """The grid of ``unit_code``'s month ``period`` (404 when the actor may not see the unit).

    The library's part (definitions, what the unit reports, the lines' layout) is kept while the
    library stays as it is; what is read each time is the unit, its submission, the figures
    around the month, and whether the viewer may report for the unit."""
    unit = repository.unit(session, actor, unit_code)
    if unit is None:
        raise NotFound("no such unit among those you may see")
    memo = current(session)
    months = earlier.provisional(session, unit.id, period)  # earlier months not yet accepted
    stored = repository.submission_with_item(session, unit.id, period)
    found = service.found_of(session, actor, unit, stored[0], months) if stored else None
    pending = earlier.pending(session, unit.id, period, months)
    config = rule_config.configured()
    context = contexts(session, actor, [(unit, period)], config, pending, memo=memo)[(unit.id, period)]
    catalogue = catalogue_of(session, period // 100, memo)
    reported = [c for c in catalogue.reported if c in context.required]
    categories = _categories(layout(session, memo, period // 100, context.indicators, reported), context)
    lines = {line.code: line for c in categories for line in c.lines}
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
    may_report = repository.may(session, actor, REPORT, unit.id)
    return EntryGrid(unit, period, found, categories, may_report, months)


def month_figures(saved: dict[str, tuple[int, str]], context: RuleContext) -> dict[str, int]:
    """Saved figures as the rules take them: a year-to-date flow less its months before."""
    out = {}
    for code, (value, basis) in saved.items():
        ind = context.indicators.get(code)
        ytd = basis == "ytd" and ind is not None and ind.kind == "flow"
        out[code] = value - context.ytd_before.get(code, 0) if ytd else value
    return out


def _categories(sections: tuple[Section, ...], context: RuleContext) -> list[Category]:
    """The layout's lines with this unit-month's figures around them (the rules' context)."""
    ytd, opening = context.ytd_before, context.last_december
    return [
        Category(
            section.code,
            section.name_zh,
            section.name_en,
            [
                Line(
                    s.code,
                    s.name_zh,
                    s.name_en,
                    s.kind,
                    s.basis,
                    s.scale,
                    s.unit,
                    ytd_before=ytd.get(s.code, 0),
                    opening=opening.get(s.code),
                    formula=s.formula,
                )
                for s in section.lines
            ],
        )
        for section in sections
    ]


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
