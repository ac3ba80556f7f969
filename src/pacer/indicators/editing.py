"""Changes made on the pages and through the API: one indicator created or edited, retired; a
unit of measure or a category added or edited. Each becomes the stored library with that one
entry changed and goes through the import's path (:func:`transfer.apply_document`): the same
validation, the same refusals, the same audit."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from pacer.audit.service import record
from pacer.auth.permissions import Actor
from pacer.errors import NotFound, Problem, ValidationFailed
from pacer.indicators.changes import Change
from pacer.indicators.document import library_document
from pacer.indicators.edits import VERSIONED, revised_versions
from pacer.indicators.schemas import CategoryModel, IndicatorIn, RetireIn, UnitOfMeasure
from pacer.indicators.store import stored_library
from pacer.indicators.transfer import apply_document

_INDICATOR_FIELDS = ("category", "unit", "scale", "direction", "kind", "reporting", "eliminated", "never_negative")


def save_indicator(session: Session, actor: Actor, item: IndicatorIn, existing: str | None = None) -> list[Change]:
    """Create ``item`` (``existing`` None) or edit the indicator ``existing``; its names,
    definitions and formula take effect from ``item.from_year``."""
    document = library_document(stored_library(session))
    entries = document["indicators"]
    texts = {key: getattr(item, key) or None for key in VERSIONED}
    fields: dict[str, Any] = {key: getattr(item, key) for key in _INDICATOR_FIELDS}
    fields["reporting"] = None if item.kind == "derived" else item.reporting
    band = {"low": item.band_low, "high": item.band_high} if item.band_low or item.band_high else None
    if existing is None:
        if any(e["code"] == item.code for e in entries):
            raise ValidationFailed([Problem(f"indicator {item.code!r} already exists", field="code")], "indicator")
        version = {"from_year": item.from_year, "to_year": None, **{k: v for k, v in texts.items() if v is not None}}
        entries.append({"code": item.code, **_present(fields), "band": band, "versions": [version]})
    else:
        entry = _entry(entries, existing)
        entry.update(_present(fields))
        if fields["reporting"] is None:
            entry.pop("reporting", None)
        entry["band"] = band
        try:
            entry["versions"] = revised_versions(entry["versions"], item.from_year, texts)
        except ValueError as exc:
            raise ValidationFailed([Problem(str(exc), field="from_year")], f"indicator {existing!r}") from None
    for entry in entries:
        if entry.get("band") is None:
            entry.pop("band", None)
    return apply_document(session, document, actor, f"indicator {item.code!r}")


def retire_indicator(session: Session, actor: Actor, code: str, item: RetireIn) -> list[Change]:
    """Retire ``code`` from ``item.year``: it leaves entry forms from then; its history stays."""
    document = library_document(stored_library(session))
    _entry(document["indicators"], code)["retired_from"] = item.year
    changes = apply_document(session, document, actor, f"indicator {code!r}")
    record(
        session, actor.username, "indicator.retire", "indicator", code, None, {"retired_from": item.year}, item.reason
    )
    return changes


def save_unit(session: Session, actor: Actor, item: UnitOfMeasure) -> list[Change]:
    return _save_entry(session, actor, "units", item.model_dump(exclude={"origin"}), f"unit {item.code!r}")


def save_category(session: Session, actor: Actor, item: CategoryModel) -> list[Change]:
    return _save_entry(session, actor, "categories", item.model_dump(exclude={"origin"}), f"category {item.code!r}")


def _save_entry(session: Session, actor: Actor, section: str, fields: dict[str, Any], source: str) -> list[Change]:
    document = library_document(stored_library(session))
    entries = document[section]
    for entry in entries:
        if entry["code"] == fields["code"]:
            entry.update(fields)
            break
    else:
        entries.append(fields)
    return apply_document(session, document, actor, source)


def _entry(entries: list[dict[str, Any]], code: str) -> dict[str, Any]:
    for entry in entries:
        if entry["code"] == code:
            return entry
    raise NotFound(f"no indicator '{code}'")


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


_FIELD = re.compile(r"^(?:indicator|unit|category) '[^']*': field '(?:versions\[\d+\]\.|band\.)?(?P<field>[a-z_]+)'")


def by_field(problems: list[Problem]) -> tuple[dict[str, list[str]], list[str]]:
    """Problems by the form field they concern (``versions[1].formula`` -> ``formula``,
    ``band.low`` -> ``band_low``), and those concerning no one field."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in problems:
        found = _FIELD.match(problem.message)
        name = problem.field or (found["field"] if found else None)
        if found and "'band." in problem.message:
            name = f"band_{found['field']}"
        if name is None:
            general.append(problem.message)
        else:
            fields.setdefault(name, []).append(problem.message)
    return fields, general
