"""The page form that defines or edits a characteristic, read into the API's fields. Pure: text in,
fields and the problems of each bad one out (a number that is no number, a rule count that is not
``RULE=COUNT``), named by field in both languages."""

from __future__ import annotations

import math
import re

from pydantic import ValidationError

from pacer.errors import Problem

TEXTS = ("code", "name_zh", "name_en", "product", "product_en", "measure_unit", "chart", "rules")
NUMBERS = {"lsl": "规格下限", "usl": "规格上限", "target": "目标值"}
WHOLE = {"subgroup_size": "子组容量", "phase1_last": "第一阶段末子组"}
_COUNT = re.compile(r"\s*([A-Za-z]+[0-9]+)\s*=\s*([0-9]+)\s*")


def fields(posted: dict[str, str], editing: bool) -> tuple[dict[str, object], list[Problem]]:
    """The form's fields as the API takes them (an empty number is none), and its problems."""
    out: dict[str, object] = {}
    problems: list[Problem] = []
    for name in TEXTS:
        if name in posted and not (editing and name == "code"):
            out[name] = posted[name].strip()
    for name, zh in NUMBERS.items():
        if name in posted:
            out[name] = _number(posted[name], name, zh, problems)
    for name, zh in WHOLE.items():
        if name in posted:
            number = _number(posted[name], name, zh, problems)
            if number is not None and not number.is_integer():
                problems.append(Problem(f"give a whole number, not {number:g}", field=name, zh=f"{zh}须为整数"))
            out[name] = int(number) if number is not None and number.is_integer() else None
    if "rule_counts" in posted:
        out["rule_counts"] = _counts(posted["rule_counts"], problems)
    return out, problems


def _number(text: str, name: str, zh: str, problems: list[Problem]) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        problems.append(Problem(f"'{text}' is not a number", field=name, zh=f"{zh}“{text}”不是数字"))
        return None
    return number


def _counts(text: str, problems: list[Problem]) -> dict[str, int] | None:
    """``N2=8, WE4=9`` as ``{"N2": 8, "WE4": 9}``; none when empty."""
    if not text.strip():
        return None
    out: dict[str, int] = {}
    for part in re.split(r"[,，;；\s]+(?=[A-Za-z])", text.strip()):
        match = _COUNT.fullmatch(part)
        if match is None:
            problems.append(Problem(f"'{part}' is not RULE=COUNT (e.g. N2=8)", field="rule_counts",
                                    zh=f"“{part}”不是“规则=点数”（例如 N2=8）"))  # fmt: skip
            return None
        out[match.group(1).upper()] = int(match.group(2))
    return out


def shown(counts: dict[str, int] | None) -> str:
    """Rule counts as the form shows them."""
    return ", ".join(f"{name}={k}" for name, k in (counts or {}).items())


_ZH = {
    "missing": "必填",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "string_pattern_mismatch": "只能包含字母、数字和 _ . -",
    "greater_than_equal": "太小",
    "less_than_equal": "太大",
}


def pydantic_problems(exc: ValidationError) -> list[Problem]:
    """The schema's refusals, each named by field, in both languages."""
    out = []
    for e in exc.errors():
        field = str(e["loc"][-1]) if e["loc"] else None
        out.append(Problem(str(e["msg"]), field=field, zh=_ZH.get(str(e["type"]), str(e["msg"]))))
    return out
