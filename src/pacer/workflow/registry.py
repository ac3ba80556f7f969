"""Every workflow by name, so that deadline ticks and queues know the tables of all features.

A feature declares its workflow in a module listed in ``DEFINITIONS`` and registers it there;
the names are imported on first use (strings: the workflow package imports no feature).
"""

from __future__ import annotations

import importlib

from pacer.errors import DomainError
from pacer.workflow.transitions import Workflow

DEFINITIONS = (
    "pacer.targets.round_flow",
    "pacer.submissions.workflow",
    "pacer.tasks.workflow",
    "pacer.reports.flow",
    "pacer.quality.workflow",
    "pacer.assessment.workflow",
)
_WORKFLOWS: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _WORKFLOWS[workflow.name] = workflow
    return workflow


def _load() -> None:
    for module in DEFINITIONS:
        importlib.import_module(module)


def get(name: str) -> Workflow:
    _load()
    try:
        return _WORKFLOWS[name]
    except KeyError:
        raise DomainError(f"no workflow '{name}'", status=404) from None


def all_workflows() -> list[Workflow]:
    _load()
    return [_WORKFLOWS[name] for name in sorted(_WORKFLOWS)]
