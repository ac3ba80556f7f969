"""What loading a library file would change in the stored library: entries added, fields changed
(old → new), indicators retired, entries removed. Pure: both sides are library specs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pacer.indicators.document import indicator_entry
from pacer.indicators.specs import IndicatorSetSpec, IndicatorSpec, Library
from pacer.indicators.vocabulary import factor_text

# what names an entry in messages, and in the file
ENTITIES = {"units": "unit", "categories": "category", "indicators": "indicator", "sets": "set"}


@dataclass
class Change:
    entity: str  # unit, category, indicator, set
    code: str
    action: str  # added, changed, retired, removed
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field: (old, new)

    def lines(self) -> list[str]:
        head = f"{self.action} {self.entity} {self.code!r}"
        if self.action == "retired":
            head += f" from {self.fields['retired_from'][1]}"
        rest = {k: v for k, v in self.fields.items() if not (self.action == "retired" and k == "retired_from")}
        return [head] + [f"  {key}: {_shown(old)} → {_shown(new)}" for key, (old, new) in rest.items()]


def compare(stored: Library, incoming: Library) -> list[Change]:
    """Changes that make ``stored`` into ``incoming``. Built-in entries ``incoming`` leaves out
    are kept (Pacer's upgrades bring them back anyway); the group's own ones are removed."""
    changes: list[Change] = []
    for section in ENTITIES:
        old: Mapping[str, Any] = getattr(stored, section)
        new: Mapping[str, Any] = getattr(incoming, section)
        entity = ENTITIES[section]
        for code, spec in new.items():
            if code not in old:
                changes.append(Change(entity, code, "added"))
                continue
            differences = _differences(_flat(old[code]), _flat(spec))
            if differences:
                retiring = "retired_from" in differences and differences["retired_from"][1] is not None
                changes.append(Change(entity, code, "retired" if retiring else "changed", differences))
        changes += [
            Change(entity, code, "removed") for code, spec in old.items() if code not in new and _group_own(spec)
        ]
    return changes


def _group_own(spec: Any) -> bool:
    return bool(spec.origin == "group")


def _flat(spec: Any) -> dict[str, Any]:
    """An entry as comparable fields: versions by their first year, origin left out (it says
    where an entry came from, which an import does not change)."""
    if isinstance(spec, IndicatorSpec):
        entry = indicator_entry(spec)
        entry.setdefault("retired_from", None)
        for key in ("eliminated", "never_negative"):
            entry.setdefault(key, False)
        entry.setdefault("band", None)
        versions = entry.pop("versions")
        for version in versions:
            start = version.pop("from_year")
            for key, value in version.items():
                entry[f"versions[{start}].{key}"] = value
        return {k: v for k, v in entry.items() if k not in ("code", "origin")}
    if isinstance(spec, IndicatorSetSpec):
        members = [(m.code, m.from_year, m.to_year) for m in spec.members]
        return {
            **{k: getattr(spec, k) for k in ("name_zh", "name_en", "description_zh", "description_en")},
            "members": members,
        }
    values = dict(vars(spec))
    if "factor" in values:
        values["factor"] = factor_text(values["factor"])
    return {k: v for k, v in values.items() if k not in ("code", "origin")}


_MISSING = object()


def _differences(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    keys = list(old) + [k for k in new if k not in old]
    return {
        key: (old.get(key, _MISSING), new.get(key, _MISSING))
        for key in keys
        if old.get(key, _MISSING) != new.get(key, _MISSING)
    }


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "(none)"
    if value is None:
        return "(empty)"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
