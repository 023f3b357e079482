"""Everything a report or workbook prints about one tender, read once, as plain data.

Exports (svdesk.export) take a `ReportData` and never touch the database: every figure in a PDF
or workbook comes from here, so they agree with the screen to the penny.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import NamedTuple

from sqlalchemy.orm import Session

from svdesk import __version__
from svdesk.model import audit, state
from svdesk.model.entities import Tender
from svdesk.model.kinds import Role, TenderStatus
from svdesk.model.pledge_value import accepted_quantity, accepted_value, pledged_value
from svdesk.model.rows import bulk_work
from svdesk.model.scoring import BidderResult, Results, compute_results, question_shares
from svdesk.model.services import parties, workflow
from svdesk.model.services.award_stage import AwardView, award_view
from svdesk.model.services.declaration_source import declaration_source
from svdesk.model.services.meetings import Minutes, minutes_of_record
from svdesk.model.services.parties import Authority, Procurement, Supplier
from svdesk.model.services.redactions import RedactionRow, redactions
from svdesk.model.services.results import scoring_input
from svdesk.model.services.robustness import Robustness, robustness
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


# The three row types a large tender has by the ten thousand (80,000 individual scores) are
# NamedTuples: as immutable as a frozen dataclass, and built several times faster.


class PledgeRow(NamedTuple):
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
        return pledged_value(self.quantity, self.proxy_value)

    @property
    def accepted_value(self) -> float:
        return accepted_value(self.quantity, self.accepted_quantity, self.proxy_value)


class IndividualScore(NamedTuple):
    member: str
    role: str
    bidder: str
    question: str
    score: float
    rationale: str


class ModeratedRow(NamedTuple):
    bidder: str
    question: str
    score: float
    rationale: str


class PledgeReviewRow(NamedTuple):
    """One member's view of one pledge while scoring (`pledge_reviews.review_pledge`): accept, reduce
    or reject; `accepted_quantity` is the quantity they would accept (None for accept, 0 for reject)."""

    member: str
    bidder: str
    ref: str
    decision: str
    accepted_quantity: float | None
    reason: str


class ProxyRow(NamedTuple):
    """One member's score entered by proxy: by whom, from what, when; confirmed_at "" until the member confirms."""

    member: str
    bidder: str
    question: str
    entered_by: str
    source: str
    entered_at: str
    confirmed_at: str


@dataclass(frozen=True)
class ProxyNote:
    """Scores of one member entered by one person from one source, confirmed alike (`ReportData.proxy_notes`)."""

    member: str
    count: int
    entered_by: str
    source: str
    confirmed_on: str  # the date ("3 December 2026") the member confirmed them; "" for not confirmed

    @property
    def text(self) -> str:
        """What the reports print, plainly."""
        scores = "scores was" if self.count == 1 else "scores were"  # "1 of this member's scores was"
        confirmed = (
            f"confirmed by the member on {self.confirmed_on}" if self.confirmed_on else "not confirmed by the member"
        )
        return (
            f"{self.count} of this member's {scores} entered by proxy by {self.entered_by} "
            f"from {self.source}; {confirmed}"
        )


def _day(iso: str) -> str:
    """'2026-12-03T10:00:00+00:00' -> '3 December 2026' (the text as it is if it is not a date)."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{when.day} {when:%B %Y}"


@dataclass(frozen=True)
class SignatureRow:
    name: str
    role: str
    signed_at: str
    fingerprint: str
    audit_head: str
    key_fingerprint: str = ""  # of the key that sealed it; "" for a signature made before seals


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
    # loaded from an evaluation file: its declarations were recorded outside svdesk (declaration_source)
    loaded: bool = False
    loaded_from: str = ""
    loaded_at: str = ""
    proxies: list[ProxyRow] = field(default_factory=list)  # scores the officer entered for a member
    # each member's view of each pledge, in pledge order then panel order (the pledge reconciliations)
    pledge_reviews: list[PledgeReviewRow] = field(default_factory=list)
    # the parties as the law names them (issue 15): what the assessment summaries (reg 31) and the
    # award report print about the authority, each supplier, the procurement and the award stage
    authority: Authority = field(default_factory=Authority)
    suppliers: dict[str, Supplier] = field(default_factory=dict)  # bidder name -> its legal details
    procurement: Procurement = field(default_factory=Procurement)
    redactions: list[RedactionRow] = field(default_factory=list)  # passages withheld (s.94), in order made
    award: AwardView = field(default_factory=AwardView)
    issued_on: str = field(default_factory=lambda: date.today().isoformat())  # the day a letter is dated
    # the moderation meetings, the meeting each consensus was agreed in, why a member's score is missing
    minutes: Minutes = field(default_factory=Minutes)
    # how robust the ranking is and how far the panel agreed (issue 16): the award justification prints it
    robustness: Robustness | None = None

    def supplier(self, name: str) -> Supplier:
        """A bidder's legal details (its name alone when none were given)."""
        return self.suppliers.get(name) or Supplier(name)

    def withheld(self, bidder: str, question: str) -> list[str]:
        """The passages of the bid's consensus explanation of `question` withheld from other suppliers."""
        return self._withheld.get((bidder, question), [])

    @cached_property
    def _withheld(self) -> dict[tuple[str, str], list[str]]:
        out: dict[tuple[str, str], list[str]] = defaultdict(list)
        for r in self.redactions:
            out[(r.bidder, r.question)].append(r.passage)
        return dict(out)

    @cached_property
    def proxy_cells(self) -> dict[tuple[str, str, str], ProxyRow]:
        """(member, bidder, question) -> its proxy entry, for the scores entered by proxy."""
        return {(p.member, p.bidder, p.question): p for p in self.proxies}

    def proxy_notes(self, member: str | None = None) -> list[ProxyNote]:
        """Each member's (or one member's) proxy-entered scores grouped by who entered them, from
        what, and whether and when the member confirmed them; in panel order."""
        counts: dict[tuple[str, str, str, str], int] = defaultdict(int)
        for p in self.proxies:
            if member is None or p.member == member:
                counts[(p.member, p.entered_by, p.source, _day(p.confirmed_at) if p.confirmed_at else "")] += 1
        order = {name: i for i, (name, _role) in enumerate(self.panel)}
        keys = sorted(counts, key=lambda k: (order.get(k[0], len(order)), k[3] != "", k[3], k[1], k[2]))
        return [ProxyNote(m, counts[(m, by, source, on)], by, source, on) for m, by, source, on in keys]

    @property
    def final(self) -> bool:
        return self.results.final

    @property
    def locked(self) -> bool:
        return self.status in (TenderStatus.SIGNED_OFF, TenderStatus.AWARDED)

    @property
    def sv_quantitative_weight(self) -> float:
        return self.weight_social_value * self.sv_quantitative_share / 100

    @property
    def sv_qualitative_weight(self) -> float:
        return self.weight_social_value * (100 - self.sv_quantitative_share) / 100

    def moderated_for(self, bidder: str) -> dict[str, ModeratedRow]:
        """question -> consensus row, for one bid (grouped once: reports ask for it per question)."""
        return self._moderated_by_bidder.get(bidder, {})

    def pledges_for(self, bidder: str) -> list[PledgeRow]:
        return self._pledges_by_bidder.get(bidder, [])

    @cached_property
    def _moderated_by_bidder(self) -> dict[str, dict[str, ModeratedRow]]:
        out: dict[str, dict[str, ModeratedRow]] = defaultdict(dict)
        for m in self.moderated:
            out[m.bidder][m.question] = m
        return dict(out)

    @cached_property
    def _pledges_by_bidder(self) -> dict[str, list[PledgeRow]]:
        out: dict[str, list[PledgeRow]] = defaultdict(list)
        for p in self.pledges:
            out[p.bidder].append(p)
        return dict(out)

    def value_by_theme(self, bidder: str) -> dict[str, tuple[float, float]]:
        """theme -> (pledged £, accepted £)."""
        out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for p in self.pledges_for(bidder):
            out[p.theme or "Other"][0] += p.pledged_value
            out[p.theme or "Other"][1] += p.accepted_value
        return {k: (v[0], v[1]) for k, v in out.items()}

    @cached_property
    def by_name(self) -> dict[str, BidderResult]:
        """bidder -> its result, built once (the award report asks per bid, 200 times in a framework)."""
        return self.results.by_name()

    def winner(self) -> str | None:
        ranked = [b for b in self.results.bidders if not b.excluded and b.rank == 1]
        return ranked[0].name if len(ranked) == 1 else None

    def descriptor(self, score: float) -> str:
        return self.descriptors.get(score, "")


def report_data(
    session: Session, tender: Tender, *, issued_on: date | None = None, analysed: bool = False
) -> ReportData:
    """`issued_on`: the day the documents are dated (today unless given: tests and re-issues fix it).
    `analysed`: also how robust the ranking is (the award justification prints it; the other documents
    do not, and on a framework it costs more than the rest of the read)."""
    with bulk_work():
        return _report_data(session, tender, issued_on or date.today(), analysed)


def _report_data(session: Session, tender: Tender, issued_on: date, analysed: bool = False) -> ReportData:
    """Read the record once (plain rows) and build everything from it; `verify` gets the same read.
    The parties, redactions and award stage are a handful of queries per tender, never per row."""
    record = state.read_record(session, tender)
    entries = audit.read_entries(session, tender.uid)  # read once: for verify and the declarations' source
    verify = verify_tender(session, tender, record=record, entries=entries)
    inp = scoring_input(session, tender)
    shares = question_shares(inp.questions, inp.weights, inp.sv_quantitative_share)
    bidder_of = {bid: name for bid, name, _price, _pos in record.bidders}
    bidder_rank = {bid: i for i, (bid, *_rest) in enumerate(record.bidders)}
    code_of = {q[0]: q[1] for q in record.questions}
    question_pos = {q[0]: q[-1] for q in record.questions}
    member_of = {mid: (name, role.value) for mid, name, role, _pos in record.members}
    member_pos = {mid: pos for mid, _name, _role, pos in record.members}
    # measure id -> (ref, theme, unit, proxy value, position)
    measure_of = {m[0]: (m[1], m[7], m[3], m[4], m[8]) for m in record.measures}

    pledges = []
    for bid, mid, qty, accepted, why in sorted(record.pledges, key=lambda p: (bidder_rank[p[0]], measure_of[p[1]][4])):
        ref, theme, unit, proxy, _pos = measure_of[mid]
        adjusted = accepted is not None
        pledges.append(
            PledgeRow(bidder_of[bid], ref, theme, unit, proxy, qty, accepted_quantity(qty, accepted), adjusted, why)
        )
    individual = []
    for bid, qid, mid, score, why in sorted(
        record.scores, key=lambda s: (bidder_rank[s[0]], question_pos[s[1]], member_pos[s[2]])
    ):
        name, role = member_of[mid]
        individual.append(IndividualScore(name, role, bidder_of[bid], code_of[qid], score, why))
    proxies = [
        ProxyRow(member_of[mid][0], bidder_of[bid], code_of[qid], by, source, at, confirmed)
        for bid, qid, mid, by, source, at, confirmed in sorted(
            record.proxies, key=lambda p: (member_pos[p[2]], bidder_rank[p[0]], question_pos[p[1]])
        )
    ]
    measure_pos = {mid: m[4] for mid, m in measure_of.items()}
    pledge_reviews = [
        PledgeReviewRow(member_of[mid][0], bidder_of[bid], measure_of[meas][0], decision, quantity, why)
        for mid, bid, meas, decision, quantity, why in sorted(
            record.reviews, key=lambda r: (bidder_rank[r[1]], measure_pos[r[2]], member_pos[r[0]])
        )
    ]
    moderated = [
        ModeratedRow(bidder_of[bid], code_of[qid], score, why)
        for bid, qid, score, why in sorted(record.moderated, key=lambda m: (bidder_rank[m[0]], question_pos[m[1]]))
    ]
    declared = {(mid, bid): (conflict, details) for mid, bid, conflict, details in record.declarations}
    source = declaration_source(session, tender, entries)
    declarations = []
    for mid, mname, role, _pos in record.members:
        for bid, bname, _price, _bpos in record.bidders:
            d = declared.get((mid, bid))
            if d is None and role == Role.OFFICER:
                continue  # as `workflow.declarations`: the officer may declare; the gate does not wait for her
            declarations.append(
                workflow.DeclarationView(
                    mname,
                    role.value,
                    bname,
                    d is not None,
                    bool(d and d[0]),
                    d[1] if d else "",
                    d is not None and source.outside(mid, bid),
                )
            )
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
        descriptors=dict(record.descriptors),
        measures=[
            MeasureRow(ref, description, unit, proxy, theme, catalogue_proxy, why)
            for _id, ref, description, unit, proxy, catalogue_proxy, why, theme, _pos in record.measures
        ],
        questions=[
            QuestionRow(code, section.value, title, text, guidance, weight, minimum, shares[code])
            for _id, code, section, title, text, guidance, weight, minimum, _pos in record.questions
        ],
        bidders=[name for _id, name, _price, _pos in record.bidders],
        prices={name: price for _id, name, price, _pos in record.bidders},
        pledges=pledges,
        panel=[(name, role.value) for _id, name, role, _pos in record.members],
        individual=individual,
        moderated=moderated,
        declarations=declarations,
        results=compute_results(inp),
        signatures=[
            SignatureRow(name, role, signed_at, fingerprint, head, _sealing_key(record, sig_id))
            for sig_id, _member, name, role, signed_at, fingerprint, head, withdrawn in record.signatures
            if not withdrawn
        ],
        fingerprint=verify.fingerprint,
        audit_head=verify.audit_head,
        audit_entries=verify.entries,
        verified=verify.ok,
        verify_problems=verify.problems,
        loaded=source.loaded,
        loaded_from=source.loaded_from,
        loaded_at=source.loaded_at,
        proxies=proxies,
        pledge_reviews=pledge_reviews,
        authority=parties.authority(session),
        suppliers={sup.name: sup for sup in parties.suppliers(session, tender)},
        procurement=parties.procurement(session, tender),
        redactions=redactions(session, tender),
        award=award_view(session, tender),
        issued_on=issued_on.isoformat(),
        minutes=minutes_of_record(
            record,
            {(s.member, s.bidder, s.question) for s in individual},
            {(d.member, d.bidder): d.details for d in declarations if d.conflict},
        ),
        robustness=robustness(session, tender) if analysed else None,
    )


def _sealing_key(record: state.Record, signature_id: int) -> str:
    """The fingerprint of the key whose seal is on the signature ("" when it has none)."""
    key_of: dict[int, int] = {sig: key for sig, key, _seal in record.seals}
    fingerprints: dict[int, str] = {key_id: fp for key_id, _member, _public, fp, *_rest in record.keys}
    return fingerprints.get(key_of.get(signature_id, -1), "")
