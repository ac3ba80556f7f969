"""statistical process control: a characteristic's product and an excluded point's reason in English too

Revision ID: 20261207_spc_english
Revises: 20261206_user_sign_in
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261207_spc_english"
down_revision: str | None = "20261206_user_sign_in"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("spc_characteristic") as batch:
        batch.add_column(sa.Column("product_en", sa.String(length=200), server_default="", nullable=False))
    with op.batch_alter_table("spc_excluded_point") as batch:
        batch.add_column(sa.Column("reason_en", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("spc_excluded_point") as batch:
        batch.drop_column("reason_en")
    with op.batch_alter_table("spc_characteristic") as batch:
        batch.drop_column("product_en")
