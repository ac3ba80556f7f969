"""audit rows name their unit, indicator and month; the reporting calendar's deadlines; the
group's settings

Revision ID: 20261206_audit_calendar_settings
Revises: 20261206_idempotency_keys
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pacer.audit.subject import subject_of

revision: str = "20261206_audit_calendar_settings"
down_revision: str | None = "20261206_idempotency_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_entry", sa.Column("unit_id", sa.Integer(), nullable=True))
    op.add_column("audit_entry", sa.Column("indicator", sa.String(length=64), nullable=True))
    op.add_column("audit_entry", sa.Column("period", sa.Integer(), nullable=True))
    _fill_subjects()
    op.create_index("ix_audit_subject", "audit_entry", ["unit_id", "indicator", "period"], unique=False)
    op.create_index("ix_audit_actor", "audit_entry", ["actor"], unique=False)
    op.create_index("ix_audit_at", "audit_entry", ["at"], unique=False)
    op.create_table(
        "reporting_deadline",
        sa.Column("period", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_reporting_deadline")),
    )
    op.create_table(
        "group_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_group_setting")),
    )


def downgrade() -> None:
    op.drop_table("group_setting")
    op.drop_table("reporting_deadline")
    op.drop_index("ix_audit_at", table_name="audit_entry")
    op.drop_index("ix_audit_actor", table_name="audit_entry")
    op.drop_index("ix_audit_subject", table_name="audit_entry")
    _without_append_only(lambda: None, drop_columns=True)


def _fill_subjects() -> None:
    """The rows written before: their subject read from their keys (the only rewrite the trail
    ever has, with its append-only triggers lifted for it and put back)."""
    bind = op.get_bind()
    entry = sa.table(
        "audit_entry",
        sa.column("id", sa.Integer),
        sa.column("entity", sa.String),
        sa.column("entity_key", sa.String),
        sa.column("unit_id", sa.Integer),
        sa.column("indicator", sa.String),
        sa.column("period", sa.Integer),
    )
    units = dict(bind.execute(sa.text("SELECT code, id FROM unit")).tuples().all())
    changes = []
    for row_id, entity, key in bind.execute(sa.select(entry.c.id, entry.c.entity, entry.c.entity_key)):
        about = subject_of(entity, key)
        if about.unit_code or about.indicator or about.period:
            unit_id = units.get(about.unit_code) if about.unit_code else None
            changes.append({"rid": row_id, "u": unit_id, "i": about.indicator, "p": about.period})
    if not changes:
        return
    stmt = (
        entry.update()
        .where(entry.c.id == sa.bindparam("rid"))
        .values(unit_id=sa.bindparam("u"), indicator=sa.bindparam("i"), period=sa.bindparam("p"))
    )
    _without_append_only(lambda: bind.execute(stmt, changes))


def _without_append_only(work: object, drop_columns: bool = False) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
    assert callable(work)
    work()
    if drop_columns:
        with op.batch_alter_table("audit_entry") as batch:
            batch.drop_column("period")
            batch.drop_column("indicator")
            batch.drop_column("unit_id")
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END"
            )
    else:
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()"
        )
