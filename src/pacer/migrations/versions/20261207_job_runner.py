"""jobs: a running job names its runner (machine, process id, start time), so that others see it killed

Revision ID: 20261207_job_runner
Revises: 20261207_jobs_queue_schema
Create Date: 2026-12-07 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_job_runner"
down_revision: str | None = "20261207_jobs_queue_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("runner", sa.String(length=300), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("runner")
