"""Writing a tender as an evaluation file (`svdesk-evaluation/2`): every field, set-based reads.

Loading the dump back gives the same results (and the same file); see evaluation_file.

Version 2 adds to version 1 what a signed record needs to travel: each member's details (email,
withdrawal), the members' keys (their public values only: the sealed private half, its salt and
KDF never leave the database), the signatures in force with their seals, and `record`, the
source database's audit chain (its tender uid, head and length), so that `svdesk verify
--expect-head` in the source database ties the file to the log kept there, and `proxy_entries`,
the scores the officer entered for a member (part of the signed content: without them a signed
tender with such scores would not load).

The parties (issue 15, `evaluation_parties`), each only where something is set: the database's
`authority`, the procurement's details among the tender's keys, and each bidder's legal details.
The bid documents (issue 18, `evaluation_documents`), where the tender has any: each one's bidder,
name, SHA-256, size, pages and the parts that answer each question, never its bytes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit
from svdesk.model.entities import (
    AuditEntry,
    Bidder,
    Declaration,
    MemberDetail,
    MemberKey,
    ModeratedScore,
    PanelMember,
    Pledge,
    PledgeReview,
    ProxyEntry,
    Question,
    Score,
    SignatureSeal,
    Tender,
    TenderMeasure,
)
from svdesk.model.evaluation_documents import document_entries
from svdesk.model.evaluation_meetings import meeting_entries
from svdesk.model.evaluation_parties import authority_entry, procurement_entry, supplier_entries
from svdesk.model.services.tenders import active_signatures

FORMAT_V1 = "svdesk-evaluation/1"  # no keys, no member details, no signatures: loaded as unsigned
FORMAT_V2 = "svdesk-evaluation/2"
FORMAT = FORMAT_V2  # what `dump_evaluation` writes
FORMATS = (FORMAT_V1, FORMAT_V2)  # what loading reads


def _num(value: float) -> int | float:
    """Whole numbers as integers, so a dump reads like a hand-written file."""
    return int(value) if math.isfinite(value) and value == int(value) and abs(value) < 2**53 else value


def _record(session: Session, tender: Tender) -> dict[str, Any]:
    """The tender's audit chain in this database: its uid, head and length (`record` of the file)."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.tender_uid == tender.uid)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    return {
        "tender_uid": tender.uid,
        "audit_head": last[1] if last else audit.GENESIS,
        "entries": last[0] if last else 0,
    }


def _keys(session: Session, member_of: dict[int, str]) -> list[dict[str, Any]]:
    """Every key of the panel, current and retired: the public values only, never the sealed half."""
    rows = session.execute(
        select(
            MemberKey.member_id,
            MemberKey.public_key,
            MemberKey.key_fingerprint,
            MemberKey.enrolled_at,
            MemberKey.reason,
            MemberKey.retired,
        )
        .join(PanelMember, MemberKey.member_id == PanelMember.id)
        .where(MemberKey.member_id.in_(list(member_of) or [-1]))
        .order_by(PanelMember.position, MemberKey.id)
    ).all()
    return [
        {
            "member": member_of[member_id],
            "public_key": public_key,
            "key_fingerprint": fingerprint,
            "enrolled_at": enrolled_at,
            "reason": reason,
            "retired": bool(retired),
        }
        for member_id, public_key, fingerprint, enrolled_at, reason, retired in rows
    ]


def _signatures(session: Session, tender: Tender) -> list[dict[str, Any]]:
    """The signatures in force, each with its seal and the fingerprint of the key that made it
    ("" and "" for a signature made before svdesk sealed signatures)."""
    in_force = active_signatures(session, tender)
    sealed = {
        sid: (seal, fingerprint)
        for sid, seal, fingerprint in session.execute(
            select(SignatureSeal.signature_id, SignatureSeal.seal, MemberKey.key_fingerprint)
            .join(MemberKey, SignatureSeal.key_id == MemberKey.id)
            .where(SignatureSeal.signature_id.in_([s.id for s in in_force] or [-1]))
        ).all()
    }
    out = []
    for sig in in_force:
        seal, key_fingerprint = sealed.get(sig.id, ("", ""))
        out.append(
            {
                "member": sig.name,
                "role": sig.role,
                "signed_at": sig.signed_at,
                "fingerprint": sig.fingerprint,
                "audit_head": sig.audit_head,
                "key_fingerprint": key_fingerprint,
                "seal": seal,
            }
        )
    return out


def _proxy_entries(
    session: Session, member_of: dict[int, str], name_of: dict[int, str], code_of: dict[int, str]
) -> list[dict[str, Any]]:
    """The scores entered by proxy, with exactly the fields the fingerprint covers (`record_shape.PROXY`)."""
    rows = session.execute(
        select(
            ProxyEntry.member_id,
            ProxyEntry.bidder_id,
            ProxyEntry.question_id,
            ProxyEntry.entered_by,
            ProxyEntry.source,
            ProxyEntry.entered_at,
            ProxyEntry.confirmed_at,
        )
        .where(ProxyEntry.member_id.in_(list(member_of) or [-1]))
        .order_by(ProxyEntry.id)
    ).all()
    return [
        {
            "member": member_of[m],
            "bidder": name_of[b],
            "question": code_of[q],
            "entered_by": entered_by,
            "source": source,
            "entered_at": entered_at,
            "confirmed_at": confirmed_at,
        }
        for m, b, q, entered_by, source, entered_at, confirmed_at in rows
    ]


def _member_entry(p: PanelMember, detail: MemberDetail | None) -> dict[str, Any]:
    """A panel member; their details only where svdesk has them (a detail row is part of the
    fingerprinted content, so a member without one must load without one)."""
    entry: dict[str, Any] = {"name": p.name, "role": p.role.value}
    if detail is not None:
        entry.update(
            email=detail.email,
            withdrawn=detail.withdrawn,
            withdrawal_reason=detail.withdrawal_reason,
            withdrawn_at=detail.withdrawn_at,
        )
    return entry


def dump_evaluation(session: Session, tender: Tender) -> dict[str, Any]:
    tid = tender.id
    measures = session.scalars(
        select(TenderMeasure).where(TenderMeasure.tender_id == tid).order_by(TenderMeasure.position)
    ).all()
    ref_of = {m.id: m.ref for m in measures}
    position_of = {m.id: m.position for m in measures}
    questions = session.scalars(select(Question).where(Question.tender_id == tid).order_by(Question.position)).all()
    code_of = {q.id: q.code for q in questions}
    bidders = session.scalars(select(Bidder).where(Bidder.tender_id == tid).order_by(Bidder.position)).all()
    name_of = {b.id: b.name for b in bidders}
    panel = session.scalars(
        select(PanelMember).where(PanelMember.tender_id == tid).order_by(PanelMember.position)
    ).all()
    member_of = {p.id: p.name for p in panel}
    details = {
        d.member_id: d
        for d in session.scalars(select(MemberDetail).where(MemberDetail.member_id.in_(list(member_of) or [-1])))
    }
    pledges: dict[int, list[Pledge]] = defaultdict(list)
    for p in session.scalars(select(Pledge).where(Pledge.bidder_id.in_(list(name_of) or [-1]))).all():
        pledges[p.bidder_id].append(p)
    scores = session.execute(
        select(Score.member_id, Score.bidder_id, Score.question_id, Score.score, Score.rationale)
        .where(Score.member_id.in_(list(member_of) or [-1]))
        .order_by(Score.id)
    ).all()
    moderated = session.execute(
        select(ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.score, ModeratedScore.rationale)
        .where(ModeratedScore.bidder_id.in_(list(name_of) or [-1]))
        .order_by(ModeratedScore.id)
    ).all()
    declarations = session.scalars(
        select(Declaration).where(Declaration.member_id.in_(list(member_of) or [-1])).order_by(Declaration.id)
    ).all()
    pledge_owner = {p.id: (p.bidder_id, ref_of[p.tender_measure_id]) for ps in pledges.values() for p in ps}
    reviews = session.scalars(
        select(PledgeReview).where(PledgeReview.member_id.in_(list(member_of) or [-1])).order_by(PledgeReview.id)
    ).all()

    def measure_entry(m: TenderMeasure) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ref": m.ref,
            "proxy_value": _num(m.proxy_value),
            "unit": m.unit,
            "description": m.description,
        }
        if m.theme:
            entry["theme"] = m.theme
        # always written, null when there is none: left out, loading would take the catalogue's
        entry["catalogue_proxy_value"] = _num(m.catalogue_proxy_value) if m.catalogue_proxy_value is not None else None
        if m.proxy_override_reason:
            entry["proxy_override_reason"] = m.proxy_override_reason
        return entry

    def question_entry(q: Question) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": q.code, "section": q.section.value}
        if q.title:
            entry["title"] = q.title
        entry.update(text=q.text, weight=_num(q.weight))
        if q.minimum_score is not None:
            entry["minimum_score"] = _num(q.minimum_score)
        if q.guidance:
            entry["guidance"] = q.guidance
        return entry

    suppliers = supplier_entries(session, tender)
    authority = authority_entry(session)
    meetings, meeting_of = meeting_entries(session, tender)  # none: "meetings" left out, as before them
    documents = document_entries(session, tender)  # none: "documents" left out, as before them
    return {
        "format": FORMAT,
        **({"authority": authority} if authority else {}),  # left out when none is set: old files dump as before
        "tender": {
            "reference": tender.reference,
            "title": tender.title,
            "contract_value": _num(tender.contract_value),
            "weights": {
                "price": _num(tender.weight_price),
                "quality": _num(tender.weight_quality),
                "social_value": _num(tender.weight_social_value),
            },
            "social_value_quantitative_share": _num(tender.sv_quantitative_share),
            "quantitative_method": tender.quantitative_method.value,
            "scale": {
                "max": _num(tender.scale_max),
                "step": _num(tender.scale_step),
                "descriptors": {f"{d.score:g}": d.label for d in tender.descriptors},
            },
            "hide_prices_from_quality": tender.hide_prices_from_quality,
            **procurement_entry(session, tender),
        },
        "measures": [measure_entry(m) for m in measures],
        "questions": [question_entry(q) for q in questions],
        "bidders": [
            {
                "name": b.name,
                "price": _num(b.price),
                "pledges": {
                    ref_of[p.tender_measure_id]: _num(p.quantity)
                    for p in sorted(pledges[b.id], key=lambda p: position_of[p.tender_measure_id])
                },
                **suppliers.get(b.name, {}),
            }
            for b in bidders
        ],
        "panel": [_member_entry(p, details.get(p.id)) for p in panel],
        "scores": [
            {"evaluator": member_of[m], "bidder": name_of[b], "question": code_of[q], "score": _num(s), "rationale": r}
            for m, b, q, s, r in scores
        ],
        **({"meetings": meetings} if meetings else {}),
        "moderated": [
            {
                "bidder": name_of[b],
                "question": code_of[q],
                "score": _num(s),
                "rationale": r,
                **({"meeting": meeting_of[(b, q)]} if (b, q) in meeting_of else {}),
            }
            for b, q, s, r in moderated
        ],
        "adjustments": [
            {
                "bidder": b.name,
                "ref": ref_of[p.tender_measure_id],
                "accepted": _num(p.accepted_quantity),
                "reason": p.adjustment_reason,
            }
            for b in bidders
            for p in sorted(pledges[b.id], key=lambda p: position_of[p.tender_measure_id])
            if p.accepted_quantity is not None
        ],
        "pledge_reviews": [
            {
                "member": member_of[r.member_id],
                "bidder": name_of[pledge_owner[r.pledge_id][0]],
                "ref": pledge_owner[r.pledge_id][1],
                "decision": r.decision,
                **({"accepted": _num(r.accepted_quantity)} if r.accepted_quantity is not None else {}),
                **({"reason": r.reason} if r.reason else {}),
            }
            for r in reviews
        ],
        "declarations": [
            {
                "member": member_of[d.member_id],
                "bidder": name_of[d.bidder_id],
                "conflict": d.conflict,
                **({"details": d.details} if d.details else {}),
            }
            for d in declarations
        ],
        # the bid documents by SHA-256; their bytes travel beside the file (`svdesk documents pack`)
        **({"documents": documents} if documents else {}),
        "keys": _keys(session, member_of),
        "signatures": _signatures(session, tender),
        "record": _record(session, tender),
        "proxy_entries": _proxy_entries(session, member_of, name_of, code_of),
    }
