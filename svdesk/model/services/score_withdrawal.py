"""A member's score withdrawn into "not yet scored" while scoring is open (issue 17: undoing a first score).

Nothing is rewound: the withdrawal is a change of its own, recorded in the audit log with the score
it withdrew and the reason, so the record still shows that the score was given. Only while scoring
is open (after it, the scores are the moderation's evidence), only by the member themselves, and
not for a score entered by proxy (its `ProxyEntry` says who typed it in from what: the officer
corrects it instead).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import ProxyEntry, Score, Tender, TenderStatus
from svdesk.model.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.services.tenders import (
    check_version,
    find_bidder,
    find_member,
    find_question,
    require_acting,
    require_editable,
    require_status,
)


def withdraw_score(
    session: Session,
    tender: Tender,
    member_name: str,
    bidder_name: str,
    question_code: str,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """Withdraw `member_name`'s score of `question_code` for `bidder_name`: not yet scored again."""
    require_editable(session, tender)
    require_status(tender, (TenderStatus.SCORING,), "withdrawing a score")
    member = find_member(session, tender, member_name)
    require_acting(session, member, "withdraw a score")
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    what = f"{member.name}'s score of {question_code} for {bidder_name}"
    why = (reason or "").strip()
    if not why:
        raise ValidationError(f"{what}: give a reason for withdrawing it, for the record")
    score = session.scalars(
        select(Score).where(
            Score.member_id == member.id, Score.bidder_id == bidder.id, Score.question_id == question.id
        )
    ).first()
    if score is None:
        raise NotFoundError(f"{what}: there is no score to withdraw (it is not yet scored)")
    check_version(score, expected_version, what)
    proxy = session.scalars(
        select(ProxyEntry.id).where(
            ProxyEntry.member_id == member.id, ProxyEntry.bidder_id == bidder.id, ProxyEntry.question_id == question.id
        )
    ).first()
    if proxy is not None:
        raise WorkflowError(f"{what} was entered by proxy: it is corrected, not withdrawn")
    audit.record(
        session,
        tender.uid,
        member.name,
        ChangeKind.SCORE_WITHDRAW,
        state.score_key(bidder.id, question.id, member.id),
        state.score_value(score.score, score.rationale),
        None,
        reason=why,
    )
    session.delete(score)
    session.flush()
