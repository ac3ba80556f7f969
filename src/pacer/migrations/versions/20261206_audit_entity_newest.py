"""the newest audit row of an entity found by an index look-up (the configuration's marker)

Revision ID: 20261206_audit_entity_newest
Revises: 20261206_quality_problems
Create Date: 2026-12-06 13:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261206_audit_entity_newest"
down_revision: str | None = "20261206_quality_problems"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_entity_id", "audit_entry", ["entity", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_entity_id", table_name="audit_entry")
