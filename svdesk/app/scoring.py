"""Scoring, one panel member at a time: their declarations of conflicts of interest, their own
worklist and scores (blind: nobody else's), and their views of the pledges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.panel import evaluators
from svdesk.app.status import Status, TenderStatus, status_of
from svdesk.app.unit import Actor, Outcome, change, look
from svdesk.model.entities import Tender
from svdesk.model.services import panel_views, pledge_reviews, tenders, workflow
from svdesk.model.services.panel_views import ScaleView, ScoringItem
from svdesk.model.services.pledge_reviews import REASONS, PledgeItem
from svdesk.model.services.tenders import SaveResult
from svdesk.model.services.workflow import DeclarationView

__all__ = [
    "REASONS",
    "DeclarationView",
    "PledgeItem",
    "ScaleView",
    "ScoringItem",
    "Status",
    "TenderStatus",
    "Worklist",
    "declare",
    "evaluators",
    "member_pledges",
    "own_score",
    "review_pledge",
    "set_score",
    "worklist",
]


@dataclass(frozen=True)
class Worklist:
    """What one member sees on opening Scoring."""

    status: Status
    editable: bool  # scoring is open, the tender unlocked, the database writable
    scale: ScaleView
    declarations: list[DeclarationView]  # this member's, one per bidder (made or not)
    items: list[ScoringItem] | None  # None until the member has declared for every bidder

    @property
    def declared(self) -> bool:
        return self.items is not None


def worklist(db: Database, reference: str | None, member: str) -> Worklist:
    """The member's declarations and, once they have declared for every bidder, every bid x question
    they score (not the bids they declared a conflict with), with their own scores so far. The
    rationales are read one at a time (`own_score`): a framework's 8,000 are megabytes of text."""

    def read(session: Session, tender: Tender) -> Worklist:
        status = status_of(db, session, tender)
        views = workflow.declarations(session, tender, member=member)
        items = panel_views.scoring_worklist(session, tender, member) if all(d.declared for d in views) else None
        return Worklist(status, status.open_for(TenderStatus.SCORING), panel_views.scale_view(tender), views, items)

    return look(db, reference, read)


def own_score(db: Database, reference: str | None, member: str, bidder: str, question: str) -> ScoringItem:
    """One item of the member's worklist read afresh, with its rationale."""
    return look(db, reference, lambda s, t: panel_views.own_score(s, t, member, bidder, question))


def declare(
    db: Database, actor: Actor, reference: str | None, member: str, answers: Sequence[tuple[str, bool, str]]
) -> Outcome[None]:
    """The member's declarations, (bidder, conflict, details) each, saved together or not at all."""

    def edit(session: Session, tender: Tender) -> None:
        for bidder, conflict, details in answers:
            workflow.declare(session, tender, member, bidder, conflict, details, actor=actor)

    return change(db, reference, edit)


def set_score(
    db: Database,
    actor: Actor,
    reference: str | None,
    member: str,
    bidder: str,
    question: str,
    score: float,
    rationale: str,
    expected_version: int | None = None,
) -> Outcome[int]:
    """The member's own score and rationale; the score's new version (for the next stale-edit check).

    `expected_version` is the version the member was shown (0: no score yet); a score someone else
    saved since is not overwritten (StaleEditError). `actor` differs from `member` when an officer
    types a member's score from the meeting's notes."""

    def edit(session: Session, tender: Tender) -> SaveResult:
        saved = tenders.set_score(
            session, tender, member, bidder, question, score, rationale, actor=actor, expected_version=expected_version
        )
        return SaveResult(saved.value.version, saved.warnings)

    return cast("Outcome[int]", change(db, reference, edit))  # `change` unwraps the SaveResult


def member_pledges(db: Database, reference: str | None, member: str) -> list[PledgeItem]:
    """The pledges the member reviews (not those of bids they declared a conflict with), with their view."""
    return look(db, reference, lambda s, t: pledge_reviews.member_pledges(s, t, member))


def review_pledge(
    db: Database,
    actor: Actor,
    reference: str | None,
    member: str,
    bidder: str,
    ref: str,
    decision: str,
    quantity: float | None = None,
    reason: str = "",
) -> Outcome[None]:
    """The member's view of one pledge: "accept", "reduce" (to `quantity`) or "reject", with a reason."""
    return change(
        db,
        reference,
        lambda s, t: _none(
            pledge_reviews.review_pledge(s, t, member, bidder, ref, decision, quantity, reason, actor=actor)
        ),
    )


def _none(_entity: object) -> None:
    return None
