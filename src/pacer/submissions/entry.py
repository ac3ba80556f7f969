"""How a figure is typed in the entry grid, pure: the unit it is typed in (the indicator's own
unit, or the smallest display unit of its dimension when its own is not shown, e.g. 万元 for a
figure stored in 元), text typed there turned into the stored unit's text, and back.

Typed text is read by the rules of a workbook's text cell (full-width characters become
half-width, ``(1,234)`` is ``-1234``, ``万`` is refused), then by the one number format of every
import; the typed unit is a power of ten of the stored one, so the conversion is exact.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from pacer.facts.workbook_read import read_value
from pacer.kit.numbers import parse_decimal, to_decimal
from pacer.models import MeasureUnit

FormulaTree = list[object]


@dataclass(frozen=True)
class EntryUnit:
    """The unit a line is typed in: a typed figure times ``10 ** shift`` is the stored figure."""

    symbol_zh: str
    symbol_en: str
    shift: int = 0

    def symbol(self, lang: str) -> str:
        return self.symbol_zh if lang == "zh" else self.symbol_en


def _power_of_ten(ratio: Decimal) -> int | None:
    normal = ratio.normalize()
    sign, digits, exponent = normal.as_tuple()
    if sign or digits != (1,) or not isinstance(exponent, int) or exponent <= 0:
        return None
    return exponent


def entry_unit(code: str, measures: Mapping[str, MeasureUnit]) -> EntryUnit:
    """The unit figures of measure ``code`` are typed in: its own when it is a display unit,
    else the smallest display unit of its dimension that is a power of ten of it."""
    own = measures.get(code)
    if own is None:
        return EntryUnit(code, code)
    if own.display:
        return EntryUnit(own.symbol_zh, own.symbol_en)
    best: tuple[int, MeasureUnit] | None = None
    for other in measures.values():
        if other.dimension != own.dimension or not other.display:
            continue
        shift = _power_of_ten(Decimal(other.factor) / Decimal(own.factor))
        if shift is not None and (best is None or shift < best[0]):
            best = (shift, other)
    if best is None:
        return EntryUnit(own.symbol_zh, own.symbol_en)
    return EntryUnit(best[1].symbol_zh, best[1].symbol_en, best[0])


def stored_text(typed: str, shift: int) -> str:
    """Text typed in the entry unit as text of the stored unit (``'1,234.5'``, 4 -> ``'12345000'``);
    '' when empty; ValueError saying why it is not a number."""
    text = read_value(typed)
    if not text:
        return ""
    number = parse_decimal(text).scaleb(shift)
    return f"{number:f}"


def typed_text(scaled: int, scale: int, shift: int) -> str:
    """A stored figure as it is typed in its entry unit, exactly (``123456789``, 2, 4 -> ``'123.456789'``)."""
    text = f"{to_decimal(scaled, scale).scaleb(-shift):f}"
    if "." in text:
        whole, decimals = text.split(".")
        decimals = decimals.rstrip("0").ljust(min(2, scale + shift), "0")
        text = f"{whole}.{decimals}" if decimals else whole
    return text


def formula_tree(text: str) -> FormulaTree:
    """A formula (already accepted by :func:`pacer.indicators.formula.parse`) as nested lists the
    page's script evaluates: ``["+", a, b]``, ``["neg", a]``, ``["num", 100]``, ``["ref", code]``,
    ``["avg", code]``, ``["opening", code]``."""
    return _tree(ast.parse(text.strip(), mode="eval").body)


_OPS: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _tree(node: ast.expr) -> FormulaTree:
    if isinstance(node, ast.BinOp):
        return [_OPS[type(node.op)], _tree(node.left), _tree(node.right)]
    if isinstance(node, ast.UnaryOp):
        inner = _tree(node.operand)
        return ["neg", inner] if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return ["num", float(node.value)]
    if isinstance(node, ast.Name):
        return ["ref", node.id]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and isinstance(node.args[0], ast.Name):
        return [node.func.id, node.args[0].id]
    raise ValueError(f"not a formula node: {ast.dump(node)}")  # parse() admits none other
