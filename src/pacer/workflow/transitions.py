"""A workflow as data: states and the verbs that move a record between them (no I/O).

Every feature whose records move through states (a submission, a task, a quality problem's
zeroing, a report's approval, a statement's signing, a target proposal) declares one
:class:`Workflow`; :mod:`pacer.workflow.service` applies its verbs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pacer.errors import Conflict, DomainError

# Where a verb's permission is checked: on the record's unit, or on a unit above it (acceptance
# by a higher level: HQ accepts what a second-level unit proposed for itself).
On = Literal["unit", "above"]


@dataclass(frozen=True)
class Transition:
    """One verb: from which states, to which state, who may take it and whether it needs a reason."""

    verb: str
    sources: frozenset[str]
    target: str
    action: str  # an action of pacer.auth.permissions (report, approve, accept, set_targets, ...)
    on: On = "unit"
    reason_required: bool = False
    label: tuple[str, str] = ("", "")  # (中文, English) of the button
    # False for a side verb (cancel, merge …): possible, but nobody is waited for to take it, so
    # it puts the item in no one's queue and sends them no reminder
    awaits: bool = True


class InvalidTransition(Conflict):
    """A verb that the record's state does not allow (409: the record moved on meanwhile)."""

    def __init__(self, workflow: str, state: str, verb: str, allowed: list[str]) -> None:
        super().__init__(
            f"{workflow}: '{verb}' is not possible in state '{state}'; "
            + (f"possible: {', '.join(allowed)}" if allowed else "no verb is possible in this state")
        )
        self.state, self.verb, self.allowed = state, verb, allowed


class ReasonRequired(DomainError):
    status = 422

    def __init__(self, verb: str) -> None:
        super().__init__(f"'{verb}' needs a reason")


@dataclass(frozen=True)
class Workflow:
    """A named state machine; checked for consistency when it is made."""

    name: str
    states: tuple[str, ...]
    initial: str
    terminal: frozenset[str]
    transitions: tuple[Transition, ...]
    label: tuple[str, str] = ("", "")
    state_labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    # who is reminded before the due date and told the overdue notice: (session, item) -> user
    # ids; None: whoever may act next. Escalations always go up the tree.
    reminded: Callable[[Any, Any], set[int]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        problems = []
        known = set(self.states)
        if self.initial not in known:
            problems.append(f"initial state '{self.initial}' is not a state")
        problems += [f"terminal state '{s}' is not a state" for s in sorted(self.terminal - known)]
        verbs = [t.verb for t in self.transitions]
        problems += [f"verb '{v}' is defined twice" for v in sorted({v for v in verbs if verbs.count(v) > 1})]
        for t in self.transitions:
            problems += [f"'{t.verb}' starts from unknown state '{s}'" for s in sorted(t.sources - known)]
            if t.target not in known:
                problems.append(f"'{t.verb}' leads to unknown state '{t.target}'")
            problems += [f"'{t.verb}' leaves terminal state '{s}'" for s in sorted(t.sources & self.terminal)]
        if problems:
            raise ValueError(f"workflow {self.name}: " + "; ".join(problems))

    def verbs_from(self, state: str) -> list[Transition]:
        """The transitions possible in ``state``, in the table's order."""
        return [t for t in self.transitions if state in t.sources]

    def transition(self, state: str, verb: str, reason: str | None = None) -> Transition:
        """The transition ``verb`` takes from ``state``; refused when the table has none, or when
        it needs a reason and none is given."""
        if state not in self.states:
            raise DomainError(f"{self.name}: unknown state '{state}'")
        for t in self.verbs_from(state):
            if t.verb == verb:
                if t.reason_required and not (reason or "").strip():
                    raise ReasonRequired(verb)
                return t
        raise InvalidTransition(self.name, state, verb, [t.verb for t in self.verbs_from(state)])

    def is_open(self, state: str) -> bool:
        return state not in self.terminal

    def verb(self, name: str) -> Transition:
        for t in self.transitions:
            if t.verb == name:
                return t
        raise DomainError(f"{self.name}: no verb '{name}'", status=404)

    def state_label(self, state: str, lang: str) -> str:
        pair = self.state_labels.get(state)
        return (pair[0] if lang == "zh" else pair[1]) if pair else state

    def verb_label(self, verb: str, lang: str) -> str:
        label = self.verb(verb).label
        return (label[0] if lang == "zh" else label[1]) or verb

    def title(self, lang: str) -> str:
        return (self.label[0] if lang == "zh" else self.label[1]) or self.name
