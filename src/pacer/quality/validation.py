"""A problem's record checked before anything is stored (no I/O): every problem named by its
field, in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pacer.errors import Problem, ValidationFailed
from pacer.models.quality import CAUSES, SEVERITIES, STAGES
from pacer.quality.words import both

TITLE_LIMIT = 300
TEXT_LIMIT = 20_000
SHORT_LIMIT = {"programme": 100, "product": 200, "supplier": 200}
DEFAULT_DAYS = 30  # the zeroing deadline when none is given: a month after the problem was found


@dataclass(frozen=True)
class SignalSource:
    """Where on a control chart a problem was seen: the stored characteristic's id, the 1-based
    index of the point on its chart, and the run rule that fired (``we1`` … ``nelson8``, or "")."""

    characteristic_id: int
    point: int
    rule: str = ""


@dataclass(frozen=True)
class ProblemPlan:
    """What a new problem says. ``origin_stage`` and ``cause`` may stay empty until the problem is
    located; ``owner`` (default: whoever opens it) drives its zeroing; ``deadline`` defaults to
    30 days after ``found_on``."""

    unit_code: str
    title: str
    found_stage: str
    severity: str
    found_on: date
    owner: str = ""
    deadline: date | None = None
    programme: str = ""
    product: str = ""
    origin_stage: str = ""
    cause: str = ""
    description: str = ""
    supplier: str = ""

    def due(self) -> date:
        return self.deadline or self.found_on + timedelta(days=DEFAULT_DAYS)


def _choice(value: str, allowed: tuple[str, ...], key: str, field: str, empty_ok: bool) -> list[Problem]:
    if (empty_ok and value == "") or value in allowed:
        return []
    en, zh = both(key, value=value, allowed=", ".join(allowed))
    return [Problem(en, field=field, zh=zh)]


def _long(value: str, limit: int, field: str) -> list[Problem]:
    if len(value) <= limit:
        return []
    en, zh = both("too_long", limit=limit)
    return [Problem(en, field=field, zh=zh)]


def plan_problems(plan: ProblemPlan, today: date) -> list[Problem]:
    """Every problem of the record, each naming its field."""
    problems: list[Problem] = []
    if not plan.title.strip():
        en, zh = both("title_missing")
        problems.append(Problem(en, field="title", zh=zh))
    problems += _long(plan.title.strip(), TITLE_LIMIT, "title")
    problems += _long(plan.description, TEXT_LIMIT, "description")
    for field, limit in SHORT_LIMIT.items():
        problems += _long(getattr(plan, field).strip(), limit, field)
    problems += _choice(plan.found_stage, STAGES, "stage_unknown", "found_stage", False)
    problems += _choice(plan.origin_stage, STAGES, "stage_unknown", "origin_stage", True)
    problems += _choice(plan.severity, SEVERITIES, "severity_unknown", "severity", False)
    problems += _choice(plan.cause, CAUSES, "cause_unknown", "cause", True)
    if plan.found_on > today:
        en, zh = both("found_in_future", found=plan.found_on)
        problems.append(Problem(en, field="found_on", zh=zh))
    if plan.deadline is not None and plan.deadline < plan.found_on:
        en, zh = both("deadline_before_found", deadline=plan.deadline, found=plan.found_on)
        problems.append(Problem(en, field="deadline", zh=zh))
    if plan.origin_stage == "procurement" and not plan.supplier.strip():
        en, zh = both("supplier_needed")
        problems.append(Problem(en, field="supplier", zh=zh))
    return problems


def source_problems(source: SignalSource | None) -> list[Problem]:
    if source is None or (source.characteristic_id >= 1 and source.point >= 1 and len(source.rule) <= 32):
        return []
    en, zh = both("source_bad")
    return [Problem(en, field="source", zh=zh)]


def refused(problems: list[Problem], source: str = "input", lang: str = "en") -> ValidationFailed:
    """A refusal said in the reader's language (each problem has its words in both)."""
    failed = ValidationFailed(problems, source)
    failed.language = lang
    return failed
