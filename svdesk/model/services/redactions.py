"""Passages of a bid's consensus explanation withheld from the other suppliers (issue 15 item 3).

Regulation 31(3) gives an unsuccessful supplier the information of 31(2)(e) about the most
advantageous tender too, so the winning bid's explanations go to every losing bidder. The
Procurement Act 2023, s.94(1)(b), lets an authority withhold "sensitive commercial information"
(s.94(2): a trade secret, or information whose disclosure "would be likely to prejudice the
commercial interests of any person") where "there is an overriding public interest in its being
withheld"; s.94(3) then requires it to tell the recipient "the fact that information is being
withheld" and under which paragraph. So the officer marks a passage, exactly as it stands in the
explanation, with a reason; every other supplier's summary shows `WITHHELD` in its place (the fact
and the paragraph); the bidder's own summary and the internal reports show it whole, and the
internal reports list each redaction with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.contact import checked_text
from svdesk.model.entities import Bidder, ModeratedScore, Question, Redaction, Tender
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import quoted
from svdesk.model.services.parties import require_before_award
from svdesk.model.services.tenders import find_bidder, find_question

WITHHELD = "[withheld: sensitive commercial information, Procurement Act 2023 s.94(1)(b)]"


@dataclass(frozen=True)
class RedactionRow:
    id: int
    bidder: str
    question: str  # its code
    passage: str
    reason: str
    made_by: str
    made_at: str


def redactions(session: Session, tender: Tender) -> list[RedactionRow]:
    rows = session.execute(
        select(Redaction, Bidder.name, Question.code)
        .join(Bidder, Redaction.bidder_id == Bidder.id)
        .join(Question, Redaction.question_id == Question.id)
        .where(Bidder.tender_id == tender.id)
        .order_by(Redaction.id)
    ).all()
    return [RedactionRow(r.id, b, q, r.passage, r.reason, r.made_by, r.made_at) for r, b, q in rows]


def redact(
    session: Session, tender: Tender, actor: str, bidder_name: str, question_code: str, passage: str, reason: str
) -> RedactionRow:
    """Withhold `passage` of the bid's consensus explanation of the question from other suppliers."""
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    require_before_award(session, tender, "withholding a passage")
    text = (passage or "").strip()
    if len(text) > 5000:
        raise ValidationError(f"passage: {len(text):,} characters; withhold at most 5,000 at a time")
    if not text:
        raise ValidationError("choose the passage to withhold")
    why = checked_text(reason, "reason", 1000)
    if not why:
        raise ValidationError("withholding a passage needs a reason, for the record")
    moderated = session.scalars(
        select(ModeratedScore).where(ModeratedScore.bidder_id == bidder.id, ModeratedScore.question_id == question.id)
    ).first()
    if moderated is None or text not in moderated.rationale:
        raise ValidationError(
            f"{quoted(text)} is not in the panel's explanation of {question.code} for {bidder.name}; "
            "withhold words exactly as they stand in it"
        )
    made_at = datetime.now(UTC).isoformat(timespec="seconds")
    row = Redaction(
        bidder_id=bidder.id, question_id=question.id, passage=text, reason=why, made_by=actor, made_at=made_at
    )
    session.add(row)
    session.flush()
    audit.record(
        session, tender.uid, actor, ChangeKind.REDACTION_ADD, state.redaction_key(row), None, state.redaction_value(row)
    )
    return RedactionRow(row.id, bidder.name, question.code, text, why, actor, made_at)


def remove_redaction(session: Session, tender: Tender, actor: str, redaction_id: int, reason: str = "") -> None:
    row = session.get(Redaction, redaction_id)
    bidder = session.get(Bidder, row.bidder_id) if row is not None else None
    if row is None or bidder is None or bidder.tender_id != tender.id:
        raise WorkflowError(f"tender {tender.reference} has no withheld passage {redaction_id}")
    require_before_award(session, tender, "removing a withheld passage")
    key, before = state.redaction_key(row), state.redaction_value(row)
    session.delete(row)
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.REDACTION_REMOVE, key, before, None, reason=reason.strip())


def apply(text: str, passages: list[str]) -> str:
    """`text` with each passage replaced by the withheld mark (longest first: one passage may hold
    another)."""
    for passage in sorted(passages, key=len, reverse=True):
        text = text.replace(passage, WITHHELD)
    return text
