"""Typed access to the mappings of a library file, recording each problem against the entry and
field it concerns ("indicator 'revenue': field 'unit': ...")."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pacer.indicators.formula import BALANCE_FUNCTIONS, CODE_PATTERN


class Fields:
    """Typed access to one mapping of the YAML, recording problems against its owner."""

    def __init__(self, raw: Any, owner: str, problems: list[str], allowed: set[str], prefix: str = "") -> None:
        self.owner, self.problems, self.prefix = owner, problems, prefix
        self.raw: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        self.count = len(problems)
        if not isinstance(raw, Mapping):
            where = f"field {prefix.rstrip('.')!r}" if prefix else "entry"
            self.problems.append(f"{owner}: {where}: expected a mapping, got {raw!r}")
        for key in self.raw:
            if key not in allowed:
                self.problem(str(key), "unknown field")

    @property
    def ok(self) -> bool:
        return len(self.problems) == self.count

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.owner}: field {self.prefix + key!r}: {message}")

    def text(self, key: str, required: bool = True) -> str:
        value = self.raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "missing or empty text")
            return ""
        return value.strip()

    def choice(self, key: str, options: tuple[str, ...]) -> Any:
        value = self.raw.get(key)
        if value not in options:
            found = "missing" if value is None else f"{value!r} is not valid"
            self.problem(key, f"{found}; expected one of {', '.join(options)}")
        return value

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self.raw.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"expected a whole number, got {value!r}")
            return None
        return value

    def year_range(self, required_from: bool) -> tuple[int | None, int | None]:
        start = self.integer("from_year", required=required_from)
        end = self.integer("to_year", required=False)
        if start is not None and end is not None and end < start:
            self.problem("to_year", f"{end} is before from_year {start}")
        return start, end

    def items(self, key: str, required: bool = True) -> list[Any]:
        value = self.raw.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not value:
            self.problem(key, "expected a non-empty list")
            return []
        return value

    def unique_code(self, seen: set[str]) -> None:
        code = self.raw.get("code")
        if isinstance(code, str):
            if code in seen:
                self.problem("code", f"duplicate code {code!r}")
            seen.add(code)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {value!r}")
            return default
        return value

    def decimal(self, key: str) -> Decimal | None:
        """An exact positive decimal of at most 40 characters, written as a number or a string
        ("10000", "0.001")."""
        value = self.raw.get(key)
        number = None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip()).normalize()
                if not number.is_finite() or number <= 0 or len(format(number, "f")) > 40:
                    number = None
            except ArithmeticError:  # not a number, or one too large to write out
                number = None
        if number is None:
            self.problem(key, f"expected a positive number of at most 40 characters, got {value!r}")
        return number

    def code(self) -> str:
        value = self.raw.get("code")
        if not isinstance(value, str) or not CODE_PATTERN.match(value):
            self.problem("code", f"{value!r} is not a snake_case code")
        elif value in BALANCE_FUNCTIONS:
            self.problem("code", f"{value!r} is reserved for the formula function")
        return str(value)


def owner(kind: str, raw: Any, index: int) -> str:
    code = raw.get("code") if isinstance(raw, Mapping) else None
    return f"{kind} {code!r}" if isinstance(code, str) else f"{kind} #{index + 1}"
