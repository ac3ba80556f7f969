"""an indicator's changes in a month, newest first, found by an index (the audit search without a unit)

Revision ID: 20261206_audit_indicator_month
Revises: 20261206_spc_characteristics
Create Date: 2026-12-06 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261206_audit_indicator_month"
down_revision: str | None = "20261206_spc_characteristics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_indicator_month", "audit_entry", ["indicator", "period", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_indicator_month", table_name="audit_entry")
