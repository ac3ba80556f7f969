"""The figures a report is drawn from: one node at one month, as the reader may see it.

:class:`Context` wraps the cockpit's scope (the one place that decides what a reader sees, and
the engine's answers cut to it) with the report's span, and turns the engine's rows into table
cells and into the :class:`~pacer.reports.narrative.Figure` a sentence is written from. Every
number goes through the shared formatter on the indicator's display scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from pacer.analysis import Change, CockpitRow, DisplayScale, Span, SpanRow, Status, Value, wording
from pacer.cockpit import charts
from pacer.cockpit import format as fmt
from pacer.cockpit.schemas import IndicatorRef
from pacer.cockpit.scope import Scope
from pacer.reports import narrative
from pacer.reports.model import Cell, Chart
from pacer.reports.words import WORDS, word

# how a negative value reads (see pacer.reports.narrative)
SIGNS: dict[str, narrative.Sign] = {"total_profit": "profit", "net_profit": "profit", "operating_cash_flow": "cash"}
SPAN_KINDS: dict[str, Span] = {"month": "month", "quarter": "quarter", "half": "half", "year": "ytd"}
TONES = {Status.ON_TRACK: "good", Status.WATCH: "watch", Status.OFF_TRACK: "bad"}


@dataclass(frozen=True, eq=False)
class Context:
    scope: Scope
    span: str  # month | quarter | half | year
    extra: tuple[str, ...] = ()  # indicators asked for beyond the key ones and the sections' (quality's)

    @property
    def lang(self) -> str:
        return self.scope.lang

    def w(self, key: str, **values: object) -> str:
        return word(self.lang, key, **values)

    def joined(self, sentences: list[str]) -> str:
        """Sentences as one paragraph: Chinese runs them on, English puts a space between."""
        return ("" if self.lang == "zh" else " ").join(s for s in sentences if s)

    # -- which indicators -----------------------------------------------------------------------

    def known(self, codes: tuple[str, ...] | list[str]) -> list[str]:
        """The codes the engine and the indicator library both hold, in the order given."""
        return [c for c in codes if c in self.scope.engine.catalog.index and c in self.scope.indicators]

    @cached_property
    def key_codes(self) -> list[str]:
        return self.known(self.scope.key_codes)

    # -- the engine's answers ------------------------------------------------------------------

    @cached_property
    def _wanted(self) -> list[str]:
        from pacer.reports.sections import TOPICS

        codes = list(self.key_codes)
        for _, topic_codes, _ in TOPICS:
            codes += [c for c in self.known(topic_codes) if c not in codes]
        codes += [c for c in self.known(self.extra) if c not in codes]
        return codes

    @cached_property
    def rows(self) -> dict[str, CockpitRow]:
        s = self.scope
        if not self._wanted:
            return {}
        cockpit = s.engine.cockpit(s.node, s.year, s.month, self._wanted)
        return {r.code: r for r in cockpit.rows}

    @cached_property
    def span_rows(self) -> dict[str, SpanRow]:
        """The indicators over the report's span (the month, the quarter or half to date), when it
        is not the year to date."""
        s = self.scope
        if not self.has_span or not self._wanted:
            return {}
        return {r.code: r for r in s.engine.span(s.node, s.year, s.month, self.span_kind, self._wanted)}

    @property
    def span_kind(self) -> Span:
        """The engine's name of the span: a year report is the year to date at its month."""
        return SPAN_KINDS[self.span]

    @property
    def bridge_span(self) -> Span:
        """The months a bridge compares with last year's: the span, or the year to date."""
        return self.span_kind if self.has_span else "ytd"

    @property
    def has_span(self) -> bool:
        """Whether the span differs from the year to date (a half at June is the year to date)."""
        month = self.scope.month
        if self.span in ("year",) or (self.span == "half" and month <= 6) or (self.span == "quarter" and month <= 3):
            return False
        return not (self.span == "month" and month == 1)

    # -- display -------------------------------------------------------------------------------

    def ref(self, code: str) -> IndicatorRef:
        """The indicator with the display scale of its row (its YTD and targets)."""
        row = self.rows.get(code)
        sizes = [abs(v.number) for v in (row.ytd, row.target_ensure, row.target_strive) if v] if row else []
        return self.scope.indicator(code, max(sizes, default=None))

    def shown(self, code: str, v: Value | Decimal | None) -> Decimal | None:
        if v is None:
            return None
        return fmt.shown(v.decimal if isinstance(v, Value) else v, self.ref(code).display)

    def unit_cell(self, code: str) -> Cell:
        """The unit column's cell: the display unit's symbol, or where it has none in the language
        (a count reads "7" in an English sentence) the unit's word, so the column is never blank."""
        d = self.ref(code).display
        if d.label:
            return Cell(d.label)
        return Cell(self.w(f"unit.{d.unit}") if f"unit.{d.unit}" in WORDS else d.unit)

    def amount_cell(self, code: str, v: Value | Decimal | None) -> Cell:
        d = self.ref(code).display
        x = self.shown(code, v)
        return Cell(wording.number(x, d.decimals), x)

    def change_cell(self, code: str, c: Change) -> Cell:
        ref = self.ref(code)
        scale = self.scope.scale_of(code)
        out = fmt.change(c, ref.display, self.lang, ref.direction, scale)
        tone = "" if out.good is None else "good" if out.good else "bad"
        number = Decimal(repr(c.percent)) if c.percent is not None else out.change
        # the terminal's compact words (+0.15pp, 减亏0.50亿元): a table's column stays narrow
        shown = DisplayScale(
            ref.display.unit,
            Fraction(wording.exact(ref.display.divisor)),
            ref.display.symbol_zh,
            ref.display.symbol_en,
            ref.display.decimals,
            ref.display.percent,
        )
        return Cell(wording.change(c, self.lang, shown, scale), number, tone)

    def percent_cell(self, x: float | None) -> Cell:
        return Cell(wording.percent(x, 1), None if x is None else Decimal(repr(x)))

    def gap_cell(self, x: float | None) -> Cell:
        tone = "" if x is None else "good" if x >= 0 else "bad"
        return Cell(wording.gap(x) or wording.DASH, None if x is None else Decimal(repr(x)), tone)

    def status_cell(self, s: Status | None) -> Cell:
        text = wording.status(s, self.lang)  # a label: "Off track" (the terminal's words are lower case)
        return Cell(text[:1].upper() + text[1:] or wording.DASH, None, TONES.get(s, "") if s else "")

    # -- sentences -----------------------------------------------------------------------------

    def figure(self, code: str) -> narrative.Figure | None:
        """The indicator's year to date, against last year and its annual target."""
        row = self.rows.get(code)
        if row is None or row.ytd is None:
            return None
        ref, cat = self.ref(code), self.scope.engine.catalog
        i = cat.index[code]
        return narrative.Figure(
            name=ref.name,
            value=self.shown(code, row.ytd),
            unit=ref.display.label,
            change=row.yoy,
            change_shown=self._change_shown(code, row.yoy),
            decimals=ref.display.decimals,
            direction=ref.direction if ref.direction in ("higher", "lower", "band") else "higher",  # type: ignore[arg-type]  # checked
            running=bool(cat.is_flow[i]) and row.time_progress_pct is not None,
            percent=ref.display.percent,
            sign=SIGNS.get(code, "plain"),
            target=self.shown(code, row.target_ensure),
            completion=row.completion_pct,
            completion_strive=row.completion_strive_pct,
            time_progress=row.time_progress_pct,
            in_range=None if row.status is None else row.status is Status.ON_TRACK,
        )

    def span_figure(self, code: str) -> narrative.Figure | None:
        """The indicator over the report's span, against the same span of last year."""
        row = self.span_rows.get(code)
        if row is None or row.value is None:
            return None
        ref = self.ref(code)
        return narrative.Figure(
            name=self.span_label,
            value=self.shown(code, row.value),
            unit=ref.display.label,
            change=row.yoy,
            change_shown=self._change_shown(code, row.yoy),
            decimals=ref.display.decimals,
            direction=ref.direction if ref.direction in ("higher", "lower", "band") else "higher",  # type: ignore[arg-type]  # checked
            running=bool(self.scope.engine.catalog.is_flow[self.scope.engine.catalog.index[code]]),
            percent=ref.display.percent,
            sign=SIGNS.get(code, "plain"),
        )

    @property
    def span_label(self) -> str:
        return self.w(f"column.span.{self.span}") if self.has_span else self.w("col.ytd")

    @property
    def span_phrase(self) -> str:
        """The span as it reads mid-sentence: 本季度 / this quarter, 本年累计 / the year to date."""
        return self.w(f"phrase.span.{self.span}") if self.has_span else self.w("phrase.ytd")

    def _change_shown(self, code: str, c: Change) -> Decimal | None:
        if c.change_scaled is None:
            return None
        return self.shown(code, Decimal(c.change_scaled).scaleb(-self.scope.scale_of(code)))

    def sentence(self, code: str) -> str:
        """The indicator's drafted sentence: its span (when not the year to date), then its year
        to date against last year and the annual target."""
        f = self.figure(code)
        if f is None:
            return ""
        text = narrative.sentence(f, self.lang)
        span = self.span_figure(code)
        # a balance at the span's end is the year to date's: the span adds nothing to say
        if span is not None and (span.value, span.change) != (f.value, f.change):
            text = text[:-1] + narrative.span_clause(span, self.lang)
        return text

    # -- charts --------------------------------------------------------------------------------

    def chart(self, name: str, code: str | None, key: str) -> Chart:
        spec = charts.for_image(charts.spec(self.scope, name, code, self.bridge_span))
        title = spec.get("title")
        text = title.get("text", "") if isinstance(title, dict) else str(title or "")
        return Chart(key=key, title=text, spec=spec, description=text)
