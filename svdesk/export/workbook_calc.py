"""Where every figure of the evaluation workbook sits, and what each of its formulas comes to.

The workbook's totals are live formulas (svdesk.export.workbook_live) over the Scores, Moderation,
Pledges, Questions and Weights sheets. This module lays those sheets out (which row holds which
question, score, bid and pledge subtotal) and works each formula out in Python, step by step as the
formula does, from the sheets' own inputs and not from `compute_results`: the results are written as
the cells' cached values, so a viewer that does not recalculate shows numbers, and a test can hold
them against svdesk's results to the penny (tests/test_workbook_recompute.py).

The rules are svdesk.model.scoring's, restated once per cell:
  question points available = weight / sum of its section's weights x section total
  points                    = score used / scale max x points available
  score used                = consensus score, else the mean of the members' scores, else 0
  below minimum             = a score is recorded and it is below the question's minimum
  disqualified              = any question below its minimum (reg 31(3)(c) of SI 2024/692: the summary
                              explains why a tender was not the most advantageous, "including where it
                              was disqualified")
  price points              = lowest price of the bids still in / bid price x price weight
  SV quantitative points    = value basis / highest basis of the bids still in x points on pledged value
  total                     = the unrounded parts added, rounded once to 2 dp; rank: equal totals share one
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from svdesk.model.kinds import QuantitativeMethod, Section
from svdesk.model.scoring import EPSILON, round2
from svdesk.model.services.report_data import ReportData

QUALITY_LABEL = "Quality"  # the Questions sheet's section names; the Summary's SUMIF criteria
SOCIAL_VALUE_LABEL = "Social value"
RATIO_LABEL = QuantitativeMethod.RELATIVE_RATIO.label  # "relative ratio": the Weights sheet's method cell
SECTION_LABEL = {Section.QUALITY.value: QUALITY_LABEL, Section.SOCIAL_VALUE.value: SOCIAL_VALUE_LABEL}
BLANK = ""  # what a formula shows where a disqualified bid has no figure


@dataclass(frozen=True)
class WeightFigures:
    """The Weights sheet, row by row (its formulas' results included)."""

    price: float
    quality: float
    social_value: float
    share: float  # the per cent of the social value weight given to pledged value
    method: str  # the label, as the sheet shows it
    quantitative: float  # points on pledged value
    qualitative: float  # points on the social value questions
    weights_sum: float


@dataclass(frozen=True)
class ModerationLine:
    """One Moderation row: a bid's result on one question."""

    bidder: str
    question: str
    marks: list[tuple[int, float] | str | None]  # per member column: (Scores row, score), "conflict" or None
    spread: float | str
    consensus: float | None
    used: float
    points: float
    below: int  # 1 when below the question's minimum


@dataclass
class BidFigures:
    """One bid's Summary row and the working behind it (unrounded), as its formulas compute them."""

    name: str
    price: float
    pledged: float
    accepted: float
    below: int = 0
    price_if_in: float | str = BLANK
    basis: float | str = BLANK
    price_raw: float | str = BLANK
    quality_raw: float = 0.0
    quantitative_raw: float | str = BLANK
    qualitative_raw: float = 0.0
    total_raw: float | str = BLANK
    total: float | str = BLANK
    rank: int | str = BLANK
    tied: str = BLANK

    @property
    def disqualified(self) -> bool:
        return self.below > 0


@dataclass
class Layout:
    """Rows of each sheet the formulas refer to (1-based, as Excel counts), and the figures in them."""

    members: list[str]  # the Moderation sheet's member columns, in panel order
    question_row: dict[str, int]  # question code -> its Questions row
    moderation_rows: dict[str, tuple[int, int]]  # bidder -> first and last of its Moderation rows
    pledge_rows: dict[str, tuple[int, int, int]]  # bidder -> first pledge row, last, subtotal row (Pledges)
    weights: WeightFigures
    lines: list[ModerationLine] = field(default_factory=list)
    bids: dict[str, BidFigures] = field(default_factory=dict)

    @property
    def question_range(self) -> tuple[int, int]:
        rows = list(self.question_row.values())
        return (min(rows), max(rows)) if rows else (2, 1)


def moderation_members(data: ReportData) -> list[str]:
    """Who has a column on the Moderation sheet: every evaluator, and anyone else who scored."""
    scored = {s.member for s in data.individual}
    return [member for member, role in data.panel if role == "evaluator" or member in scored]


def weight_figures(data: ReportData) -> WeightFigures:
    sv, share = data.weight_social_value, data.sv_quantitative_share
    return WeightFigures(
        price=data.weight_price,
        quality=data.weight_quality,
        social_value=sv,
        share=share,
        method=QuantitativeMethod(data.quantitative_method).label,
        quantitative=sv * share / 100,
        qualitative=sv * (100 - share) / 100,
        weights_sum=data.weight_price + data.weight_quality + sv,
    )


def pledge_layout(data: ReportData, first_row: int = 2) -> dict[str, tuple[int, int, int]]:
    """As the Pledges sheet writes them: each bid's pledges, its subtotal row, a blank row."""
    out: dict[str, tuple[int, int, int]] = {}
    row = first_row
    for bidder in data.bidders:
        count = len(data.pledges_for(bidder))
        out[bidder] = (row, row + count - 1, row + count)
        row += count + 2
    return out


def layout(data: ReportData) -> Layout:
    """Lay the sheets out and work out every formula the way the workbook does."""
    members = moderation_members(data)
    question_row = {q.code: row for row, q in enumerate(data.questions, start=2)}
    spots = Layout(members, question_row, {}, pledge_layout(data), weight_figures(data))
    _moderation_lines(data, spots)
    _bids(data, spots)
    return spots


def _moderation_lines(data: ReportData, spots: Layout) -> None:
    conflicted = {(d.member, d.bidder) for d in data.declarations if d.conflict}
    marks = {(s.member, s.bidder, s.question): (row, s.score) for row, s in enumerate(data.individual, start=2)}
    scale_max = data.scale_max
    row = 2
    for bidder in data.bidders:
        first = row
        agreed_for = data.moderated_for(bidder)
        for q in data.questions:
            cells: list[tuple[int, float] | str | None] = []
            for m in spots.members:
                mark = marks.get((m, bidder, q.code))
                cells.append(mark if mark is not None else ("conflict" if (m, bidder) in conflicted else None))
            known = [c[1] for c in cells if isinstance(c, tuple)]
            agreed = agreed_for.get(q.code)
            consensus = agreed.score if agreed else None
            # consensus, else the mean of the members' scores (provisional), else 0
            used = consensus if consensus is not None else (sum(known) / len(known) if known else 0.0)
            points = used / scale_max * q.share_of_total if scale_max > 0 else 0.0
            scored = consensus is not None or bool(known)
            below = int(q.minimum_score is not None and scored and used < q.minimum_score - EPSILON)
            spread: float | str = (max(known) - min(known)) if known else BLANK
            spots.lines.append(ModerationLine(bidder, q.code, cells, spread, consensus, used, points, below))
            row += 1
        spots.moderation_rows[bidder] = (first, row - 1)


def _bids(data: ReportData, spots: Layout) -> None:
    w = spots.weights
    ratio = w.method == RATIO_LABEL
    lines: dict[str, list[ModerationLine]] = defaultdict(list)
    for line in spots.lines:
        lines[line.bidder].append(line)
    quality_codes = {q.code for q in data.questions if q.section == Section.QUALITY.value}
    for bidder in data.bidders:
        pledges = data.pledges_for(bidder)
        bid = BidFigures(
            bidder,
            float(data.prices[bidder]),
            sum((p.pledged_value for p in pledges), 0.0),  # SUM down the Pledges sheet, in its order
            sum((p.accepted_value for p in pledges), 0.0),
        )
        mine = lines[bidder]
        bid.below = sum(line.below for line in mine)
        bid.quality_raw = sum((line.points for line in mine if line.question in quality_codes), 0.0)
        bid.qualitative_raw = sum((line.points for line in mine if line.question not in quality_codes), 0.0)
        if not bid.disqualified:
            bid.price_if_in = bid.price
            if ratio:
                bid.basis = bid.accepted / bid.price if bid.price > 0 else 0.0
            else:
                bid.basis = bid.accepted
        spots.bids[bidder] = bid
    prices = [b.price_if_in for b in spots.bids.values() if isinstance(b.price_if_in, float)]
    bases = [b.basis for b in spots.bids.values() if isinstance(b.basis, float)]
    lowest, highest = min(prices, default=0.0), max(bases, default=0.0)  # MIN/MAX of no numbers: 0
    for bid in spots.bids.values():
        if bid.disqualified or not isinstance(bid.basis, float):
            continue
        price_raw = lowest / bid.price * w.price if bid.price > 0 else 0.0
        quantitative = bid.basis / highest * w.quantitative if highest > 0 else 0.0
        bid.price_raw, bid.quantitative_raw = price_raw, quantitative
        bid.total_raw = price_raw + bid.quality_raw + bid.qualitative_raw + quantitative
        bid.total = round2(bid.total_raw)
    totals = [b.total for b in spots.bids.values() if isinstance(b.total, float)]
    for bid in spots.bids.values():
        if isinstance(bid.total, float):
            bid.rank = 1 + sum(1 for t in totals if t > bid.total)  # RANK(total, totals, 0)
            bid.tied = "tied" if totals.count(bid.total) > 1 else BLANK


def rounded(value: float | str) -> float | str:
    """ROUND(x, 2) as the workbook's formulas apply it (half up), BLANK left as it is."""
    return round2(value) if isinstance(value, float) else value
