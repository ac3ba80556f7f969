"""how each user signs in (local password, OpenID Connect, LDAP) and their identity there

Revision ID: 20261206_user_sign_in
Revises: 20261206_spc_subgroups
Create Date: 2026-12-06 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_user_sign_in"
down_revision: str | None = "20261206_spc_subgroups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch:
        batch.add_column(sa.Column("sign_in", sa.String(length=8), server_default="local", nullable=False))
        batch.add_column(sa.Column("external_id", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(batch.f("uq_user_account_sign_in"), ["sign_in", "external_id"])


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch:
        batch.drop_constraint(batch.f("uq_user_account_sign_in"), type_="unique")
        batch.drop_column("external_id")
        batch.drop_column("sign_in")
