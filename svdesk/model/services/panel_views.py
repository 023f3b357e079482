"""What the scoring and moderation screens show, read in a few set-based queries.

The scoring worklist is one member's own view (blind scoring: nobody else's scores); the
moderation grid exists only once moderation has opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.entities import Bidder, ModeratedScore, PanelMember, Question, Score, Tender, TenderStatus
from svdesk.model.errors import WorkflowError
from svdesk.model.services.tenders import find_member, require_status
from svdesk.model.services.workflow import conflicts


@dataclass(frozen=True)
class ScaleView:
    maximum: float
    step: float
    points: list[float]
    descriptors: dict[float, str]


def scale_view(tender: Tender) -> ScaleView:
    steps = int(round(tender.scale_max / tender.scale_step))
    return ScaleView(
        tender.scale_max,
        tender.scale_step,
        [round(i * tender.scale_step, 10) for i in range(steps + 1)],
        {d.score: d.label for d in tender.descriptors},
    )


@dataclass
class ScoringItem:
    bidder: str
    question: str
    title: str
    text: str
    guidance: str
    section: str
    minimum_score: float | None
    score: float | None
    rationale: str
    version: int  # 0 while there is no score yet (for stale-edit detection)

    @property
    def done(self) -> bool:
        return self.score is not None


def scoring_worklist(session: Session, tender: Tender, member_name: str) -> list[ScoringItem]:
    """Every bid x question this member scores, with their own score so far (never anyone else's)."""
    member = find_member(session, tender, member_name)
    blocked = {b for m, b in conflicts(session, tender) if m == member.id}
    bidders = session.execute(
        select(Bidder.id, Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position)
    ).all()
    questions = session.scalars(
        select(Question).where(Question.tender_id == tender.id).order_by(Question.position)
    ).all()
    own = {
        (b, q): (s, r, v)
        for b, q, s, r, v in session.execute(
            select(Score.bidder_id, Score.question_id, Score.score, Score.rationale, Score.version).where(
                Score.member_id == member.id
            )
        )
    }
    items = []
    for bid, bname in bidders:
        if bid in blocked:
            continue
        for q in questions:
            s, r, v = own.get((bid, q.id), (None, "", 0))
            items.append(
                ScoringItem(bname, q.code, q.title, q.text, q.guidance, q.section.value, q.minimum_score, s, r, v)
            )
    return items


@dataclass(frozen=True)
class MemberScore:
    member: str
    score: float
    rationale: str


@dataclass
class GridCell:
    bidder: str
    question: str
    scores: list[MemberScore] = field(default_factory=list)
    consensus: float | None = None
    consensus_rationale: str = ""
    version: int = 0

    @property
    def spread(self) -> float:
        marks = [s.score for s in self.scores]
        return max(marks) - min(marks) if marks else 0.0

    @property
    def mean(self) -> float | None:
        return sum(s.score for s in self.scores) / len(self.scores) if self.scores else None


@dataclass
class ModerationGrid:
    bidders: list[str]
    questions: list[tuple[str, str]]  # (code, title)
    cells: dict[tuple[str, str], GridCell]
    scale: ScaleView
    threshold: float

    def flagged(self, cell: GridCell) -> bool:
        return len(cell.scores) > 1 and cell.spread >= self.threshold - 1e-9

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells.values() if c.consensus is not None)


def default_spread_threshold(scale_max: float) -> float:
    """2 on a 0-5 scale, 40 on 0-100: two fifths of the scale."""
    return scale_max * 0.4


def moderation_grid(session: Session, tender: Tender, threshold: float | None = None) -> ModerationGrid:
    if tender.status == TenderStatus.DRAFT or tender.status == TenderStatus.SCORING:
        require_status(
            tender, (TenderStatus.MODERATION, TenderStatus.SIGNED_OFF, TenderStatus.AWARDED), "seeing everyone's scores"
        )
    bidders = session.execute(
        select(Bidder.id, Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position)
    ).all()
    questions = session.execute(
        select(Question.id, Question.code, Question.title)
        .where(Question.tender_id == tender.id)
        .order_by(Question.position)
    ).all()
    bname = dict(bidders)
    qcode = {qid: code for qid, code, _ in questions}
    cells = {(b, q): GridCell(b, q) for _, b in bidders for _, q, _ in questions}
    for mname, bid, qid, s, r in session.execute(
        select(PanelMember.name, Score.bidder_id, Score.question_id, Score.score, Score.rationale)
        .join(PanelMember, Score.member_id == PanelMember.id)
        .where(PanelMember.tender_id == tender.id)
        .order_by(PanelMember.position)
    ):
        cells[(bname[bid], qcode[qid])].scores.append(MemberScore(mname, s, r))
    for bid, qid, s, r, v in session.execute(
        select(
            ModeratedScore.bidder_id,
            ModeratedScore.question_id,
            ModeratedScore.score,
            ModeratedScore.rationale,
            ModeratedScore.version,
        )
        .join(Bidder, ModeratedScore.bidder_id == Bidder.id)
        .where(Bidder.tender_id == tender.id)
    ):
        cell = cells[(bname[bid], qcode[qid])]
        cell.consensus, cell.consensus_rationale, cell.version = s, r, v
    if threshold is not None and threshold <= 0:
        raise WorkflowError("the spread threshold must be more than 0")
    return ModerationGrid(
        [b for _, b in bidders],
        [(c, t) for _, c, t in questions],
        cells,
        scale_view(tender),
        threshold or default_spread_threshold(tender.scale_max),
    )
