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
