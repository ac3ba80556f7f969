"""spc: subgroups with their sample size (attribute charts), time and batch; rule counts per characteristic

Revision ID: 20261206_spc_subgroups
Revises: 20261206_commendations
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_spc_subgroups"
down_revision: str | None = "20261206_commendations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spc_subgroup",
        sa.Column("characteristic_id", sa.Integer(), nullable=False),
        sa.Column("subgroup", sa.Integer(), nullable=False),
        sa.Column("size", sa.Double(), nullable=True),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("batch", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["characteristic_id"],
            ["spc_characteristic.id"],
            name="fk_spc_subgroup_characteristic_id_spc_characteristic",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("characteristic_id", "subgroup", name="pk_spc_subgroup"),
    )
    with op.batch_alter_table("spc_characteristic") as batch:
        batch.add_column(sa.Column("rule_counts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("spc_characteristic") as batch:
        batch.drop_column("rule_counts")
    op.drop_table("spc_subgroup")
