"""Recording an answer about a page, and what the staff read of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import PageFeedback


@dataclass(frozen=True)
class PageScore:
    """How a page was rated: how many answers, their mean, the last one's time."""

    page: str
    answers: int
    average: float
    positive: int  # 4 or 5 stars
    last_at: datetime


def record_feedback(
    session: Session, *, page: str, rating: int, reason: str, comment: str | None, locale: str
) -> PageFeedback:
    """Store one answer (already checked by the caller: a known page, 1-5, a known reason)."""
    answer = PageFeedback(
        page=page, rating=rating, reason=reason, comment=comment or None, locale=locale
    )
    session.add(answer)
    return answer


def scores(session: Session) -> list[PageScore]:
    """Every page that has answers, the most answered first."""
    rows = session.execute(
        select(
            PageFeedback.page,
            func.count(),
            func.avg(PageFeedback.rating),
            func.sum(case((PageFeedback.rating >= 4, 1), else_=0)),
            func.max(PageFeedback.at),
        )
        .group_by(PageFeedback.page)
        .order_by(func.count().desc(), PageFeedback.page)
    ).all()
    return [
        PageScore(page, int(answers), float(average), int(positive or 0), last_at)
        for page, answers, average, positive, last_at in rows
    ]


def latest_comments(session: Session, limit: int = 20) -> list[PageFeedback]:
    """The latest answers that came with a comment, newest first."""
    return list(
        session.scalars(
            select(PageFeedback)
            .where(PageFeedback.comment.is_not(None))
            .order_by(PageFeedback.at.desc(), PageFeedback.id.desc())
            .limit(limit)
        )
    )
