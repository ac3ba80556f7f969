"""The demo group's own indicators as configured: its library file, which units report which
set (assignment rules by unit kind or tag), and how their targets are set.

The library file is read here only for what generating figures needs (each reported
indicator's kind and scale, each set's members); the loader validates and stores it as a
group's library file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from pacer.demo.records import BaseIndicator, DemoUnit


@dataclass(frozen=True)
class AssignmentRule:
    """``set_code`` is reported by the units of ``kind``, or those whose tag ``tag`` is ``value``."""

    set_code: str
    kind: str | None = None
    tag: str | None = None
    value: str | None = None

    def covers(self, unit: DemoUnit) -> bool:
        if self.kind is not None:
            return unit.kind == self.kind
        return self.tag is not None and unit.tags.get(self.tag) == self.value


@dataclass(frozen=True)
class OwnIndicators:
    """The group's own indicators: what the library file defines and who reports what."""

    library: Mapping[str, Any] = field(compare=False, repr=False)
    reported: tuple[BaseIndicator, ...]
    sets: dict[str, tuple[str, ...]]
    assignments: tuple[AssignmentRule, ...]
    target_flows: tuple[str, ...]
    # derived indicator -> (ensure, strive) fall in basis points a year (lower is better)
    intensity_cuts: dict[str, tuple[int, int]]

    def reporting(self, units: list[DemoUnit], code: str) -> list[bool]:
        """Whether each unit reports reported indicator ``code`` (a member of a set it has)."""
        sets = {name for name, members in self.sets.items() if code in members}
        rules = [rule for rule in self.assignments if rule.set_code in sets]
        return [any(rule.covers(unit) for rule in rules) for unit in units]

    def problems(self, packaged_sets: set[str]) -> list[str]:
        """References the configuration makes that neither the library file nor Pacer's own
        library (``packaged_sets``) defines."""
        known = set(self.sets) | packaged_sets
        found = [f"own_indicators: unknown set {r.set_code!r}" for r in self.assignments if r.set_code not in known]
        found += [
            f"own_indicators: assignment to {r.set_code!r} needs a kind or a tag"
            for r in self.assignments
            if r.kind is None and r.tag is None
        ]
        flows = {spec.code for spec in self.reported if spec.kind == "flow"}
        found += [
            f"own_indicators: target flow {c!r} is not a reported flow" for c in self.target_flows if c not in flows
        ]
        derived = {str(i.get("code")) for i in self.library.get("indicators") or () if i.get("kind") == "derived"}
        found += [f"own_indicators: intensity {c!r} is not derived" for c in self.intensity_cuts if c not in derived]
        return found


def parse_own(raw: Mapping[str, Any] | None, read: Callable[[str], str]) -> OwnIndicators | None:
    """The ``own_indicators`` section; ``read`` gives the text of the named library file."""
    if not raw:
        return None
    library = yaml.safe_load(read(str(raw["library"])))
    if not isinstance(library, Mapping):
        raise ValueError(f"own_indicators: {raw['library']} is not a library file")
    indicators = library.get("indicators") or []
    return OwnIndicators(
        library=library,
        reported=tuple(
            BaseIndicator(str(i["code"]), i["kind"], int(i["scale"])) for i in indicators if i["kind"] != "derived"
        ),
        sets={str(s["code"]): tuple(str(m["code"]) for m in s["members"]) for s in library.get("sets") or []},
        assignments=tuple(
            AssignmentRule(
                set_code=str(a["set"]),
                kind=str(a["kind"]) if "kind" in a else None,
                tag=str(a["tag"]) if "tag" in a else None,
                value=str(a["value"]) if "value" in a else None,
            )
            for a in raw.get("assignments") or ()
        ),
        target_flows=tuple(str(c) for c in raw.get("target_flows") or ()),
        intensity_cuts={str(k): (int(v[0]), int(v[1])) for k, v in (raw.get("intensity_cuts") or {}).items()},
    )
