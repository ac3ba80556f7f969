"""The rolled throughput yield (流通合格率) as an indicator: step yields per product in, two figures
per unit and month out.

A quality engineer gives, for a unit, month and product, each process step's units entered and
units passed the first time (no rework, repair or scrap). A product's rolled throughput yield is
the product of its steps' first-pass yields; the unit's month becomes two flows, the units
started (entering each product's first step) and the units through first time (each product's
units started × its rolled yield, to two decimals), so that the library's
``rolled_throughput_yield`` (through ÷ started) is evaluated after aggregation like any ratio: a
group's yield is weighted by the units each product started, never an average of unit yields.
They land as facts through :mod:`pacer.facts.derived` (audited as ``fact.derive``; a unit's
reported figure and a closed period are left alone; the same data again writes nothing).

Step yields come as rows (the API's JSON or ``pacer quality yields FILE.csv``): every row is
checked before anything is stored, and a refusal names the row and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from pacer.auth.permissions import QUALITY, Actor
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.facts import derived
from pacer.facts.derived import DerivedFigure, Stored
from pacer.kit import periods
from pacer.models import Indicator, Unit
from pacer.quality import repository
from pacer.quality.calc import StepYield, throughput

STARTED, THROUGH = "rty_units_started", "rty_units_through"
NOTE = "process step yields"
COLUMNS = ("unit", "month", "product", "step", "entered", "passed")
MAX_ROWS = 100_000


@dataclass(frozen=True)
class StepRow:
    """One row as given: where it came from (a file's row number, from 2 under the header; an
    item's index from 1) and its text or numbers."""

    where: int
    unit: str
    month: str
    product: str
    step: object
    entered: object
    passed: object


@dataclass(frozen=True)
class Recorded:
    """What recording some step yields did: the (unit, month) pairs and the facts written."""

    months: list[tuple[str, int]]
    stored: Stored


def _whole(value: object, row: int, column: str, least: int) -> tuple[int | None, list[Problem]]:
    text = str(value).strip() if value is not None else ""
    if isinstance(value, bool) or not (isinstance(value, int) or text.isdigit()):
        return None, [Problem(f"row {row}, column {column}: '{text}' is not a whole number", field=column,
                              zh=f"第{row}行“{column}”列：“{text}”不是整数")]  # fmt: skip
    number = int(text)
    if number < least:
        return None, [Problem(f"row {row}, column {column}: {number} is below {least}", field=column,
                              zh=f"第{row}行“{column}”列：{number}小于{least}")]  # fmt: skip
    return number, []


def _row(r: StepRow) -> tuple[int, StepYield | None, list[Problem]]:
    """One row checked: its month, its step (None when refused) and what is wrong with it."""
    found: list[Problem] = []
    for column, text in (("unit", r.unit), ("product", r.product)):
        if not text.strip():
            found.append(Problem(f"row {r.where}, column {column}: empty", field=column,
                                 zh=f"第{r.where}行“{column}”列为空"))  # fmt: skip
    try:
        month = periods.parse_period(r.month.strip())
    except ValueError:
        month = 0
        found.append(Problem(f"row {r.where}, column month: '{r.month}' is not a month (YYYY-MM)", field="month",
                             zh=f"第{r.where}行“month”列：“{r.month}”不是月份（YYYY-MM）"))  # fmt: skip
    step, bad_step = _whole(r.step, r.where, "step", 1)
    entered, bad_entered = _whole(r.entered, r.where, "entered", 1)
    passed, bad_passed = _whole(r.passed, r.where, "passed", 0)
    found += bad_step + bad_entered + bad_passed
    if entered is not None and passed is not None and passed > entered:
        found.append(Problem(f"row {r.where}, column passed: {passed} passed of {entered} entered", field="passed",
                             zh=f"第{r.where}行“passed”列：一次合格数{passed}大于投入数{entered}"))  # fmt: skip
    if found or step is None or entered is None or passed is None:
        return month, None, found
    return month, StepYield(r.product.strip(), step, entered, passed), []


def check(rows: Sequence[StepRow]) -> dict[tuple[str, int], list[StepYield]]:
    """Rows checked and grouped by (unit code, month YYYYMM); ValidationFailed naming every bad
    row and column, in both languages."""
    problems: list[Problem] = []
    if not rows:
        problems.append(Problem("no step yields given", field="rows", zh="没有工序一次合格数据"))
    if len(rows) > MAX_ROWS:
        problems.append(Problem(f"more than {MAX_ROWS:,} rows", field="rows", zh=f"超过{MAX_ROWS}行"))
    grouped: dict[tuple[str, int], list[StepYield]] = {}
    seen: dict[tuple[str, int, str, int], int] = {}
    for r in rows[:MAX_ROWS]:
        month, step, found = _row(r)
        if step is None:
            problems += found
            continue
        key = (r.unit.strip(), month, step.product, step.step)
        if key in seen:
            en = f"row {r.where}: step {step.step} of '{step.product}' at {key[0]} in {r.month} is also row {seen[key]}"
            zh = f"第{r.where}行：{key[0]}{r.month}“{step.product}”的第{step.step}道工序与第{seen[key]}行重复"
            problems.append(Problem(en, field="step", zh=zh))
            continue
        seen[key] = r.where
        grouped.setdefault((key[0], month), []).append(step)
    if problems:
        raise ValidationFailed(problems[:50], "step yields")
    return grouped


def record(session: Session, actor: Actor, rows: Sequence[StepRow]) -> Recorded:
    """Check ``rows`` and store each unit's and month's units started and through first time
    (flushes; the caller's transaction commits). A unit the actor does not manage quality at is
    refused like one that does not exist, and nothing is stored."""
    grouped = check(rows)
    indicators = _indicators(session)
    units: dict[str, Unit] = {}
    for code in sorted({code for code, _ in grouped}):
        unit = repository.unit_by_code(session, actor, code, QUALITY)
        if unit is None:
            raise ValidationFailed(
                [
                    Problem(
                        f"no unit '{code}' whose quality you manage", field="unit", zh=f"没有您管理质量的单位“{code}”"
                    )
                ],
                "step yields",
            )
        units[code] = unit
    figures = []
    for (code, month), steps in sorted(grouped.items()):
        started, through = throughput(steps)
        figures.append(DerivedFigure(units[code], indicators[STARTED], month, started))
        figures.append(DerivedFigure(units[code], indicators[THROUGH], month, _scaled(through, 2)))
    stored = derived.store(session, figures, actor.username, NOTE)
    return Recorded(sorted(grouped), stored)


def _scaled(value: Fraction, scale: int) -> int:
    """``value`` in units of 10^-scale, rounded half up (values are never negative)."""
    shifted = value * 10**scale
    return int(shifted + Fraction(1, 2))


def _indicators(session: Session) -> dict[str, Indicator]:
    found = {i.code: i for i in session.scalars(select(Indicator).where(Indicator.code.in_((STARTED, THROUGH))))}
    missing = [code for code in (STARTED, THROUGH) if code not in found]
    if missing:
        raise DomainError(f"the indicator library has no {', '.join(missing)}: run 'pacer db upgrade'", 409)
    return found


def read_csv(data: bytes, name: str) -> list[StepRow]:
    """Rows of a UTF-8 CSV file with the header ``unit,month,product,step,entered,passed``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed([Problem(f"{name}: not a UTF-8 text file", field="file",
                                        zh=f"{name}：不是UTF-8文本文件")], "step yields") from None  # fmt: skip
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationFailed([Problem(f"{name}: row 1 has no column {', '.join(missing)}", field="file",
                                        zh=f"{name}：第1行缺少列 {', '.join(missing)}")], "step yields")  # fmt: skip
    at = {c: header.index(c) for c in COLUMNS}
    return list(_rows(reader, at))


def _rows(reader: Iterable[list[str]], at: dict[str, int]) -> Iterable[StepRow]:
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = {c: cells[i] if i < len(cells) else "" for c, i in at.items()}
        yield StepRow(
            number, cell["unit"], cell["month"], cell["product"], cell["step"], cell["entered"], cell["passed"]
        )
