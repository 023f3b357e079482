"""The evaluation's canonical content, as a flat map of entity key -> value.

One function describes what "the record" is. It serves three purposes:
- the audit log stores each change as (key, before, after) in exactly these shapes;
- `verify` replays the log and compares the result with this map read from the database, so an
  edit made behind the app's back (e.g. with the sqlite3 shell) is named precisely;
- the sign-off fingerprint is the SHA-256 of this map (without status and signatures).

Keys use database ids (stable under renames); values carry the names a person reads.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.audit import canonical_json
from svdesk.model.entities import (
    Bidder,
    Declaration,
    ModeratedScore,
    PanelMember,
    Pledge,
    PledgeReview,
    Question,
    ScaleDescriptor,
    Score,
    Signature,
    Tender,
    TenderMeasure,
)

# Parts of the state that change by the workflow itself, not the evaluation's content.
NOT_FINGERPRINTED = ("signature/",)
STATUS_FIELD = "status"


def tender_key(t: Tender) -> str:
    return f"tender/{t.id}"


def tender_value(t: Tender, descriptors: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "reference": t.reference,
        "title": t.title,
        "contract_value": t.contract_value,
        "weight_price": t.weight_price,
        "weight_quality": t.weight_quality,
        "weight_social_value": t.weight_social_value,
        "sv_quantitative_share": t.sv_quantitative_share,
        "quantitative_method": t.quantitative_method.value,
        "scale_max": t.scale_max,
        "scale_step": t.scale_step,
        "descriptors": descriptors if descriptors is not None else {f"{d.score:g}": d.label for d in t.descriptors},
        "hide_prices_from_quality": t.hide_prices_from_quality,
        STATUS_FIELD: t.status.value,
    }


def measure_key(m: TenderMeasure) -> str:
    return f"measure/{m.id}"


def measure_value(m: TenderMeasure) -> dict[str, Any]:
    return {
        "ref": m.ref,
        "description": m.description,
        "unit": m.unit,
        "proxy_value": m.proxy_value,
        "catalogue_proxy_value": m.catalogue_proxy_value,
        "proxy_override_reason": m.proxy_override_reason,
    }


def question_key(q: Question) -> str:
    return f"question/{q.id}"


def question_value(q: Question) -> dict[str, Any]:
    return {
        "code": q.code,
        "section": q.section.value,
        "title": q.title,
        "text": q.text,
        "guidance": q.guidance,
        "weight": q.weight,
        "minimum_score": q.minimum_score,
    }


def bidder_key(b: Bidder) -> str:
    return f"bidder/{b.id}"


def bidder_value(b: Bidder) -> dict[str, Any]:
    return {"name": b.name, "price": b.price}


def member_key(m: PanelMember) -> str:
    return f"member/{m.id}"


def member_value(m: PanelMember) -> dict[str, Any]:
    return {"name": m.name, "role": m.role.value}


def pledge_key(bidder_id: int, measure_id: int) -> str:
    return f"pledge/{bidder_id}/{measure_id}"


def pledge_value(p: Pledge) -> dict[str, Any]:
    return {"quantity": p.quantity, "accepted": p.accepted_quantity, "reason": p.adjustment_reason}


def score_key(bidder_id: int, question_id: int, member_id: int) -> str:
    return f"score/{bidder_id}/{question_id}/{member_id}"


def score_value(score: float, rationale: str) -> dict[str, Any]:
    return {"score": score, "rationale": rationale}


def moderated_key(bidder_id: int, question_id: int) -> str:
    return f"moderated/{bidder_id}/{question_id}"


def declaration_key(member_id: int, bidder_id: int) -> str:
    return f"declaration/{member_id}/{bidder_id}"


def declaration_value(d: Declaration) -> dict[str, Any]:
    return {"conflict": d.conflict, "details": d.details}


def review_key(member_id: int, bidder_id: int, measure_id: int) -> str:
    return f"review/{member_id}/{bidder_id}/{measure_id}"


def review_value(r: PledgeReview) -> dict[str, Any]:
    return {"decision": r.decision, "accepted": r.accepted_quantity, "reason": r.reason}


def signature_key(s: Signature) -> str:
    return f"signature/{s.id}"


def signature_value(s: Signature) -> dict[str, Any]:
    return {
        "member_id": s.member_id,
        "name": s.name,
        "role": s.role,
        "signed_at": s.signed_at,
        "fingerprint": s.fingerprint,
        "audit_head": s.audit_head,
        "withdrawn": s.withdrawn,
    }


def current_state(session: Session, tender: Tender) -> dict[str, Any]:
    """Read the whole record of one tender with one query per table."""
    tid = tender.id
    state: dict[str, Any] = {}
    descriptors = {
        f"{score:g}": label
        for score, label in session.execute(
            select(ScaleDescriptor.score, ScaleDescriptor.label).where(ScaleDescriptor.tender_id == tid)
        ).all()
    }
    state[tender_key(tender)] = tender_value(tender, descriptors)
    for m in session.scalars(select(TenderMeasure).where(TenderMeasure.tender_id == tid)):
        state[measure_key(m)] = measure_value(m)
    for q in session.scalars(select(Question).where(Question.tender_id == tid)):
        state[question_key(q)] = question_value(q)
    bidder_ids = []
    for b in session.scalars(select(Bidder).where(Bidder.tender_id == tid)):
        state[bidder_key(b)] = bidder_value(b)
        bidder_ids.append(b.id)
    member_ids = []
    for m in session.scalars(select(PanelMember).where(PanelMember.tender_id == tid)):
        state[member_key(m)] = member_value(m)
        member_ids.append(m.id)
    for bid, mid, qty, acc, why in session.execute(
        select(
            Pledge.bidder_id,
            Pledge.tender_measure_id,
            Pledge.quantity,
            Pledge.accepted_quantity,
            Pledge.adjustment_reason,
        ).where(Pledge.bidder_id.in_(bidder_ids or [-1]))
    ):
        state[pledge_key(bid, mid)] = {"quantity": qty, "accepted": acc, "reason": why}
    for bid, qid, mid, sc, why in session.execute(
        select(Score.bidder_id, Score.question_id, Score.member_id, Score.score, Score.rationale).where(
            Score.member_id.in_(member_ids or [-1])
        )
    ):
        state[score_key(bid, qid, mid)] = score_value(sc, why)
    for bid, qid, sc, why in session.execute(
        select(
            ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.score, ModeratedScore.rationale
        ).where(ModeratedScore.bidder_id.in_(bidder_ids or [-1]))
    ):
        state[moderated_key(bid, qid)] = score_value(sc, why)
    for d in session.scalars(select(Declaration).where(Declaration.member_id.in_(member_ids or [-1]))):
        state[declaration_key(d.member_id, d.bidder_id)] = declaration_value(d)
    for r, bid, mid in session.execute(
        select(PledgeReview, Pledge.bidder_id, Pledge.tender_measure_id)
        .join(Pledge, PledgeReview.pledge_id == Pledge.id)
        .where(Pledge.bidder_id.in_(bidder_ids or [-1]))
    ):
        state[review_key(r.member_id, bid, mid)] = review_value(r)
    for s in session.scalars(select(Signature).where(Signature.tender_id == tid)):
        state[signature_key(s)] = signature_value(s)
    return state


def names_for(state: dict[str, Any]) -> dict[str, dict[str, str]]:
    """id -> readable name for each kind, from the state itself."""
    names: dict[str, dict[str, str]] = {"bidder": {}, "question": {}, "member": {}, "measure": {}}
    field = {"bidder": "name", "question": "code", "member": "name", "measure": "ref"}
    for key, value in state.items():
        kind, _, ident = key.partition("/")
        if kind in names and isinstance(value, dict):
            names[kind][ident] = str(value.get(field[kind], ident))
    return names


def readable_key(key: str, names: dict[str, dict[str, str]]) -> str:
    """'score/3/7/2' -> 'score/Weaver Valley Care Ltd/Q1/Tom Ellis' (ids replaced by names)."""
    kind, *ids = key.split("/")
    order = {
        "pledge": ("bidder", "measure"),
        "score": ("bidder", "question", "member"),
        "moderated": ("bidder", "question"),
        "declaration": ("member", "bidder"),
        "review": ("member", "bidder", "measure"),
        "measure": ("measure",),
        "question": ("question",),
        "bidder": ("bidder",),
        "member": ("member",),
    }.get(kind)
    if kind == "tender":
        return "tender"
    if order is None or len(order) != len(ids):
        return key
    return "/".join([kind, *(names[k].get(i, f"#{i}") for k, i in zip(order, ids, strict=True))])


def content_fingerprint(state: dict[str, Any]) -> str:
    """SHA-256 of the evaluation's content: everything but signatures and the workflow status.

    Keyed by names, not database ids, so the same evaluation loaded elsewhere has the same print.
    """
    names = names_for(state)
    content = {}
    for key, value in state.items():
        if key.startswith(NOT_FINGERPRINTED):
            continue
        if key.startswith("tender/"):
            value = {k: v for k, v in value.items() if k != STATUS_FIELD}
        content[readable_key(key, names)] = value
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
