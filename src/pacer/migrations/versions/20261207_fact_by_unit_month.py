"""the fact table keyed by unit, month, indicator (was unit, indicator, month): a month's figures
of a unit lie together, so that a month's collection writes a few pages per unit instead of a
page per figure

SQLite stores the table in its primary key's order (WITHOUT ROWID), so it is written again in
the new order; PostgreSQL builds the key's index again.

Revision ID: 20261207_fact_by_unit_month
Revises: 20261207_oidc_logout
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "20261207_fact_by_unit_month"
down_revision: str | None = "20261207_oidc_logout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _keyed("unit_id", "period", "indicator_id")


def downgrade() -> None:
    _keyed("unit_id", "indicator_id", "period")


def _keyed(*key: str) -> None:
    columns = ", ".join(key)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE fact DROP CONSTRAINT pk_fact, ADD CONSTRAINT pk_fact PRIMARY KEY ({columns})")
        return
    # the rows copied in the new key's order: each lands after the one before
    op.execute(
        "CREATE TABLE fact_rekeyed ("
        " unit_id INTEGER NOT NULL, indicator_id INTEGER NOT NULL, period INTEGER NOT NULL,"
        " value BIGINT NOT NULL, submission_id INTEGER,"
        f" CONSTRAINT pk_fact PRIMARY KEY ({columns}),"
        " CONSTRAINT fk_fact_indicator_id_indicator FOREIGN KEY(indicator_id) REFERENCES indicator (id),"
        " CONSTRAINT fk_fact_submission_id_submission FOREIGN KEY(submission_id) REFERENCES submission (id),"
        " CONSTRAINT fk_fact_unit_id_unit FOREIGN KEY(unit_id) REFERENCES unit (id)"
        ") WITHOUT ROWID"
    )
    op.execute(
        "INSERT INTO fact_rekeyed (unit_id, indicator_id, period, value, submission_id)"
        f" SELECT unit_id, indicator_id, period, value, submission_id FROM fact ORDER BY {columns}"
    )
    op.execute("DROP TABLE fact")
    op.execute("ALTER TABLE fact_rekeyed RENAME TO fact")
