"""tasks: the deadline an extension asks for, the task merged into or carried over to

Revision ID: 20261206_task_successor
Revises: 20261206_followup
Create Date: 2026-12-06 06:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_task_successor"
down_revision: str | None = "20261206_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("requested_deadline", sa.Date(), nullable=True))
        batch.add_column(sa.Column("successor_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_task_successor_id_task", "task", ["successor_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_constraint("fk_task_successor_id_task", type_="foreignkey")
        batch.drop_column("successor_id")
        batch.drop_column("requested_deadline")
