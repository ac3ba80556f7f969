"""tasks: the supervising department (a unit), and an index the bulletin counts from

Revision ID: 20261206_task_department
Revises: 20261206_jobs_reports
Create Date: 2026-12-06 09:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_task_department"
down_revision: str | None = "20261206_jobs_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BULLETIN_COLUMNS = ["unit_id", "department_id", "original_deadline", "closed_on", "workflow_item_id"]


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_task_department_id_unit", "unit", ["department_id"], ["id"])
        batch.create_index("ix_task_bulletin", BULLETIN_COLUMNS, unique=False)
    # a task of a meeting's requirement: supervised by the unit that held the meeting
    op.execute(
        "UPDATE task SET department_id = (SELECT meeting.unit_id FROM requirement"
        " JOIN meeting ON meeting.id = requirement.meeting_id WHERE requirement.id = task.requirement_id)"
        " WHERE requirement_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_index("ix_task_bulletin")
        batch.drop_constraint("fk_task_department_id_unit", type_="foreignkey")
        batch.drop_column("department_id")
