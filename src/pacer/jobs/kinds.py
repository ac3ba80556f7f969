"""Every kind of job by name, and the schedules that queue jobs by themselves.

A feature declares its kinds in a module listed in ``DEFINITIONS`` (strings: the jobs package
imports no feature), imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pacer.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from pacer.jobs.context import JobContext

DEFINITIONS: tuple[str, ...] = (
    "pacer.reports.jobs",
    "pacer.quality.jobs",
    "pacer.facts.jobs",
    "pacer.cockpit.outlook_job",
)


@dataclass(frozen=True)
class Output:
    """What a job produced: the file kept as its result."""

    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class Kind:
    name: str
    label: tuple[str, str]  # (中文, English)
    work: Callable[[JobContext], Output | None]
    # the work writes to the database in its own transaction (an import); such a job's progress
    # is committed only at its end on SQLite, whose one writer is the job itself meanwhile
    writes: bool = False
    # the words of its progress steps: the work reports a step's key, pages show it in their language
    steps: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # where such a job is asked for, given its parameters, and the message naming that page: a
    # job's page links back there ("import another file", "generate a report")
    origin: Callable[[Mapping[str, Any]], str] = lambda _parameters: "/reports"
    origin_key: str = "jobs.new_report"

    def title(self, lang: str) -> str:
        return self.label[0] if lang == "zh" else self.label[1]


# a schedule: given a writer's session and the moment, queue the jobs now due (each once)
Schedule = Callable[["Session", datetime], list[Any]]
_KINDS: dict[str, Kind] = {}
_SCHEDULES: dict[str, Schedule] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.name] = kind
    return kind


def register_schedule(name: str, schedule: Schedule) -> Schedule:
    _SCHEDULES[name] = schedule
    return schedule


def _load() -> None:
    for module in DEFINITIONS:
        importlib.import_module(module)


def get(name: str) -> Kind:
    _load()
    try:
        return _KINDS[name]
    except KeyError:
        raise DomainError(f"no kind of job '{name}'", status=404) from None


def origin_of(kind: str, parameters: Mapping[str, Any]) -> tuple[str, str]:
    """The page where a job of ``kind`` is asked for, and the message naming it; the reports
    page for a kind no longer defined."""
    _load()
    found = _KINDS.get(kind)
    return (found.origin(parameters), found.origin_key) if found else ("/reports", "jobs.new_report")


def said(kind: str, message: str, lang: str) -> str:
    """A job's progress message in ``lang``: a step's key in its kind's words, other text as it is
    (a unit's code, a number). ``key|a|b`` is the key's words with ``{0}``, ``{1}`` filled in by
    ``a`` and ``b`` (whole numbers with thousands separators)."""
    _load()
    found = _KINDS.get(kind)
    key, *values = message.split("|")
    words = found.steps.get(key) if found else None
    if words is None:
        return message
    shown = [f"{int(v):,}" if v.isdigit() else v for v in values]
    try:
        return words[0 if lang == "zh" else 1].format(*shown)
    except IndexError:  # fewer values than the words ask for
        return message


def all_kinds() -> list[Kind]:
    _load()
    return [_KINDS[name] for name in sorted(_KINDS)]


def schedules() -> list[tuple[str, Schedule]]:
    _load()
    return sorted(_SCHEDULES.items())
