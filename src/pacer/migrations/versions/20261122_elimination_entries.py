"""elimination entries, and which indicators take them

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN: rebuilding the indicator table (SQLite's batch mode) would check every
    # fact referring to it, which takes hours on a group's years of figures
    op.add_column("indicator", sa.Column("eliminated", sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        "elimination_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_elimination_entry_indicator_id_indicator")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_elimination_entry_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elimination_entry")),
        sa.UniqueConstraint(
            "unit_id", "indicator_id", "period", "counterparty", name=op.f("uq_elimination_entry_unit_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("elimination_entry")
    # a plain DROP COLUMN (SQLite 3.35+), for the reason above: batch mode would copy the
    # indicator table and drop the original, which every fact refers to
    op.drop_column("indicator", "eliminated")
