"""units of measure and categories as tables; indicators' origin, customisation, retirement,
sign and default band

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 02:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# code, name_zh, name_en, symbol_zh, symbol_en, dimension, factor, additive, percent
UNITS = [
    ("yuan", "元", "yuan", "元", "yuan", "money", "1", True, False),
    ("wan_yuan", "万元", "RMB 10,000", "万元", "RMB 10k", "money", "10000", True, False),
    ("yi_yuan", "亿元", "RMB 100 million", "亿元", "RMB 100m", "money", "100000000", True, False),
    ("person", "人", "persons", "人", "persons", "headcount", "1", True, False),
    ("count", "个", "count", "个", "", "count", "1", True, False),
    ("percent", "百分比", "percent", "%", "%", "ratio", "1", False, True),
    ("yuan_per_person", "元/人", "yuan per person", "元/人", "yuan/person", "money_per_person", "1", False, False),
    (
        "wan_yuan_per_person",
        "万元/人",
        "RMB 10k per person",
        "万元/人",
        "RMB 10k/person",
        "money_per_person",
        "10000",
        False,
        False,
    ),
    ("t", "吨", "tonnes", "吨", "t", "mass", "1", True, False),
    ("kt", "千吨", "thousand tonnes", "千吨", "kt", "mass", "1000", True, False),
    ("tce", "吨标准煤", "tonnes of coal equivalent", "吨标准煤", "tce", "energy", "1", True, False),
    ("ktce", "千吨标准煤", "thousand tce", "千吨标准煤", "ktce", "energy", "1000", True, False),
    (
        "tce_per_wan_yuan",
        "吨标准煤/万元",
        "tce per RMB 10k",
        "吨标准煤/万元",
        "tce/RMB 10k",
        "energy_intensity",
        "1",
        False,
        False,
    ),
]
CATEGORIES = [
    ("finance", "经营效益", "Financial results"),
    ("balance", "资产负债", "Balance sheet"),
    ("cash", "现金流量", "Cash flow"),
    ("innovation", "科技创新", "Innovation"),
    ("efficiency", "效率效能", "Efficiency"),
    ("investment", "投资", "Investment"),
    ("industry", "产业结构", "Industry structure"),
    ("quality", "质量", "Quality"),
]


def _origin() -> sa.Column[str]:
    return sa.Column("origin", sa.String(length=10), server_default="builtin", nullable=False)


def upgrade() -> None:
    units = op.create_table(
        "measure_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("symbol_zh", sa.String(length=32), nullable=False),
        sa.Column("symbol_en", sa.String(length=32), nullable=False),
        sa.Column("dimension", sa.String(length=32), nullable=False),
        sa.Column("factor", sa.String(length=40), nullable=False),
        sa.Column("additive", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("percent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("display", sa.Boolean(), server_default=sa.true(), nullable=False),
        _origin(),
        sa.Column("customized", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_measure_unit_code")),
    )
    categories = op.create_table(
        "indicator_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        _origin(),
        sa.Column("customized", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_category")),
        sa.UniqueConstraint("code", name=op.f("uq_indicator_category_code")),
    )
    keys = ("code", "name_zh", "name_en", "symbol_zh", "symbol_en", "dimension", "factor", "additive", "percent")
    op.bulk_insert(units, [{**dict(zip(keys, row, strict=True)), "position": i} for i, row in enumerate(UNITS)])
    op.bulk_insert(
        categories,
        [{"code": c, "name_zh": zh, "name_en": en, "position": i} for i, (c, zh, en) in enumerate(CATEGORIES)],
    )
    # plain ADD COLUMNs: rebuilding the indicator table (SQLite's batch mode) would check every
    # fact referring to it
    op.add_column("indicator", _origin())
    op.add_column("indicator", sa.Column("customized", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("indicator", sa.Column("retired_from", sa.Integer(), nullable=True))
    op.add_column("indicator", sa.Column("never_negative", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("indicator", sa.Column("band_low", sa.BigInteger(), nullable=True))
    op.add_column("indicator", sa.Column("band_high", sa.BigInteger(), nullable=True))
    # what the code decided from the unit until now, kept for the indicators already stored
    op.execute("UPDATE indicator SET never_negative = true WHERE unit IN ('person', 'count')")
    op.add_column("indicator_set", _origin())
    op.add_column("indicator_set", sa.Column("customized", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    for column in ("customized", "origin"):
        op.drop_column("indicator_set", column)
    for column in ("band_high", "band_low", "never_negative", "retired_from", "customized", "origin"):
        op.drop_column("indicator", column)
    op.drop_table("indicator_category")
    op.drop_table("measure_unit")
