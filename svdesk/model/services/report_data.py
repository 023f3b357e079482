"""Everything a report or workbook prints about one tender, read once, as plain data.

Exports (svdesk.export) take a `ReportData` and never touch the database: every figure in a PDF
or workbook comes from here, so they agree with the screen to the penny.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk import __version__
from svdesk.model.entities import (
    Bidder,
    ModeratedScore,
    PanelMember,
    Pledge,
    Question,
    Score,
    Tender,
    TenderMeasure,
)
from svdesk.model.scoring import Results, compute_results, question_shares
from svdesk.model.services import workflow
from svdesk.model.services.results import scoring_input
from svdesk.model.services.tenders import active_signatures
from svdesk.model.services.verify import verify_tender


@dataclass(frozen=True)
class MeasureRow:
    ref: str
    description: str
    unit: str
    proxy_value: float
    theme: str
    catalogue_proxy_value: float | None
    proxy_override_reason: str


@dataclass(frozen=True)
class QuestionRow:
    code: str
    section: str
    title: str
    text: str
    guidance: str
    weight: float
    minimum_score: float | None
    share_of_total: float  # points out of 100 this question carries


@dataclass(frozen=True)
class PledgeRow:
    bidder: str
    ref: str
    theme: str
    unit: str
    proxy_value: float
    quantity: float
    accepted_quantity: float  # = quantity when not adjusted
    adjusted: bool
    reason: str

    @property
    def pledged_value(self) -> float:
        return self.quantity * self.proxy_value

    @property
    def accepted_value(self) -> float:
        return self.accepted_quantity * self.proxy_value


@dataclass(frozen=True)
class IndividualScore:
    member: str
    role: str
    bidder: str
    question: str
    score: float
    rationale: str


@dataclass(frozen=True)
class ModeratedRow:
    bidder: str
    question: str
    score: float
    rationale: str


@dataclass(frozen=True)
class SignatureRow:
    name: str
    role: str
    signed_at: str
    fingerprint: str
    audit_head: str


@dataclass
class ReportData:
    reference: str
    title: str
    contract_value: float
    status: str
    weight_price: float
    weight_quality: float
    weight_social_value: float
    sv_quantitative_share: float
    quantitative_method: str
    scale_max: float
    scale_step: float
    descriptors: dict[float, str]
    measures: list[MeasureRow]
    questions: list[QuestionRow]
    bidders: list[str]  # in registration order
    prices: dict[str, float]
    pledges: list[PledgeRow]
    panel: list[tuple[str, str]]  # (name, role)
    individual: list[IndividualScore]
    moderated: list[ModeratedRow]
    declarations: list[workflow.DeclarationView]
    results: Results
    signatures: list[SignatureRow]
    fingerprint: str
    audit_head: str
    audit_entries: int
    verified: bool
    verify_problems: list[str]
    generated_at: str = field(default_factory=lambda: datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"))
    generator: str = f"svdesk {__version__}"

    @property
    def final(self) -> bool:
        return self.results.final

    @property
    def locked(self) -> bool:
        return self.status in ("signed_off", "awarded")

    @property
    def sv_quantitative_weight(self) -> float:
        return self.weight_social_value * self.sv_quantitative_share / 100

    @property
    def sv_qualitative_weight(self) -> float:
        return self.weight_social_value * (100 - self.sv_quantitative_share) / 100

    def moderated_for(self, bidder: str) -> dict[str, ModeratedRow]:
        return {m.question: m for m in self.moderated if m.bidder == bidder}

    def pledges_for(self, bidder: str) -> list[PledgeRow]:
        return [p for p in self.pledges if p.bidder == bidder]

    def value_by_theme(self, bidder: str) -> dict[str, tuple[float, float]]:
        """theme -> (pledged £, accepted £)."""
        out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for p in self.pledges_for(bidder):
            out[p.theme or "Other"][0] += p.pledged_value
            out[p.theme or "Other"][1] += p.accepted_value
        return {k: (v[0], v[1]) for k, v in out.items()}

    def winner(self) -> str | None:
        ranked = [b for b in self.results.bidders if not b.excluded and b.rank == 1]
        return ranked[0].name if len(ranked) == 1 else None

    def descriptor(self, score: float) -> str:
        return self.descriptors.get(score, "")


def report_data(session: Session, tender: Tender) -> ReportData:
    tid = tender.id
    measures = session.scalars(
        select(TenderMeasure).where(TenderMeasure.tender_id == tid).order_by(TenderMeasure.position)
    ).all()
    questions = session.scalars(select(Question).where(Question.tender_id == tid).order_by(Question.position)).all()
    bidders = session.scalars(select(Bidder).where(Bidder.tender_id == tid).order_by(Bidder.position)).all()
    panel = session.scalars(
        select(PanelMember).where(PanelMember.tender_id == tid).order_by(PanelMember.position)
    ).all()
    inp = scoring_input(session, tender)
    shares = question_shares(inp.questions, inp.weights, inp.sv_quantitative_share)
    measure_of = {m.id: m for m in measures}
    bidder_of = {b.id: b.name for b in bidders}
    code_of = {q.id: q.code for q in questions}
    member_of = {m.id: m for m in panel}
    pledges = [
        PledgeRow(
            bidder_of[p.bidder_id],
            measure_of[p.tender_measure_id].ref,
            measure_of[p.tender_measure_id].theme,
            measure_of[p.tender_measure_id].unit,
            measure_of[p.tender_measure_id].proxy_value,
            p.quantity,
            p.accepted_quantity if p.accepted_quantity is not None else p.quantity,
            p.accepted_quantity is not None,
            p.adjustment_reason,
        )
        for p in session.scalars(select(Pledge).where(Pledge.bidder_id.in_(list(bidder_of) or [-1]))).all()
    ]
    order = {b.name: i for i, b in enumerate(bidders)}
    m_order = {m.ref: m.position for m in measures}
    pledges.sort(key=lambda p: (order[p.bidder], m_order[p.ref]))
    individual = [
        IndividualScore(member_of[m].name, member_of[m].role.value, bidder_of[b], code_of[q], s, r)
        for m, b, q, s, r in session.execute(
            select(Score.member_id, Score.bidder_id, Score.question_id, Score.score, Score.rationale).where(
                Score.member_id.in_(list(member_of) or [-1])
            )
        )
    ]
    q_order = {q.code: q.position for q in questions}
    p_order = {m.name: m.position for m in panel}
    individual.sort(key=lambda s: (order[s.bidder], q_order[s.question], p_order[s.member]))
    moderated = [
        ModeratedRow(bidder_of[b], code_of[q], s, r)
        for b, q, s, r in session.execute(
            select(
                ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.score, ModeratedScore.rationale
            ).where(ModeratedScore.bidder_id.in_(list(bidder_of) or [-1]))
        )
    ]
    moderated.sort(key=lambda m: (order[m.bidder], q_order[m.question]))
    verify = verify_tender(session, tender)
    return ReportData(
        reference=tender.reference,
        title=tender.title,
        contract_value=tender.contract_value,
        status=tender.status.value,
        weight_price=tender.weight_price,
        weight_quality=tender.weight_quality,
        weight_social_value=tender.weight_social_value,
        sv_quantitative_share=tender.sv_quantitative_share,
        quantitative_method=tender.quantitative_method.value,
        scale_max=tender.scale_max,
        scale_step=tender.scale_step,
        descriptors={d.score: d.label for d in tender.descriptors},
        measures=[
            MeasureRow(
                m.ref, m.description, m.unit, m.proxy_value, m.theme, m.catalogue_proxy_value, m.proxy_override_reason
            )
            for m in measures
        ],
        questions=[
            QuestionRow(q.code, q.section.value, q.title, q.text, q.guidance, q.weight, q.minimum_score, shares[q.code])
            for q in questions
        ],
        bidders=[b.name for b in bidders],
        prices={b.name: b.price for b in bidders},
        pledges=pledges,
        panel=[(m.name, m.role.value) for m in panel],
        individual=individual,
        moderated=moderated,
        declarations=workflow.declarations(session, tender),
        results=compute_results(inp),
        signatures=[
            SignatureRow(s.name, s.role, s.signed_at, s.fingerprint, s.audit_head)
            for s in active_signatures(session, tender)
        ],
        fingerprint=verify.fingerprint,
        audit_head=verify.audit_head,
        audit_entries=verify.entries,
        verified=verify.ok,
        verify_problems=verify.problems,
    )
