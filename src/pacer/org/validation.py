"""Pure checks of an org-tree import: every problem found, with its row and field."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pacer.errors import Problem
from pacer.kit.tabular import ProblemSink, Row
from pacer.models import UNIT_KINDS

ORG_COLUMNS = ("code", "name_zh", "name_en", "kind", "parent_code")
ORG_OPTIONAL = ("tags", "created_on", "dissolved_on", "effective")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
NAME_LENGTH = 200  # the name columns' width


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name_zh: str
    name_en: str
    kind: str
    parent_code: str | None
    tags: dict[str, str]
    created_on: date | None
    dissolved_on: date | None
    effective: date | None


def _date(row: Row, field: str, problems: ProblemSink) -> date | None:
    text = row.get(field)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(f"'{text}' is not a date (YYYY-MM-DD)", row.number, field))
        return None


def _tags(row: Row, problems: ProblemSink) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in row.get("tags").split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            problems.append(Problem(f"'{part}' is not key=value", row.number, "tags"))
            continue
        tags[key.strip()] = value.strip()
    return tags


def parse_rows(rows: Iterable[Row], problems: ProblemSink) -> list[UnitRow]:
    parsed: list[UnitRow] = []
    first_row: dict[str, int] = {}
    for row in rows:
        code = row.get("code")
        if not _CODE.fullmatch(code):
            problems.append(
                Problem(f"'{code[:40]}' is not a unit code (letters, digits, _ . -; at most 32)", row.number, "code")
            )
            continue
        if code in first_row:
            problems.append(Problem(f"duplicate code '{code}' (first on row {first_row[code]})", row.number, "code"))
            continue
        first_row[code] = row.number
        name_zh, name_en = row.get("name_zh"), row.get("name_en")
        if not name_zh and not name_en:
            problems.append(Problem("the unit has no name (name_zh or name_en)", row.number, "name_zh"))
        for field, name in (("name_zh", name_zh), ("name_en", name_en)):
            if len(name) > NAME_LENGTH:
                problems.append(Problem(f"longer than {NAME_LENGTH} characters", row.number, field))
        kind = row.get("kind")
        if kind not in UNIT_KINDS:
            problems.append(Problem(f"unknown kind '{kind}' (one of {', '.join(UNIT_KINDS)})", row.number, "kind"))
        parent = row.get("parent_code") or None
        if parent == code:
            problems.append(Problem("a unit cannot be its own parent", row.number, "parent_code"))
        created_on, dissolved_on = _date(row, "created_on", problems), _date(row, "dissolved_on", problems)
        if created_on and dissolved_on and dissolved_on < created_on:
            problems.append(
                Problem(
                    f"dissolved on {dissolved_on}, before it was created on {created_on}", row.number, "dissolved_on"
                )
            )
        parsed.append(
            UnitRow(
                row.number,
                code,
                name_zh or name_en,
                name_en or name_zh,
                kind,
                parent,
                _tags(row, problems),
                created_on,
                dissolved_on,
                _date(row, "effective", problems),
            )
        )
    return parsed


def check_tree(parsed: list[UnitRow], existing_parent: dict[str, str | None]) -> list[Problem]:
    """Unknown parents and cycles in the tree that the import would produce."""
    problems: list[Problem] = []
    parent = dict(existing_parent)
    parent.update({u.code: u.parent_code for u in parsed})
    for unit in parsed:
        if unit.parent_code and unit.parent_code not in parent:
            problems.append(Problem(f"unknown parent '{unit.parent_code}'", unit.row, "parent_code"))
    row_of = {u.code: u.row for u in parsed}
    reported: set[str] = set()
    for unit in parsed:
        path: list[str] = []
        node: str | None = unit.code
        while node is not None and node in parent and node not in path:
            path.append(node)
            node = parent[node]
        if node is not None and node in path and node not in reported:
            cycle = path[path.index(node) :]
            reported.update(cycle)
            problems.append(
                Problem(
                    "cycle in the tree: " + " -> ".join([*cycle, node]),
                    row_of.get(node, unit.row),
                    "parent_code",
                )
            )
    return problems


def check_one_root(parsed: list[UnitRow], existing_roots: set[str]) -> list[Problem]:
    """The tree keeps a single top unit: a row may not leave a second unit without a parent."""
    in_file = {u.code for u in parsed}
    roots = {code for code in existing_roots if code not in in_file}
    problems = []
    for unit in parsed:
        if unit.parent_code is not None:
            continue
        if roots and unit.code not in existing_roots:
            problems.append(
                Problem(
                    f"a second top unit: the tree has one ('{sorted(roots)[0]}'); give a parent_code",
                    unit.row,
                    "parent_code",
                )
            )
            continue
        roots.add(unit.code)
    return problems
