"""The inbox page and its JSON twin: each user sees their own notifications only, marks them
read, and the header counts the unread ones."""

from sqlalchemy import select

from pacer.models import Notification
from pacer.notifications.service import Message, notify
from tests.web.test_bad_input import bearer
from tests.webclient import page_token


def tell(session, actor, n=1, link="/target-proposals"):
    for i in range(n):
        notify(session, [actor.user_id], Message("workflow", f"消息{i}", f"Message {i}", "正文", "Body", link))
    session.commit()


def test_the_header_counts_unread_messages_and_the_inbox_lists_them(signed_in, org, session):
    tell(session, org.unit_reporter, 2)
    alice = signed_in("alice")
    page = alice.get("/inbox?lang=en")
    assert page.status_code == 200
    assert 'data-testid="unread-count"' in page.text
    assert "2 unread" in page.text
    assert "Message 0" in page.text
    assert "Message 1" in page.text
    assert "消息" in alice.get("/inbox?lang=zh").text


def test_marking_one_read_and_opening_its_link(signed_in, org, session):
    tell(session, org.unit_reporter)
    alice = signed_in("alice")
    (row,) = session.scalars(select(Notification)).all()
    opened = alice.post(f"/inbox/{row.id}/read", data={"csrf_token": page_token(alice, "/inbox"), "open": "1"})
    assert (opened.status_code, opened.headers["location"]) == (303, "/target-proposals")
    session.refresh(row)
    assert row.read_at is not None
    assert 'data-testid="unread-count"' not in alice.get("/inbox").text


def test_a_link_to_another_site_is_never_followed(signed_in, org, session):
    tell(session, org.unit_reporter, link="//evil.example/x")
    alice = signed_in("alice")
    (row,) = session.scalars(select(Notification)).all()
    opened = alice.post(f"/inbox/{row.id}/read", data={"csrf_token": page_token(alice, "/inbox"), "open": "1"})
    assert opened.headers["location"] == "/inbox"


def test_mark_all_read(signed_in, org, session):
    tell(session, org.unit_reporter, 3)
    alice = signed_in("alice")
    assert alice.post("/inbox/read-all", data={"csrf_token": page_token(alice, "/inbox")}).status_code == 303
    assert "0 unread" in alice.get("/inbox?lang=en").text


def test_another_users_notification_is_not_found_and_stays_unread(signed_in, org, session):
    tell(session, org.unit_reporter)
    (row,) = session.scalars(select(Notification)).all()
    bob = signed_in("bob")
    refused = bob.post(f"/inbox/{row.id}/read", data={"csrf_token": page_token(bob, "/inbox")})
    assert refused.status_code == 404
    assert "Message 0" not in bob.get("/inbox?lang=en").text
    session.refresh(row)
    assert row.read_at is None


def test_the_inbox_pages_through_many_messages(signed_in, org, session):
    tell(session, org.unit_reporter, 35)
    alice = signed_in("alice")
    first = alice.get("/inbox?lang=en").text
    assert "Message 34" in first
    assert "Message 4<" not in first
    assert "Message 4<" in alice.get("/inbox?lang=en&offset=30").text


def test_the_json_inbox_reads_and_marks(client, org, session):
    tell(session, org.unit_reporter, 2)
    api = bearer(session, "alice")
    inbox = client.get("/api/inbox", headers=api).json()
    assert (inbox["total"], inbox["unread"]) == (2, 2)
    assert inbox["items"][0]["title"] in ("消息1", "Message 1")
    marked = client.post(f"/api/inbox/{inbox['items'][0]['id']}/read", headers=api).json()
    assert marked["read_at"] is not None
    assert client.post("/api/inbox/read-all", headers=api).json() == {"marked": 1}
    assert client.get("/api/inbox", headers=api).json()["unread"] == 0
    assert client.get("/api/inbox", headers=bearer(session, "bob")).json()["total"] == 0


def test_an_administrator_sets_a_users_email_address_audited(signed_in, org, session, client):
    from pacer.models import AuditEntry, User

    grace = signed_in("grace")
    token = page_token(grace, "/admin/users/alice")
    assert (
        grace.post("/admin/users/alice/email", data={"csrf_token": token, "email": "alice@example.com"}).status_code
        == 303
    )
    assert session.scalars(select(User.email).where(User.username == "alice")).one() == "alice@example.com"
    refused = grace.post("/admin/users/alice/email", data={"csrf_token": token, "email": "not an address"})
    assert refused.status_code == 422
    answer = client.put("/api/admin/users/alice/email", headers=bearer(session, "grace"), json={"email": ""})
    assert answer.json()["email"] is None
    assert (
        session.scalars(select(AuditEntry.action).where(AuditEntry.action == "user.email")).all() == ["user.email"] * 2
    )
    bob = client.put("/api/admin/users/alice/email", headers=bearer(session, "bob"), json={"email": "x@y.z"})
    assert bob.status_code == 403
