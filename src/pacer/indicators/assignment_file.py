"""Assignment rules from a CSV file, so a group sets up who reports what at once.

Columns (header row first, UTF-8 or GB18030): ``from`` and ``reason`` always; one of
``set_code`` / ``indicator_code``; one of ``kind`` / ``tag`` (``key=value``) / ``unit_code``;
optionally ``effect`` (``assign``, the default, or ``exclude``) and ``to`` (the last month in
force). Every row is checked as a rule added one by one would be, every problem is named with its
row and column, and a file with any problem adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from pacer.auth.permissions import SYSTEM, Actor
from pacer.errors import Problem, ValidationFailed
from pacer.indicators.assignment_write import AssignmentIn, authorise, check, require_hq, store
from pacer.kit.tabular import Problems, Row, read_csv
from pacer.models import EFFECTS

RULE_COLUMNS = ("from", "reason")
RULE_OPTIONAL = ("set_code", "indicator_code", "kind", "tag", "unit_code", "effect", "to")
# the checks' field names, as the file's columns
COLUMN_OF = {"set": "set_code", "indicator": "indicator_code", "unit": "unit_code", "selector": "kind"}


def import_rules_file(session: Session, path: Path, actor: Actor = SYSTEM) -> dict[str, int]:
    problems = Problems()
    rows = read_csv(path, RULE_COLUMNS, RULE_OPTIONAL, problems)
    return import_rules(session, rows, actor, str(path), problems)


def import_rules(
    session: Session, rows: Iterable[Row], actor: Actor, source: str = "rules", problems: Problems | None = None
) -> dict[str, int]:
    problems = Problems() if problems is None else problems
    require_hq(session, actor)
    checked = []
    for row in rows:
        effect = row.get("effect").strip().lower() or "assign"
        if effect not in EFFECTS:
            problems.append(Problem(f"'{effect}' is not one of {', '.join(EFFECTS)}", row.number, "effect"))
        item = AssignmentIn(
            set_code=row.get("set_code").strip(),
            indicator_code=row.get("indicator_code").strip(),
            kind=row.get("kind").strip(),
            tag=row.get("tag").strip(),
            unit_code=row.get("unit_code").strip(),
            exclude=effect == "exclude",
            from_month=row.get("from"),
            to_month=row.get("to"),
            reason=row.get("reason"),
        )
        result = check(session, actor, item, row.number)
        problems += [Problem(p.message, p.row, COLUMN_OF.get(p.field or "", p.field)) for p in result.problems]
        checked.append(result.row)
    if problems:
        raise problems.failure(source)
    if not checked:
        raise ValidationFailed([Problem("no rows: nothing to import")], source)
    for rule in checked:
        authorise(session, actor, rule)
    for rule in checked:
        store(session, actor, rule)
    return {"rules": len(checked)}
