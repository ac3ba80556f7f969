"""The org tree's pages and JSON API: the tree on a date, search, a unit's history, restructurings
with their preview, leaders and the people directory, each within the viewer's subtrees."""

from __future__ import annotations

import html
from datetime import date

from sqlalchemy import select

from pacer.models import AuditEntry, Person, UnitLeader, UnitParentage, User
from pacer.org import repository
from pacer.workflow import repository as workflow_repository
from tests.webclient import page_token


def _headers(client) -> dict[str, str]:
    return {"X-CSRF-Token": page_token(client)}


def test_hq_reads_the_tree_on_a_date_and_searches_it(figures, signed_in):
    hannah = signed_in("hannah")
    page = hannah.get("/admin/org?lang=en")
    assert page.status_code == 200
    for code in ("G", "A", "A1", "A2", "B", "B1"):
        assert f'data-code="{code}"' in page.text
    found = hannah.get("/admin/org?lang=en&q=Unit%20A1")
    assert 'data-testid="org-found"' in found.text
    assert "/admin/org/A1" in found.text
    assert "/admin/org/B1" not in found.text
    by_kind = hannah.get("/api/admin/org?kind=factory").json()
    assert [u["code"] for u in by_kind] == ["A2"]
    tree = hannah.get("/api/admin/org").json()
    assert [(u["code"], u["level"], u["parent_code"]) for u in tree][:3] == [
        ("G", 1, None),
        ("A", 2, "G"),
        ("A1", 3, "A"),
    ]


def test_a_unit_user_sees_only_its_subtree(figures, signed_in):
    victor = signed_in("victor")  # a viewer of A
    codes = [u["code"] for u in victor.get("/api/admin/org").json()]
    assert codes == ["A", "A1", "A2"]
    assert "Unit B1" not in victor.get("/admin/org?lang=en").text
    assert victor.get("/admin/org/B1").status_code == 404
    assert victor.get("/api/admin/org/units/B").status_code == 404
    assert victor.get("/admin/org/restructure").status_code == 403


def test_hq_previews_then_saves_a_move_through_the_pages(figures, signed_in, session):
    hannah = signed_in("hannah")
    form = {"kind": "move", "code": "A2", "effective": "2025-06-01", "reason": "A2 joins B", "parent_code": "B"}
    shown = hannah.post(
        "/admin/org/restructure?lang=en", data={**form, "action": "preview", "csrf_token": page_token(hannah)}
    )
    assert shown.status_code == 200, shown.text
    assert 'data-testid="preview-as_was"' in shown.text
    assert 'data-unit="A"' in shown.text
    assert repository.tree_on(session, date(2025, 7, 1))[figures.A2.id] == figures.A.id  # not stored
    saved = hannah.post("/admin/org/restructure", data={**form, "action": "save", "csrf_token": page_token(hannah)})
    assert saved.status_code == 303
    assert saved.headers["location"] == "/admin/org/A2?saved=1"
    assert repository.tree_on(session, date(2025, 7, 1))[figures.A2.id] == figures.B.id
    history = hannah.get("/api/admin/org/units/A2").json()
    assert [s["parent_code"] for s in history["spans"]] == ["A", "B"]
    assert history["changes"][0]["action"] == "unit.move"
    assert history["changes"][0]["reason"] == "A2 joins B"


def test_hq_changes_a_unit_s_kind_and_tags_through_the_pages(figures, signed_in, session):
    hannah = signed_in("hannah")
    figures.A1.tags = {"line": "military"}
    session.flush()
    form = hannah.get("/admin/org/restructure?kind=reclassify&code=A1&lang=en").text
    assert '<option value="institute" selected>' in form  # the unit's kind and tags, to edit
    assert 'name="tags" value="line=military"' in form
    change = {"kind": "reclassify", "code": "A1", "effective": "2025-06-01", "reason": "spun off",
              "unit_kind": "company", "tags": "line=civil; listed=yes"}  # fmt: skip
    shown = hannah.post(
        "/admin/org/restructure?lang=zh", data={**change, "action": "preview", "csrf_token": page_token(hannah)}
    )
    assert shown.status_code == 200, shown.text
    assert 'data-testid="preview-none"' in shown.text  # the tree does not move: no figure either
    assert figures.A1.kind == "institute"
    bad = hannah.post(
        "/admin/org/restructure?lang=en",
        data={**change, "tags": "listed", "action": "save", "csrf_token": page_token(hannah)},
    )
    assert bad.status_code == 422
    assert "'listed' is not key=value" in html.unescape(bad.text)
    saved = hannah.post("/admin/org/restructure", data={**change, "action": "save", "csrf_token": page_token(hannah)})
    assert saved.status_code == 303
    assert (figures.A1.kind, figures.A1.tags) == ("company", {"line": "civil", "listed": "yes"})
    for lang, words in (("zh", "调整类型和标签"), ("en", "kind and tags changed")):
        page = hannah.get(f"/admin/org/A1?lang={lang}").text
        assert words in page
        assert "listed=yes" in page
    assert signed_in("victor").get("/admin/org/restructure?kind=reclassify&code=A1").status_code == 403


def test_a_refused_restructuring_names_the_field_in_the_page_and_the_api(figures, signed_in, session):
    hannah = signed_in("hannah")
    form = {"kind": "move", "code": "A", "effective": "2025-06-01", "reason": "x", "parent_code": "A1"}
    page = hannah.post(
        "/admin/org/restructure?lang=en", data={**form, "action": "save", "csrf_token": page_token(hannah)}
    )
    assert page.status_code == 422
    assert "cycle" in page.text
    zh = hannah.post(
        "/admin/org/restructure?lang=zh", data={**form, "action": "save", "csrf_token": page_token(hannah)}
    )
    assert "循环" in zh.text
    api = hannah.post("/api/admin/org/restructurings", json={**form, "parent_code": "A1"}, headers=_headers(hannah))
    assert api.status_code == 422
    assert "cycle" in api.text
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "unit.move")) is None
    assert len(session.scalars(select(UnitParentage).where(UnitParentage.unit_id == figures.A.id)).all()) == 1


def test_the_api_preview_reports_the_parents_and_amounts(figures, signed_in):
    hannah = signed_in("hannah")
    body = {"kind": "move", "code": "A2", "effective": "2025-06-01", "reason": "x", "parent_code": "B"}
    answer = hannah.post("/api/admin/org/restructurings/preview", json=body, headers=_headers(hannah)).json()
    assert answer["period"] == "2025-11"  # the latest complete month (A1 reports no December)
    revenue = {
        (line["basis"], line["unit_code"]): line for line in answer["lines"] if line["indicator_code"] == "revenue"
    }
    assert revenue[("as_was", "A")]["change"] == "-2200000.00"  # A2's November revenue leaves A
    assert revenue[("as_was", "B")]["change"] == "2200000.00"


def test_leaders_are_set_and_escalations_find_the_main_leader(figures, signed_in, session):
    grace = signed_in("grace")
    person = grace.post("/api/admin/people", json={"name_zh": "王总", "name_en": "Wang"}, headers=_headers(grace))
    assert person.status_code == 201
    pid = person.json()["id"]
    linked = grace.put(f"/api/admin/people/{pid}/user", json={"username": "victor"}, headers=_headers(grace))
    assert linked.json()["usernames"] == ["victor"]
    body = {"role": "main_leader", "person_id": pid, "valid_from": "2025-01-01"}
    assert grace.post("/api/admin/org/units/A/leaders", json=body, headers=_headers(grace)).status_code == 201
    victor = session.scalars(select(User).where(User.username == "victor")).one()
    assert workflow_repository.main_leaders(session, figures.A.id, date(2025, 6, 1)) == {victor.id}
    # a new main leader ends the term of the previous one
    other = Person(name_zh="李总", name_en="Li")
    session.add(other)
    session.flush()
    grace.post(
        "/admin/org/A/leaders",
        data={
            "role": "main_leader",
            "person_id": str(other.id),
            "valid_from": "2025-07-01",
            "csrf_token": page_token(grace),
        },
    )
    terms = session.scalars(select(UnitLeader).where(UnitLeader.unit_id == figures.A.id).order_by(UnitLeader.id)).all()
    assert [(t.valid_from, t.valid_to) for t in terms] == [
        (date(2025, 1, 1), date(2025, 7, 1)),
        (date(2025, 7, 1), None),
    ]
    assert workflow_repository.main_leaders(session, figures.A.id, date(2025, 8, 1)) == set()
    page = grace.get("/admin/org/A?lang=en")
    assert "Main leader" in page.text
    assert "Wang" in page.text
    tree = grace.get("/api/admin/org?q=A").json()
    assert [u["main_leader"] for u in tree if u["code"] == "A"] == [["李总"]]  # today's, in grace's language


def test_a_leader_s_term_is_ended_on_a_date_from_the_page_and_the_api_audited(figures, signed_in, session):
    wang, li = Person(name_zh="王总", name_en="Wang"), Person(name_zh="李总", name_en="Li")
    session.add_all([wang, li])
    session.flush()
    term = UnitLeader(unit_id=figures.A.id, person_id=wang.id, role="finance_head", valid_from=date(2025, 1, 1))
    other = UnitLeader(unit_id=figures.A.id, person_id=li.id, role="main_leader", valid_from=date(2025, 1, 1))
    session.add_all([term, other])
    session.flush()
    grace = signed_in("grace")
    for lang, words in (("zh", "结束任期"), ("en", "End the term")):
        assert words in grace.get(f"/admin/org/A?lang={lang}").text
    too_early = grace.post(
        f"/admin/org/A/leaders/{term.id}/end?lang=en", data={"valid_to": "2024-12-31", "csrf_token": page_token(grace)}
    )
    assert too_early.status_code == 422
    assert "the term began on 2025-01-01: it must end later" in too_early.text
    assert (
        "任期自 2025-01-01 开始"
        in grace.post(
            f"/admin/org/A/leaders/{term.id}/end?lang=zh",
            data={"valid_to": "2024-12-31", "csrf_token": page_token(grace)},
        ).text
    )
    assert term.valid_to is None
    ended = grace.post(
        f"/admin/org/A/leaders/{term.id}/end", data={"valid_to": "2025-09-01", "csrf_token": page_token(grace)}
    )
    assert ended.status_code == 303
    assert (term.valid_to, other.valid_to) == (date(2025, 9, 1), None)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "unit_leader.end")).one()
    assert (entry.actor, entry.entity_key, entry.before["valid_to"], entry.after["valid_to"]) == (
        "grace", "A", None, "2025-09-01")  # fmt: skip
    later = grace.post(f"/api/admin/org/units/A/leaders/{term.id}/end", json={"valid_to": "2025-10-01"},
                       headers=_headers(grace))  # fmt: skip
    assert later.status_code == 422  # a term is not extended past its end
    api = grace.post(f"/api/admin/org/units/A/leaders/{other.id}/end", json={"valid_to": "2025-08-01"},
                     headers=_headers(grace))  # fmt: skip
    assert api.status_code == 200, api.text
    assert api.json()["valid_to"] == "2025-08-01"
    victor = signed_in("victor")  # reads A, administers nothing
    refused = victor.post(f"/api/admin/org/units/A/leaders/{other.id}/end", json={"valid_to": "2025-07-01"},
                          headers=_headers(victor))  # fmt: skip
    assert refused.status_code == 403
    bob = signed_in("bob")  # A is outside his subtree: as if it did not exist
    assert bob.post(f"/admin/org/A/leaders/{other.id}/end", data={"valid_to": "2025-07-01",
                    "csrf_token": page_token(bob)}).status_code == 404  # fmt: skip
    assert other.valid_to == date(2025, 8, 1)


def test_only_administrators_set_leaders_and_a_unit_user_reads_its_own_people(figures, signed_in, session):
    person = Person(name_zh="张", name_en="Zhang")
    session.add(person)
    session.flush()
    session.add(UnitLeader(unit_id=figures.B1.id, person_id=person.id, role="main_leader"))
    session.flush()
    alice = signed_in("alice")
    body = {"role": "main_leader", "person_id": person.id, "valid_from": "2025-01-01"}
    assert alice.post("/api/admin/org/units/A1/leaders", json=body, headers=_headers(alice)).status_code == 403
    assert alice.get("/api/admin/people").json() == []  # B1's leader is outside her view
    bob = signed_in("bob")
    assert [p["name"] for p in bob.get("/api/admin/people").json()] == ["张"]
