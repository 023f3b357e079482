"""Writing a parsed evaluation file (`EvaluationDoc`) into the database as a new tender.

Everything in one go in the caller's transaction, so a load is all-or-nothing; the bulk of it
(scores, moderation, declarations, pledge reviews) as set-based inserts.
"""

from __future__ import annotations

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import (
    AuditEntry,
    Base,
    Bidder,
    Declaration,
    ModeratedScore,
    PanelMember,
    Pledge,
    PledgeReview,
    QuantitativeMethod,
    Question,
    Role,
    ScaleDescriptor,
    Score,
    Section,
    Signature,
    Tender,
    TenderMeasure,
    TenderStatus,
)
from svdesk.model.errors import Problem, ValidationError
from svdesk.model.evaluation_doc import EvaluationDoc
from svdesk.model.kinds import ChangeKind
from svdesk.model.services.locked_record import require_replaceable


def _status_for(doc: EvaluationDoc) -> TenderStatus:
    """Loaded tenders start in the state their content shows; sign-off is never loaded, only done."""
    if doc.moderated:
        return TenderStatus.MODERATION
    if doc.scores:
        return TenderStatus.SCORING
    return TenderStatus.DRAFT


def _table(entity: type[Base]) -> Table:
    """An entity's table, for bulk inserts (SQLAlchemy types `__table__` as any FromClause)."""
    table = entity.__table__
    assert isinstance(table, Table)  # a declarative class maps one Table
    return table


def _replaced(session: Session, tender: Tender) -> dict[str, object]:
    """What the load entry records of the tender it replaces: its chain's id, length and head."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.tender_uid == tender.uid)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return {
        "replaced_tender_uid": tender.uid,
        "replaced_entries": last[0] if last else 0,
        "replaced_head": last[1] if last else audit.GENESIS,
    }


def write_evaluation(
    session: Session, doc: EvaluationDoc, actor: str, replace: bool = False, source: str = ""
) -> Tender:
    """Insert the tender and everything in it. The caller's transaction makes it all-or-nothing."""
    existing = session.scalars(select(Tender).where(Tender.reference == doc.reference)).first()
    replaced: dict[str, object] | None = None
    if existing is not None:
        if not replace:
            raise ValidationError(
                [
                    Problem(
                        "tender.reference", f"a tender {doc.reference!r} already exists; use --replace to overwrite it"
                    )
                ],
                source or None,
            )
        # Nothing replaces a locked record; the replaced tender's chain stays in the log, and the new
        # chain's first entry names it, with the head it had (`verify` reports the replacement).
        require_replaceable(session, doc.reference, source)
        replaced = _replaced(session, existing)
        # its signatures first (their seals with them): a seal holds on to the key it was made with
        session.execute(delete(Signature).where(Signature.tender_id == existing.id))
        session.delete(existing)
        session.flush()
    tender = Tender(
        reference=doc.reference,
        title=doc.title,
        contract_value=doc.contract_value,
        weight_price=doc.weights.price,
        weight_quality=doc.weights.quality,
        weight_social_value=doc.weights.social_value,
        sv_quantitative_share=doc.share,
        quantitative_method=QuantitativeMethod(doc.method),
        scale_max=doc.scale_max,
        scale_step=doc.scale_step,
        status=_status_for(doc),
        hide_prices_from_quality=doc.hide_prices_from_quality,
    )
    tender.descriptors = [ScaleDescriptor(score=k, label=v) for k, v in sorted(doc.descriptors.items())]
    measures = {
        m.ref: TenderMeasure(
            ref=m.ref,
            description=m.description,
            unit=m.unit,
            proxy_value=m.proxy_value,
            catalogue_measure_id=m.catalogue_id,
            catalogue_proxy_value=m.catalogue_proxy_value,
            proxy_override_reason=m.proxy_override_reason,
            theme=m.theme,
            position=i,
        )
        for i, m in enumerate(doc.measures)
    }
    tender.measures = list(measures.values())
    questions = {
        q.code: Question(
            code=q.code,
            section=Section(q.section),
            title=q.title,
            text=q.text,
            guidance=q.guidance,
            weight=q.weight,
            minimum_score=q.minimum_score,
            position=i,
        )
        for i, q in enumerate(doc.questions)
    }
    tender.questions = list(questions.values())
    adjustments = {(b, r): (a, why) for b, r, a, why in doc.adjustments}
    bidders: dict[str, Bidder] = {}
    for i, b in enumerate(doc.bidders):
        bidder = Bidder(name=b.name, price=b.price, position=i)
        for ref, qty in b.pledges.items():
            accepted, why = adjustments.get((b.name, ref), (None, ""))
            bidder.pledges.append(
                Pledge(measure=measures[ref], quantity=qty, accepted_quantity=accepted, adjustment_reason=why)
            )
        bidders[b.name] = bidder
    tender.bidders = list(bidders.values())
    members = {name: PanelMember(name=name, role=Role(role), position=i) for i, (name, role) in enumerate(doc.panel)}
    tender.panel = list(members.values())
    session.add(tender)
    session.flush()
    # Bulk inserts: an evaluation file can carry 80,000 scores.
    if doc.scores:
        session.execute(
            _table(Score).insert(),
            [
                {
                    "member_id": members[e].id,
                    "bidder_id": bidders[b].id,
                    "question_id": questions[q].id,
                    "score": s,
                    "rationale": r,
                    "version": 1,
                    "updated_at": tender.created_at,
                }
                for e, b, q, s, r in doc.scores
            ],
        )
    if doc.moderated:
        session.execute(
            _table(ModeratedScore).insert(),
            [
                {
                    "bidder_id": bidders[b].id,
                    "question_id": questions[q].id,
                    "score": s,
                    "rationale": r,
                    "version": 1,
                    "updated_at": tender.created_at,
                }
                for b, q, s, r in doc.moderated
            ],
        )
    if doc.declarations:
        session.execute(
            _table(Declaration).insert(),
            [
                {
                    "member_id": members[m].id,
                    "bidder_id": bidders[b].id,
                    "conflict": conflict,
                    "details": details,
                    "declared_at": tender.created_at,
                }
                for m, b, conflict, details in doc.declarations
            ],
        )
    if doc.pledge_reviews:
        pledge_id = {(b.name, p.measure.ref): p.id for b in bidders.values() for p in b.pledges}
        session.execute(
            _table(PledgeReview).insert(),
            [
                {
                    "member_id": members[m].id,
                    "pledge_id": pledge_id[(b, r)],
                    "decision": d,
                    "accepted_quantity": a,
                    "reason": why,
                    "version": 1,
                }
                for m, b, r, d, a, why in doc.pledge_reviews
            ],
        )
    # One entry holds the whole loaded record: `verify` replays the log from this snapshot.
    audit.record(
        session,
        tender.uid,
        actor,
        ChangeKind.TENDER_LOAD,
        "tender",
        replaced,
        {"source": source, "state": state.current_state(session, tender)},
    )
    return tender
