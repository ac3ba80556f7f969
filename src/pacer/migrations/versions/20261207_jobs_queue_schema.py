"""the jobs' queue on PostgreSQL: procrastinate's tables, types and functions (none on SQLite)

Until now ``pacer db upgrade`` and ``pacer worker`` created them outside the migrations; a
database where they exist already keeps them as they are.

Revision ID: 20261207_jobs_queue_schema
Revises: 20261207_spc_english
Create Date: 2026-12-07 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from pacer.jobs import queue_schema

revision: str = "20261207_jobs_queue_schema"
down_revision: str | None = "20261207_spc_english"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    queue_schema.create(op.get_bind())


def downgrade() -> None:
    queue_schema.drop(op.get_bind())
