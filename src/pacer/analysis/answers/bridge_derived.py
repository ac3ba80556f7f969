"""The bridge of a derived indicator: what each child (and the node's own line) contributed to
the node's change, for a formula that is a sum or a ratio of sums of reported indicators.

Every reported indicator a formula refers to is split by line as in :mod:`pacer.analysis.answers.bridge`
(children, the node's own figures, its elimination entries); an opening balance (``avg(x)``,
``opening(x)``) is split the same way at the December before the window, under that month's
tree. Then:

- **Sum** (``accounts_receivable + inventory``, constant factors allowed): a line is the same
  combination of what came through it, so the lines add up to the node's value in both windows
  and its change is theirs. The lines are exact in scaled integers when every factor is whole at
  the indicator's scale (a sum of indicators stored at the same precision); otherwise each is
  rounded to the indicator's scale so that the rounded lines add up to the displayed value.
- **Ratio** ``R = N / D`` (the numerator and the denominator sums, constant factors folded into
  the numerator: ROE is ``100·net_profit / (½·equity + ½·opening equity)``): with ``R0 = N0/D0``
  last year and ``D1`` this year's denominator, line *i* contributes

      c_i = [(n1_i − R0·d1_i) − (n0_i − R0·d0_i)] / D1

  where ``n``, ``d`` are the numerator and denominator as they came through the line. The second
  parts add up to ``N0 − R0·D0 = 0`` and the first to ``N1 − R0·D1``, so the contributions add up
  to ``R1 − R0`` exactly: a line lifts the ratio when its numerator grew by more than last
  year's ratio times its denominator's growth (a child growing at a ratio above the group's
  lifts it, one growing below pulls it down). Contributions of a percent indicator are in
  percentage points. A line's ``current``/``previous`` is its own ratio (None where its
  denominator is zero); own ratios do not add up to the node's.

Displayed contributions are rounded to the indicator's scale by largest remainder, so they add
up exactly to the displayed change: the node's current value less its previous one, both
evaluated and rounded as everywhere else (:func:`pacer.analysis.core.windows.evaluate_windows`).

A ratio without a value in either window (a zero denominator, a reference not reported) has no
decomposition: :class:`NotDecomposable`. A formula of any other shape (a product of indicators,
a ratio of ratios, a constant term) is refused with a ``ValueError`` naming the indicator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from pacer.analysis.answers.bridge import Attribution, Bridge, attribute, was_child
from pacer.analysis.answers.results import BridgeLine, BridgeLineKind, Value
from pacer.analysis.answers.views import change_of
from pacer.analysis.core.calc import classify_change
from pacer.analysis.core.catalog import IndicatorCatalog
from pacer.analysis.core.cube import Cube
from pacer.analysis.core.inputs import FloatArray, Int64Array
from pacer.analysis.core.windows import Window, evaluate_windows, round_scaled
from pacer.indicators.formula import FormulaError, Shape, Term, shape


class NotDecomposable(ValueError):
    """A derived indicator whose change has no split by line at this node and period."""


@dataclass(frozen=True, eq=False)
class _Split:
    """One window of a combination of terms, per line (children in ``kids`` order, then the
    node's own figures, then its eliminations): ``lines.sum() == total``."""

    lines: FloatArray
    total: float


def build_derived_bridge(
    cube: Cube, catalog: IndicatorCatalog, node: int, indicator: int, current: Window, previous: Window
) -> Bridge:
    """Bridge of derived ``indicator`` of ``node`` from the ``previous`` to the ``current``
    window (see the module docstring for the method)."""
    code = catalog.codes[indicator]
    now_shape = _shape(catalog, indicator, current)
    before_shape = _shape(catalog, indicator, previous)
    if (now_shape.denominator is None) != (before_shape.denominator is None):
        raise ValueError(
            f"bridge: the formula of {code} changed between a sum and a ratio; the two years cannot be bridged"
        )
    terms = {
        *now_shape.numerator,
        *before_shape.numerator,
        *(now_shape.denominator or {}),
        *(before_shape.denominator or {}),
    }
    kids = _kids(cube, node, current, previous)
    now = {t: _attribute(cube, catalog, node, t, current) for t in terms}
    before = {t: _attribute(cube, catalog, node, t, previous) for t in terms}
    eliminated = any(a.eliminated for a in (*now.values(), *before.values()))

    columns = catalog.closure(np.array([indicator]))
    col = int(np.searchsorted(columns, indicator))
    cur, prev = evaluate_windows(cube, catalog, np.array([node]), columns, [current, previous])
    shown = (int(cur.scaled[0, col]), int(prev.scaled[0, col]))
    present = (bool(cur.present[0, col]), bool(prev.present[0, col]))

    method: Literal["linear", "ratio"]
    if now_shape.denominator is None:
        lines, totals = _linear_lines(catalog, indicator, now, before, now_shape, before_shape, kids, shown, present)
        method = "linear"
    else:
        if not all(present):
            which = "this year" if not present[0] else "last year"
            raise NotDecomposable(
                f"bridge: {code} has no value {which} at this unit (a zero "
                "denominator or a figure not reported); its change cannot be "
                "split by unit"
            )
        lines, totals = _ratio_lines(catalog, indicator, now, before, now_shape, before_shape, kids, shown)
        method = "ratio"
    return _assemble(catalog, node, indicator, kids, lines, totals, present, eliminated, method)


def _assemble(
    catalog: IndicatorCatalog,
    node: int,
    indicator: int,
    kids: Int64Array,
    lines: _Lines,
    totals: tuple[Value, Value],
    present: tuple[bool, bool],
    eliminated: bool,
    method: Literal["linear", "ratio"],
) -> Bridge:
    """The bridge from its lines (children biggest increase first, then the node's own line and,
    where any, its eliminations) and totals, with the change of the total."""
    changes = np.array([v.scaled for v in lines[2][: len(kids)]], dtype=np.int64)
    order = np.argsort(-changes, kind="stable")  # biggest increase first
    picked = [*order.tolist(), len(kids)] + ([len(kids) + 1] if eliminated else [])
    units: list[int | None] = [*kids.tolist(), None, None]
    child: BridgeLineKind = "child"
    kinds: list[BridgeLineKind] = [*([child] * len(kids)), "own", "eliminations"]
    bridge_lines = tuple(
        BridgeLine(units[j], lines[0][j], lines[1][j], lines[2][j], lines[3][j], lines[4][j], kinds[j]) for j in picked
    )
    ok = all(present)
    code, scale = catalog.codes[indicator], int(catalog.scale[indicator])
    change_code, change, pct = classify_change(
        np.array(totals[0].number),
        np.array(totals[1].number),
        np.array(ok),
        np.array(bool(catalog.is_percent[indicator])),
    )
    total_change = totals[0].scaled - totals[1].scaled
    yoy = change_of(int(change_code), float(change), total_change, float(pct))
    change_value = Value(total_change, scale, totals[0].exact, total_change / 10**scale)
    return Bridge(node, code, totals[0], totals[1], change_value, yoy, bridge_lines, method)


# -- the formula --------------------------------------------------------------------------------


def _shape(catalog: IndicatorCatalog, indicator: int, window: Window) -> Shape:
    code = catalog.codes[indicator]
    formula = catalog.formula_at(indicator, window.last // 12)
    text = getattr(formula, "text", None)
    if not isinstance(text, str):
        raise ValueError(f"bridge: the formula of {code} cannot be read as an expression")
    try:
        found = shape(text)
    except FormulaError as exc:
        raise ValueError(
            f"bridge: {code} is neither a sum nor a ratio of sums of reported "
            f"indicators ({exc}); bridge its components instead"
        ) from None
    for ref, opening in (*found.numerator, *(found.denominator or {})):
        i = catalog.index[ref]
        if catalog.is_derived[i]:
            raise ValueError(f"bridge: {code} refers to the derived indicator {ref}; bridge its components instead")
        if opening and catalog.is_flow[i]:
            raise ValueError(f"bridge: {code} takes the opening balance of the flow {ref}")
    return found


# -- splitting the terms by line ----------------------------------------------------------------


def _kids(cube: Cube, node: int, current: Window, previous: Window) -> Int64Array:
    """Every unit that was a child in either window or at either opening month."""
    mask = was_child(cube, node, current) | was_child(cube, node, previous)
    for w in (current, previous):
        mask |= was_child(cube, node, Window(w.opening, w.opening, w.opening - 12))
    return np.flatnonzero(mask)


def _attribute(cube: Cube, catalog: IndicatorCatalog, node: int, term: Term, window: Window) -> Attribution:
    code, opening = term
    i = catalog.index[code]
    r = int(catalog.reported_pos[i])
    if opening:
        return attribute(cube, node, r, Window(window.opening, window.opening, window.opening - 12), False)
    return attribute(cube, node, r, window, bool(catalog.is_flow[i]))


def _slots(a: Attribution, kids: Int64Array) -> Int64Array:
    """The attribution per line: children in ``kids`` order, own figures, eliminations."""
    out: Int64Array = np.concatenate([a.children[kids], [a.own, -a.eliminated]]).astype(np.int64)
    return out


def _combine(
    catalog: IndicatorCatalog, parts: dict[Term, Attribution], terms: Mapping[Term, float], kids: Int64Array
) -> _Split:
    """Σ factor × term per line, in the combination's unit."""
    lines = np.zeros(len(kids) + 2)
    total = 0.0
    for term, factor in terms.items():
        a = parts[term]
        unit = float(catalog.unit_scale_factor[catalog.index[term[0]]])
        lines += factor * _slots(a, kids) / unit
        total += factor * a.total / unit
    return _Split(lines, total)


# -- sums ---------------------------------------------------------------------------------------

_Lines = tuple[list[Value | None], list[Value | None], list[Value], list[float | None], list[float | None]]


def _linear_lines(
    catalog: IndicatorCatalog,
    indicator: int,
    now: dict[Term, Attribution],
    before: dict[Term, Attribution],
    now_shape: Shape,
    before_shape: Shape,
    kids: Int64Array,
    shown: tuple[int, int],
    present: tuple[bool, bool],
) -> tuple[_Lines, tuple[Value, Value]]:
    scale = int(catalog.scale[indicator])
    cur = _whole(catalog, scale, now, now_shape.numerator, kids)
    prev = _whole(catalog, scale, before, before_shape.numerator, kids)
    exact = cur is not None and prev is not None
    if cur is None or prev is None:  # factors not whole at the scale: round by largest remainder
        cur = _apportioned(catalog, scale, now, now_shape.numerator, kids, shown[0], present[0])
        prev = _apportioned(catalog, scale, before, before_shape.numerator, kids, shown[1], present[1])
    total_now, total_before = int(cur.sum()), int(prev.sum())
    delta = cur - prev
    total_change = total_now - total_before

    def value(x: int) -> Value:
        return Value(x, scale, exact, x / 10**scale)

    lines: _Lines = (
        [value(int(x)) for x in cur],
        [value(int(x)) for x in prev],
        [value(int(x)) for x in delta],
        [int(d) / total_change * 100.0 if total_change else None for d in delta],
        [int(d) / abs(total_before) * 100.0 if total_before else None for d in delta],
    )
    return lines, (value(total_now), value(total_before))


def _whole(
    catalog: IndicatorCatalog, scale: int, parts: dict[Term, Attribution], terms: Mapping[Term, float], kids: Int64Array
) -> Int64Array | None:
    """The combination per line in exact scaled integers, or None when a factor is not whole
    at the indicator's scale."""
    out = np.zeros(len(kids) + 2, dtype=np.int64)
    for term, factor in terms.items():
        multiplier = factor * 10.0 ** (scale - int(catalog.scale[catalog.index[term[0]]]))
        if multiplier != round(multiplier) or abs(multiplier) > 2**31:
            return None
        out += round(multiplier) * _slots(parts[term], kids)
    return out


def _apportioned(
    catalog: IndicatorCatalog,
    scale: int,
    parts: dict[Term, Attribution],
    terms: Mapping[Term, float],
    kids: Int64Array,
    shown: int,
    present: bool,
) -> Int64Array:
    split = _combine(catalog, parts, terms, kids)
    exact = split.lines * 10.0**scale
    total = shown if present else int(round_scaled(np.array(split.total), np.array(scale)))
    return largest_remainder(exact, total)


# -- ratios -------------------------------------------------------------------------------------


def _ratio_lines(
    catalog: IndicatorCatalog,
    indicator: int,
    now: dict[Term, Attribution],
    before: dict[Term, Attribution],
    now_shape: Shape,
    before_shape: Shape,
    kids: Int64Array,
    shown: tuple[int, int],
) -> tuple[_Lines, tuple[Value, Value]]:
    assert now_shape.denominator is not None
    assert before_shape.denominator is not None
    scale = int(catalog.scale[indicator])
    code = catalog.codes[indicator]
    n1 = _combine(catalog, now, now_shape.numerator, kids)
    d1 = _combine(catalog, now, now_shape.denominator, kids)
    n0 = _combine(catalog, before, before_shape.numerator, kids)
    d0 = _combine(catalog, before, before_shape.denominator, kids)
    if d1.total == 0 or d0.total == 0:
        raise NotDecomposable(f"bridge: the denominator of {code} is zero; its change cannot be split by unit")
    r0 = n0.total / d0.total
    contribution = ((n1.lines - r0 * d1.lines) - (n0.lines - r0 * d0.lines)) / d1.total
    total_change = shown[0] - shown[1]
    rounded = largest_remainder(contribution * 10.0**scale, total_change)
    exact_total = float(contribution.sum())
    percent = bool(catalog.is_percent[indicator])

    def value(x: int) -> Value:
        return Value(x, scale, False, x / 10**scale)

    def own_ratio(n: _Split, d: _Split) -> list[Value | None]:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(d.lines != 0, n.lines / d.lines, np.nan)
        scaled = round_scaled(ratio, np.full(len(ratio), scale))
        out: list[Value | None] = [
            None if np.isnan(x) else value(int(s)) for x, s in zip(ratio.tolist(), scaled.tolist(), strict=True)
        ]
        out[-1] = None  # elimination entries have no ratio of their own
        return out

    lines: _Lines = (
        own_ratio(n1, d1),
        own_ratio(n0, d0),
        [value(int(x)) for x in rounded],
        [c / exact_total * 100.0 if exact_total else None for c in contribution.tolist()],
        [c if percent else (c / abs(r0) * 100.0 if r0 else None) for c in contribution.tolist()],
    )
    return lines, (value(shown[0]), value(shown[1]))


def largest_remainder(exact: FloatArray, total: int) -> Int64Array:
    """Integers adding up to ``total``, each ``exact`` rounded down or up (largest remainders
    round up; ties go to the earlier part); when ``total`` is further from ``Σ exact`` than
    rounding explains (float noise), the difference goes one by one to the largest parts."""
    floors = np.floor(exact)
    out = floors.astype(np.int64)
    extra = total - int(out.sum())
    order = np.argsort(-(exact - floors), kind="stable")
    if 0 <= extra <= len(out):
        out[order[:extra]] += 1
        return out
    step = 1 if extra > 0 else -1
    by_size = np.argsort(-np.abs(exact), kind="stable")
    for k in range(abs(extra)):
        out[by_size[k % len(out)]] += step
    return out
