"""who reports what: indicator sets and indicators assigned to units, effective-dated

Revision ID: 20261206_assignment
Revises: 0004
Create Date: 2026-12-06 02:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_assignment"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=True),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("selector", sa.String(length=8), nullable=False),
        sa.Column("unit_kind", sa.String(length=32), nullable=True),
        sa.Column("tag_key", sa.String(length=64), nullable=True),
        sa.Column("tag_value", sa.String(length=200), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("effect", sa.String(length=8), nullable=False),
        sa.Column("from_period", sa.Integer(), nullable=False),
        sa.Column("to_period", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(set_id IS NULL) <> (indicator_id IS NULL)", name=op.f("ck_indicator_assignment_set_or_indicator")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_indicator_assignment_indicator_id_indicator")
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["indicator_set.id"], name=op.f("fk_indicator_assignment_set_id_indicator_set")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_indicator_assignment_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_assignment")),
    )
    op.create_index("ix_indicator_assignment_period", "indicator_assignment", ["from_period", "to_period"])
    op.create_index(op.f("ix_indicator_assignment_unit_id"), "indicator_assignment", ["unit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_indicator_assignment_unit_id"), table_name="indicator_assignment")
    op.drop_index("ix_indicator_assignment_period", table_name="indicator_assignment")
    op.drop_table("indicator_assignment")
