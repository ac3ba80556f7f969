"""One reading of numbers and months for every import."""

from __future__ import annotations

import re

import pytest

from pacer.kit.numbers import (
    FLOW_LIMIT,
    HEADROOM_UNITS,
    INT64_MAX,
    STOCK_LIMIT,
    TARGET_LIMIT,
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
