"""What users are told: the in-app inbox, and the e-mails waiting to be sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pacer.models.base import Base, utcnow


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_inbox", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    body_zh: Mapped[str] = mapped_column(Text, default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def body(self, lang: str) -> str:
        return self.body_zh if lang == "zh" else self.body_en


class OutboxMail(Base):
    """An e-mail written in the transaction that caused it and sent after it committed: a change
    rolled back sends nothing. A failed send is retried; its last error is kept."""

    __tablename__ = "outbox_mail"
    __table_args__ = (Index("ix_outbox_mail_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")  # a path; PACER_PUBLIC_URL goes before it when sent
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
