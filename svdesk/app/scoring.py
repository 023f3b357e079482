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
from svdesk.app.unit import Actor, Outcome, change, look, name_of
from svdesk.model.entities import Tender
from svdesk.model.errors import WorkflowError
from svdesk.model.identity import SignedIn
from svdesk.model.names import lookup_names, quoted
from svdesk.model.services import panel_views, pledge_reviews, proxy_entries, score_withdrawal, tenders, workflow
from svdesk.model.services.panel_views import ScaleView, ScoringItem
from svdesk.model.services.pledge_reviews import REASONS, PledgeItem
from svdesk.model.services.proxy_entries import ProxyScore
from svdesk.model.services.tenders import SaveResult
from svdesk.model.services.workflow import DeclarationView

__all__ = [
    "REASONS",
    "DeclarationView",
    "PledgeItem",
    "ProxyScore",
    "ScaleView",
    "ScoringItem",
    "Status",
    "TenderStatus",
    "Worklist",
    "confirm_proxy_scores",
    "declare",
    "enter_by_proxy",
    "evaluators",
    "member_pledges",
    "own_score",
    "proxy_scores",
    "review_pledge",
    "set_score",
    "withdraw_review",
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


def _own(actor: Actor, member: str, doing: str) -> None:
    """A member's declarations, scores and pledge reviews are their own: a person signed in does
    them only for themselves (a plain name is refused by the record once anyone has enrolled)."""
    if isinstance(actor, SignedIn) and actor.member not in lookup_names(member):  # "Zoë" in any Unicode form
        whose = member if len(member) <= 200 else quoted(member)
        raise WorkflowError(f"{actor.member} is signed in, and {doing} is {whose}'s own to do; nothing was done")


def declare(
    db: Database, actor: Actor, reference: str | None, member: str, answers: Sequence[tuple[str, bool, str]]
) -> Outcome[None]:
    """The member's declarations, (bidder, conflict, details) each, saved together or not at all."""
    _own(actor, member, "declaring")

    def edit(session: Session, tender: Tender) -> None:
        for bidder, conflict, details in answers:
            workflow.declare(session, tender, member, bidder, conflict, details, actor=name_of(actor))

    return change(db, reference, edit, actor=actor)


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
    _own(actor, member, "scoring")

    def edit(session: Session, tender: Tender) -> SaveResult:
        saved = tenders.set_score(
            session,
            tender,
            member,
            bidder,
            question,
            score,
            rationale,
            actor=name_of(actor),
            expected_version=expected_version,
        )
        if name_of(actor) == member:  # the member's own save of a score entered for them confirms it
            proxy_entries.confirm_by_edit(session, tender, member, bidder, question)
        return SaveResult(saved.value.version, saved.warnings)

    return cast("Outcome[int]", change(db, reference, edit, actor=actor))  # `change` unwraps the SaveResult


def withdraw_score(
    db: Database,
    actor: Actor,
    reference: str | None,
    member: str,
    bidder: str,
    question: str,
    reason: str,
    expected_version: int | None = None,
) -> Outcome[None]:
    """Withdraw the member's own score into "not yet scored" while scoring is open (an undone first
    score), recorded in the audit log as a withdrawal with `reason`. Only the member does it."""
    _own(actor, member, "withdrawing a score")
    if name_of(actor) not in lookup_names(member):
        raise WorkflowError(f"only {member} withdraws their own score; nothing was done")
    return change(
        db,
        reference,
        lambda s, t: score_withdrawal.withdraw_score(s, t, member, bidder, question, reason, expected_version),
        actor=actor,
    )


def enter_by_proxy(
    db: Database,
    actor: Actor,
    reference: str | None,
    member: str,
    bidder: str,
    question: str,
    score: float,
    rationale: str,
    source: str,
) -> Outcome[int]:
    """The officer, signed in, types one of `member`'s scores in from the member's signed paper form
    (or another record of theirs), named by `source`. Saved as the member's score; the audit entry is
    the officer's, with the reason "entered by proxy from <source>", and the score is listed as
    entered by proxy until the member confirms it. The score's new version."""
    if not isinstance(actor, SignedIn):
        raise WorkflowError(
            f"{name_of(actor)} is not signed in: the officer signs in (with their passphrase) to enter "
            f"{member}'s scores for them; nothing was saved"
        )
    if actor.role != "officer":
        raise WorkflowError(
            f"{actor.member} is signed in as {actor.role}: only the procurement officer enters a member's scores "
            "from their signed paper form; nothing was saved"
        )

    def edit(session: Session, tender: Tender) -> SaveResult:
        proxy_entries.require_officer(session, tender, actor.member)
        saved = proxy_entries.enter_by_proxy(
            session, tender, actor.member, member, bidder, question, score, rationale, source
        )
        return SaveResult(saved.value.version, saved.warnings)

    return cast("Outcome[int]", change(db, reference, edit, actor=actor))


def confirm_proxy_scores(db: Database, actor: Actor, reference: str | None, member: str) -> Outcome[int]:
    """`member`, signed in, accepts as theirs every score entered for them by proxy and not yet
    confirmed, in one transaction (each confirmation in the record); how many were confirmed."""
    if not isinstance(actor, SignedIn):
        raise WorkflowError(f"{member} signs in (with their passphrase) to confirm the scores entered for them")
    _own(actor, member, "confirming the scores entered for them")
    return change(
        db, reference, lambda s, t: proxy_entries.confirm_proxy_scores(s, t, member, actor.member), actor=actor
    )


def proxy_scores(db: Database, reference: str | None, member: str | None = None) -> list[ProxyScore]:
    """The scores entered by proxy (for one member, or everyone's): member, bidder, question, score,
    source, entered_by, entered_at and confirmed_at ("" until the member confirms)."""
    return look(db, reference, lambda s, t: proxy_entries.proxy_scores(s, t, member))


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
    _own(actor, member, "reviewing pledges")
    return change(
        db,
        reference,
        lambda s, t: _none(
            pledge_reviews.review_pledge(s, t, member, bidder, ref, decision, quantity, reason, actor=name_of(actor))
        ),
        actor=actor,
    )


def withdraw_review(
    db: Database, actor: Actor, reference: str | None, member: str, bidder: str, ref: str, reason: str
) -> Outcome[None]:
    """Withdraw the member's own view of one pledge into "not yet reviewed" while scoring is open (an
    undone first review), recorded in the audit log with `reason`. Only the member does it."""
    _own(actor, member, "withdrawing a pledge review")
    if name_of(actor) not in lookup_names(member):
        raise WorkflowError(f"only {member} withdraws their own pledge review; nothing was done")
    return change(
        db,
        reference,
        lambda s, t: pledge_reviews.withdraw_review(s, t, member, bidder, ref, reason),
        actor=actor,
    )


def _none(_entity: object) -> None:
    return None
