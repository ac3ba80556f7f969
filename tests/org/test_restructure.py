"""Restructurings of the tree with an effective date, their checks, and their preview against the
analysis engine before and after the change."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pacer.analysis.serve.service import Analysis, build
from pacer.auth.permissions import load_actor
from pacer.errors import Forbidden, ValidationFailed
from pacer.models import AuditEntry, Fact, PeriodLock, Unit, UnitParentage
from pacer.org import repository, restructure
from pacer.org.preview import Preview, preview
from pacer.org.restructure import Restructuring
from tests.factories import indicator

SIZE = {"A1": 300, "A2": 200, "B1": 100}


@pytest.fixture
def group(org, session):
    """Monthly revenue for the leaves of ``org`` through 2025 (A2: 200 a month, scaled)."""
    revenue = indicator(session, "revenue")
    for code, base in SIZE.items():
        unit = getattr(org, code)
        session.add_all(
            Fact(unit_id=unit.id, indicator_id=revenue.id, period=2025 * 100 + m, value=base * 100)
            for m in range(1, 13)
        )
    session.flush()
    return org


def _value(analysis: Analysis, code: str, period: int, restate: bool) -> int | None:
    node = analysis.data.unit_index()[code]
    measures = analysis.engine.measures([node], period // 100, period % 100, ["revenue"], restate=restate)
    column = measures.column(analysis.engine.catalog.index["revenue"])
    return int(measures.value.scaled[0, column]) if measures.value.present[0, column] else None


def _changes(p: Preview) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    return {
        (line.basis, line.unit_code): (line.before, line.after) for line in p.lines if line.indicator_code == "revenue"
    }


def _stored(session) -> tuple[int, int, int]:
    count = func.count()
    return (
        session.scalar(select(count).select_from(Unit)),
        session.scalar(select(count).select_from(UnitParentage)),
        session.scalar(select(count).select_from(AuditEntry)),
    )


def _check_preview_against_engine(session, p: Preview, before: Analysis) -> None:
    """Every line's before is the served engine's figure, its after the engine's once saved."""
    after = build(session.connection())
    assert p.lines
    for line in p.lines:
        if line.indicator_code != "revenue":
            continue
        restate = line.basis == "restated"
        assert line.before == _value(before, line.unit_code, p.period, restate), line
        assert line.after == _value(after, line.unit_code, p.period, restate), line


def test_a_move_previews_the_parents_it_moves_and_the_engine_agrees_once_saved(group, session):
    hq = load_actor(session, "hannah")
    analysis = build(session.connection())
    change = Restructuring("move", "A2", date(2025, 6, 1), "A2 joins B", parent_code="B")
    stored = _stored(session)
    p = preview(session, hq, change, analysis, 202510)
    assert _stored(session) == stored  # the preview stores nothing
    changes = _changes(p)
    for basis in ("as_was", "restated"):
        assert changes[(basis, "A")] == (50_000, 30_000)
        assert changes[(basis, "B")] == (10_000, 30_000)
        assert (basis, "G") not in changes  # the group's total does not move
    restructure.apply(session, hq, change)
    _check_preview_against_engine(session, p, analysis)
    assert repository.tree_on(session, date(2025, 5, 31))[group.A2.id] == group.A.id
    assert repository.tree_on(session, date(2025, 6, 1))[group.A2.id] == group.B.id
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "unit.move")).one()
    assert (audit.entity_key, audit.note, audit.after["parent_code"]) == ("A2", "A2 joins B", "B")


def test_a_later_move_leaves_the_month_as_it_was_and_restates_it(group, session):
    hq = load_actor(session, "hannah")
    analysis = build(session.connection())
    change = Restructuring("move", "A2", date(2025, 11, 1), "A2 joins B", parent_code="B")
    changes = _changes(preview(session, hq, change, analysis, 202510))
    assert ("as_was", "A") not in changes
    assert changes[("restated", "A")] == (50_000, 30_000)


def test_a_merge_folds_the_absorbed_unit_and_its_history_into_the_survivor(group, session):
    hq = load_actor(session, "hannah")
    analysis = build(session.connection())
    change = Restructuring("merge", "A", date(2025, 7, 1), "A merges into B", into_code="B")
    p = preview(session, hq, change, analysis, 202506)
    changes = _changes(p)
    assert ("as_was", "B") not in changes  # June is before the merge
    assert changes[("restated", "B")] == (10_000, 60_000)  # restated: A's units report through B
    restructure.apply(session, hq, change)
    _check_preview_against_engine(session, p, analysis)
    a = session.get_one(Unit, group.A.id)
    assert a.dissolved_on == date(2025, 6, 30)
    tree = repository.tree_on(session, date(2025, 7, 1))
    assert tree[group.A.id] == group.B.id
    assert tree[group.A1.id] == group.B.id  # A's units move to B
    # A's own history stays its own: June's figures are still consolidated under A as it was
    after = build(session.connection())
    assert _value(after, "A", 202506, restate=False) == 50_000


def test_a_dissolved_unit_leaves_the_tree_and_the_preview_says_what_leaves_with_it(group, session):
    hq = load_actor(session, "hannah")
    analysis = build(session.connection())
    change = Restructuring("dissolve", "B1", date(2025, 3, 1), "closed")
    p = preview(session, hq, change, analysis, 202504)
    assert _changes(p)[("as_was", "G")] == (60_000, 50_000)
    restructure.apply(session, hq, change)
    _check_preview_against_engine(session, p, analysis)
    assert group.B1.id not in repository.tree_on(session, date(2025, 3, 1))
    assert session.get_one(Unit, group.B1.id).dissolved_on == date(2025, 2, 28)


def test_create_and_rename_are_audited_with_their_reason(group, session):
    hq = load_actor(session, "hannah")
    unit = restructure.apply(
        session,
        hq,
        Restructuring("create", "B2", date(2025, 9, 1), "new works", parent_code="B", name_zh="二厂", name_en="Works 2",
                      unit_kind="factory"),
    )  # fmt: skip
    assert repository.tree_on(session, date(2025, 9, 1))[unit.id] == group.B.id
    assert unit.created_on == date(2025, 9, 1)
    restructure.apply(
        session,
        hq,
        Restructuring("rename", "B2", date(2025, 10, 1), "renamed", name_zh="新二厂", name_en="New Works 2"),
    )
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_key == "B2").order_by(AuditEntry.id))
    assert list(actions) == ["unit.create", "unit.rename"]
    assert unit.name_en == "New Works 2"


def test_a_unit_s_kind_and_tags_change_with_a_reason_audited_and_a_preview_that_moves_no_figure(group, session):
    hq = load_actor(session, "hannah")
    change = Restructuring("reclassify", "A2", date(2025, 9, 1), "now a company", unit_kind="company",
                           tags={"line": "civil", "listed": "yes"})  # fmt: skip
    served = build(session.connection())
    previewed = preview(session, hq, change, served)
    assert (previewed.period, previewed.lines) == (202512, ())
    assert (group.A2.kind, group.A2.tags) == ("factory", {})  # the preview stored nothing
    restructure.apply(session, hq, change)
    assert (group.A2.kind, group.A2.tags) == ("company", {"line": "civil", "listed": "yes"})
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "unit.reclassify")).one()
    assert (entry.entity_key, entry.note) == ("A2", "now a company")
    assert (entry.before["kind"], entry.before["tags"]) == ("factory", {})
    assert (entry.after["kind"], entry.after["tags"]) == ("company", {"line": "civil", "listed": "yes"})
    again = Restructuring("reclassify", "A2", date(2025, 10, 1), "x", unit_kind="company",
                          tags={"line": "civil", "listed": "yes"})  # fmt: skip
    with pytest.raises(ValidationFailed, match="already has this kind and these tags"):
        restructure.apply(session, hq, again)
    dropped = Restructuring("reclassify", "A2", date(2025, 10, 1), "delisted", unit_kind="company",
                            tags={"line": "civil"})  # fmt: skip
    restructure.apply(session, hq, dropped)
    assert group.A2.tags == {"line": "civil"}


BAD = [
    (Restructuring("move", "A", date(2025, 6, 1), "x", parent_code="A1"), "effective", "cycle", None),
    (Restructuring("merge", "A1", date(2025, 6, 1), "x", into_code="A1"), "into_code", "itself", None),
    (Restructuring("create", "A1", date(2025, 6, 1), "x", parent_code="A", name_zh="x", unit_kind="factory"),
     "code", "duplicate code", None),
    (Restructuring("move", "A2", date(2025, 6, 1), " ", parent_code="B"), "reason", "needs a reason", None),
    (Restructuring("move", "A2", date(2025, 6, 1), "x", parent_code="B"), "effective", "locked", 202507),
    (Restructuring("move", "A2", date(1899, 6, 1), "x", parent_code="B"), "effective", "before 'A2' existed", None),
    (Restructuring("move", "G", date(2025, 6, 1), "x", parent_code="B"), "code", "top of the tree", None),
    (Restructuring("dissolve", "A", date(2025, 6, 1), "x"), "code", "still has 2 unit(s)", None),
    (Restructuring("reclassify", "A2", date(2025, 6, 1), "x", unit_kind="castle"), "unit_kind", "unknown kind", None),
    (Restructuring("reclassify", "A2", date(2025, 6, 1), "x", unit_kind="company", tags={"a;b": "c"}), "tags",
     "is not a tag", None),
    (Restructuring("reclassify", "A2", date(2025, 6, 1), "x", unit_kind="company"), "effective", "locked", 202507),
    (Restructuring("reclassify", "A2", date(1899, 6, 1), "x", unit_kind="company"), "effective",
     "before 'A2' existed", None),
]  # fmt: skip


@pytest.mark.parametrize(("change", "field", "words", "lock"), BAD)
def test_a_bad_restructuring_is_refused_with_one_message_and_nothing_is_stored(
    group, session, change, field, words, lock
):
    if lock:
        session.add(PeriodLock(period=lock))
        session.flush()
    if change.kind == "move" and change.parent_code == "A1":
        field = "parent_code"
    hq = load_actor(session, "hannah")
    stored = _stored(session)
    with pytest.raises(ValidationFailed) as refused:
        restructure.apply(session, hq, change)
    assert len(refused.value.problems) == 1
    problem = refused.value.problems[0]
    assert problem.field == field, problem
    assert words in problem.message, problem
    assert problem.zh  # said in Chinese too
    assert _stored(session) == stored


def test_a_merge_into_a_dissolved_unit_is_refused(group, session):
    hq = load_actor(session, "hannah")
    restructure.apply(session, hq, Restructuring("dissolve", "B1", date(2025, 3, 1), "closed"))
    stored = _stored(session)
    with pytest.raises(ValidationFailed, match="dissolved on 2025-02-28"):
        restructure.apply(session, hq, Restructuring("merge", "A2", date(2025, 6, 1), "x", into_code="B1"))
    assert _stored(session) == stored


def test_only_administrators_and_hq_change_the_tree(group, session):
    viewer = load_actor(session, "victor")  # a viewer of A
    with pytest.raises(Forbidden):
        restructure.apply(session, viewer, Restructuring("move", "A2", date(2025, 6, 1), "x", parent_code="A1"))
    reporter = load_actor(session, "alice")  # sees A1 only: B reads as unknown
    with pytest.raises(ValidationFailed, match="unknown unit 'B'"):
        restructure.apply(session, reporter, Restructuring("move", "A1", date(2025, 6, 1), "x", parent_code="B"))
