"""The economic-operation analysis report (经济运行分析报告) of one node for one span, drawn from the
analysis engine as the actor may see it.

It follows the structure such reports use: overall situation -> indicator analysis -> unit
comparison -> follow-up of meeting requirements (when there are tasks) -> quality (when there are
quality problems or control charts) -> commendations (a report of the year, when the year has
any) -> problems -> outlook ->
countermeasures and work plan. The narrative blocks (problems, countermeasures, plan) are drafts
that people replace (:meth:`pacer.reports.model.Report.with_narrative`).

The node is the unit asked for (default: the highest unit the actor sees); a unit outside the
actor's view answers exactly like one that does not exist. Children, rankings and bridges are
drawn only from units the actor sees, so a unit leader's report of their own unit never names a
sibling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from pacer.analysis import Analysis, get_analysis
from pacer.auth.permissions import Actor
from pacer.cockpit.scope import open_scope
from pacer.errors import DomainError
from pacer.kit import periods
from pacer.reports import sections, units
from pacer.reports.commendations import commendations
from pacer.reports.figures import Context
from pacer.reports.followup import followup
from pacer.reports.model import Report, Section
from pacer.reports.outlook import outlook
from pacer.reports.quality import quality
from pacer.reports.words import MONTHS_EN, numbered, word

if TYPE_CHECKING:
    pass

SPANS = ("month", "quarter", "half", "year")
LANGS = ("zh", "en")
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class EconomicRequest:
    """What to report on: a unit (None: the highest unit the actor sees), the last month
    (YYYY-MM), the span ending there and the language. Checked when made: a bad value is refused
    with a one-line message naming the field (DomainError, 422)."""

    unit_code: str | None
    period: str
    span: str = "month"
    lang: str = "zh"

    def __post_init__(self) -> None:
        try:
            periods.parse_period(self.period)
        except ValueError as exc:
            raise DomainError(f"period: {exc}", 422) from None
        if self.span not in SPANS:
            raise DomainError(f"span: '{self.span}' is not one of {', '.join(SPANS)}", 422)
        if self.lang not in LANGS:
            raise DomainError(f"lang: '{self.lang}' is not one of {', '.join(LANGS)}", 422)

    @property
    def year_month(self) -> tuple[int, int]:
        return periods.split(periods.parse_period(self.period))


def build_economic(
    session: Session,
    actor: Actor,
    request: EconomicRequest,
    progress: Progress | None = None,
    *,
    analysis: Analysis | None = None,
) -> Report:
    """The report's content (no rendering: see :func:`pacer.reports.render.render`).

    ``analysis``: the engine to draw from (default: the process's engine for the session's
    database, kept current by :func:`pacer.analysis.get_analysis`)."""
    tell = progress or (lambda share, what: None)
    tell(0.0, "figures")
    analysis = analysis or get_analysis(session.get_bind().engine)
    scope = open_scope(
        session, actor, analysis, request.unit_code, periods.format_period(_period(request)), request.lang
    )
    ctx = Context(scope, request.span)
    parts: list[Section | None] = []
    steps: list[tuple[str, Callable[[Context], Section | None]]] = [
        ("overall", sections.overall),
        ("indicators", sections.indicators),
        ("units", units.comparison),
        ("follow-up", followup),
        ("quality", quality),
        ("commendations", commendations),
    ]
    for i, (name, make) in enumerate(steps):
        tell(0.05 + 0.9 * i / len(steps), name)
        parts.append(make(ctx))
    problems, measures = units.narratives(ctx)
    tell(0.95, "outlook")
    ahead = outlook(ctx)
    numbered = numbered_sections(request.lang, [p for p in [*parts, problems, ahead, measures] if p is not None])
    unit = scope.unit(scope.node)
    label = span_label(request.lang, request.span, scope.year, scope.month)
    report = Report(
        kind="economic",
        title=word(request.lang, "economic.title", unit=unit.name, period=label),
        subtitle=word(request.lang, "economic.subtitle", month=month_label(request.lang, scope.year, scope.month)),
        lang=request.lang,
        unit_code=unit.code,
        unit_name=unit.name,
        period=periods.format_period(scope.period),
        span=request.span,
        sections=tuple(numbered),
        meta={"marker": str(analysis.marker)},
    )
    tell(1.0, "done")
    return report


def _period(request: EconomicRequest) -> int:
    return periods.parse_period(request.period)


def numbered_sections(lang: str, parts: list[Section]) -> list[Section]:
    out = []
    for i, s in enumerate(parts):
        subs = tuple(
            Section(sub.key, numbered(lang, j, sub.heading, 2, i), sub.blocks, sub.sections)
            for j, sub in enumerate(s.sections)
        )
        out.append(Section(s.key, numbered(lang, i, s.heading), s.blocks, subs))
    return out


def month_label(lang: str, year: int, month: int) -> str:
    return f"{year}年{month}月" if lang == "zh" else f"{MONTHS_EN[month - 1]} {year}"


def span_label(lang: str, span: str, year: int, month: int) -> str:
    """The period a report covers: 2025年6月, 2025年第二季度, 2025年上半年, 2025年1-9月 …"""
    name = MONTHS_EN[month - 1]
    if span == "month":
        return word(lang, "span.month", year=year, month=month, month_name=name)
    if span == "quarter":
        quarter = (month - 1) // 3 + 1
        key = "span.quarter" if month % 3 == 0 else "span.quarter_to"
        q = "一二三四"[quarter - 1] if lang == "zh" else quarter
        return word(lang, key, year=year, quarter=q, month=month, month_name=name)
    if span == "half":
        half = 1 if month <= 6 else 2
        key = f"span.half.{half}" if month in (6, 12) else f"span.half_to.{half}"
        return word(lang, key, year=year, month=month, month_name=name)
    if month == 12:
        return word(lang, "span.year", year=year)
    return word(lang, "span.year_to", year=year, month=month, month_name=name)
