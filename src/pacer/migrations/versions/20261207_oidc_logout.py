"""a sign-in through OpenID Connect keeps the provider's ID token, so signing out of Pacer can sign
out at the provider too (RP-initiated logout)

Revision ID: 20261207_oidc_logout
Revises: 20261207_job_runner
Create Date: 2026-12-07 09:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_oidc_logout"
down_revision: str | None = "20261207_job_runner"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_session") as batch:
        batch.add_column(sa.Column("id_token", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_session") as batch:
        batch.drop_column("id_token")
