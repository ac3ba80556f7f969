"""The group's league table of a year's assessments: every statement the viewer sees, its
points and grade (by the statement's bands, or by forced distribution over the table), its rank
within its peer group (the unit's line, military or civil, and size class, from its tags) and
its movement against last year's year-end rank."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pacer.assessment import repository
from pacer.assessment.assess import capped
from pacer.assessment.grading import QUOTAS, forced, movement, peer_ranks
from pacer.auth.permissions import Actor
from pacer.models import AssessmentResult, Statement, Unit

GRADINGS = ("bands", "forced")


def peer_of(unit: Unit) -> str:
    """The peer group a unit is ranked in: its line and its size class, where tagged."""
    tags = unit.tags or {}
    return "/".join(str(tags[k]) for k in ("line", "size") if tags.get(k)) or "-"


@dataclass(frozen=True)
class LeagueRow:
    statement: Statement
    unit: Unit
    state: str
    peer: str
    result: AssessmentResult | None
    grade: str | None
    rank: int | None
    of: int | None
    last_final: int | None
    last_rank: int | None
    move: int | None


def _ranks(rows: list[tuple[Statement, Unit]], results: dict[int, AssessmentResult]) -> dict[int, tuple[int, int]]:
    scored = [(s.unit_id, peer_of(u), results[s.id].final) for s, u in rows if s.id in results]
    return peer_ranks(scored)


def league(
    session: Session, actor: Actor, year: int, domain: str, stage: str = "yearend", grading: str = "bands"
) -> list[LeagueRow]:
    """The table, best first within each peer group; statements not yet assessed last."""
    rows = repository.statements(session, actor, year, domain)
    results = repository.results(session, [s.id for s, _, _ in rows], stage)
    pairs = [(s, u) for s, u, _ in rows]
    ranks = _ranks(pairs, results)
    earlier = repository.statements(session, actor, year - 1, domain)
    last_results = repository.results(session, [s.id for s, _, _ in earlier], "yearend")
    last_ranks = _ranks([(s, u) for s, u, _ in earlier], last_results)
    last_final = {s.unit_id: last_results[s.id].final for s, _, _ in earlier if s.id in last_results}
    grades = {s.id: r.grade for s, r in ((s, results.get(s.id)) for s, _ in pairs) if r is not None}
    if grading == "forced":
        by_id = {s.id: s for s, _ in pairs}
        grades = {
            sid: capped(by_id[sid].grades, results[sid].working, grade)
            for sid, grade in forced([(sid, r.final) for sid, r in results.items()], QUOTAS).items()
        }
    out = []
    for statement, unit, item in rows:
        rank, of = ranks.get(unit.id, (None, None))
        last_rank = last_ranks.get(unit.id, (None, None))[0]
        out.append(
            LeagueRow(
                statement,
                unit,
                item.state,
                peer_of(unit),
                results.get(statement.id),
                grades.get(statement.id),
                rank,
                of,
                last_final.get(unit.id),
                last_rank,
                movement(rank, last_rank),
            )
        )
    return sorted(out, key=lambda r: (r.peer, r.rank is None, r.rank or 0, r.unit.code))
