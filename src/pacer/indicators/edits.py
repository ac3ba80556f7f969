"""Changes to one indicator's year-versioned texts and formula, effective from a year: the
version in force that year is closed the year before and a new one opens, so earlier years keep
the definition (and the analysis of earlier years the formula) then in force. Pure."""

from __future__ import annotations

from typing import Any

VERSIONED = ("name_zh", "name_en", "definition_zh", "definition_en", "formula")


def revised_versions(versions: list[dict[str, Any]], from_year: int, new: dict[str, Any]) -> list[dict[str, Any]]:
    """``versions`` (a library entry's, in year order) with ``new`` texts in force from
    ``from_year`` on, up to the end of the version that covers it. Unchanged texts leave the
    versions as they are. ValueError when no version covers ``from_year``."""
    result = [dict(v) for v in versions]
    for index, version in enumerate(result):
        end = version.get("to_year")
        if version["from_year"] <= from_year and (end is None or from_year <= end):
            changed = {k: v for k, v in new.items() if k in VERSIONED and version.get(k) != v}
            if not changed:
                return result
            if version["from_year"] == from_year:
                version.update(changed)
                return result
            opened = {**version, "from_year": from_year, **changed}
            version["to_year"] = from_year - 1
            result.insert(index + 1, opened)
            return result
    first = versions[0]["from_year"] if versions else from_year
    raise ValueError(f"no version is in force in {from_year} (the first begins in {first})")
