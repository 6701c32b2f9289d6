"""Answers to "how clear is the information on this page?", the box under the content pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class PageFeedback(Base):
    """One visitor's answer about one page: the stars, the reason chosen, a short comment.

    ``page`` is the path the gateway built from the route that matched (``/servizi/multe``),
    never a URL a client sent; no identity is kept with the answer.
    """

    __tablename__ = "page_feedback"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        Index("ix_page_feedback_page_at", "page", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(200))
    rating: Mapped[int] = mapped_column(SmallInteger)
    reason: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
