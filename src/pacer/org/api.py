"""The org tree, its restructurings (with their preview), unit leaders and the people directory
as JSON."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import NotFound
from pacer.kit import periods
from pacer.models import Person, UnitLeader
from pacer.org import directory, people, restructure
from pacer.org.directory import Filters, Node
from pacer.org.preview import Preview, preview
from pacer.org.schemas import (
    ChangeOut,
    LeaderEndIn,
    LeaderIn,
    LeaderOut,
    PersonIn,
    PersonOut,
    PreviewLineOut,
    PreviewOut,
    RestructuringIn,
    SpanOut,
    UnitHistoryOut,
    UnitNodeOut,
    UserLinkIn,
)
from pacer.web.deps import CurrentAnalysis, Db
from pacer.web.params import RowId

router = APIRouter(prefix="/api/admin", tags=["org administration"], dependencies=[Depends(protect)])


def node_out(node: Node, lang: str) -> UnitNodeOut:
    u = node.unit
    return UnitNodeOut(
        code=u.code,
        name=u.name(lang),
        name_zh=u.name_zh,
        name_en=u.name_en,
        level=node.level,
        parent_code=node.parent_code,
        kind=u.kind,
        tags={str(k): str(v) for k, v in u.tags.items()},
        line=u.tags.get("line"),
        created_on=u.created_on,
        dissolved_on=u.dissolved_on,
        merged_into=node.merged_into,
        main_leader=node.leaders.get("main_leader", []),
        finance_head=node.leaders.get("finance_head", []),
    )


def flatten(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(node.children))
    return out


@router.get("/org")
def tree(
    viewer: CurrentViewer,
    db: Db,
    on: date | None = None,
    q: Annotated[str, Query(max_length=100)] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    tag: Annotated[str, Query(max_length=100)] = "",
    line: Annotated[str, Query(max_length=32)] = "",
    level: Annotated[int | None, Query(ge=1, le=100)] = None,
) -> list[UnitNodeOut]:
    """The units the viewer sees in the tree on ``on`` (default today), depth-first, each with its
    level and parent; filtered by part of a code or name, kind, tag, line and level."""
    lang = viewer.user.language
    found = directory.tree(db, viewer.actor, on or date.today(), Filters(q, kind, tag, line, level), lang)
    return [node_out(n, lang) for n in (found if Filters(q, kind, tag, line, level).active else flatten(found))]


@router.get("/org/units/{unit_code}")
def unit_history(unit_code: str, viewer: CurrentViewer, db: Db) -> UnitHistoryOut:
    """One unit: where it hung over time, its recorded changes (newest first) and its leaders."""
    lang = viewer.user.language
    h = directory.history(db, viewer.actor, unit_code)
    today = [
        n for n in flatten(directory.tree(db, viewer.actor, date.today(), Filters(), lang)) if n.unit.id == h.unit.id
    ]
    seen = directory.visible_codes(db, viewer.actor)
    return UnitHistoryOut(
        unit=node_out(today[0], lang) if today else None,
        code=h.unit.code,
        spans=[SpanOut(valid_from=s.valid_from, valid_to=s.valid_to, parent_code=s.parent.code if s.parent else None)
               for s in h.spans],
        changes=[ChangeOut(at=e.at.isoformat(), actor=e.actor, action=e.action, reason=e.note,
                           after=directory.change_fields(e, seen)) for e in h.changes],
        leaders=[leader_out(leader, person, lang) for leader, person in h.leaders],
    )  # fmt: skip


def leader_out(leader: UnitLeader, person: Person, lang: str) -> LeaderOut:
    return LeaderOut(
        id=leader.id,
        role=leader.role,
        person_id=person.id,
        person=person.name_zh if lang == "zh" else person.name_en,
        portfolio=leader.portfolio_zh if lang == "zh" else leader.portfolio_en,
        valid_from=leader.valid_from,
        valid_to=leader.valid_to,
    )


def preview_out(p: Preview, lang: str) -> PreviewOut:
    zh = lang == "zh"
    return PreviewOut(
        period=periods.format_period(p.period) if p.period else None,
        lines=[
            PreviewLineOut(basis=line.basis, unit_code=line.unit_code,
                           unit_name=line.unit_name_zh if zh else line.unit_name_en,
                           indicator_code=line.indicator_code,
                           indicator_name=line.indicator_name_zh if zh else line.indicator_name_en,
                           before=None if line.before is None else line.shown(line.before),
                           after=None if line.after is None else line.shown(line.after),
                           change=line.shown(line.change))
            for line in p.lines
        ],
    )  # fmt: skip


@router.post("/org/restructurings/preview")
def preview_restructuring(
    body: RestructuringIn, viewer: CurrentViewer, db: Db, analysis: CurrentAnalysis
) -> PreviewOut:
    """What the change would do to consolidated figures in the latest complete month, as the
    tree was and restated (同口径), from the analysis engine; refused as saving it would be;
    nothing is stored."""
    result = preview(db, viewer.actor, body.change(), analysis)
    return preview_out(result, viewer.user.language)


@router.post("/org/restructurings", status_code=201)
def save_restructuring(body: RestructuringIn, viewer: CurrentViewer, db: Db) -> UnitNodeOut:
    """Store a restructuring (audited with its reason); the unit as it now is."""
    unit = restructure.apply(db, viewer.actor, body.change())
    return _node_of(db, viewer, unit.code, body.effective or date.today())


def _node_of(db: Db, viewer: CurrentViewer, code: str, on: date) -> UnitNodeOut:
    lang = viewer.user.language
    found = directory.tree(db, viewer.actor, on, Filters(q=code), lang)
    exact = [n for n in found if n.unit.code == code]
    if exact:
        return node_out(exact[0], lang)
    unit = directory.visible_unit(db, viewer.actor, code)
    return node_out(Node(unit, 0, None), lang)


@router.post("/org/units/{unit_code}/leaders", status_code=201)
def set_leader(unit_code: str, body: LeaderIn, viewer: CurrentViewer, db: Db) -> LeaderOut:
    """Make a person the unit's main leader, finance head or a leader in charge from a date
    (the previous main leader's or finance head's term ends that day)."""
    leader = people.set_leader(db, viewer.actor, unit_code, body.role, body.person_id, body.valid_from,
                               body.portfolio_zh, body.portfolio_en)  # fmt: skip
    return leader_out(leader, db.get_one(Person, leader.person_id), viewer.user.language)


@router.post("/org/units/{unit_code}/leaders/{leader_id}/end")
def end_leader(unit_code: str, leader_id: RowId, body: LeaderEndIn, viewer: CurrentViewer, db: Db) -> LeaderOut:
    """End a leader's term on a date (the first day they no longer hold it); audited."""
    leader = people.end_leader(db, viewer.actor, unit_code, leader_id, body.valid_to)
    return leader_out(leader, db.get_one(Person, leader.person_id), viewer.user.language)


@router.get("/people")
def list_people(viewer: CurrentViewer, db: Db) -> list[PersonOut]:
    """The people directory: each person, the users who are them, and the units they lead."""
    lang = viewer.user.language
    return [
        PersonOut(id=r.person.id, name=r.person.name_zh if lang == "zh" else r.person.name_en,
                  usernames=[u.username for u in r.users],
                  roles=[f"{leader.role}@{unit.code}" for leader, unit in r.roles])
        for r in people.directory(db, viewer.actor)
    ]  # fmt: skip


@router.post("/people", status_code=201)
def create_person(body: PersonIn, viewer: CurrentViewer, db: Db) -> PersonOut:
    """Add a person to the directory."""
    person = people.create_person(db, viewer.actor, body.name_zh, body.name_en)
    name = person.name_zh if viewer.user.language == "zh" else person.name_en
    return PersonOut(id=person.id, name=name, usernames=[], roles=[])


@router.put("/people/{person_id}/user")
def link_user(person_id: RowId, body: UserLinkIn, viewer: CurrentViewer, db: Db) -> PersonOut:
    """Say which user is this person (escalations reach a main leader through this link)."""
    people.link_user(db, viewer.actor, person_id, body.username)
    found = [r for r in people.directory(db, viewer.actor) if r.person.id == person_id]
    if not found:
        raise NotFound(f"no person #{person_id}")
    r = found[0]
    name = r.person.name_zh if viewer.user.language == "zh" else r.person.name_en
    return PersonOut(id=r.person.id, name=name, usernames=[u.username for u in r.users],
                     roles=[f"{leader.role}@{unit.code}" for leader, unit in r.roles])  # fmt: skip
