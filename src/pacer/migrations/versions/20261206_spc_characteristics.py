"""spc: characteristics, their measurements and the points excluded for an assignable cause

Revision ID: 20261206_spc_characteristics
Revises: 20261206_audit_entity_newest
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_spc_characteristics"
down_revision: str | None = "20261206_audit_entity_newest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spc_characteristic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("measure_unit", sa.String(length=32), nullable=False),
        sa.Column("lsl", sa.Double(), nullable=True),
        sa.Column("usl", sa.Double(), nullable=True),
        sa.Column("target", sa.Double(), nullable=True),
        sa.Column("subgroup_size", sa.Integer(), nullable=False),
        sa.Column("chart", sa.String(length=16), nullable=False),
        sa.Column("rules", sa.String(length=16), nullable=False),
        sa.Column("phase1_last", sa.Integer(), nullable=True),
        sa.Column("frozen_center", sa.Double(), nullable=True),
        sa.Column("frozen_sigma", sa.Double(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name="fk_spc_characteristic_unit_id_unit", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_spc_characteristic"),
        sa.UniqueConstraint("unit_id", "code", name="uq_spc_characteristic_unit_id"),
    )
    op.create_index("ix_spc_characteristic_unit_id", "spc_characteristic", ["unit_id"])
    op.create_table(
        "spc_measurement",
        sa.Column("characteristic_id", sa.Integer(), nullable=False),
        sa.Column("subgroup", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["characteristic_id"],
            ["spc_characteristic.id"],
            name="fk_spc_measurement_characteristic_id_spc_characteristic",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("characteristic_id", "subgroup", "position", name="pk_spc_measurement"),
    )
    op.create_table(
        "spc_excluded_point",
        sa.Column("characteristic_id", sa.Integer(), nullable=False),
        sa.Column("subgroup", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("excluded_by", sa.String(length=64), nullable=False),
        sa.Column("excluded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["characteristic_id"],
            ["spc_characteristic.id"],
            name="fk_spc_excluded_point_characteristic_id_spc_characteristic",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("characteristic_id", "subgroup", name="pk_spc_excluded_point"),
    )


def downgrade() -> None:
    op.drop_table("spc_excluded_point")
    op.drop_table("spc_measurement")
    op.drop_index("ix_spc_characteristic_unit_id", table_name="spc_characteristic")
    op.drop_table("spc_characteristic")
