"""Plain views of a tender's set-up for the Setup, Measures, Questions and Bids screens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.entities import Bidder, Pledge, Question, Tender, TenderMeasure
from svdesk.model.pledge_value import accepted_value, pledged_value
from svdesk.model.rows import bulk_work, plain_rows
from svdesk.model.scoring import QuestionSpec, Weights, question_shares, suggested_social_value_weight


@dataclass(frozen=True)
class SetupView:
    reference: str
    title: str
    contract_value: float
    weights: Weights
    share: float
    method: str
    scale_max: float
    scale_step: float
    descriptors: dict[float, str]
    hide_prices_from_quality: bool
    suggested_sv_weight: float | None
    suggestion_reason: str
    status: str


def setup_view(tender: Tender) -> SetupView:
    weight, why = suggested_social_value_weight(tender.contract_value)
    return SetupView(
        tender.reference,
        tender.title,
        tender.contract_value,
        Weights(tender.weight_price, tender.weight_quality, tender.weight_social_value),
        tender.sv_quantitative_share,
        tender.quantitative_method.value,
        tender.scale_max,
        tender.scale_step,
        {d.score: d.label for d in tender.descriptors},
        tender.hide_prices_from_quality,
        weight,
        why,
        tender.status.value,
    )


@dataclass(frozen=True)
class TenderMeasureView:
    ref: str
    description: str
    unit: str
    proxy_value: float
    catalogue_proxy_value: float | None
    override_reason: str
    theme: str


def tender_measures(session: Session, tender: Tender) -> list[TenderMeasureView]:
    return [
        TenderMeasureView(
            m.ref, m.description, m.unit, m.proxy_value, m.catalogue_proxy_value, m.proxy_override_reason, m.theme
        )
        for m in session.scalars(
            select(TenderMeasure).where(TenderMeasure.tender_id == tender.id).order_by(TenderMeasure.position)
        )
    ]


@dataclass(frozen=True)
class QuestionView:
    code: str
    section: str
    title: str
    text: str
    guidance: str
    weight: float
    minimum_score: float | None
    share_of_total: float


def questions_view(session: Session, tender: Tender) -> list[QuestionView]:
    questions = session.scalars(
        select(Question).where(Question.tender_id == tender.id).order_by(Question.position)
    ).all()
    shares = question_shares(
        [QuestionSpec(q.code, q.section.value, q.weight, q.minimum_score) for q in questions],
        Weights(tender.weight_price, tender.weight_quality, tender.weight_social_value),
        tender.sv_quantitative_share,
    )
    return [
        QuestionView(q.code, q.section.value, q.title, q.text, q.guidance, q.weight, q.minimum_score, shares[q.code])
        for q in questions
    ]


class PledgeCell(NamedTuple):
    """One bidder's pledge against one measure (a tuple: a framework's grid has 12,000)."""

    quantity: float
    accepted: float | None
    reason: str
    proxy: float

    @property
    def pledged_value(self) -> float:
        return pledged_value(self.quantity, self.proxy)

    @property
    def accepted_value(self) -> float:
        return accepted_value(self.quantity, self.accepted, self.proxy)


@dataclass
class PledgeGrid:
    measures: list[TenderMeasureView]
    bidders: list[tuple[str, float]]  # (name, price)
    cells: dict[tuple[str, str], PledgeCell] = field(default_factory=dict)  # (ref, bidder)
    _totals: dict[str, tuple[float, float]] | None = field(default=None, repr=False, compare=False)

    def totals(self, bidder: str) -> tuple[float, float]:
        """(pledged, accepted) £ of one bid; all bids' totals are summed once, not per call."""
        if self._totals is None:
            sums: dict[str, list[float]] = {}
            for (_ref, b), c in self.cells.items():
                pair = sums.setdefault(b, [0.0, 0.0])
                pair[0] += c.pledged_value
                pair[1] += c.accepted_value
            self._totals = {b: (pledged, accepted) for b, (pledged, accepted) in sums.items()}
        return self._totals.get(bidder, (0.0, 0.0))


@bulk_work()
def pledge_grid(session: Session, tender: Tender) -> PledgeGrid:
    measures = tender_measures(session, tender)
    bidders = plain_rows(
        session,
        select(Bidder.id, Bidder.name, Bidder.price).where(Bidder.tender_id == tender.id).order_by(Bidder.position),
    )
    by_id = {bid: name for bid, name, _ in bidders}
    tm = {
        mid: (ref, proxy)
        for mid, ref, proxy in plain_rows(
            session,
            select(TenderMeasure.id, TenderMeasure.ref, TenderMeasure.proxy_value).where(
                TenderMeasure.tender_id == tender.id
            ),
        )
    }
    grid = PledgeGrid(measures, [(name, price) for _, name, price in bidders])
    pledges = select(
        Pledge.bidder_id, Pledge.tender_measure_id, Pledge.quantity, Pledge.accepted_quantity, Pledge.adjustment_reason
    ).where(Pledge.bidder_id.in_(select(Bidder.id).where(Bidder.tender_id == tender.id)))
    sums: dict[str, list[float]] = {}
    for bid, mid, quantity, accepted, reason in plain_rows(session, pledges):  # columns, not objects: 12,000 rows
        ref, proxy = tm[mid]
        name = by_id[bid]
        grid.cells[(ref, name)] = PledgeCell(quantity, accepted, reason, proxy)
        pair = sums.setdefault(name, [0.0, 0.0])
        pair[0] += pledged_value(quantity, proxy)
        pair[1] += accepted_value(quantity, accepted, proxy)
    grid._totals = {name: (pledged, accepted) for name, (pledged, accepted) in sums.items()}
    return grid
