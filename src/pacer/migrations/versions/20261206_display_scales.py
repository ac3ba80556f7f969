"""money and per-person amounts are shown in 万元/亿元 and 万元/人, not in 元 and 元/人

Revision ID: 20261206_display_scales
Revises: 0005
Create Date: 2026-12-06 02:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261206_display_scales"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the display ladder of a dimension is its units marked display: these two are storage units only
HIDDEN = ("yuan", "yuan_per_person")


def upgrade() -> None:
    unit = sa.table(
        "measure_unit", sa.column("code", sa.String), sa.column("display", sa.Boolean), sa.column("origin", sa.String)
    )
    op.execute(unit.update().where(unit.c.code.in_(HIDDEN), unit.c.origin == "builtin").values(display=False))


def downgrade() -> None:
    unit = sa.table(
        "measure_unit", sa.column("code", sa.String), sa.column("display", sa.Boolean), sa.column("origin", sa.String)
    )
    op.execute(unit.update().where(unit.c.code.in_(HIDDEN), unit.c.origin == "builtin").values(display=True))
