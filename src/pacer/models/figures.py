"""Monthly facts, the submissions they came from, targets, and period locks.

Values are exact: a scaled integer (value x 10**indicator.scale), never a binary float.
Periods are integers YYYYMM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from pacer.models.base import Base, utcnow

SUBMISSION_STATES = ("draft", "submitted", "approved", "accepted", "returned")
TARGET_TIERS = ("ensure", "strive")
TARGET_BASES = ("absolute", "growth")


class Submission(Base):
    """One unit's report for one period: its workflow item (the state of record; ``state``
    mirrors it for the lock checks of imports), its narrative and a version that every save and
    verb raises (optimistic concurrency). Its figures wait in :class:`SubmissionFigure` until it
    is accepted, when they become :class:`Fact` rows."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("unit_id", "period"), Index("ix_submission_period", "period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    period: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    source: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    # its workflow_item (a plain number: SQLite cannot add a foreign key to a table that facts refer to)
    workflow_item_id: Mapped[int | None] = mapped_column(Integer)
    situation: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    deviations: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SubmissionFigure(Base):
    """A figure of a submission as its reporter saved it (scaled, on the basis given); the
    analysis sees it only once the submission is accepted and it is copied into ``fact``."""

    __tablename__ = "submission_figure"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(String(10), default="monthly")


class SubmissionCheck(Base):
    """A validation rule's finding on a submission's figures (an error, or a warning that needs
    a written explanation), recomputed on each save. A warning's explanation, with who gave it
    and when, stays through later saves while the same rule still warns on the same indicator."""

    __tablename__ = "submission_check"
    __table_args__ = (UniqueConstraint("submission_id", "rule", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    indicator: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(10))
    cell: Mapped[str] = mapped_column(String(100), default="")
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    explained_by: Mapped[str | None] = mapped_column(String(64))
    explained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def key(self) -> str:
        """What an explanation is given for: ``rule:indicator``."""
        return f"{self.rule}:{self.indicator}"

    def message(self, language: str) -> str:
        return self.message_zh if language == "zh" else self.message_en


class Fact(Base):
    __tablename__ = "fact"
    # The primary key is the read path (unit, period, indicator); SQLite stores it clustered. A
    # unit's month lies together: a month's collection, the engine's catch-up and the rules read
    # and write a few pages per unit, not a page per figure (with the indicator before the month,
    # each figure of a new month landed on a page of its own).
    __table_args__ = (PrimaryKeyConstraint("unit_id", "period", "indicator_id"), {"sqlite_with_rowid": False})

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))


class PeriodLock(Base):
    """A closed period: no figure for it may change."""

    __tablename__ = "period_lock"

    period: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    locked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_by: Mapped[str] = mapped_column(String(64), default="system")


class Target(Base):
    """An annual target tier; a revision adds a row and retires the previous one."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint("unit_id", "indicator_id", "year", "tier", "revision"),
        Index("ix_target_lookup", "year", "indicator_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    year: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(String(10), default="absolute")
    value: Mapped[int] = mapped_column(BigInteger)
    growth_bp: Mapped[int | None] = mapped_column(Integer)
    phasing_bp: Mapped[list[int] | None] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="system")


class EliminationEntry(Base):
    """An intra-group amount removed when ``unit_id`` consolidates its subtree for ``period``.

    ``value`` is scaled like :class:`Fact` (a flow's amount for the month, a stock's balance at
    the month end) and signed: it is subtracted from the unit and, through it, from every
    ancestor. Several entries may remove amounts of one indicator at one unit and month, one per
    ``counterparty`` (the intra-group pair they come from).
    """

    __tablename__ = "elimination_entry"
    __table_args__ = (UniqueConstraint("unit_id", "indicator_id", "period", "counterparty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    period: Mapped[int] = mapped_column(Integer)
    counterparty: Mapped[str] = mapped_column(String(200), default="")
    value: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="system")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="system")


# An audit row is looked up by its key for every entity but ``fact``: a figure's rows are found by
# what they are about (ix_audit_subject). Left out of the key's index, a month's import of 300,000
# figures does not write a page of it per figure (their keys, UNIT/INDICATOR/YYYY-MM, fall all over
# it). A query by key adds :func:`keyed_entities`: SQLite uses a partial index only for a query that
# repeats its condition, with the same constant written in the statement.
KEYED = text("entity <> 'fact'")


class AuditEntry(Base):
    """Append-only: database triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        # rows looked up by key: every entity's but a figure's (see KEYED)
        Index("ix_audit_entity", "entity", "entity_key", sqlite_where=KEYED, postgresql_where=KEYED),
        Index("ix_audit_entity_id", "entity", "id"),  # the newest row of an entity (pacer.indicators.memo)
        Index("ix_audit_subject", "unit_id", "indicator", "period"),
        Index("ix_audit_indicator_month", "indicator", "period", "id"),  # an indicator in a month, group-wide
        Index("ix_audit_actor", "actor"),
        Index("ix_audit_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    # what the change is about, read from the entity's key when written (pacer.audit.subject):
    # the unit (a plain number: the trail outlives nothing it names), the indicator's code, YYYYMM
    unit_id: Mapped[int | None] = mapped_column(Integer)
    indicator: Mapped[str | None] = mapped_column(String(64))
    period: Mapped[int | None] = mapped_column(Integer)


def keyed_entities() -> ColumnElement[bool]:
    """The condition of the audit trail's index by key, for a query by key (see ``KEYED``)."""
    return AuditEntry.entity != literal_column("'fact'")
