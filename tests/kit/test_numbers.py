"""One reading of numbers and months for every import."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pacer.kit.numbers import (
    FLOW_LIMIT,
    HEADROOM_UNITS,
    INT64_MAX,
    STOCK_LIMIT,
    TARGET_LIMIT,
    format_scaled,
    parse_decimal,
    parse_scaled,
)
from pacer.kit.periods import parse_period


@pytest.mark.parametrize(
    ("text", "scaled"),
    [
        ("1234", 123400),
        ("-12.5", -1250),
        ("1,234.5", 123450),
        ("1,234,567.89", 123456789),
        ("0.01", 1),
        (" 7 ", 700),
        ("0", 0),
    ],
)
def test_accepted_numbers(text, scaled):
    assert parse_scaled(text, 2) == scaled


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1e3", "not a number"),
        ("1E3", "not a number"),
        ("1e400", "not a number"),
        ("1e100000000", "not a number"),
        ("+12", "not a number"),
        ("1_000", "not a number"),
        ("1 000", "not a number"),
        ("12,34", "not a number"),
        ("1,2,3", "not a number"),
        (",123", "not a number"),
        ("1.", "not a number"),
        (".5", "not a number"),
        ("--1", "not a number"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("", "a number is needed"),
        ("１２３", "full-width"),
        ("－12", "full-width"),
        ("\u221212", "full-width"),
        ("1２", "full-width"),
        ("1.234", "more than 2 decimal place(s)"),
        ("9" * 41, "too long for a number"),
    ],
)
def test_refused_numbers_say_why(text, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        parse_scaled(text, 2)


@pytest.mark.parametrize(
    "text", ["99999999999999999999999", "92233720368547758.07", "1000000000000.01", "-1000000000000.01"]
)
def test_values_beyond_the_bound_are_refused_not_clipped(text):
    with pytest.raises(ValueError, match=re.escape("out of range: at most 1000000000000.00 either way")):
        parse_scaled(text, 2, FLOW_LIMIT)


def test_the_bound_itself_is_accepted():
    assert parse_scaled("1,000,000,000,000.00", 2, FLOW_LIMIT) == FLOW_LIMIT
    assert parse_scaled("-10000000000000", 2, STOCK_LIMIT) == -STOCK_LIMIT


def test_without_a_bound_the_64_bit_range_holds():
    assert parse_scaled("92233720368547758.07", 2) == INT64_MAX
    with pytest.raises(ValueError, match="out of range"):
        parse_scaled("92233720368547758.08", 2)


def test_sums_over_a_year_of_a_large_subtree_cannot_overflow():
    # a flow's year-to-date over the subtree, and a stock's balance over the subtree, at their
    # bounds, stay below 2^62, so their difference with another such sum or a target fits 64 bits
    assert HEADROOM_UNITS * 12 * FLOW_LIMIT < 2**62
    assert HEADROOM_UNITS * STOCK_LIMIT < 2**62
    assert 2**62 + TARGET_LIMIT < INT64_MAX


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2025-07", 202507),
        ("2025-7", 202507),
        ("2025/07", 202507),
        ("2025/7", 202507),
        ("202507", 202507),
        (" 2025-12 ", 202512),
    ],
)
def test_accepted_months(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize(
    "text",
    [
        "2025.07",
        "2025.1",
        "20257",
        "2025-07-01",
        "２０２５-07",
        "2025-１",
        "2025_07",
        "July 2025",
        "2025-13",
        "2025/0",
        "25-07",
        "",
    ],
)
def test_refused_months(text):
    with pytest.raises(ValueError, match="is not a period"):
        parse_period(text)


def test_decimals_are_checked_exactly_beyond_decimal_arithmetics_28_digits():
    with pytest.raises(ValueError, match="more than 2 decimal place"):
        parse_scaled("1.000000000000000000000000000001", 2)
    assert parse_scaled("1.000000000000000000000000000000", 2) == 100
    assert parse_scaled("-0.00", 2) == 0


# -- the integer reading and writing agree with exact decimal arithmetic ----------------------------


def _by_decimal(text: str, scale: int) -> int:
    """The figure ``text`` means at ``scale``, worked out in Decimal (ValueError when too precise)."""
    exact = parse_decimal(text).scaleb(scale)
    if exact != exact.to_integral_value():
        raise ValueError("more than the scale's decimal places")
    return int(exact)


number_texts = st.from_regex(r"-?(?:[0-9]{1,3}(?:,[0-9]{3}){0,4}|[0-9]{1,16})(?:\.[0-9]{1,6})?", fullmatch=True)


@given(number_texts, st.integers(0, 6))
def test_a_number_is_read_as_decimal_arithmetic_reads_it(text, scale):
    try:
        expected = _by_decimal(text, scale)
    except ValueError:
        with pytest.raises(ValueError, match=re.escape(f"more than {scale} decimal place(s)")):
            parse_scaled(text, scale)
        return
    if abs(expected) > INT64_MAX:
        with pytest.raises(ValueError, match="out of range"):
            parse_scaled(text, scale)
        return
    assert parse_scaled(text, scale) == expected


@given(st.integers(-(10**18), 10**18), st.integers(0, 6))
def test_a_figure_is_written_as_decimal_formatting_writes_it(scaled, scale):
    written = format_scaled(scaled, scale)
    assert written == f"{Decimal(scaled).scaleb(-scale):.{scale}f}"
    assert parse_scaled(written, scale) == scaled


@pytest.mark.parametrize(
    ("text", "scale", "scaled"), [("1.50", 1, 15), ("-0", 2, 0), ("-0.000", 0, 0), ("12.300", 2, 1230)]
)
def test_zeros_past_the_scale_are_no_extra_precision(text, scale, scaled):
    assert parse_scaled(text, scale) == scaled
