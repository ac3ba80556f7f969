"""Bottom-up target rounds: a unit's proposal of targets for its subtree, on the workflow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow


class TargetProposal(Base):
    __tablename__ = "target_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    # set once the proposal has its id (the workflow item is keyed by it)
    workflow_item_id: Mapped[int | None] = mapped_column(ForeignKey("workflow_item.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TargetProposalRow(Base):
    """A proposed target as written (the columns of a targets import), checked by the same rules
    when the proposal is submitted and imported as it is when it is accepted."""

    __tablename__ = "target_proposal_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("target_proposal.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)  # the row of the file it came from (header = 1)
    unit_code: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(40), default="")
    growth_pct: Mapped[str] = mapped_column(String(40), default="")
    phasing: Mapped[str] = mapped_column(String(200), default="")
    basis: Mapped[str] = mapped_column(String(10), default="")
