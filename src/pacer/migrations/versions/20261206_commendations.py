"""commendations: named awards and the register of those given to units and people

Revision ID: 20261206_commendations
Revises: 20261206_assessment
Create Date: 2026-12-06 17:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_commendations"
down_revision: str | None = "20261206_assessment"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commendation_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("recipients", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commendation_award")),
        sa.UniqueConstraint("code", name=op.f("uq_commendation_award_code")),
    )
    op.create_table(
        "commendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("distinction_zh", sa.String(length=100), nullable=False),
        sa.Column("distinction_en", sa.String(length=100), nullable=False),
        sa.Column("citation_zh", sa.Text(), nullable=False),
        sa.Column("citation_en", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"], ["commendation_award.id"], name=op.f("fk_commendation_award_id_commendation_award")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_commendation_person_id_person")),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_commendation_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commendation")),
    )
    op.create_index("ix_commendation_year_award", "commendation", ["year", "award_id"])
    op.create_index(op.f("ix_commendation_unit_id"), "commendation", ["unit_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_commendation_unit_id"), table_name="commendation")
    op.drop_index("ix_commendation_year_award", table_name="commendation")
    op.drop_table("commendation")
    op.drop_table("commendation_award")
