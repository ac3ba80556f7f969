"""The audit trail's rows as words and cells, the same on the page, in the API and in Excel."""

from __future__ import annotations

import io
import json
from functools import partial
from typing import Any

from pacer.audit.trail import Line
from pacer.kit import periods, xlsx
from pacer.web.i18n import translate

COLUMNS = ("at", "person", "action", "kind", "key", "unit", "indicator", "period", "before", "after", "note")
CELL_LIMIT = 32_000  # an Excel cell holds 32,767 characters


def change_text(value: dict[str, Any] | None) -> str:
    """A before/after state as compact text (``key: value; …``), empty for none."""
    if not value:
        return ""
    return "; ".join(f"{k}: {_compact(v)}" for k, v in value.items())


def _compact(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def diff_text(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """What changed between two states, key by key (one level into a dict of values, such as a
    submission's figures): ``key: old → new``; a created or removed record: its state."""
    if not before or not after:
        return change_text(after or before)
    parts: list[str] = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if old == new or _shown(old) == _shown(new):
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            parts += [f"{key}.{k}: {_shown(old.get(k))} → {_shown(new.get(k))}" for k in _changed(old, new)]
        else:
            parts.append(f"{key}: {_shown(old)} → {_shown(new)}")
    return "; ".join(parts)


def _changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [k for k in [*old, *(k for k in new if k not in old)] if old.get(k) != new.get(k)]


def _shown(value: object) -> str:
    return "—" if value is None or value == "" else _compact(value)


def kind_word(lang: str, entity: str) -> str:
    word = translate(lang, f"audit.kind.{entity}")
    return entity if word == f"audit.kind.{entity}" else word


def cells(line: Line, lang: str) -> list[str]:
    e = line.entry
    return [
        e.at.strftime("%Y-%m-%d %H:%M:%S"),
        e.actor,
        e.action,
        kind_word(lang, e.entity),
        e.entity_key,
        (f"{line.unit.code} {line.unit.name(lang)}" if line.unit else ""),
        e.indicator or "",
        periods.format_period(e.period) if e.period else "",
        change_text(e.before)[:CELL_LIMIT],
        change_text(e.after)[:CELL_LIMIT],
        e.note[:CELL_LIMIT],
    ]


def xlsx_bytes(lines: list[Line], lang: str) -> bytes:
    t = partial(translate, lang)
    out = io.BytesIO()
    book = xlsx.writer(out)
    head, _ = xlsx.header_formats(book)
    sheet = book.add_worksheet(t("audit.sheet"))
    sheet.write_row(0, 0, [t(f"audit.col.{c}") for c in COLUMNS], head)
    sheet.freeze_panes(1, 0)
    for c, width in enumerate((20, 14, 24, 14, 30, 24, 14, 10, 40, 40, 30)):
        sheet.set_column(c, c, width)
    for r, line in enumerate(lines, start=1):
        for c, text in enumerate(cells(line, lang)):
            sheet.write_string(r, c, text)
    book.close()
    return out.getvalue()
