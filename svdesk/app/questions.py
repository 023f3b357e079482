"""The tender's questions: quality and social-value questions, each with its share of the total."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look, name_of
from svdesk.model.entities import Tender
from svdesk.model.services import setup as model
from svdesk.model.services.setup_views import QuestionView
from svdesk.model.services.setup_views import questions_view as _questions_view

__all__ = ["QuestionView", "QuestionsView", "questions_view", "remove_question", "save_question"]


@dataclass(frozen=True)
class QuestionsView:
    questions: list[QuestionView]
    scale_max: float  # the highest score: a question's minimum is at most this


def questions_view(db: Database, reference: str | None) -> QuestionsView:
    return look(db, reference, lambda s, t: QuestionsView(_questions_view(s, t), t.scale_max))


def save_question(
    db: Database,
    actor: Actor,
    reference: str | None,
    code: str,
    *,
    section: str,
    text: str,
    weight: float,
    title: str = "",
    guidance: str = "",
    minimum_score: float | None = None,
) -> Outcome[None]:
    """Add the question `code`, or change it if the tender has one."""

    def run(session: Session, tender: Tender) -> None:
        model.save_question(
            session,
            tender,
            name_of(actor),
            code,
            section=section,
            text=text,
            weight=weight,
            title=title,
            guidance=guidance,
            minimum_score=minimum_score,
        )

    return change(db, reference, run, actor=actor)


def remove_question(db: Database, actor: Actor, reference: str | None, code: str) -> Outcome[None]:
    """Remove a question nobody has scored."""
    return change(db, reference, lambda s, t: model.remove_question(s, t, name_of(actor), code), actor=actor)
