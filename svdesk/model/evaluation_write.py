"""Writing a parsed evaluation file (`EvaluationDoc`) into the database as a new tender.

Everything in one go in the caller's transaction, so a load is all-or-nothing; the bulk of it
(scores, moderation, declarations, pledge reviews, proxy entries, the suppliers' details) as
set-based inserts. The parties (`evaluation_parties`): the suppliers' and the procurement's details
are rows of the tender's record, in the load's snapshot like the rest; the authority's profile is
the database's, and what the load set in it is named in the load's entry.

A version-2 file's signatures (their keys and seals already checked against the file by
`evaluation_doc`) are kept only if the content written is what was signed: the loaded tender's
content fingerprint, computed in this transaction, must be each signature's; any that is not
refuses the whole load, naming the file, the signature and its member. The keys come in as their
public values with an empty sealed half: such a key verifies what its member signed, but nobody
can sign in with it here (`services/identity.sealed_key`; the officer enrols the member again).
Keys that come with the file vouch only for themselves (whoever wrote the file could have made
them): the seals prove the content is what the holders of those keys signed; that the keys are the
members' is for a person to compare (the fingerprints the source's reports print, and `record`'s
head with `verify --expect-head` in the source database).

The load's snapshot says what was loaded (`carried_signatures.snapshot_marks`): the file's format,
whether its signatures were verified and carried, and the source database's chain. It is recorded
unsigned: a tender that did not exist in this database had nobody signed in to it, and the seals
carried (not the snapshot's signature) are what vouch for the signed content. Once the loaded
tender holds a key in force, every later entry is signed (`audit.record`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from svdesk.model import audit, state, state_encoding
from svdesk.model.entities import (
    AuditEntry,
    Base,
    Bidder,
    Declaration,
    MemberDetail,
    MemberKey,
    ModeratedScore,
    PanelMember,
    Pledge,
    PledgeReview,
    ProxyEntry,
    QuantitativeMethod,
    Question,
    Role,
    ScaleDescriptor,
    Score,
    Section,
    Signature,
    SignatureSeal,
    Tender,
    TenderMeasure,
    TenderStatus,
)
from svdesk.model.errors import Problem, TenderExistsError, ValidationError
from svdesk.model.evaluation_doc import EvaluationDoc
from svdesk.model.evaluation_documents import write_documents
from svdesk.model.evaluation_meetings import write_meetings
from svdesk.model.evaluation_parties import SOURCED_AUTHORITY, take_authority, write_procurement, write_suppliers
from svdesk.model.kinds import ChangeKind
from svdesk.model.services.carried_signatures import snapshot_marks
from svdesk.model.services.locked_record import require_replaceable

CARRIED_KEY = b""  # the sealed private half of a key that came with a file: none (it stayed where it was made)


def _status_for(doc: EvaluationDoc) -> TenderStatus:
    """Loaded tenders start in the state their content shows: signed off when every member who signs
    (not the officer, not a withdrawn member) signed (the signatures are checked before it is
    written), in moderation when some did, else as far as the scores and moderation go."""
    if doc.signatures:
        signed = {s.member for s in doc.signatures}
        withdrawn = {name for name, d in doc.details.items() if d.withdrawn}
        signers = {name for name, role in doc.panel if role != Role.OFFICER.value and name not in withdrawn}
        return TenderStatus.SIGNED_OFF if signers <= signed else TenderStatus.MODERATION
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
    session: Session,
    doc: EvaluationDoc,
    actor: str,
    replace: bool = False,
    source: str = "",
    *,
    keep_authority: bool = False,
) -> Tender:
    """Insert the tender and everything in it. The caller's transaction makes it all-or-nothing.
    The file's authority sets the database's profile (`evaluation_parties.take_authority`): where
    they differ, the load is refused unless it replaces; `keep_authority` (the demo) leaves a
    profile that is set as it is."""
    existing = session.scalars(select(Tender).where(Tender.reference == doc.reference)).first()
    replaced: dict[str, object] | None = None
    if existing is not None:
        if not replace:
            raise TenderExistsError(doc.reference, source or None)
        # Nothing replaces a locked record; the replaced tender's chain stays in the log, and the new
        # chain's first entry names it, with the head it had (`verify` reports the replacement).
        require_replaceable(session, doc.reference, source)
        replaced = _replaced(session, existing)
        # its signatures first (their seals with them): a seal holds on to the key it was made with
        session.execute(delete(Signature).where(Signature.tender_id == existing.id))
        session.delete(existing)
        session.flush()
    authority_set = take_authority(session, doc.authority, actor, replace=replace, keep=keep_authority, source=source)
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
    if doc.proxy_entries:  # part of the signed content: written before the fingerprint is checked
        session.execute(
            _table(ProxyEntry).insert(),
            [
                {
                    "member_id": members[p.member].id,
                    "bidder_id": bidders[p.bidder].id,
                    "question_id": questions[p.question].id,
                    "entered_by": p.entered_by,
                    "source": p.source,
                    "entered_at": p.entered_at,
                    "confirmed_at": p.confirmed_at,
                }
                for p in doc.proxy_entries
            ],
        )
    # not fingerprinted (who the parties are is not how the bids were evaluated): the signatures hold
    write_procurement(session, tender, doc.procurement)
    write_suppliers(session, bidders, doc.suppliers)
    write_meetings(session, tender, doc.meetings, doc.minutes, members, bidders, questions)  # not fingerprinted either
    # nor the documents (their rows; the bytes travel in the documents archive: evaluation_documents)
    loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    write_documents(session, tender, doc.documents, bidders, questions, loaded_at)
    _write_signed(session, tender, doc, members)
    session.flush()
    record = state.read_record(session, tender)
    if doc.signatures:
        _check_fingerprints(doc, state_encoding.encode_state(tender, record).fingerprint, source)
    # One entry holds the whole loaded record: `verify` replays the log from this snapshot.
    audit.record(
        session,
        tender.uid,
        actor,
        ChangeKind.TENDER_LOAD,
        "tender",
        replaced,
        {
            "source": source,
            **snapshot_marks(doc.format, bool(doc.signatures), doc.record),
            **({SOURCED_AUTHORITY: authority_set} if authority_set else {}),
            "state": state.state_of(tender, record),
        },
    )
    return tender


def _write_signed(session: Session, tender: Tender, doc: EvaluationDoc, members: dict[str, PanelMember]) -> None:
    """A version-2 file's member details, keys (public values, no sealed half) and signatures with their seals."""
    for name, d in doc.details.items():
        session.add(
            MemberDetail(
                member_id=members[name].id,
                email=d.email,
                withdrawn=d.withdrawn,
                withdrawal_reason=d.withdrawal_reason,
                withdrawn_at=d.withdrawn_at,
            )
        )
    keys: dict[str, MemberKey] = {}
    for k in doc.keys:
        keys[k.key_fingerprint] = key = MemberKey(
            member_id=members[k.member].id,
            public_key=k.public_key,
            key_fingerprint=k.key_fingerprint,
            enrolled_at=k.enrolled_at,
            reason=k.reason,
            retired=k.retired,
            sealed_private_key=CARRIED_KEY,
            kdf="",
            salt=b"",
            failed_attempts=0,
            locked_until="",
        )
        session.add(key)
    session.flush()
    for s in doc.signatures:
        sig = Signature(
            tender_id=tender.id,
            member_id=members[s.member].id,
            name=s.member,
            role=s.role,
            signed_at=s.signed_at,
            fingerprint=s.fingerprint,
            audit_head=s.audit_head,
            withdrawn=False,
        )
        session.add(sig)
        session.flush()
        session.add(SignatureSeal(signature_id=sig.id, key_id=keys[s.key_fingerprint].id, seal=s.seal))


def _check_fingerprints(doc: EvaluationDoc, fingerprint: str, source: str) -> None:
    """Each signature must be of the content as loaded; any that is not refuses the load (rolled back)."""
    problems = [
        Problem(
            s.where,
            f"the file's content is not what {s.member} signed "
            f"(fingerprint {s.fingerprint[:16]}\u2026 now {fingerprint[:16]}\u2026)",
        )
        for s in doc.signatures
        if s.fingerprint != fingerprint
    ]
    if problems:
        raise ValidationError(problems, source or None)
