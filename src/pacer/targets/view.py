"""The targets grid as the page shows it: cell values (what was posted, else what is stored),
numbers in the indicator's unit, phasing in words, gaps in a sentence, links that open a unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pacer.analysis import wording
from pacer.errors import Problem
from pacer.indicators.service import IndicatorRow
from pacer.kit.numbers import format_scaled, to_decimal
from pacer.models import MeasureUnit
from pacer.targets import calc
from pacer.targets.entry import amount_text, cell_key, line_basis, phasing_text
from pacer.targets.grid import Grid, Line
from pacer.targets.words import problem_text
from pacer.web.i18n import translate


def measure_label(measures: Mapping[str, MeasureUnit], unit: str, lang: str) -> str:
    """A unit of measure's symbol from the group's table (元, 吨标准煤 / tce), else its code."""
    found = measures.get(unit)
    if found is None:
        return unit
    return found.symbol_zh if lang == "zh" else found.symbol_en


def plain(value: int, grid: Grid, code: str) -> str:
    scale = next((r.scale for r in grid.indicators if r.code == code), 2)
    return format_scaled(value, scale)


def shown(value: int | None, scale: int) -> str:
    return wording.number(None if value is None else to_decimal(value, scale), scale)


def pcts(shares: Sequence[int]) -> list[str]:
    return [format_scaled(s, 2) for s in shares]


def phasing_kind(line: Line) -> str:
    """How the stored phasing was made, read back from its shares (none, linear, last_year, typed)."""
    stored = next((t.phasing_bp for t in line.targets.values() if t.phasing_bp), None)
    if not stored:
        return "none"
    if stored == calc.linear_phasing():
        return "linear"
    return "last_year" if stored == line.profile().shares else "typed"


@dataclass
class Page:
    """What the template asks of the grid, in the page's language."""

    grid: Grid
    lang: str
    form: dict[str, str]

    def key(self, line: Line, name: str) -> str:
        return cell_key(line.place.unit.code, line.indicator.code, name)

    def value(self, line: Line, tier: str) -> str:
        return self.form.get(self.key(line, tier), amount_text(line.targets.get(tier), line.indicator.scale))

    def initial(self, line: Line, tier: str) -> str:
        return amount_text(line.targets.get(tier), line.indicator.scale)

    def basis(self, line: Line) -> str:
        return self.form.get(self.key(line, "basis")) or line_basis(line)

    def phasing(self, line: Line) -> str:
        return self.form.get(self.key(line, "phasing"), "keep")

    def months(self, line: Line) -> str:
        stored = next((t.phasing_bp for t in line.targets.values() if t.phasing_bp), None)
        return self.form.get(self.key(line, "months"), phasing_text(stored))

    def stored_phasing(self, line: Line) -> list[str] | None:
        stored = next((t.phasing_bp for t in line.targets.values() if t.phasing_bp), None)
        return pcts(stored) if stored else None

    def measure(self, row: IndicatorRow) -> str:
        return measure_label(self.grid.measures, row.unit, self.lang)

    def name(self, row: IndicatorRow) -> str:
        return row.name_zh if self.lang == "zh" else row.name_en

    def gap_words(self, line: Line, tier: str) -> list[str]:
        gap, scale = line.gaps[tier], line.indicator.scale
        word = translate(self.lang, f"targets.{tier}")
        if gap.parent is None:
            out = [translate(self.lang, "targets.gap_no_parent", tier=word, sum=shown(gap.children_sum, scale))]
        else:
            out = [
                translate(
                    self.lang,
                    "targets.gap",
                    tier=word,
                    sum=shown(gap.children_sum, scale),
                    parent=shown(gap.parent, scale),
                    difference=shown(gap.difference, scale),
                )
            ]
        if gap.missing:
            out.append(translate(self.lang, "targets.gap_missing", units="、".join(gap.missing)))
        return out

    def query(self, toggle: str | None = None, spread: str | None = None) -> str:
        """This page's query with a unit opened or closed, or a spread asked for."""
        opened = [p.unit.code for p in self.grid.places if p.opened and p.level > 0]
        if toggle is not None:
            opened = [c for c in opened if c != toggle] if toggle in opened else [*opened, toggle]
        query: list[tuple[str, str]] = [("set", self.grid.set_code)] if self.grid.set_code else []
        query += [("open", c) for c in opened]
        if spread:
            query.append(("spread", spread))
        return "?" + urlencode(query) if query else ""


def context(
    grid: Grid, lang: str, form: dict[str, str], problems: dict[str, list[str]], loose: list[Problem], **extra: Any
) -> dict[str, Any]:
    words = {k: [problem_text(m, lang) for m in ms] for k, ms in problems.items()}
    listed = [str(p) if lang != "zh" else _located(p, lang) for p in loose]
    count = sum(len(v) for v in words.values()) + len(listed)
    return {
        "grid": grid,
        "page": Page(grid, lang, form),
        "problems": words,
        "loose": listed,
        "problem_count": count,
        "shown": shown,
        "pcts": pcts,
        "phasing_kind": phasing_kind,
        "tiers": ("ensure", "strive"),
        **extra,
    }


def _located(problem: Problem, lang: str) -> str:
    where = []
    if problem.sheet:
        where.append(f"工作表 {problem.sheet}")
    if problem.cell:
        where.append(f"单元格 {problem.cell}")
    elif problem.row is not None:
        where.append(f"第 {problem.row} 行")
    text = problem_text(problem.message, lang)
    return f"{'，'.join(where)}：{text}" if where else text
