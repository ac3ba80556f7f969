"""Exact numbers: text <-> scaled integers, never through a binary float.

One reading of a number for every import: ASCII digits, an optional leading ``-``, an optional
``.`` before the decimals, and optionally ``,`` between groups of three digits (``1,234.5``).
Anything else is refused with the reason: a ``+`` sign, an exponent (``1e3``), ``_``, spaces
inside, full-width digits or minus, or more decimals than the indicator stores.

Stored figures are 64-bit integers and the analysis sums them over a subtree and a year, so each
figure is bounded well below the 64-bit limit (``FLOW_LIMIT``, ``STOCK_LIMIT``): the sum of every
figure of a subtree of up to ``HEADROOM_UNITS`` units over a year cannot overflow even when each
figure sits at its bound (flows: units x 12 months x 10^14 < 2^62; stocks, one balance a month:
units x 10^15 < 2^62), and the difference of two such sums (year on year, a target's gap) stays
below 2^63. Targets are compared with those sums and are bounded by ``TARGET_LIMIT``.
"""

from __future__ import annotations

import re
from decimal import Decimal

INT64_MAX = 2**63 - 1
FLOW_LIMIT = 10**14  # a month's amount, in scaled units: 1,000,000,000,000.00 yuan at scale 2
STOCK_LIMIT = 10**15  # a balance: 10,000,000,000,000.00 yuan at scale 2
TARGET_LIMIT = 10**17  # an annual target of a subtree
HEADROOM_UNITS = 3_800  # 3,800 x 12 x 10^14 and 3,800 x 10^15 are both below 2^62
MAX_NUMBER_CHARS = 40

_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
# a figure as most are written: digits, a '-' before them, decimals after a '.'; no longer than
# MAX_NUMBER_CHARS (what passes here passes every check of _checked)
_PLAIN = re.compile(r"(-?)([0-9]{1,18})(?:\.([0-9]{1,20}))?")
_FORMAT = "digits 0-9 with an optional leading '-', '.' before decimals and ',' between thousands only"


def shown(text: str, width: int = 30) -> str:
    """``text`` quoted for a message, cut short when long (a cell may hold 128 KB)."""
    return f"'{text}'" if len(text) <= width else f"'{text[:width]}…' ({len(text):,} characters)"


def parse_decimal(text: str) -> Decimal:
    """The number ``text`` writes in the one accepted format; ValueError saying why not."""
    return Decimal(_checked(text).replace(",", ""))


def _checked(text: str) -> str:
    """``text`` stripped, once it is a number in the one accepted format; ValueError saying why not."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("a number is needed")
    if len(cleaned) > MAX_NUMBER_CHARS:
        raise ValueError(f"{shown(cleaned)} is too long for a number")
    if not cleaned.isascii():
        raise ValueError(
            f"{shown(cleaned)} holds full-width or other non-ASCII characters: write half-width digits 0-9 and '-'"
        )
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"{shown(cleaned)} is not a number ({_FORMAT}; no '+', exponent, '_' or spaces)")
    return cleaned


def parse_scaled(text: str, scale: int, limit: int | None = None) -> int:
    """'1,234.5' at scale 2 -> 123450. Raises ValueError saying why: not a number, too precise,
    or beyond ``limit`` (in scaled units) either way."""
    plain = _PLAIN.fullmatch(text)
    if plain is not None:  # the usual figure, read without the checks it passes anyway
        sign, whole, decimals = plain.group(1, 2, 3)
        cleaned, decimals = text, decimals or ""
    else:
        cleaned = _checked(text)
        sign = "-" if cleaned.startswith("-") else ""
        whole, _, decimals = cleaned.lstrip("-").replace(",", "").partition(".")
    # in integers from the digits, exactly (an import reads hundreds of thousands: no Decimal)
    if decimals[scale:].strip("0"):
        raise ValueError(f"{shown(cleaned)} has more than {scale} decimal place(s)")
    magnitude = int(whole + decimals[:scale].ljust(scale, "0"))
    value = -magnitude if sign else magnitude
    bound = INT64_MAX if limit is None else limit
    if not -bound <= value <= bound:
        check_range(value, scale, limit, cleaned)
    return value


def check_range(value: int, scale: int, limit: int | None, text: str | None = None) -> None:
    """ValueError when ``|value|`` exceeds ``limit`` (None: the 64-bit range)."""
    bound = INT64_MAX if limit is None else limit
    if -bound <= value <= bound:
        return
    what = shown(text) if text is not None else format_scaled(value, scale)
    raise ValueError(f"{what} is out of range: at most {format_scaled(bound, scale)} either way")


def to_decimal(scaled: int, scale: int) -> Decimal:
    return Decimal(scaled).scaleb(-scale)


def format_scaled(scaled: int, scale: int) -> str:
    """123450 at scale 2 -> '1234.50' (no thousands separators), in integers."""
    if scale <= 0:
        return f"{to_decimal(scaled, scale):.{scale}f}"
    whole, part = divmod(abs(scaled), 10**scale)
    return f"{'-' if scaled < 0 else ''}{whole}.{part:0{scale}d}"
