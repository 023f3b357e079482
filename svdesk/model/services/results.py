"""From the database to results: a few set-based queries, then the pure scoring rules.

No per-row ORM access: at 200 bidders x 40 questions x 10 evaluators the snapshot is built from
five SELECTs of plain columns.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svdesk.model.entities import Bidder, ModeratedScore, PanelMember, Pledge, Question, Score, Tender, TenderMeasure
from svdesk.model.pledge_value import ACCEPTED_VALUE_SQL, PLEDGED_VALUE_SQL
from svdesk.model.rows import bulk_work, plain_rows
from svdesk.model.scoring import BidderSpec, QuestionSpec, Results, ScoringInput, Weights, compute_results


def bidder_values(session: Session, tender_id: int) -> dict[int, tuple[float, float]]:
    """bidder id -> (pledged value, accepted value), using the tender's frozen proxies."""
    rows = plain_rows(
        session,
        select(Pledge.bidder_id, func.sum(PLEDGED_VALUE_SQL), func.sum(ACCEPTED_VALUE_SQL))
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(TenderMeasure.tender_id == tender_id)
        .group_by(Pledge.bidder_id),
    )
    return {bid: (float(p or 0.0), float(a or 0.0)) for bid, p, a in rows}


def scoring_input(session: Session, tender: Tender) -> ScoringInput:
    tid = tender.id
    questions = plain_rows(
        session,
        select(Question.id, Question.code, Question.section, Question.weight, Question.minimum_score)
        .where(Question.tender_id == tid)
        .order_by(Question.position, Question.id),
    )
    bidders = plain_rows(
        session,
        select(Bidder.id, Bidder.name, Bidder.price)
        .where(Bidder.tender_id == tid)
        .order_by(Bidder.position, Bidder.id),
    )
    values = bidder_values(session, tid)
    qcode = {qid: code for qid, code, *_ in questions}
    bname = {bid: name for bid, name, _ in bidders}
    moderated = {
        (bname[b], qcode[q]): s
        for b, q, s in plain_rows(
            session,
            select(ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.score)
            .join(Bidder, ModeratedScore.bidder_id == Bidder.id)
            .where(Bidder.tender_id == tid),
        )
    }
    individual: dict[tuple[str, str], list[float]] = defaultdict(list)
    # Individual scores only stand in for missing consensus scores: once every cell is moderated
    # (the usual case after the meeting) the 80,000-row read is skipped.
    if len(moderated) < len(bidders) * len(questions):
        for b, q, s in plain_rows(
            session,
            select(Score.bidder_id, Score.question_id, Score.score)
            .join(PanelMember, Score.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tid),
        ):
            individual[(bname[b], qcode[q])].append(s)
    return ScoringInput(
        weights=Weights(tender.weight_price, tender.weight_quality, tender.weight_social_value),
        sv_quantitative_share=tender.sv_quantitative_share,
        quantitative_method=tender.quantitative_method.value,
        scale_max=tender.scale_max,
        questions=[
            QuestionSpec(code, section.value, weight, minimum) for _, code, section, weight, minimum in questions
        ],
        bidders=[BidderSpec(name, price, *values.get(bid, (0.0, 0.0))) for bid, name, price in bidders],
        moderated=moderated,
        individual=dict(individual),
    )


@bulk_work()
def tender_results(session: Session, tender: Tender) -> Results:
    return compute_results(scoring_input(session, tender))


def winner(session: Session, tender: Tender) -> str:
    """The one bid the evaluation ranks first ("" when none, or a tie)."""
    first = [b.name for b in tender_results(session, tender).bidders if not b.excluded and b.rank == 1]
    return first[0] if len(first) == 1 else ""


def results_document(session: Session, tender: Tender) -> dict[str, object]:
    """The `svdesk results --json` shape."""
    results = tender_results(session, tender)
    return {
        "tender": tender.reference,
        "final": results.final,
        "bidders": [b.as_dict() for b in results.bidders],
    }
