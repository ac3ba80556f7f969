from sqlalchemy import select

from pacer.auth.service import add_user, revoke_role
from pacer.models import AuditEntry, User


def test_granting_and_revoking_roles_is_audited(session, org):
    user = add_user(session, "carol", "Carol", ["viewer@A", "unit_reporter@A1"], actor="grace")
    revoke_role(session, session.get(User, user.id), "viewer", "A", actor="grace")
    entries = session.execute(
        select(AuditEntry.action, AuditEntry.entity_key, AuditEntry.actor)
        .where(AuditEntry.entity_key.like("carol%"))
        .order_by(AuditEntry.id)
    ).all()
    assert entries == [
        ("user.create", "carol", "grace"),
        ("grant.add", "carol/viewer@A", "grace"),
        ("grant.add", "carol/unit_reporter@A1", "grace"),
        ("grant.remove", "carol/viewer@A", "grace"),
    ]
