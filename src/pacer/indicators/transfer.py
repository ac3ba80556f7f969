"""The library as a file, and any change to it: export the library of record; check a library
(a file's, or the stored one with a page's edit) against what is stored and apply it in the
caller's transaction, audited. One path for the CLI, the pages and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from pacer.auth.permissions import Actor, require_configure
from pacer.errors import Problem, ValidationFailed
from pacer.indicators.changes import Change, compare
from pacer.indicators.document import library_yaml
from pacer.indicators.library import Known, LibraryError, parse_library
from pacer.indicators.refusals import refusals
from pacer.indicators.specs import Library
from pacer.indicators.store import stored_library
from pacer.indicators.writes import apply_changes


def export_library(session: Session) -> str:
    """The whole library (units, categories, indicators built-in and own, sets) as YAML."""
    return library_yaml(stored_library(session))


def read_document(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ValidationFailed([Problem(f"not valid YAML: {exc}")], str(path)) from None
    except UnicodeDecodeError:
        raise ValidationFailed([Problem("not a UTF-8 text file")], str(path)) from None


def import_library(session: Session, path: Path, actor: Actor, dry_run: bool = False) -> list[Change]:
    """Load a library file: validate it whole, check it against what is stored, apply it (unless
    ``dry_run``). Returns the changes; raises ValidationFailed listing every problem."""
    return apply_document(session, read_document(path), actor, str(path), dry_run)


def apply_document(
    session: Session, document: Any, actor: Actor, source: str = "library", dry_run: bool = False
) -> list[Change]:
    """Check library content against the stored library and apply what changes."""
    require_configure(session, actor)
    stored = stored_library(session)
    incoming = checked(document, stored, source)
    changes = compare(stored, incoming)
    found = refusals(session, stored, incoming, changes)
    if found:
        raise ValidationFailed([Problem(message) for message in found], source)
    if changes and not dry_run:
        apply_changes(session, stored, incoming, changes, actor.username)
    return changes


def checked(document: Any, stored: Library, source: str) -> Library:
    """``document`` validated as a library that may refer to the stored built-in entries it
    leaves out (they are kept); entries it adds are the group's own."""
    try:
        return parse_library(document, _builtin(stored), origin="group")
    except LibraryError as exc:
        raise ValidationFailed([Problem(p) for p in exc.problems], source) from None


def _builtin(stored: Library) -> Known:
    return Known(
        units={code: unit for code, unit in stored.units.items() if unit.origin == "builtin"},
        categories=frozenset(code for code, c in stored.categories.items() if c.origin == "builtin"),
        indicators={code: spec.kind for code, spec in stored.indicators.items() if spec.origin == "builtin"},
    )
