from __future__ import annotations

import ast
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacer.indicators.formula import FormulaError, parse

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


def test_references_include_codes_inside_balance_functions() -> None:
    formula = parse("net_profit / avg(owners_equity) * 100 + opening(headcount)")

    assert formula.references == {"net_profit", "owners_equity", "headcount"}
    assert formula.balance_references == {"owners_equity", "headcount"}
    assert formula.text == "net_profit / avg(owners_equity) * 100 + opening(headcount)"


def test_a_formula_pickles_as_its_text_and_evaluates_the_same_after() -> None:
    import pickle

    formula = parse("net_profit / avg(owners_equity) * 100")
    back = pickle.loads(pickle.dumps(formula))
    values = {"net_profit": np.array([10.0, 4.0]), "owners_equity": np.array([200.0, 0.0])}
    opening = {"owners_equity": np.array([100.0, 0.0])}
    assert back == formula
    np.testing.assert_array_equal(back.evaluate(values, opening), formula.evaluate(values, opening))
    assert back.evaluate(values, opening)[0] == pytest.approx(10.0 / 150.0 * 100)


def test_a_plain_formula_has_no_balance_references() -> None:
    assert parse("rd_expense / revenue * 100").balance_references == frozenset()


def test_rd_intensity_is_expense_over_revenue_in_percent() -> None:
    formula = parse("rd_expense / revenue * 100")

    assert formula.evaluate({"rd_expense": 40e8, "revenue": 380e8}) == pytest.approx(10.526315789)
    assert formula.evaluate({"rd_expense": 37e8, "revenue": 380e8}) == pytest.approx(9.736842105)


def test_avg_is_the_mean_of_opening_and_current_balance() -> None:
    formula = parse("net_profit / avg(owners_equity) * 100")

    result = formula.evaluate({"net_profit": 10.0, "owners_equity": 120.0}, {"owners_equity": 80.0})

    assert result == pytest.approx(10.0)  # 10 / ((80 + 120) / 2) * 100


def test_opening_reads_the_opening_balance_only() -> None:
    formula = parse("inventory - opening(inventory)")

    assert formula.evaluate({"inventory": 70.0}, {"inventory": 100.0}) == pytest.approx(-30.0)


def test_operator_precedence_and_unary_minus_follow_arithmetic() -> None:
    formula = parse("-a + b * (c - 2) / 4")

    assert formula.evaluate({"a": 1.0, "b": 6.0, "c": 10.0}) == pytest.approx(-1 + 6 * 8 / 4)


@pytest.mark.parametrize(
    ("expr", "values"),
    [
        ("a / b", {"a": 5.0, "b": 0.0}),
        ("a / b", {"a": -5.0, "b": 0.0}),
        ("a / b", {"a": 0.0, "b": 0.0}),
        ("a / (b - b)", {"a": 1.0, "b": 3.0}),
        ("1 / 0", {}),
    ],
)
def test_division_by_zero_is_nan_without_a_warning(expr: str, values: dict[str, float]) -> None:
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        result = parse(expr).evaluate(values)

    assert np.isnan(result)


def test_division_by_zero_in_an_array_only_blanks_those_cells() -> None:
    formula = parse("a / b * 100")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = formula.evaluate({"a": np.array([1.0, 2.0, 0.0]), "b": np.array([4.0, 0.0, 0.0])})

    np.testing.assert_array_equal(result, [25.0, np.nan, np.nan])


def test_avg_over_a_zero_average_balance_is_nan() -> None:
    formula = parse("value_added / avg(headcount)")

    result = formula.evaluate({"value_added": 5.0, "headcount": 3.0}, {"headcount": -3.0})

    assert np.isnan(result)


def test_evaluation_is_vectorised_and_matches_element_wise() -> None:
    rng = np.random.default_rng(7)
    net = rng.normal(100, 50, size=(3, 4))
    equity = rng.normal(1000, 300, size=(3, 4))
    start = rng.normal(900, 300, size=(3, 4))
    formula = parse("net_profit / avg(owners_equity) * 100")

    values = {"net_profit": net, "owners_equity": equity}

    result = formula.evaluate(values, {"owners_equity": start})

    assert result.shape == (3, 4)
    assert result.dtype == np.float64
    for i, j in np.ndindex(3, 4):
        cell = formula.evaluate(
            {"net_profit": net[i, j], "owners_equity": equity[i, j]}, {"owners_equity": start[i, j]}
        )
        assert result[i, j] == cell


def test_inputs_broadcast_together() -> None:
    formula = parse("a / b")

    column, row = np.arange(3.0).reshape(3, 1), np.array([1.0, 2.0, 4.0, 8.0])

    result = formula.evaluate({"a": column, "b": row})

    assert result.shape == (3, 4)
    assert result[2, 3] == pytest.approx(2 / 8)


def test_integer_inputs_give_float_results() -> None:
    # Amounts arrive as exact scaled integers; integer division would truncate the ratio.
    result = parse("a / b").evaluate({"a": np.array([1, 2], dtype=np.int64), "b": np.int64(3)})

    assert result.dtype == np.float64
    np.testing.assert_allclose(result, [1 / 3, 2 / 3])


def test_scalar_inputs_give_a_zero_dimensional_array() -> None:
    result = parse("a + 1").evaluate({"a": 1.0})

    assert isinstance(result, np.ndarray)
    assert result.shape == ()
    assert result == 2.0


@given(a=finite, b=finite, c=finite)
def test_evaluation_agrees_with_python_arithmetic(a: float, b: float, c: float) -> None:
    formula = parse("(a - c) / b * 100 + -c")

    result = formula.evaluate({"a": a, "b": b, "c": c})

    if b == 0:
        assert np.isnan(result)
    else:
        assert result == pytest.approx((a - c) / b * 100 + -c, rel=1e-12, abs=1e-9)


def test_formula_is_compiled_once_at_parse_time(monkeypatch: pytest.MonkeyPatch) -> None:
    formula = parse("net_profit / avg(owners_equity) * 100")

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("evaluate must not parse again")

    monkeypatch.setattr(ast, "parse", no_parsing)
    result = formula.evaluate({"net_profit": 1.0, "owners_equity": 4.0}, {"owners_equity": 6.0})
    assert result == 20.0


@pytest.mark.parametrize(
    ("expr", "offending"),
    [
        ("__import__('os')", "__import__('os')"),
        ("revenue.real", "revenue.real"),
        ("revenue[0]", "revenue[0]"),
        ("lambda: 1", "lambda: 1"),
        ("foo(revenue)", "foo(revenue)"),
        ("revenue.__class__.__bases__", "revenue.__class__.__bases__"),
        ("revenue ** 2", "revenue ** 2"),
        ("revenue // 2", "revenue // 2"),
        ("revenue % 2", "revenue % 2"),
        ("revenue > 0", "revenue > 0"),
        ("revenue and cost", "revenue and cost"),
        ("revenue if cost else 0", "revenue if cost else 0"),
        ("not revenue", "not revenue"),
        ("'revenue'", "'revenue'"),
        ("True", "True"),
        ("[revenue]", "[revenue]"),
        ("(x := 1)", "x := 1"),
        ("avg(revenue + cost)", "avg(revenue + cost)"),
        ("avg(revenue, cost)", "avg(revenue, cost)"),
        ("avg()", "avg()"),
        ("avg(code=revenue)", "avg(code=revenue)"),
        ("opening(1)", "opening(1)"),
        ("avg(avg(revenue))", "avg(avg(revenue))"),
        ("avg * 2", "avg"),
        ("Revenue", "Revenue"),
        ("__builtins__", "__builtins__"),
        ("1e999", "1e999"),
    ],
)
def test_anything_outside_the_language_is_refused_by_name(expr: str, offending: str) -> None:
    with pytest.raises(FormulaError) as error:
        parse(expr)

    assert str(error.value).endswith(f": {offending!r}")


@pytest.mark.parametrize("expr", ["", "   ", "revenue +", "(revenue", "revenue revenue"])
def test_malformed_text_is_refused(expr: str) -> None:
    with pytest.raises(FormulaError):
        parse(expr)


def test_a_long_sum_of_many_items_is_still_a_formula() -> None:
    codes = [f"item_{i}" for i in range(150)]

    assert parse(" + ".join(codes)).evaluate(dict.fromkeys(codes, 2.0)) == 300.0


@pytest.mark.parametrize("expr", ["(" * 400 + "1" + ")" * 400, "+".join(["a"] * 900), "-" * 1500 + "a", "a" * 5000])
def test_absurd_text_is_refused_not_crashing(expr: str) -> None:
    with pytest.raises(FormulaError):
        parse(expr)


def test_unknown_codes_are_named_when_the_known_codes_are_given() -> None:
    with pytest.raises(FormulaError, match="rd_expenses"):
        parse("rd_expenses / revenue", known={"rd_expense", "revenue"})


def test_known_codes_accept_codes_used_inside_balance_functions() -> None:
    formula = parse("net_profit / avg(owners_equity)", known=["net_profit", "owners_equity"])

    assert formula.references == {"net_profit", "owners_equity"}


def test_a_missing_value_is_a_formula_error_naming_the_code() -> None:
    with pytest.raises(FormulaError, match="'revenue'"):
        parse("rd_expense / revenue").evaluate({"rd_expense": 1.0})


def test_balance_functions_need_opening_balances() -> None:
    formula = parse("net_profit / avg(owners_equity)")

    with pytest.raises(FormulaError, match="owners_equity"):
        formula.evaluate({"net_profit": 1.0, "owners_equity": 2.0})
    with pytest.raises(FormulaError, match="opening balance for 'owners_equity'"):
        formula.evaluate({"net_profit": 1.0, "owners_equity": 2.0}, {"net_profit": 0.0})
