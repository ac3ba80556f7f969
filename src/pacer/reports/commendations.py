"""The year's commendations (表彰情况) in a report of the year: the awards given in the report's
year to the node's units and their people, read from the commendation register as the reader
sees it (the register's own query, through the visibility rule), so a unit's report never names
a sibling's award. Only a report of the year carries it; left out when the year has none."""

from __future__ import annotations

from pacer.commendations import repository
from pacer.reports.figures import Context
from pacer.reports.model import Cell, Paragraph, Section, Table

WORDS: dict[str, tuple[str, str]] = {
    "section": ("表彰情况", "Commendations"),
    "summary": (
        "{year}年度共获表彰 {count} 项，其中集体 {units} 项、个人 {people} 项。",
        "In {year}, {count} commendations: {units} to collectives and {people} to people.",
    ),
    "table": ("{year}年度表彰名录", "Commendations of {year}"),
    "award": ("奖项", "Award"),
    "unit": ("单位", "Unit"),
    "person": ("个人", "Person"),
    "distinction": ("称号或等次", "Distinction"),
    "collective": ("（集体）", "(collective)"),
}


def _w(lang: str, key: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def commendations(ctx: Context) -> Section | None:
    """The section of a year report (span ``year``); None for a shorter span or a year without any."""
    if ctx.span != "year":
        return None
    scope, lang = ctx.scope, ctx.lang
    node_unit = scope.analysis.unit_id(scope.node)
    rows = repository.register(scope.db, scope.actor, repository.Filter(year=scope.year, unit_id=node_unit))
    if not rows:
        return None
    people = sum(1 for r in rows if r.person is not None)
    summary = _w(lang, "summary", year=scope.year, count=len(rows), units=len(rows) - people, people=people)
    body = []
    for r in rows:
        person = r.person
        who = _w(lang, "collective") if person is None else (person.name_zh if lang == "zh" else person.name_en)
        distinction = r.commendation.distinction_zh if lang == "zh" else r.commendation.distinction_en
        award = r.award.name_zh if lang == "zh" else r.award.name_en
        body.append((Cell(award), Cell(r.unit.name(lang)), Cell(who), Cell(distinction or "—")))
    columns = tuple(_w(lang, k) for k in ("award", "unit", "person", "distinction"))
    table = Table("commendations", _w(lang, "table", year=scope.year), columns, tuple(body), ("left",) * 4)
    return Section("commendations", _w(lang, "section"), (Paragraph(summary), table))
