"""Writing a tender as an evaluation file (`svdesk-evaluation/1`): every field, set-based reads.

Loading the dump back gives the same results (and the same file); see evaluation_file.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.entities import (
    Bidder,
    Declaration,
    ModeratedScore,
    PanelMember,
    Pledge,
    PledgeReview,
    Question,
    Score,
    Tender,
    TenderMeasure,
)

FORMAT = "svdesk-evaluation/1"


def _num(value: float) -> int | float:
    """Whole numbers as integers, so a dump reads like a hand-written file."""
    return int(value) if math.isfinite(value) and value == int(value) and abs(value) < 2**53 else value


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
        if m.catalogue_proxy_value is not None:
            entry["catalogue_proxy_value"] = _num(m.catalogue_proxy_value)
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

    return {
        "format": FORMAT,
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
            }
            for b in bidders
        ],
        "panel": [{"name": p.name, "role": p.role.value} for p in panel],
        "scores": [
            {"evaluator": member_of[m], "bidder": name_of[b], "question": code_of[q], "score": _num(s), "rationale": r}
            for m, b, q, s, r in scores
        ],
        "moderated": [
            {"bidder": name_of[b], "question": code_of[q], "score": _num(s), "rationale": r} for b, q, s, r in moderated
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
    }
