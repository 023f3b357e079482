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
from dataclasses import dataclass
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
from svdesk.model.rows import plain_rows

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


@dataclass(frozen=True)
class Record:
    """The rows of one tender's record, read once with plain-column SELECTs (no ORM objects).

    Everything that reads the whole record (`current_state`, `verify`, the report data) starts
    from this, so a report reads the 80,000 scores once. Small tables are in position order.
    """

    descriptors: list[tuple[float, str]]  # (score, label) by score
    # (id, ref, description, unit, proxy_value, catalogue_proxy_value, proxy_override_reason, theme, position)
    measures: list[Any]
    # (id, code, section, title, text, guidance, weight, minimum_score, position)
    questions: list[Any]
    bidders: list[Any]  # (id, name, price, position)
    members: list[Any]  # (id, name, role, position)
    pledges: list[Any]  # (bidder_id, measure_id, quantity, accepted_quantity, adjustment_reason)
    scores: list[Any]  # (bidder_id, question_id, member_id, score, rationale)
    moderated: list[Any]  # (bidder_id, question_id, score, rationale)
    declarations: list[Any]  # (member_id, bidder_id, conflict, details)
    reviews: list[Any]  # (member_id, bidder_id, measure_id, decision, accepted_quantity, reason)
    # (id, member_id, name, role, signed_at, fingerprint, audit_head, withdrawn) by id
    signatures: list[Any]


def read_record(session: Session, tender: Tender) -> Record:
    """Read the whole record of one tender: one SELECT of plain columns per table."""
    tid = tender.id
    bidders = plain_rows(
        session,
        select(Bidder.id, Bidder.name, Bidder.price, Bidder.position)
        .where(Bidder.tender_id == tid)
        .order_by(Bidder.position, Bidder.id),
    )
    members = plain_rows(
        session,
        select(PanelMember.id, PanelMember.name, PanelMember.role, PanelMember.position)
        .where(PanelMember.tender_id == tid)
        .order_by(PanelMember.position, PanelMember.id),
    )
    bidder_ids = [b[0] for b in bidders] or [-1]
    member_ids = [m[0] for m in members] or [-1]
    return Record(
        descriptors=plain_rows(
            session,
            select(ScaleDescriptor.score, ScaleDescriptor.label)
            .where(ScaleDescriptor.tender_id == tid)
            .order_by(ScaleDescriptor.score),
        ),
        measures=plain_rows(
            session,
            select(
                TenderMeasure.id,
                TenderMeasure.ref,
                TenderMeasure.description,
                TenderMeasure.unit,
                TenderMeasure.proxy_value,
                TenderMeasure.catalogue_proxy_value,
                TenderMeasure.proxy_override_reason,
                TenderMeasure.theme,
                TenderMeasure.position,
            )
            .where(TenderMeasure.tender_id == tid)
            .order_by(TenderMeasure.position, TenderMeasure.id),
        ),
        questions=plain_rows(
            session,
            select(
                Question.id,
                Question.code,
                Question.section,
                Question.title,
                Question.text,
                Question.guidance,
                Question.weight,
                Question.minimum_score,
                Question.position,
            )
            .where(Question.tender_id == tid)
            .order_by(Question.position, Question.id),
        ),
        bidders=bidders,
        members=members,
        pledges=plain_rows(
            session,
            select(
                Pledge.bidder_id,
                Pledge.tender_measure_id,
                Pledge.quantity,
                Pledge.accepted_quantity,
                Pledge.adjustment_reason,
            ).where(Pledge.bidder_id.in_(bidder_ids)),
        ),
        scores=plain_rows(
            session,
            select(Score.bidder_id, Score.question_id, Score.member_id, Score.score, Score.rationale).where(
                Score.member_id.in_(member_ids)
            ),
        ),
        moderated=plain_rows(
            session,
            select(
                ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.score, ModeratedScore.rationale
            ).where(ModeratedScore.bidder_id.in_(bidder_ids)),
        ),
        declarations=plain_rows(
            session,
            select(Declaration.member_id, Declaration.bidder_id, Declaration.conflict, Declaration.details).where(
                Declaration.member_id.in_(member_ids)
            ),
        ),
        reviews=plain_rows(
            session,
            select(
                PledgeReview.member_id,
                Pledge.bidder_id,
                Pledge.tender_measure_id,
                PledgeReview.decision,
                PledgeReview.accepted_quantity,
                PledgeReview.reason,
            )
            .join(Pledge, PledgeReview.pledge_id == Pledge.id)
            .where(Pledge.bidder_id.in_(bidder_ids)),
        ),
        signatures=plain_rows(
            session,
            select(
                Signature.id,
                Signature.member_id,
                Signature.name,
                Signature.role,
                Signature.signed_at,
                Signature.fingerprint,
                Signature.audit_head,
                Signature.withdrawn,
            )
            .where(Signature.tender_id == tid)
            .order_by(Signature.id),
        ),
    )


def _small_state(tender: Tender, record: Record) -> dict[str, Any]:
    """The state of everything but the three large tables (pledges, scores, moderated scores)."""
    state: dict[str, Any] = {}
    state[tender_key(tender)] = tender_value(tender, {f"{score:g}": label for score, label in record.descriptors})
    for mid, ref, description, unit, proxy, catalogue_proxy, why, _theme, _pos in record.measures:
        state[f"measure/{mid}"] = {
            "ref": ref,
            "description": description,
            "unit": unit,
            "proxy_value": proxy,
            "catalogue_proxy_value": catalogue_proxy,
            "proxy_override_reason": why,
        }
    for qid, code, section, title, text, guidance, weight, minimum, _pos in record.questions:
        state[f"question/{qid}"] = {
            "code": code,
            "section": section.value,
            "title": title,
            "text": text,
            "guidance": guidance,
            "weight": weight,
            "minimum_score": minimum,
        }
    for bid, name, price, _pos in record.bidders:
        state[f"bidder/{bid}"] = {"name": name, "price": price}
    for mid, name, role, _pos in record.members:
        state[f"member/{mid}"] = {"name": name, "role": role.value}
    for mid, bid, conflict, details in record.declarations:
        state[f"declaration/{mid}/{bid}"] = {"conflict": conflict, "details": details}
    for mid, bid, measure_id, decision, acc, why in record.reviews:
        state[f"review/{mid}/{bid}/{measure_id}"] = {"decision": decision, "accepted": acc, "reason": why}
    for sid, member_id, name, role, signed_at, fingerprint, head, withdrawn in record.signatures:
        state[f"signature/{sid}"] = {
            "member_id": member_id,
            "name": name,
            "role": role,
            "signed_at": signed_at,
            "fingerprint": fingerprint,
            "audit_head": head,
            "withdrawn": withdrawn,
        }
    return state


def state_of(tender: Tender, record: Record) -> dict[str, Any]:
    """The canonical state map of a record read by `read_record` (same shapes as the *_value functions)."""
    state = _small_state(tender, record)
    for bid, mid, qty, acc, why in record.pledges:
        state[f"pledge/{bid}/{mid}"] = {"quantity": qty, "accepted": acc, "reason": why}
    for bid, qid, mid, sc, why in record.scores:
        state[f"score/{bid}/{qid}/{mid}"] = {"score": sc, "rationale": why}
    for bid, qid, sc, why in record.moderated:
        state[f"moderated/{bid}/{qid}"] = {"score": sc, "rationale": why}
    return state


def current_state(session: Session, tender: Tender) -> dict[str, Any]:
    """Read the whole record of one tender with one query per table."""
    return state_of(tender, read_record(session, tender))


def names_for(state: dict[str, Any]) -> dict[str, dict[str, str]]:
    """id -> readable name for each kind, from the state itself."""
    names: dict[str, dict[str, str]] = {"bidder": {}, "question": {}, "member": {}, "measure": {}}
    field = {"bidder": "name", "question": "code", "member": "name", "measure": "ref"}
    for key, value in state.items():
        kind, _, ident = key.partition("/")
        if kind in names and isinstance(value, dict):
            names[kind][ident] = str(value.get(field[kind], ident))
    return names


# The kinds of entity whose key carries ids of other entities, and which kinds those ids are.
KEY_PARTS: dict[str, tuple[str, ...]] = {
    "pledge": ("bidder", "measure"),
    "score": ("bidder", "question", "member"),
    "moderated": ("bidder", "question"),
    "declaration": ("member", "bidder"),
    "review": ("member", "bidder", "measure"),
    "measure": ("measure",),
    "question": ("question",),
    "bidder": ("bidder",),
    "member": ("member",),
}


def readable_key(key: str, names: dict[str, dict[str, str]]) -> str:
    """'score/3/7/2' -> 'score/Weaver Valley Care Ltd/Q1/Tom Ellis' (ids replaced by names)."""
    kind, *ids = key.split("/")
    order = KEY_PARTS.get(kind)
    if kind == "tender":
        return "tender"
    if order is None or len(order) != len(ids):
        return key
    return "/".join([kind, *(names[k].get(i, f"#{i}") for k, i in zip(order, ids, strict=True))])


def _readable_keys(keys: list[str], names: dict[str, dict[str, str]]) -> list[str]:
    """`readable_key` of many keys at once (the fingerprint renames every key of the record)."""
    lookups = {kind: [names[k] for k in order] for kind, order in KEY_PARTS.items()}
    out = []
    for key in keys:
        kind, *ids = key.split("/")
        parts = lookups.get(kind)
        if kind == "tender":
            out.append("tender")
        elif parts is None or len(parts) != len(ids):
            out.append(key)
        else:
            out.append("/".join([kind, *[n.get(i, f"#{i}") for n, i in zip(parts, ids, strict=True)]]))
    return out


def content_fingerprint(state: dict[str, Any]) -> str:
    """SHA-256 of the evaluation's content: everything but signatures and the workflow status.

    Keyed by names, not database ids, so the same evaluation loaded elsewhere has the same print.
    """
    keys = [key for key in state if not key.startswith(NOT_FINGERPRINTED)]
    values = [
        {k: v for k, v in state[key].items() if k != STATUS_FIELD} if key.startswith("tender/") else state[key]
        for key in keys
    ]
    content = dict(zip(_readable_keys(keys, names_for(state)), values, strict=True))
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()
