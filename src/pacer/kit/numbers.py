"""Exact numbers: text <-> scaled integers, never through a binary float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_scaled(text: str, scale: int) -> int:
    """'1,234.5' at scale 2 -> 123450. Raises ValueError saying why (not a number, too precise)."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number") from None
    if not number.is_finite():
        raise ValueError(f"'{text}' is not a finite number")
    scaled = number.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"'{text}' has more than {scale} decimal place(s)")
    return int(scaled)


def to_decimal(scaled: int, scale: int) -> Decimal:
    return Decimal(scaled).scaleb(-scale)


def format_scaled(scaled: int, scale: int) -> str:
    return f"{to_decimal(scaled, scale):.{scale}f}"
