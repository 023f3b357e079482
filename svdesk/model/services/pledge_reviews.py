"""Each panel member's view of the pledges while scoring, and their reconciliation in moderation.

While scoring, a member looks at each pledge of a bid (its measure, unit, quantity and £) and
accepts it, reduces it to a quantity, or rejects it, with a reason (deliverability, relevance,
double counting, evidence). Scoring is blind here too: a member sees only their own views until
moderation, where the panel reconciles them into the pledge's accepted quantity (adjust_pledge).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import Bidder, PanelMember, Pledge, PledgeReview, Tender, TenderMeasure, TenderStatus
from svdesk.model.errors import NotFoundError, ValidationError
from svdesk.model.kinds import ChangeKind
from svdesk.model.pledge_value import pledged_value
from svdesk.model.rows import bulk_work
from svdesk.model.services.tenders import (
    find_bidder,
    find_member,
    require_acting,
    require_cleared,
    require_editable,
    require_status,
)
from svdesk.model.services.workflow import conflicts

DECISIONS = ("accept", "reduce", "reject")
REASONS = ("deliverability", "relevance", "double counting", "evidence")


@dataclass
class PledgeItem:
    bidder: str
    ref: str
    description: str
    unit: str
    proxy_value: float
    quantity: float
    decision: str | None = None
    accepted: float | None = None
    reason: str = ""

    @property
    def value(self) -> float:
        return pledged_value(self.quantity, self.proxy_value)


def review_pledge(
    session: Session,
    tender: Tender,
    member_name: str,
    bidder_name: str,
    ref: str,
    decision: str,
    accepted: float | None = None,
    reason: str = "",
    actor: str | None = None,
) -> PledgeReview:
    require_editable(session, tender)
    require_status(tender, (TenderStatus.SCORING,), "reviewing pledges")
    member = find_member(session, tender, member_name)
    require_acting(session, member, "review pledges")
    bidder = find_bidder(session, tender, bidder_name)
    require_cleared(session, tender, member, bidder)
    pledge = session.scalars(
        select(Pledge)
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(Pledge.bidder_id == bidder.id, TenderMeasure.ref == ref)
    ).first()
    if pledge is None:
        raise NotFoundError(f"{bidder_name} made no pledge against {ref}")
    if decision not in DECISIONS:
        raise ValidationError(f"{ref} for {bidder_name}: choose accept, reduce or reject")
    why = (reason or "").strip()
    if decision == "accept":
        accepted = None
    elif decision == "reject":
        accepted = 0.0
    else:
        if accepted is None or isinstance(accepted, bool) or not math.isfinite(accepted) or accepted < 0:
            raise ValidationError(f"{ref} for {bidder_name}: give the quantity you would accept")
        if accepted >= pledge.quantity:
            raise ValidationError(
                f"{ref} for {bidder_name}: {accepted:g} is not less than the {pledge.quantity:g} "
                "pledged; accept it instead"
            )
    if decision != "accept" and not why:
        raise ValidationError(f"{ref} for {bidder_name}: give a reason (e.g. {', '.join(REASONS)})")
    review = session.scalars(
        select(PledgeReview).where(PledgeReview.member_id == member.id, PledgeReview.pledge_id == pledge.id)
    ).first()
    before = state.review_value(review) if review else None
    if review is None:
        review = PledgeReview(member_id=member.id, pledge_id=pledge.id, decision=decision, reason="")
        session.add(review)
    review.decision, review.accepted_quantity, review.reason = decision, accepted, why
    session.flush()
    audit.record(
        session,
        tender.uid,
        actor or member.name,
        ChangeKind.PLEDGE_REVIEW,
        state.review_key(member.id, bidder.id, pledge.tender_measure_id),
        before,
        state.review_value(review),
    )
    return review


def withdraw_review(
    session: Session, tender: Tender, member_name: str, bidder_name: str, ref: str, reason: str
) -> None:
    """Withdraw `member_name`'s view of the pledge into "not yet reviewed" (issue 17: undoing a first
    review). Nothing is rewound: the removal is a change of its own in the audit log, with the view it
    removed and the reason (Procurement Act 2023 s.98: the record keeps that the view was given).
    Only while scoring is open: after it, the views are what moderation reconciled."""
    require_editable(session, tender)
    require_status(tender, (TenderStatus.SCORING,), "withdrawing a pledge review")
    member = find_member(session, tender, member_name)
    require_acting(session, member, "withdraw a pledge review")
    bidder = find_bidder(session, tender, bidder_name)
    what = f"{member.name}'s review of {ref} for {bidder_name}"
    why = (reason or "").strip()
    if not why:
        raise ValidationError(f"{what}: give a reason for withdrawing it, for the record")
    pledge = session.scalars(
        select(Pledge)
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(Pledge.bidder_id == bidder.id, TenderMeasure.ref == ref)
    ).first()
    if pledge is None:
        raise NotFoundError(f"{bidder_name} made no pledge against {ref}")
    review = session.scalars(
        select(PledgeReview).where(PledgeReview.member_id == member.id, PledgeReview.pledge_id == pledge.id)
    ).first()
    if review is None:
        raise NotFoundError(f"{what}: there is no review to withdraw (it is not yet reviewed)")
    audit.record(
        session,
        tender.uid,
        member.name,
        ChangeKind.PLEDGE_REVIEW_REMOVE,
        state.review_key(member.id, bidder.id, pledge.tender_measure_id),
        state.review_value(review),
        None,
        reason=why,
    )
    session.delete(review)
    session.flush()


def forget_reviews(session: Session, tender: Tender, pledge: Pledge, actor: str, reason: str) -> None:
    """Before a pledge is deleted: its reviews go too, on the record (the database would cascade silently)."""
    for review in session.scalars(select(PledgeReview).where(PledgeReview.pledge_id == pledge.id)).all():
        audit.record(
            session,
            tender.uid,
            actor,
            ChangeKind.PLEDGE_REVIEW_REMOVE,
            state.review_key(review.member_id, pledge.bidder_id, pledge.tender_measure_id),
            state.review_value(review),
            None,
            reason=reason,
        )
        session.delete(review)
    session.flush()


@bulk_work()
def member_pledges(session: Session, tender: Tender, member_name: str) -> list[PledgeItem]:
    """The pledges this member reviews (not those of bids they declared a conflict with), with their view.
    Refused until they have declared for every bidder: no bid's content before the declarations."""
    member = find_member(session, tender, member_name)
    require_cleared(session, tender, member)
    blocked = {b for m, b in conflicts(session, tender) if m == member.id}
    # plain columns, not objects: a framework has 12,000 pledges
    own = {
        pid: (decision, quantity, reason)
        for pid, decision, quantity, reason in session.execute(
            select(
                PledgeReview.pledge_id, PledgeReview.decision, PledgeReview.accepted_quantity, PledgeReview.reason
            ).where(PledgeReview.member_id == member.id)
        )
    }
    return [
        PledgeItem(bname, ref, description, unit, proxy, quantity, *own.get(pid, (None, None, "")))
        for pid, quantity, bname, ref, description, unit, proxy in session.execute(
            select(
                Pledge.id,
                Pledge.quantity,
                Bidder.name,
                TenderMeasure.ref,
                TenderMeasure.description,
                TenderMeasure.unit,
                TenderMeasure.proxy_value,
            )
            .join(Bidder, Pledge.bidder_id == Bidder.id)
            .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
            .where(Bidder.tender_id == tender.id, Bidder.id.not_in(blocked or [-1]))
            .order_by(Bidder.position, TenderMeasure.position)
        )
    ]


@dataclass
class PledgeReconciliation:
    bidder: str
    ref: str
    unit: str
    quantity: float
    accepted_now: float | None
    reason_now: str
    views: list[tuple[str, str, float | None, str]] = field(default_factory=list)  # member, decision, qty, why


@bulk_work()
def pledges_to_reconcile(session: Session, tender: Tender) -> list[PledgeReconciliation]:
    """Every pledge with each member's view, for the moderation meeting (after scoring is closed)."""
    if tender.status in (TenderStatus.DRAFT, TenderStatus.SCORING):
        require_status(tender, (TenderStatus.MODERATION,), "seeing the panel's views of the pledges")
    rows: dict[int, PledgeReconciliation] = {}
    of_tender = Bidder.tender_id == tender.id
    for pid, bname, ref, unit, quantity, accepted, reason in session.execute(
        select(
            Pledge.id,
            Bidder.name,
            TenderMeasure.ref,
            TenderMeasure.unit,
            Pledge.quantity,
            Pledge.accepted_quantity,
            Pledge.adjustment_reason,
        )
        .join(Bidder, Pledge.bidder_id == Bidder.id)
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(of_tender)
        .order_by(Bidder.position, TenderMeasure.position)
    ):
        rows[pid] = PledgeReconciliation(bname, ref, unit, quantity, accepted, reason)
    for pid, name, decision, view_quantity, why in session.execute(
        select(
            PledgeReview.pledge_id,
            PanelMember.name,
            PledgeReview.decision,
            PledgeReview.accepted_quantity,
            PledgeReview.reason,
        )
        .join(PanelMember, PledgeReview.member_id == PanelMember.id)
        .where(PanelMember.tender_id == tender.id)
        .order_by(PanelMember.position)
    ):
        rows[pid].views.append((name, decision, view_quantity, why))
    return list(rows.values())
