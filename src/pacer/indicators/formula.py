"""The formula language of derived indicators.

A formula is an arithmetic expression over indicator codes::

    net_profit / avg(owners_equity) * 100

Allowed: numbers, indicator codes, ``+ - * /``, unary ``-`` and ``+``, parentheses, and two
balance functions that take a single indicator code:

* ``avg(code)``: the average balance of the year, ``(opening + current) / 2``, where the
  opening balance is the previous December's;
* ``opening(code)``: the opening balance itself.

Formulas are parsed with :mod:`ast` against a whitelist of node types, so nothing else
(attribute access, subscripts, other calls, comparisons, lambdas …) can reach evaluation.
Parsing compiles the expression once into a tree of closures over numpy operations; evaluating
it is then only the arithmetic, on scalars or arrays of any broadcastable shape. Division by
zero yields NaN, silently: a ratio over an empty denominator has no value, it is not an error.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

Number = np.ndarray | float
Inputs = Mapping[str, Number]
_Node = Callable[[Inputs, Inputs], Number]

BALANCE_FUNCTIONS = frozenset({"avg", "opening"})
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# Compiling and evaluating recurse once per level of nesting; real formulas stay far below
# these limits, and hostile input must fail with a FormulaError, not a RecursionError.
MAX_LENGTH = 2000
MAX_DEPTH = 200

_NO_OPENING: Mapping[str, Number] = {}


class FormulaError(ValueError):
    """A formula that cannot be parsed, is not allowed, or lacks an input when evaluated."""


@dataclass(frozen=True)
class Formula:
    """A parsed, compiled formula. Build it with :func:`parse`."""

    text: str
    references: frozenset[str]
    balance_references: frozenset[str]
    _compiled: _Node = field(repr=False, compare=False)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        # pickled as its text (the compiled closures cannot be): a shared engine snapshot holds it
        return parse, (self.text,)

    def evaluate(self, values: Inputs, opening: Inputs | None = None) -> np.ndarray:
        """Evaluate on ``values`` (and ``opening`` balances for ``avg``/``opening``).

        Inputs may be floats or arrays; they broadcast together and the result is a float64
        array of the broadcast shape (0-d for scalar inputs). Division by zero gives NaN.
        """
        if opening is None:
            if self.balance_references:
                missing = ", ".join(sorted(self.balance_references))
                raise FormulaError(f"formula {self.text!r} needs opening balances for: {missing}")
            opening = _NO_OPENING
        with np.errstate(all="ignore"):
            return np.asarray(self._compiled(values, opening), dtype=np.float64)


def parse(expr: str, known: Iterable[str] | None = None) -> Formula:
    """Parse and compile ``expr``; with ``known``, every referenced code must be in it."""
    text = expr.strip()
    if not text:
        raise FormulaError("formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, RecursionError, MemoryError) as exc:
        raise FormulaError(f"formula {text!r} is not a valid expression: {exc}") from None
    if _depth(tree.body) > MAX_DEPTH:
        raise FormulaError(f"formula {text!r} is nested more than {MAX_DEPTH} levels deep")
    compiler = _Compiler(text)
    compiled = compiler.compile(tree.body)
    if known is not None:
        unknown = sorted(compiler.references - set(known))
        if unknown:
            names = ", ".join(unknown)
            raise FormulaError(f"formula {text!r} refers to unknown indicator(s): {names}")
    return Formula(
        text=text,
        references=frozenset(compiler.references),
        balance_references=frozenset(compiler.balance_references),
        _compiled=compiled,
    )


def _depth(tree: ast.AST) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _divide(a: Number, b: Number) -> Number:
    # x / 0 is inf for x != 0 in IEEE arithmetic; a ratio over nothing has no value, so NaN.
    return np.where(b == 0, np.nan, np.divide(a, b))


_BINARY: dict[type[ast.operator], Callable[[Number, Number], Number]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: _divide,
}
_UNARY: dict[type[ast.unaryop], Callable[[Number], Number]] = {
    ast.USub: np.negative,
    ast.UAdd: np.positive,
}


class _Compiler:
    """Turns a whitelisted AST into closures, collecting the codes it references."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.references: set[str] = set()
        self.balance_references: set[str] = set()

    def refuse(self, node: ast.AST, why: str) -> FormulaError:
        part = ast.get_source_segment(self.text, node) or type(node).__name__
        return FormulaError(f"formula {self.text!r}: {why}: {part!r}")

    def compile(self, node: ast.expr) -> _Node:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.code(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return self.binary(node)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return self.unary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.refuse(node, _refusal(node))

    def constant(self, node: ast.Constant) -> _Node:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(node, "only numbers are allowed as constants")
        try:
            number = np.float64(float(value))
        except OverflowError:  # an integer literal too large for a float
            number = np.float64(np.inf)
        if not np.isfinite(number):
            raise self.refuse(node, "number out of range")
        return lambda values, opening: number

    def code(self, node: ast.Name) -> _Node:
        name = self.check_code(node)
        self.references.add(name)
        return _reader(self.text, name, balance=False)

    def check_code(self, node: ast.Name) -> str:
        if node.id in BALANCE_FUNCTIONS:
            raise self.refuse(node, f"{node.id}() must be called with an indicator code")
        if not CODE_PATTERN.match(node.id):
            raise self.refuse(node, "an indicator code is lower-case letters, digits and _")
        return node.id

    def binary(self, node: ast.BinOp) -> _Node:
        left, right = self.compile(node.left), self.compile(node.right)
        op = _BINARY[type(node.op)]
        return lambda values, opening: op(left(values, opening), right(values, opening))

    def unary(self, node: ast.UnaryOp) -> _Node:
        operand = self.compile(node.operand)
        op = _UNARY[type(node.op)]
        return lambda values, opening: op(operand(values, opening))

    def call(self, node: ast.Call) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in BALANCE_FUNCTIONS:
            raise self.refuse(node, "only avg(code) and opening(code) may be called")
        arg = node.args[0] if len(node.args) == 1 else None
        if node.keywords or not isinstance(arg, ast.Name):
            raise self.refuse(node, f"{func.id}() takes exactly one indicator code")
        name = self.check_code(arg)
        self.references.add(name)
        self.balance_references.add(name)
        start = _reader(self.text, name, balance=True)
        if func.id == "opening":
            return start
        current = _reader(self.text, name, balance=False)
        return lambda values, opening: (start(values, opening) + current(values, opening)) * 0.5


def _reader(text: str, name: str, balance: bool) -> _Node:
    what = "opening balance" if balance else "value"

    def read(values: Inputs, opening: Inputs) -> Number:
        try:
            return np.asarray((opening if balance else values)[name], dtype=np.float64)
        except KeyError:
            raise FormulaError(f"formula {text!r}: no {what} for {name!r}") from None

    return read


def _refusal(node: ast.AST) -> str:
    reasons: dict[type[ast.AST], str] = {
        ast.Attribute: "attribute access is not allowed",
        ast.Subscript: "subscripts are not allowed",
        ast.Lambda: "lambdas are not allowed",
        ast.Compare: "comparisons are not allowed",
        ast.BoolOp: "boolean operators are not allowed",
        ast.IfExp: "conditional expressions are not allowed",
        ast.NamedExpr: "assignments are not allowed",
        ast.BinOp: "only the operators + - * / are allowed",
        ast.UnaryOp: "only unary - and + are allowed",
    }
    return reasons.get(type(node), f"{type(node).__name__} is not allowed")


# -- shape: sums and ratios of sums --------------------------------------------------------------

Term = tuple[str, bool]  # an indicator code and whether it is its opening balance


@dataclass(frozen=True)
class Shape:
    """A formula as ``Σ numerator`` or ``Σ numerator / Σ denominator``: each a linear
    combination of terms (an indicator's value, or its opening balance), constant factors folded
    into the numerator's coefficients (``a / b * 100`` is ``{a: 100} / {b: 1}``, ``avg(x)`` is
    ``0.5·x + 0.5·opening(x)``). ``denominator`` is None for a linear formula."""

    numerator: Mapping[Term, float]
    denominator: Mapping[Term, float] | None


class _Lin:
    """Σ coefficient × term + constant."""

    __slots__ = ("constant", "terms")

    def __init__(self, terms: dict[Term, float] | None = None, constant: float = 0.0) -> None:
        self.terms = {t: c for t, c in (terms or {}).items() if c != 0.0}
        self.constant = constant

    @property
    def is_constant(self) -> bool:
        return not self.terms

    def scaled(self, k: float) -> _Lin:
        return _Lin({t: c * k for t, c in self.terms.items()}, self.constant * k)

    def plus(self, other: _Lin, sign: float) -> _Lin:
        terms = dict(self.terms)
        for t, c in other.terms.items():
            terms[t] = terms.get(t, 0.0) + sign * c
        return _Lin(terms, self.constant + sign * other.constant)

    def same(self, other: _Lin) -> bool:
        return self.terms == other.terms and self.constant == other.constant


_ONE = _Lin(constant=1.0)


class NotASumOrRatio(FormulaError):
    """A formula that is neither a linear combination nor a ratio of two linear combinations."""


def shape(text: str) -> Shape:
    """The formula ``text`` as a sum or a ratio of sums (see :class:`Shape`); refuses any other
    shape, and constant terms (a constant cannot be attributed to anything it is made of)."""
    formula = parse(text)
    num, den = _shape_of(formula.text, ast.parse(formula.text, mode="eval").body)
    if den.is_constant:
        if den.constant == 0.0:
            raise NotASumOrRatio(f"formula {formula.text!r} divides by zero")
        num, den = num.scaled(1.0 / den.constant), _ONE
    if num.constant != 0.0 or (den.constant != 0.0 and not den.is_constant):
        raise NotASumOrRatio(f"formula {formula.text!r} has a constant term")
    if not num.terms:
        raise NotASumOrRatio(f"formula {formula.text!r} has no indicator in its numerator")
    return Shape(num.terms, None if den.is_constant else den.terms)


def _shape_of(text: str, node: ast.expr) -> tuple[_Lin, _Lin]:
    """(numerator, denominator) of ``node``."""

    def refuse() -> NotASumOrRatio:
        part = ast.get_source_segment(text, node) or type(node).__name__
        return NotASumOrRatio(f"formula {text!r} is not a sum or a ratio of sums: {part!r}")

    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # parse() accepted the formula
        return _Lin(constant=float(node.value)), _ONE
    if isinstance(node, ast.Name):
        return _Lin({(node.id, False): 1.0}), _ONE
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        arg = node.args[0]
        assert isinstance(arg, ast.Name)  # parse() accepted the formula
        if node.func.id == "opening":
            return _Lin({(arg.id, True): 1.0}), _ONE
        return _Lin({(arg.id, False): 0.5, (arg.id, True): 0.5}), _ONE
    if isinstance(node, ast.UnaryOp):
        num, den = _shape_of(text, node.operand)
        return (num.scaled(-1.0) if isinstance(node.op, ast.USub) else num), den
    if not isinstance(node, ast.BinOp):
        raise refuse()
    (an, ad), (bn, bd) = _shape_of(text, node.left), _shape_of(text, node.right)
    if isinstance(node.op, ast.Add | ast.Sub):
        sign = 1.0 if isinstance(node.op, ast.Add) else -1.0
        if ad.is_constant and bd.is_constant:
            return an.scaled(1.0 / ad.constant).plus(bn.scaled(1.0 / bd.constant), sign), _ONE
        if ad.same(bd):
            return an.plus(bn, sign), ad
        raise refuse()
    if isinstance(node.op, ast.Mult):
        if an.is_constant and ad.is_constant:
            return bn.scaled(an.constant / ad.constant), bd
        if bn.is_constant and bd.is_constant:
            return an.scaled(bn.constant / bd.constant), ad
        raise refuse()
    # division
    if bn.is_constant and bd.is_constant:
        if bn.constant == 0.0:
            raise refuse()
        return an.scaled(bd.constant / bn.constant), ad
    if ad.is_constant and bd.is_constant:
        return an.scaled(bd.constant / ad.constant), bn
    raise refuse()
