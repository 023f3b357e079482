"""Tender look-up and the everyday edits, each validated, locked after sign-off and audited.

Every function takes the caller's Session (one unit of work, see `Database.transaction`) and the
acting user's name, changes one thing, and appends to the audit log in the same transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svdesk.model import audit
from svdesk.model.entities import (
    Bidder,
    ModeratedScore,
    PanelMember,
    Pledge,
    Question,
    Score,
    Tender,
    TenderMeasure,
    TenderStatus,
)
from svdesk.model.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.model.scoring import Weights, score_problem, weights_problem

LOCKED_STATES = (TenderStatus.SIGNED_OFF, TenderStatus.AWARDED)


@dataclass(frozen=True)
class TenderSummary:
    id: int
    reference: str
    title: str
    status: str
    contract_value: float
    bidders: int
    questions: int
    measures: int
    panel: int
    scores: int
    moderated: int


def list_tenders(session: Session) -> list[TenderSummary]:
    def counts(model: type, key: object, join: tuple | None = None) -> dict[int, int]:
        stmt = select(key, func.count()).select_from(model)
        if join is not None:
            stmt = stmt.join(*join)
        return dict(session.execute(stmt.group_by(key)).all())  # type: ignore[arg-type]

    bidders = counts(Bidder, Bidder.tender_id)
    questions = counts(Question, Question.tender_id)
    measures = counts(TenderMeasure, TenderMeasure.tender_id)
    panel = counts(PanelMember, PanelMember.tender_id)
    scores = counts(Score, PanelMember.tender_id, (PanelMember, Score.member_id == PanelMember.id))
    moderated = counts(ModeratedScore, Bidder.tender_id, (Bidder, ModeratedScore.bidder_id == Bidder.id))
    return [
        TenderSummary(
            t.id,
            t.reference,
            t.title,
            t.status.value,
            t.contract_value,
            bidders.get(t.id, 0),
            questions.get(t.id, 0),
            measures.get(t.id, 0),
            panel.get(t.id, 0),
            scores.get(t.id, 0),
            moderated.get(t.id, 0),
        )
        for t in session.scalars(select(Tender).order_by(Tender.created_at.desc(), Tender.id.desc())).all()
    ]


def get_tender(session: Session, reference: str | None = None) -> Tender:
    """The tender with this reference; with none given, the only tender in the database."""
    if reference is None:
        refs = session.scalars(select(Tender.reference).order_by(Tender.reference).limit(11)).all()
        if len(refs) == 1:
            reference = refs[0]
        elif not refs:
            raise NotFoundError("the database holds no tenders yet")
        else:
            shown = ", ".join(refs[:10]) + (" ..." if len(refs) > 10 else "")
            raise NotFoundError(f"the database holds several tenders; choose one with --tender ({shown})")
    tender = session.scalars(select(Tender).where(Tender.reference == reference)).first()
    if tender is None:
        raise NotFoundError(f"no tender with reference {reference!r}")
    return tender


def require_editable(tender: Tender) -> None:
    if tender.status in LOCKED_STATES:
        raise WorkflowError(
            f"tender {tender.reference} is {tender.status.value.replace('_', ' ')} and locked; "
            "reopen it (with a reason) to change anything"
        )


def _bidder(session: Session, tender: Tender, name: str) -> Bidder:
    found = session.scalars(select(Bidder).where(Bidder.tender_id == tender.id, Bidder.name == name)).first()
    if found is None:
        raise NotFoundError(f"no bidder named {name!r} in tender {tender.reference}")
    return found


def _question(session: Session, tender: Tender, code: str) -> Question:
    found = session.scalars(select(Question).where(Question.tender_id == tender.id, Question.code == code)).first()
    if found is None:
        raise NotFoundError(f"no question {code!r} in tender {tender.reference}")
    return found


def _member(session: Session, tender: Tender, name: str) -> PanelMember:
    found = session.scalars(
        select(PanelMember).where(PanelMember.tender_id == tender.id, PanelMember.name == name)
    ).first()
    if found is None:
        raise NotFoundError(f"{name!r} is not on the panel of tender {tender.reference}")
    return found


def _check_score(tender: Tender, score: float, rationale: str, what: str) -> str:
    problem = score_problem(score, tender.scale_max, tender.scale_step)
    if problem:
        raise ValidationError(f"{what}: {problem}")
    text = (rationale or "").strip()
    if not text:
        raise ValidationError(f"{what}: a rationale is required; cite the evidence in the bid")
    return text


def set_weights(session: Session, tender: Tender, actor: str, weights: Weights, share: float | None = None) -> None:
    require_editable(tender)
    problem = weights_problem(weights)
    if problem:
        raise ValidationError(problem)
    if share is not None and (not math.isfinite(share) or not 0 <= share <= 100):
        raise ValidationError(f"the quantitative share must be 0-100, not {share:g}")
    before = {
        "price": tender.weight_price,
        "quality": tender.weight_quality,
        "social_value": tender.weight_social_value,
        "share": tender.sv_quantitative_share,
    }
    tender.weight_price, tender.weight_quality, tender.weight_social_value = (
        weights.price,
        weights.quality,
        weights.social_value,
    )
    if share is not None:
        tender.sv_quantitative_share = share
    after = {
        "price": weights.price,
        "quality": weights.quality,
        "social_value": weights.social_value,
        "share": tender.sv_quantitative_share,
    }
    audit.record(session, tender.uid, actor, "weights.set", "tender", before, after)


def set_score(
    session: Session,
    tender: Tender,
    member_name: str,
    bidder_name: str,
    question_code: str,
    score: float,
    rationale: str,
) -> Score:
    """A panel member records (or changes) their own individual score."""
    require_editable(tender)
    member = _member(session, tender, member_name)
    bidder = _bidder(session, tender, bidder_name)
    question = _question(session, tender, question_code)
    text = _check_score(tender, score, rationale, f"{question_code} for {bidder_name}")
    existing = session.scalars(
        select(Score).where(
            Score.member_id == member.id, Score.bidder_id == bidder.id, Score.question_id == question.id
        )
    ).first()
    before = {"score": existing.score, "rationale": existing.rationale} if existing else None
    if existing is None:
        existing = Score(member=member, bidder=bidder, question=question, score=score, rationale=text)
        session.add(existing)
    else:
        existing.score, existing.rationale = score, text
    audit.record(
        session,
        tender.uid,
        member.name,
        "score.set",
        f"score/{bidder.name}/{question.code}/{member.name}",
        before,
        {"score": score, "rationale": text},
    )
    session.flush()
    return existing


def set_moderated(
    session: Session, tender: Tender, actor: str, bidder_name: str, question_code: str, score: float, rationale: str
) -> ModeratedScore:
    require_editable(tender)
    bidder = _bidder(session, tender, bidder_name)
    question = _question(session, tender, question_code)
    text = _check_score(tender, score, rationale, f"consensus {question_code} for {bidder_name}")
    existing = session.scalars(
        select(ModeratedScore).where(ModeratedScore.bidder_id == bidder.id, ModeratedScore.question_id == question.id)
    ).first()
    before = {"score": existing.score, "rationale": existing.rationale} if existing else None
    if existing is None:
        existing = ModeratedScore(bidder=bidder, question=question, score=score, rationale=text)
        session.add(existing)
    else:
        existing.score, existing.rationale = score, text
    audit.record(
        session,
        tender.uid,
        actor,
        "moderated.set",
        f"moderated/{bidder.name}/{question.code}",
        before,
        {"score": score, "rationale": text},
    )
    session.flush()
    return existing


def adjust_pledge(
    session: Session, tender: Tender, actor: str, bidder_name: str, ref: str, accepted: float | None, reason: str
) -> Pledge:
    """Accept (None), reduce or reject (0) a pledge, with the reason on record."""
    require_editable(tender)
    bidder = _bidder(session, tender, bidder_name)
    pledge = session.scalars(
        select(Pledge)
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(Pledge.bidder_id == bidder.id, TenderMeasure.ref == ref)
    ).first()
    if pledge is None:
        raise NotFoundError(f"{bidder_name} made no pledge against {ref}")
    if accepted is not None:
        if not math.isfinite(accepted) or accepted < 0:
            raise ValidationError(f"{ref} for {bidder_name}: accepted quantity must be 0 or more")
        if accepted > pledge.quantity:
            raise ValidationError(
                f"{ref} for {bidder_name}: accepted quantity {accepted:g} is more than the {pledge.quantity:g} pledged"
            )
        if not (reason or "").strip():
            raise ValidationError(f"{ref} for {bidder_name}: give a reason for reducing or rejecting the pledge")
    before = {"accepted": pledge.accepted_quantity, "reason": pledge.adjustment_reason}
    pledge.accepted_quantity = accepted
    pledge.adjustment_reason = (reason or "").strip() if accepted is not None else ""
    audit.record(
        session,
        tender.uid,
        actor,
        "pledge.adjust",
        f"pledge/{bidder.name}/{ref}",
        before,
        {"accepted": accepted, "reason": pledge.adjustment_reason},
    )
    session.flush()
    return pledge
