"""the audit trail's index by key leaves out the figures' rows: nothing looks a figure's row up by its
key (its unit, indicator and month find it), and their keys (UNIT/INDICATOR/YYYY-MM) spread a month's
import over a page of the index per figure

Revision ID: 20261207_audit_key_index
Revises: 20261207_fact_by_unit_month
Create Date: 2026-12-07 19:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_audit_key_index"
down_revision: str | None = "20261207_fact_by_unit_month"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYED = sa.text("entity <> 'fact'")


def upgrade() -> None:
    op.drop_index("ix_audit_entity", table_name="audit_entry")
    op.create_index(
        "ix_audit_entity", "audit_entry", ["entity", "entity_key"], sqlite_where=KEYED, postgresql_where=KEYED
    )


def downgrade() -> None:
    op.drop_index("ix_audit_entity", table_name="audit_entry")
    op.create_index("ix_audit_entity", "audit_entry", ["entity", "entity_key"])
