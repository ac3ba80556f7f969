"""A report's content as a plain tree, independent of any output format.

A :class:`Report` holds sections; a section holds blocks (paragraphs, tables, charts, narrative
blocks) and sub-sections. Every figure a block shows is already worded in the report's language
(through the one shared formatter); a table cell also keeps the exact number it shows, so a
workbook can hold numbers and a test can compare them with the engine's.

Narrative blocks (problems, countermeasures, plan) are the parts people write: they start from
a draft drawn from the figures and are marked as drafts until text is supplied
(:meth:`Report.with_narrative`). The whole tree goes to JSON and back (:meth:`Report.to_json`,
:meth:`Report.from_json`), so an approved version can be kept with the figures it was drawn from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

NARRATIVE_KEYS = ("problems", "countermeasures", "plan")


@dataclass(frozen=True)
class Cell:
    """A table cell: the text shown and, for a figure, the number it shows (on the column's scale)."""

    text: str
    number: Decimal | None = None
    tone: str = ""  # "good", "bad", "watch" or "" for cells that colour a status or a change


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[str, ...] = ()  # "left" or "right" per column
    note: str = ""

    def column(self, name: str) -> list[Cell]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Chart:
    """A chart as its Vega-Lite specification (the cockpit's own), drawn by the renderers."""

    key: str
    title: str
    spec: Mapping[str, Any]
    description: str = ""  # a text alternative: what the chart shows
    kind: Literal["chart"] = "chart"


@dataclass(frozen=True)
class Narrative:
    """An editable block: ``draft`` is True until a person has supplied the text."""

    key: str
    title: str
    text: str
    draft: bool = True
    kind: Literal["narrative"] = "narrative"


Block = Paragraph | Table | Chart | Narrative


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    new_page: bool = False  # printed from the top of a new page (a meeting pack's unit brief)

    def walk(self) -> Iterator[Section]:
        yield self
        for s in self.sections:
            yield from s.walk()


@dataclass(frozen=True)
class Report:
    kind: str
    title: str
    subtitle: str
    lang: str
    unit_code: str
    unit_name: str
    period: str  # YYYY-MM, the report's last month
    span: str
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()  # what the reader should know about the figures (definitions, gaps)
    meta: Mapping[str, str] = field(default_factory=dict)  # e.g. the engine's change marker

    # -- reading -------------------------------------------------------------------------------

    def walk(self) -> Iterator[Section]:
        for s in self.sections:
            yield from s.walk()

    def section(self, key: str) -> Section | None:
        return next((s for s in self.walk() if s.key == key), None)

    def blocks(self) -> Iterator[Block]:
        for s in self.walk():
            yield from s.blocks

    def tables(self) -> list[Table]:
        return [b for b in self.blocks() if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks() if isinstance(b, Chart)]

    def narratives(self) -> dict[str, Narrative]:
        return {b.key: b for b in self.blocks() if isinstance(b, Narrative)}

    # -- editing -------------------------------------------------------------------------------

    def with_narrative(self, texts: Mapping[str, str]) -> Report:
        """The report with the narrative blocks of ``texts`` (key -> text) replaced and marked as
        written; an unknown key is refused (ValueError naming it)."""
        unknown = sorted(set(texts) - set(self.narratives()))
        if unknown:
            raise ValueError(f"no narrative block {', '.join(unknown)} (blocks: {', '.join(self.narratives())})")

        def edit(section: Section) -> Section:
            blocks = tuple(
                replace(b, text=texts[b.key], draft=False) if isinstance(b, Narrative) and b.key in texts else b
                for b in section.blocks
            )
            return replace(section, blocks=blocks, sections=tuple(edit(s) for s in section.sections))

        return replace(self, sections=tuple(edit(s) for s in self.sections))

    # -- keeping -------------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=_encode)

    @classmethod
    def from_json(cls, text: str) -> Report:
        raw = json.loads(text)
        return cls(
            **{k: v for k, v in raw.items() if k not in ("sections", "notes", "meta")},
            sections=tuple(_section(s) for s in raw["sections"]),
            notes=tuple(raw.get("notes", ())),
            meta=dict(raw.get("meta", {})),
        )


def _encode(x: object) -> object:
    if isinstance(x, Decimal):
        return {"$decimal": str(x)}
    raise TypeError(f"cannot keep {type(x).__name__} in a report")


def _section(raw: dict[str, Any]) -> Section:
    return Section(
        key=raw["key"],
        heading=raw["heading"],
        blocks=tuple(_block(b) for b in raw["blocks"]),
        sections=tuple(_section(s) for s in raw["sections"]),
        new_page=bool(raw.get("new_page", False)),
    )


def _block(raw: dict[str, Any]) -> Block:
    kind = raw.get("kind")
    if kind == "paragraph":
        return Paragraph(raw["text"])
    if kind == "chart":
        return Chart(raw["key"], raw["title"], raw["spec"], raw.get("description", ""))
    if kind == "narrative":
        return Narrative(raw["key"], raw["title"], raw["text"], raw["draft"])
    rows = tuple(tuple(_cell(c) for c in row) for row in raw["rows"])
    return Table(raw["key"], raw["caption"], tuple(raw["columns"]), rows, tuple(raw["align"]), raw.get("note", ""))


def _cell(raw: dict[str, Any]) -> Cell:
    number = raw.get("number")
    return Cell(raw["text"], Decimal(number["$decimal"]) if number is not None else None, raw.get("tone", ""))
