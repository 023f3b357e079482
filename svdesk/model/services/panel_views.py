"""What the scoring and moderation screens show, read in a few set-based queries.

The scoring worklist is one member's own view (blind scoring: nobody else's scores); the
moderation grid exists only once moderation has opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, cast, func, null, select
from sqlalchemy.orm import Session

from svdesk.model.entities import Bidder, ModeratedScore, PanelMember, Question, Score, Tender, TenderStatus
from svdesk.model.errors import WorkflowError
from svdesk.model.kinds import only_consensus_changed
from svdesk.model.rows import bulk_work, plain_rows
from svdesk.model.services.record_version import RecordVersion, changes_since
from svdesk.model.services.tenders import find_bidder, find_member, find_question, require_cleared, require_status
from svdesk.model.services.workflow import conflicts
from svdesk.model.sql_functions import joined_text


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
    # None until read with own_score(): a member's 8,000 rationales on a framework are read one at
    # a time, as each item is shown, not all when the worklist opens.
    rationale: str | None
    version: int  # 0 while there is no score yet (for stale-edit detection)

    @property
    def done(self) -> bool:
        return self.score is not None


@bulk_work()
def scoring_worklist(session: Session, tender: Tender, member_name: str) -> list[ScoringItem]:
    """Every bid x question this member scores, with their own score so far (never anyone else's)."""
    member = find_member(session, tender, member_name)
    blocked = {b for m, b in conflicts(session, tender) if m == member.id}
    bidders = session.execute(
        select(Bidder.id, Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position)
    ).all()
    questions = [  # read once, not once per bid: a framework's worklist has 8,000 items
        (q.id, q.code, q.title, q.text, q.guidance, q.section.value, q.minimum_score)
        for q in session.scalars(select(Question).where(Question.tender_id == tender.id).order_by(Question.position))
    ]
    own = {
        (b, q): (s, v)
        for b, q, s, v in plain_rows(
            session,
            select(Score.bidder_id, Score.question_id, Score.score, Score.version).where(Score.member_id == member.id),
        )
    }
    items = []
    for bid, bname in bidders:
        if bid in blocked:
            continue
        for qid, code, title, text, guidance, section, minimum in questions:
            s, v = own.get((bid, qid), (None, 0))
            items.append(ScoringItem(bname, code, title, text, guidance, section, minimum, s, None if v else "", v))
    return items


def own_score(session: Session, tender: Tender, member_name: str, bidder: str, question: str) -> ScoringItem:
    """One item of a member's worklist read afresh, with the rationale (their own score only).
    Refused, as scoring it is, until they have declared for every bidder, and for a bid they declared
    a conflict with."""
    member = find_member(session, tender, member_name)
    b = find_bidder(session, tender, bidder)
    require_cleared(session, tender, member, b)
    q = find_question(session, tender, question)
    row = session.execute(
        select(Score.score, Score.rationale, Score.version).where(
            Score.member_id == member.id, Score.bidder_id == b.id, Score.question_id == q.id
        )
    ).first()
    score, rationale, version = row if row is not None else (None, "", 0)
    return ScoringItem(
        b.name, q.code, q.title, q.text, q.guidance, q.section.value, q.minimum_score, score, rationale, version
    )


@dataclass(frozen=True)
class MemberScore:
    member: str
    score: float
    rationale: str


PACK = 10**9  # scores up to 10 million, to the hundredth, packed with the member's id

NO_ORDER: dict[int, int] = {}


@dataclass(slots=True)
class GridCell:
    """One bid x question of the moderation grid: enough to show and flag it, no rationales.

    The members' scores come aggregated by the database (count, lowest, highest and a packed list)
    because a framework's grid has 80,000 of them; the packed list is only unpacked for the cells on
    screen. Each packed entry is member id x PACK + score x 100 as one integer: turning integers
    into text is cheap for the database, floats are not (it halved the query). `order` (member id
    -> panel position, shared by every cell of a grid) puts the marks in panel order.
    """

    bidder: str
    question: str
    count: int = 0
    low: float = 0.0
    high: float = 0.0
    packed: str | None = ""  # None: not read yet (see load_marks)
    consensus: float | None = None
    version: int = 0
    order: dict[int, int] = field(default_factory=lambda: NO_ORDER)

    @property
    def marks(self) -> list[float]:
        """The members' scores in panel order."""
        if self.packed is None:
            raise WorkflowError(f"the scores of {self.question} for {self.bidder} have not been read (load_marks)")
        entries = [int(x) for x in self.packed.split(",") if x]
        return [(n % PACK) / 100 for n in sorted(entries, key=lambda n: (self.order.get(n // PACK, n // PACK), n))]

    @property
    def total(self) -> float:
        return sum(self.marks)

    @property
    def spread(self) -> float:
        return self.high - self.low if self.count else 0.0

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


@dataclass
class CellDetail:
    """Everything about one cell the panel discusses: each member's score and rationale."""

    bidder: str
    question: str
    title: str
    scores: list[MemberScore]
    consensus: float | None
    consensus_rationale: str
    version: int

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
    cells: dict[tuple[str, str], GridCell]  # the cells with scores or a consensus; see cell()
    scale: ScaleView
    threshold: float
    order: dict[int, int] = field(default_factory=dict)  # member id -> panel position (see GridCell)

    def cell(self, bidder: str, question: str) -> GridCell:
        return self.cells.get((bidder, question)) or GridCell(bidder, question)

    def flagged(self, cell: GridCell) -> bool:
        return cell.count > 1 and cell.spread >= self.threshold - 1e-9

    @property
    def done(self) -> int:
        return sum(1 for c in self.cells.values() if c.consensus is not None)

    @property
    def to_discuss(self) -> int:
        """High-spread cells without a consensus yet."""
        return sum(1 for c in self.cells.values() if c.consensus is None and self.flagged(c))


def default_spread_threshold(scale_max: float) -> float:
    """2 on a 0-5 scale, 40 on 0-100: two fifths of the scale."""
    return scale_max * 0.4


def _require_moderation(tender: Tender) -> None:
    if tender.status == TenderStatus.DRAFT or tender.status == TenderStatus.SCORING:
        require_status(
            tender, (TenderStatus.MODERATION, TenderStatus.SIGNED_OFF, TenderStatus.AWARDED), "seeing everyone's scores"
        )


@bulk_work()
def moderation_grid(
    session: Session, tender: Tender, threshold: float | None = None, marks: bool = True
) -> ModerationGrid:
    """The grid of every bid x question. `marks=False` leaves each cell's list of the members' scores
    unread (the rest is there: counts, spread, consensus); `load_marks` reads it for the rows shown.
    Listing the 80,000 scores is a third of the grid's reading."""
    _require_moderation(tender)
    if threshold is not None and threshold <= 0:
        raise WorkflowError("the spread threshold must be more than 0")
    bidders = plain_rows(
        session, select(Bidder.id, Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position)
    )
    questions = plain_rows(
        session,
        select(Question.id, Question.code, Question.title)
        .where(Question.tender_id == tender.id)
        .order_by(Question.position),
    )
    cells: dict[tuple[str, str], GridCell] = {}
    order = _panel_order(session, tender)
    _fill_cells(session, tender, cells, dict(bidders), {qid: code for qid, code, _ in questions}, order, marks=marks)
    return ModerationGrid(
        [b for _, b in bidders],
        [(c, t) for _, c, t in questions],
        cells,
        scale_view(tender),
        threshold or default_spread_threshold(tender.scale_max),
        order,
    )


def refresh_consensus(session: Session, tender: Tender, grid: ModerationGrid, since: RecordVersion) -> bool:
    """Bring `grid`, read at `since`, up to the record as it is now by re-reading its consensus
    scores alone (8,000 rows, not 80,000 scores), when nothing else it shows has changed since.
    False, and `grid` as it was, when it must be read whole."""
    kinds = changes_since(session, tender, since)
    if kinds is None or not only_consensus_changed(kinds):
        return False
    _require_moderation(tender)
    bname, qcode = _names_by_id(session, tender)
    for cell in grid.cells.values():
        cell.consensus, cell.version = None, 0
    for bid, qid, score, version in plain_rows(session, _consensus_rows(tender)):
        b, q = bname[bid], qcode[qid]
        cell = grid.cells.get((b, q)) or grid.cells.setdefault((b, q), GridCell(b, q, order=grid.order))
        cell.consensus, cell.version = score, version
    return True


def _consensus_rows(tender: Tender) -> Any:
    return (
        select(ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.score, ModeratedScore.version)
        .join(Bidder, ModeratedScore.bidder_id == Bidder.id)
        .where(Bidder.tender_id == tender.id)
    )


def grid_cell(session: Session, tender: Tender, bidder: str, question: str) -> GridCell:
    """One cell read afresh, e.g. after the panel saved its consensus (the grid is not rebuilt)."""
    _require_moderation(tender)
    b = find_bidder(session, tender, bidder)
    q = find_question(session, tender, question)
    cells: dict[tuple[str, str], GridCell] = {}
    _fill_cells(session, tender, cells, {b.id: b.name}, {q.id: q.code}, _panel_order(session, tender), (b.id, q.id))
    return cells.get((b.name, q.code)) or GridCell(b.name, q.code)


@bulk_work()
def load_marks(session: Session, tender: Tender, grid: ModerationGrid, bidders: list[str]) -> None:
    """Read the members' scores of every cell of these bids (a grid read with marks=False)."""
    bname, qcode = _names_by_id(session, tender)
    wanted = set(bidders)
    rows = plain_rows(
        session,
        select(Score.bidder_id, Score.question_id, joined_text(_packed_entry()))
        .where(Score.bidder_id.in_([bid for bid, name in bname.items() if name in wanted]))
        .group_by(Score.bidder_id, Score.question_id),
    )
    for bidder in bidders:  # a cell with no scores has nothing to read
        for code, _title in grid.questions:
            cell = grid.cells.get((bidder, code))
            if cell is not None and cell.packed is None:
                cell.packed = ""
    for bid, qid, packed in rows:
        cell = grid.cells.get((bname[bid], qcode[qid]))
        if cell is not None:
            cell.packed = packed


def _names_by_id(session: Session, tender: Tender) -> tuple[dict[int, str], dict[int, str]]:
    """(bidder id -> name, question id -> code) of the tender."""
    bidders = plain_rows(session, select(Bidder.id, Bidder.name).where(Bidder.tender_id == tender.id))
    questions = plain_rows(session, select(Question.id, Question.code).where(Question.tender_id == tender.id))
    return dict(bidders), dict(questions)


def _packed_entry() -> Any:
    """One member's score as member id x PACK + score x 100, in 64 bits: member id x 10^9 passes 32
    bits from the third member on (PostgreSQL's INTEGER)."""
    return cast(cast(Score.member_id, BigInteger) * PACK + func.round(Score.score * 100), BigInteger)


def _panel_order(session: Session, tender: Tender) -> dict[int, int]:
    """member id -> position on the panel (the grid's marks are shown in that order)."""
    return dict(
        plain_rows(session, select(PanelMember.id, PanelMember.position).where(PanelMember.tender_id == tender.id))
    )


def _fill_cells(
    session: Session,
    tender: Tender,
    cells: dict[tuple[str, str], GridCell],
    bname: dict[int, str],
    qcode: dict[int, str],
    order: dict[int, int],
    only: tuple[int, int] | None = None,
    marks: bool = True,
) -> None:
    """Aggregate the individual scores per cell in SQL (one row per cell, not per score), over the
    covering index of scores alone (the members' positions are put in order when shown)."""
    entry = _packed_entry()
    scores = (
        select(
            Score.bidder_id,
            Score.question_id,
            func.count(),
            func.min(Score.score),
            func.max(Score.score),
            joined_text(entry) if marks else null(),
        )
        .where(Score.bidder_id.in_(select(Bidder.id).where(Bidder.tender_id == tender.id)))
        .group_by(Score.bidder_id, Score.question_id)
    )
    consensus = _consensus_rows(tender)
    if only is not None:
        scores = scores.where(Score.bidder_id == only[0], Score.question_id == only[1])
        consensus = consensus.where(ModeratedScore.bidder_id == only[0], ModeratedScore.question_id == only[1])
    for bid, qid, count, low, high, packed in plain_rows(session, scores):  # packed None: not read
        b, q = bname[bid], qcode[qid]
        cells[(b, q)] = GridCell(b, q, count, low, high, packed, None, 0, order)
    for bid, qid, s, v in plain_rows(session, consensus):
        b, q = bname[bid], qcode[qid]
        cell = cells.get((b, q)) or cells.setdefault((b, q), GridCell(b, q, order=order))
        cell.consensus, cell.version = s, v


def cell_detail(session: Session, tender: Tender, bidder: str, question: str) -> CellDetail:
    """Each member's score and rationale for one cell, in panel order, and the consensus so far."""
    _require_moderation(tender)
    b = find_bidder(session, tender, bidder)
    q = find_question(session, tender, question)
    scores = [
        MemberScore(name, s, r)
        for name, s, r in session.execute(
            select(PanelMember.name, Score.score, Score.rationale)
            .join(PanelMember, Score.member_id == PanelMember.id)
            .where(Score.bidder_id == b.id, Score.question_id == q.id)
            .order_by(PanelMember.position)
        )
    ]
    agreed = session.execute(
        select(ModeratedScore.score, ModeratedScore.rationale, ModeratedScore.version).where(
            ModeratedScore.bidder_id == b.id, ModeratedScore.question_id == q.id
        )
    ).first()
    consensus, rationale, version = agreed if agreed is not None else (None, "", 0)
    return CellDetail(b.name, q.code, q.title, scores, consensus, rationale, version)
