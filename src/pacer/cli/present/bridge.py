"""How each child and the unit's own line moved an indicator against last year (``pacer analyze
bridge``): the document and its table, adding up down every column and across every row."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from rich.table import Table

from pacer.analysis import (
    Bridge,
    BridgeLine,
    DisplayUnit,
    Span,
    Value,
    breakdown,
    bridge_line,
    crossed_breakdown,
    wording,
)
from pacer.cli.present.documents import BridgeLineOut, BridgeReport, IndicatorRef, Quantity
from pacer.cli.present.scope import Scope, change_out, stored_scale
from pacer.cli.present.text import DASH, WORDS, Screen, amount, figures_label, new_table, scaled_of
from pacer.errors import DomainError


def bridge_report(scope: Scope, code: str, span: Span = "ytd", restate: bool = False) -> BridgeReport:
    ref = scope.indicator(code)
    try:
        bridge = scope.analysis.engine.bridge(scope.node, scope.year, scope.month, code, span, restate=restate)
    except ValueError as exc:  # a derived indicator of another shape, or a ratio without a value
        raise DomainError(str(exc).removeprefix("bridge: "), 422) from None
    if bridge.method == "ratio":
        return _ratio_bridge_report(scope, ref, bridge, span, restate)
    return _sum_bridge_report(scope, ref, bridge, span, restate)


def _document(
    scope: Scope,
    ref: IndicatorRef,
    bridge: Bridge,
    span: Span,
    restate: bool,
    totals: tuple[Quantity, Quantity, Quantity],
    lines: list[BridgeLineOut],
) -> BridgeReport:
    """The bridge document around its ``(current, previous, change)`` totals and lines."""
    current, previous, change = totals
    return {
        "command": "bridge",
        "language": scope.language,
        "unit": scope.unit(scope.node),
        "indicator": ref,
        "period": scope.period,
        "span": span,
        "restated": restate,
        "method": bridge.method,
        "current": current,
        "previous": previous,
        "change": change,
        "yoy": change_out(bridge.yoy, ref, stored_scale(scope, ref["code"]), scope),
        "lines": lines,
    }


def _sum_bridge_report(scope: Scope, ref: IndicatorRef, bridge: Bridge, span: Span, restate: bool) -> BridgeReport:
    """A sum's bridge: each line's amounts and its share of the change; children out of the
    actor's view are one line that says so."""
    unit, scale = ref["unit"], stored_scale(scope, ref["code"])
    previous_total = bridge.previous.scaled
    total_change = bridge.change.scaled

    def q(x: int) -> Quantity:
        return {"value": str(Decimal(x).scaleb(-scale)), "unit": unit}

    def line(node: int | None, cur: int, prev: int, kind: str = "child") -> BridgeLineOut:
        d = cur - prev
        return {
            "unit": None if node is None else scope.unit(node),
            "current": q(cur),
            "previous": q(prev),
            "change": q(d),
            "share_pct": d / total_change * 100.0 if total_change else None,
            "contribution_pp": d / abs(previous_total) * 100.0 if previous_total else None,
            "line": kind,
        }

    # Children that have since moved out of the actor's view are one line that says so.
    lines: list[BridgeLineOut] = []
    eliminations: list[BridgeLineOut] = []
    own_cur = own_prev = outside_cur = outside_prev = 0
    outside = False
    for bl in bridge.lines:
        # a sum's lines (reported or derived) always have both amounts
        assert bl.current is not None
        assert bl.previous is not None
        if bl.kind == "eliminations":
            eliminations.append(line(None, bl.current.scaled, bl.previous.scaled, bl.kind))
        elif bl.node is None:
            own_cur += bl.current.scaled
            own_prev += bl.previous.scaled
        elif scope.sees(bl.node):
            lines.append(line(bl.node, bl.current.scaled, bl.previous.scaled))
        else:
            outside = True
            outside_cur += bl.current.scaled
            outside_prev += bl.previous.scaled
    if outside:
        lines.append(line(None, outside_cur, outside_prev, "outside"))
    lines.append(line(None, own_cur, own_prev, "own"))
    lines += eliminations
    totals = (q(bridge.current.scaled), q(previous_total), q(total_change))
    return _document(scope, ref, bridge, span, restate, totals, lines)


def _ratio_bridge_report(scope: Scope, ref: IndicatorRef, bridge: Bridge, span: Span, restate: bool) -> BridgeReport:
    """A ratio's bridge: each line's contribution to the change (pp for a percent indicator),
    with the line's own ratio this year and last; children out of the actor's view are one line
    that says so, without a ratio of its own."""
    unit, scale = ref["unit"], stored_scale(scope, ref["code"])
    change_unit = "pp" if scope.percent(ref["code"]) else unit

    def amount(v: Value, as_unit: str) -> Quantity:
        return {"value": str(v.decimal), "unit": as_unit}

    def out(bl: BridgeLine, kind: str) -> BridgeLineOut:
        return {
            "unit": None if bl.node is None else scope.unit(bl.node),
            "current": None if bl.current is None else amount(bl.current, unit),
            "previous": None if bl.previous is None else amount(bl.previous, unit),
            "change": amount(bl.change, change_unit),
            "share_pct": bl.share_pct,
            "contribution_pp": bl.contribution_pp,
            "line": kind,
        }

    lines: list[BridgeLineOut] = []
    tail: list[BridgeLineOut] = []
    own: BridgeLine | None = None
    hidden: list[BridgeLine] = []
    for bl in bridge.lines:
        if bl.kind == "eliminations":
            tail.append(out(bl, bl.kind))
        elif bl.node is not None and scope.sees(bl.node):
            lines.append(out(bl, "child"))
        elif bl.node is None:
            own = bl
        else:
            hidden.append(bl)
    assert own is not None
    if hidden:
        lines.append(out(_outside(hidden, scale), "outside"))
    lines += [out(own, "own"), *tail]
    totals = (amount(bridge.current, unit), amount(bridge.previous, unit), amount(bridge.change, change_unit))
    return _document(scope, ref, bridge, span, restate, totals, lines)


def _outside(hidden: list[BridgeLine], scale: int) -> BridgeLine:
    """The lines of children now out of the actor's view as one, without a ratio of its own."""
    change = sum(b.change.scaled for b in hidden)
    return hidden[0]._replace(
        node=None,
        current=None,
        previous=None,
        change=hidden[0].change._replace(scaled=change, number=change / 10**scale),
        share_pct=_sum_or_none([b.share_pct for b in hidden]),
        contribution_pp=_sum_or_none([b.contribution_pp for b in hidden]),
    )


def _sum_or_none(xs: list[float | None]) -> float | None:
    return None if any(x is None for x in xs) else sum(x for x in xs if x is not None)


def bridge_table(doc: BridgeReport, screen: Screen) -> Table:
    """The bridge: each line's current and previous value and its change, adding up down every
    column and across every row. For a ratio, Change is each line's own change (its own ratio
    this year against last) and Contribution its part of the unit's change, in pp; for a sum,
    Contribution is its part of the unit's YoY percentage (拉动)."""
    w = WORDS[doc["language"]]
    ind = doc["indicator"]
    amounts = figures_label(ind["unit"], screen, w)
    table = new_table(
        w["bridge"].format(
            unit=doc["unit"]["name"],
            indicator=ind["name"],
            period=doc["period"],
            span=w[f"{doc['span']}_s"],
            amounts=amounts,
        ),
        [w["unit"], w["current"], w["previous"], w["change"], w["share"], w["pull"]],
        1,
    )
    lines = doc["lines"]
    head, rows = (_ratio_bridge_cells if doc["method"] == "ratio" else _sum_bridge_cells)(doc, screen)
    table.add_row(f"[bold]{doc['unit']['name']}[/]", *head)
    for ln, cells in zip(lines, rows, strict=True):
        name = ln["unit"]["name"] if ln["unit"] is not None else bridge_line(ln["line"], doc["language"])
        table.add_row("  " + name, *cells)
    return table


def _sum_bridge_cells(doc: BridgeReport, screen: Screen) -> tuple[list[str], list[list[str]]]:
    lines = doc["lines"]
    pairs = [(ln["current"], ln["previous"]) for ln in lines]
    exact = [(scaled_of(cur), scaled_of(prev)) for cur, prev in pairs if cur is not None and prev is not None]
    scales = {s for pair in exact for _, s in pair}
    shown = screen.scale(doc["current"]["unit"]) if screen.additive(doc["current"]["unit"]) else None
    if shown is not None and shown.ratio != 1 and len(exact) == len(lines) and len(scales) <= 1:
        scale = scales.pop() if scales else scaled_of(doc["current"])[1]
        total, parts = crossed_breakdown([c for (c, _), _ in exact], [p for _, (p, _) in exact], scale, shown, 2)
        money_text = [[wording.number(x, 2) for x in row] for row in [total, *parts]]
    else:  # amounts shown exactly (persons, counts): they add up as they are
        figures: list[tuple[Quantity | None, ...]] = [(doc["current"], doc["previous"], doc["change"])]
        figures += [(ln["current"], ln["previous"], ln["change"]) for ln in lines]
        money_text = [[amount(q, screen) for q in row] for row in figures]
    shares = _tenths([ln["share_pct"] for ln in lines], 100.0)
    yoy = doc["yoy"]
    pulls = _tenths([ln["contribution_pp"] for ln in lines], yoy["percent"] if yoy["kind"] == "percent" else None)
    has_change = bool(doc["change"]["value"].strip("-0."))
    head = [*money_text[0], "100.0%" if has_change else DASH, yoy["text"]]
    rows = [[*money_text[i + 1], _tenth_text(shares[i], "%"), _tenth_text(pulls[i], "pp")] for i in range(len(lines))]
    return head, rows


def _ratio_bridge_cells(doc: BridgeReport, screen: Screen) -> tuple[list[str], list[list[str]]]:
    """Own ratios and their own change across; contributions (adding up to the unit's change,
    by largest remainder) in the last column."""
    lines = doc["lines"]

    def own_change(cur: Quantity | None, prev: Quantity | None) -> str:
        if cur is None or prev is None:
            return DASH
        d = shown_number(cur, screen) - shown_number(prev, screen)  # as shown, so the row adds up
        return wording.pp(d, "en", 2, compact=True) if screen.percent(cur["unit"]) else wording.number(d, 2, True)

    change_unit = doc["change"]["unit"]
    exact = [scaled_of(ln["change"]) for ln in lines]
    scale = max([s for _, s in exact] + [0])
    parts = [v * 10 ** (scale - s) for v, s in exact]
    display = (None if change_unit == "pp" else screen.scale(change_unit)) or DisplayUnit.YUAN
    total, shown = breakdown(parts, scale, display, 2)
    suffix = "pp" if change_unit == "pp" else ""
    shares = _tenths([ln["share_pct"] for ln in lines], 100.0)
    head = [
        amount(doc["current"], screen),
        amount(doc["previous"], screen),
        own_change(doc["current"], doc["previous"]),
        "100.0%" if total else DASH,
        wording.number(total, 2, True) + suffix,
    ]
    rows = [
        [
            amount(ln["current"], screen),
            amount(ln["previous"], screen),
            own_change(ln["current"], ln["previous"]),
            _tenth_text(shares[i], "%"),
            wording.number(shown[i], 2, True) + suffix,
        ]
        for i, ln in enumerate(lines)
    ]
    return head, rows


def shown_number(q: Quantity, screen: Screen) -> Decimal:
    """The number :func:`amount` shows for a quantity."""
    return Decimal(amount(q, screen).replace(",", "").rstrip("%p").rstrip())


def _tenths(values: Sequence[float | None], total: float | None) -> list[int | None]:
    """Percentages in tenths adding up to ``total`` rounded to a tenth (largest remainder), or
    each rounded on its own when some are missing or there is no total to add up to."""
    if total is None or not values or any(v is None for v in values):
        return [None if v is None else _round_half_away(v * 10) for v in values]
    import numpy as np

    from pacer.analysis import largest_remainder

    exact = np.array([v for v in values if v is not None], dtype=float) * 10
    return [int(x) for x in largest_remainder(exact, _round_half_away(total * 10))]


def _round_half_away(x: float) -> int:
    return int(Decimal(repr(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _tenth_text(tenths: int | None, suffix: str) -> str:
    if tenths is None:
        return DASH
    x = Decimal(tenths).scaleb(-1)
    return wording.percent(x, 1) if suffix == "%" else wording.pp(x, "en", 1, compact=True)
