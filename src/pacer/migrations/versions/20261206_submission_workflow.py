"""monthly submissions on the workflow: version, workflow item, narrative; staged figures

Revision ID: 20261206_submission_workflow
Revises: 20261206_display_scales
Create Date: 2026-12-06 04:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_submission_workflow"
down_revision: str | None = "20261206_display_scales"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = ("situation", "problems", "deviations", "measures")


def upgrade() -> None:
    # plain ADD COLUMNs: a batch copy of ``submission`` would break the facts that refer to it
    op.add_column("submission", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("submission", sa.Column("workflow_item_id", sa.Integer(), nullable=True))
    for name in TEXTS:
        op.add_column("submission", sa.Column(name, sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "submission_figure",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("basis", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name=op.f("fk_submission_figure_indicator_id_indicator")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_submission_figure_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "indicator_id", name=op.f("pk_submission_figure")),
    )


def downgrade() -> None:
    op.drop_table("submission_figure")
    for name in (*reversed(TEXTS), "workflow_item_id", "version"):
        op.drop_column("submission", name)
