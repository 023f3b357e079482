"""How robust the ranking is, and how far the panel agreed (issue 16 item 3): what a losing bidder's
lawyers would ask before anyone signs - would a small change have given another winner?

Every figure is the scoring rules themselves (`svdesk.model.scoring.compute_results`) run on a
changed input, never a second copy of the rules:

- margin: points between the first two totals (2 dp).
- smallest flip: the smallest change to ONE consensus score, in steps of the scale and within it,
  that changes the winner; ties between equal changes go to the higher-ranked bid, then the earlier
  question, then the lower score. A score taken below a question's minimum disqualifies the bid;
  one raised to its minimum can bring a disqualified bid back in.
- leave-one-out: every question scored by the mean of the other members' individual scores for
  that bid (the consensus is not used); a member with no score for a bid is simply absent. A cell
  that no other member scored keeps its consensus score (0 if it has none, as the provisional rule
  counts an unscored question): nothing else is known about it without the member left out.
- weights: each of the six moves of 5 points from one of price, quality and social value to another,
  where the giving weight has 5 to give.
- proxies: every proxy value x0.8 and x1.2 together. The quantitative score is each bid's accepted
  value over the highest, so scaling every proxy alike cannot move it; each proxy in turn x0.8 and
  x1.2 (`proxy_moves`) is the check that can, and counts towards `holds` as well.
- holds: every winner above (leave-one-out, weights, proxies, proxy moves) is the recommended one.
  The smallest flip is a distance, not a check: a large enough change always gives another winner.

Speed (a framework: 200 bids x 40 questions x 10 members, 60 measures): a score change moves only
that bid's quality or social-value points, and a proxy change only the accepted values, so those
are ranked on a collapsed input (each bid's points as one quality and one social-value question),
the price and value rules still `compute_results`'; a change found there is confirmed on the full
input before it is reported. Weight moves and leave-one-out are full recomputations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svdesk.model.agreement import Agreement, agreement
from svdesk.model.entities import Bidder, PanelMember, Pledge, Question, Score, Tender, TenderMeasure
from svdesk.model.pledge_value import ACCEPTED_VALUE_SQL, PLEDGED_VALUE_SQL
from svdesk.model.rows import bulk_work, plain_rows
from svdesk.model.scoring import (
    EPSILON,
    QUALITY,
    SOCIAL_VALUE,
    BidderSpec,
    QuestionSpec,
    Results,
    ScoringInput,
    Weights,
    compute_results,
    question_shares,
    round2,
    section_totals,
)
from svdesk.model.services.results import scoring_input

__all__ = ["Agreement", "Flip", "Robustness", "analyse", "as_json", "robustness"]

STEP = 5.0  # points moved between two weights
FACTORS = (0.8, 1.2)  # proxy values -20% and +20%
WEIGHT_NAMES = ("price", "quality", "social_value")
SHOWN = {"price": "price", "quality": "quality", "social_value": "social value"}
Mark = tuple[str, str, str, float]  # member, bidder, question code, score


@dataclass(frozen=True)
class Flip:
    question: str
    bidder: str
    from_score: float
    to_score: float
    winner: str  # who wins then; "" when no single bid ranks first (a tie)


@dataclass(frozen=True)
class Robustness:
    winner: str | None
    runner_up: str | None
    margin: float | None
    leave_one_out: list[tuple[str, str | None]]
    weights: list[tuple[float, float, float, str | None]]
    proxies: list[tuple[float, str | None]]
    smallest_flip: Flip | None
    holds: bool
    agreement: Agreement
    changes: list[str]
    proxy_moves: list[tuple[str, float, str | None]] = field(default_factory=list)  # (measure ref, factor, winner)
    notes: list[str] = field(default_factory=list)  # how a figure was reached where that needs saying
    unscored: int = 0  # answers (bid x question) with no score at all: then nothing is tested
    answers: int = 0  # answers in all

    def summary(self) -> str:
        if self.unscored:
            return (
                f"There is nothing to test yet: {self.unscored:,} of {self.answers:,} answers have no score "
                "(a ranking of unscored answers, counted as 0, is not a recommendation)."
            )
        if self.winner is None:
            return "No single bid ranks first, so there is no recommendation to test."
        if self.holds:
            return "The recommendation holds under all of these."
        return f"The recommendation of {self.winner} does not hold under every check. " + " ".join(self.changes)


def _wins(winner: str | None) -> str:
    return f"{winner} would win" if winner else "no single bid would rank first"


def winner_of(results: Results) -> str | None:
    """The one bid ranked first, or None (no bid in, or equal first totals)."""
    first = [b.name for b in results.bidders if not b.excluded and b.rank == 1]
    return first[0] if len(first) == 1 else None


# --- the collapsed input: each bid's points, the price and value rules reused -------------------


class _Ranker:
    """Winners under a changed score or accepted value, fast: each bid as one quality and one
    social-value question worth exactly its points (the same sums, to the last binary digit or so)."""

    def __init__(self, inp: ScoringInput) -> None:
        self.inp = inp
        totals = section_totals(inp.weights, inp.sv_quantitative_share)
        self.totals = (totals[QUALITY], totals[SOCIAL_VALUE])
        self.questions = [QuestionSpec("q", QUALITY, 1.0), QuestionSpec("s", SOCIAL_VALUE, 1.0)]

    def winner(self, bidders: Sequence[BidderSpec], points: Mapping[str, tuple[float, float]]) -> str | None:
        quality_total, social_total = self.totals
        moderated: dict[tuple[str, str], float] = {}
        for b in bidders:
            q, s = points[b.name]
            moderated[b.name, "q"] = q / quality_total if quality_total else 0.0
            moderated[b.name, "s"] = s / social_total if social_total else 0.0
        collapsed = replace(self.inp, scale_max=1.0, questions=self.questions, bidders=bidders, moderated=moderated)
        return winner_of(compute_results(collapsed))


# --- the figures -----------------------------------------------------------------------------------


def analyse(
    inp: ScoringInput,
    step: float,
    marks: Sequence[Mark],
    members: Sequence[str],
    measure_values: Mapping[str, Mapping[str, tuple[float, float]]],
) -> Robustness:
    """Every figure, from plain data: `marks` the members' individual scores, `members` the panel in
    order, `measure_values` each measure's pledged and accepted value per bidder (ref -> bidder -> £)."""
    cells = [(b.name, q.code) for b in inp.bidders for q in inp.questions]
    unscored = sum(1 for c in cells if c not in inp.moderated and not inp.individual.get(c))
    if unscored or not cells:
        # An unscored answer counts as 0 in the provisional results: the "leader" then is only the
        # price, and no check of it says anything about the panel's recommendation.
        return Robustness(
            winner=None,
            runner_up=None,
            margin=None,
            leave_one_out=[],
            weights=[],
            proxies=[],
            smallest_flip=None,
            holds=False,
            agreement=agreement(marks, inp.moderated, [q.code for q in inp.questions], members),
            changes=[],
            unscored=unscored,
            answers=len(cells),
        )
    base = compute_results(inp)
    winner = winner_of(base)
    ranked = [b for b in base.bidders if not b.excluded]
    runner_up = ranked[1].name if len(ranked) > 1 else None
    margin = round2((ranked[0].total or 0.0) - (ranked[1].total or 0.0)) if len(ranked) > 1 else None
    changes: list[str] = []
    notes: list[str] = [] if base.final else ["Some consensus scores are missing: the results are provisional."]

    loo = _leave_one_out(inp, marks, members, notes)
    changes += [f"Leaving out {m}'s scores, {_wins(w)}." for m, w in loo if w != winner]
    moves = _weight_moves(inp)
    changes += [
        f"With the weights at price {p:g}, quality {q:g}, social value {s:g}, {_wins(w)}."
        for p, q, s, w in moves
        if w != winner
    ]
    ranker = _Ranker(inp)
    points = _points(inp, base)
    eligible = {b.name for b in ranked}
    proxies = [(f, _proxy_winner(inp, ranker, points, eligible, measure_values, None, f, winner)) for f in FACTORS]
    changes += [f"With every proxy value \u00d7{f:g}, {_wins(w)}." for f, w in proxies if w != winner]
    proxy_moves = [
        (ref, f, _proxy_winner(inp, ranker, points, eligible, measure_values, ref, f, winner))
        for ref in measure_values
        for f in FACTORS
    ]
    changes += [f"With {ref}'s proxy value \u00d7{f:g}, {_wins(w)}." for ref, f, w in proxy_moves if w != winner]
    flip = _smallest_flip(inp, step, base, ranker, points) if winner is not None else None
    minimum = {q.code: q.minimum_score for q in inp.questions}
    if flip is not None and (least := minimum[flip.question]) is not None:
        if flip.to_score < least - EPSILON:
            notes.append(f"That change takes {flip.bidder} below {flip.question}'s minimum of {least:g}: disqualified.")
        elif flip.from_score < least - EPSILON:
            notes.append(
                f"That change lifts {flip.bidder} to {flip.question}'s minimum of {least:g}: no longer disqualified."
            )
    holds = winner is not None and not changes
    return Robustness(
        winner=winner,
        runner_up=runner_up,
        margin=margin,
        leave_one_out=loo,
        weights=moves,
        proxies=proxies,
        smallest_flip=flip,
        holds=holds,
        agreement=agreement(marks, inp.moderated, [q.code for q in inp.questions], members),
        changes=changes,
        proxy_moves=proxy_moves,
        notes=notes,
    )


def _leave_one_out(
    inp: ScoringInput, marks: Sequence[Mark], members: Sequence[str], notes: list[str]
) -> list[tuple[str, str | None]]:
    """Each member who scored left out in turn; the others' mean stands for every question."""
    total: dict[tuple[str, str], float] = defaultdict(float)
    count: dict[tuple[str, str], int] = defaultdict(int)
    own: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    for member, bidder, code, score in marks:
        total[bidder, code] += score
        count[bidder, code] += 1
        own[member][bidder, code] = score
    cells = [(b.name, q.code) for b in inp.bidders for q in inp.questions]
    out: list[tuple[str, str | None]] = []
    for member in (m for m in members if m in own):
        mine = own[member]
        scores: dict[tuple[str, str], float] = {}
        kept = 0
        for cell in cells:
            others = count.get(cell, 0) - (cell in mine)
            if others > 0:
                scores[cell] = (total[cell] - mine.get(cell, 0.0)) / others
            elif cell in inp.moderated:  # no one else scored it: its consensus stands
                scores[cell] = inp.moderated[cell]
                kept += 1
        # The means given as the scores used: compute_results applies the minimums to them as it
        # does to a provisional mean.
        out.append((member, winner_of(compute_results(replace(inp, moderated=scores, individual={})))))
        if kept:
            cell_word = "answer" if kept == 1 else "answers"
            notes.append(f"Leaving out {member}: {kept} {cell_word} no other member scored kept the consensus score.")
    return out


def _weight_moves(inp: ScoringInput) -> list[tuple[float, float, float, str | None]]:
    out: list[tuple[float, float, float, str | None]] = []
    for giver in WEIGHT_NAMES:
        for taker in WEIGHT_NAMES:
            if taker == giver or getattr(inp.weights, giver) < STEP - EPSILON:
                continue
            moved = {n: getattr(inp.weights, n) for n in WEIGHT_NAMES}
            moved[giver] -= STEP
            moved[taker] += STEP
            weights = Weights(**moved)
            out.append(
                (
                    weights.price,
                    weights.quality,
                    weights.social_value,
                    winner_of(compute_results(replace(inp, weights=weights))),
                )
            )
    return out


def _points(inp: ScoringInput, base: Results) -> dict[str, tuple[float, float]]:
    """Each bid's quality and social-value points, unrounded, summed in question order as the rules sum them."""
    quality = {q.code for q in inp.questions if q.section == QUALITY}
    out: dict[str, tuple[float, float]] = {}
    for b in base.bidders:
        q_points = s_points = 0.0
        for r in b.questions.values():
            if r.code in quality:
                q_points += r.contribution
            else:
                s_points += r.contribution
        out[b.name] = (q_points, s_points)
    return out


def _proxy_winner(
    inp: ScoringInput,
    ranker: _Ranker,
    points: Mapping[str, tuple[float, float]],
    eligible: set[str],
    values: Mapping[str, Mapping[str, tuple[float, float]]],
    ref: str | None,
    factor: float,
    winner: str | None,
) -> str | None:
    """The winner with one measure's proxy value (`ref`), or every one (None), times `factor`."""

    def scaled(b: BidderSpec) -> BidderSpec:
        if ref is None:
            return replace(b, pledged_value=b.pledged_value * factor, accepted_value=b.accepted_value * factor)
        pledged, accepted = values[ref].get(b.name, (0.0, 0.0))
        return replace(
            b,
            pledged_value=b.pledged_value + pledged * (factor - 1),
            accepted_value=b.accepted_value + accepted * (factor - 1),
        )

    if ref is not None and not any(accepted for _pledged, accepted in values[ref].values()):
        return winner  # no bid counts any of it: nothing moves
    bidders = [scaled(b) for b in inp.bidders]
    found = ranker.winner([b for b in bidders if b.name in eligible], points)
    if found == winner:
        return found
    return winner_of(compute_results(replace(inp, bidders=bidders)))  # confirmed on the full input


def _smallest_flip(
    inp: ScoringInput, step: float, base: Results, ranker: _Ranker, points: Mapping[str, tuple[float, float]]
) -> Flip | None:
    """The smallest change to one consensus score that changes the winner (see the module's note)."""
    winner = winner_of(base)
    shares = question_shares(inp.questions, inp.weights, inp.sv_quantitative_share)
    specs = [(q.code, shares[q.code], q.section == QUALITY, q.minimum_score) for q in inp.questions]
    spec_of = {b.name: b for b in inp.bidders}
    eligible = [spec_of[b.name] for b in base.bidders if not b.excluded]
    totals = {b.name: b.total or 0.0 for b in base.bidders if not b.excluded}
    rivals = [t for n, t in totals.items() if n != winner]
    top, rival = totals.get(winner or "", 0.0), max(rivals, default=None)
    failing = {b.name: _failing(inp, b.name, base) for b in base.bidders if b.excluded}
    without: dict[str, str | None] = {}  # a bid disqualified: the winner then
    slack = 0.02  # the totals compared are rounded to 2 dp: a change this close is ranked in full

    def moved(name: str, is_quality: bool, delta: float) -> dict[str, tuple[float, float]]:
        q, s = points[name]
        return {**points, name: (q + delta, s) if is_quality else (q, s + delta)}

    def ranked_after(
        name: str, code: str, share: float, is_quality: bool, minimum: float | None, old: float, new: float
    ) -> str | None:
        delta = (new - old) / inp.scale_max * share if inp.scale_max > 0 else 0.0
        below = minimum is not None and new < minimum - EPSILON
        if name in totals:
            if below:  # disqualified: the same winner whichever question takes it below
                if name not in without:
                    without[name] = ranker.winner([b for b in eligible if b.name != name], points)
                return without[name]
            if name == winner:
                if rival is None or top + delta > rival + slack:
                    return winner
            elif totals[name] + delta < top - slack:
                return winner
            return ranker.winner(eligible, moved(name, is_quality, delta))
        # disqualified now: it comes back in only if this was its one score below a minimum
        if below or failing[name] != [code]:
            return winner
        return ranker.winner([*eligible, spec_of[name]], moved(name, is_quality, delta))

    steps = int(round(inp.scale_max / step)) if step > 0 else 0
    for k in range(1, steps + 1):  # the smallest change first
        for b in base.bidders:  # the higher-ranked bid first, then the earlier question, then the lower score
            for code, share, is_quality, minimum in specs:
                old = inp.moderated.get((b.name, code))
                if old is None:
                    continue
                for new in (round(old - k * step, 10), round(old + k * step, 10)):
                    if new < -EPSILON or new > inp.scale_max + EPSILON:
                        continue
                    if ranked_after(b.name, code, share, is_quality, minimum, old, new) == winner:
                        continue
                    changed = replace(inp, moderated={**inp.moderated, (b.name, code): new})
                    confirmed = winner_of(compute_results(changed))
                    if confirmed != winner:
                        return Flip(code, b.name, old, new, confirmed or "")
    return None


def _failing(inp: ScoringInput, bidder: str, base: Results) -> list[str]:
    """The questions that disqualify a bid: a score used (consensus, or the provisional mean of
    some individual scores) below the minimum, as `compute_results` applies it."""
    result = base.by_name()[bidder]
    out = []
    for q in inp.questions:
        r = result.questions[q.code]
        scored = not r.provisional or bool(inp.individual.get((bidder, q.code)))
        if q.minimum_score is not None and scored and r.score < q.minimum_score - EPSILON:
            out.append(q.code)
    return out


# --- from the database -----------------------------------------------------------------------------


@bulk_work()
def robustness(session: Session, tender: Tender) -> Robustness:
    """Every figure for the tender as recorded now (a read: nothing is written)."""
    tid = tender.id
    inp = scoring_input(session, tender)
    bidder = dict(plain_rows(session, select(Bidder.id, Bidder.name).where(Bidder.tender_id == tid)))
    code = dict(plain_rows(session, select(Question.id, Question.code).where(Question.tender_id == tid)))
    members = [
        name
        for (name,) in plain_rows(
            session,
            select(PanelMember.name).where(PanelMember.tender_id == tid).order_by(PanelMember.position, PanelMember.id),
        )
    ]
    marks: list[Mark] = [
        (member, bidder[b], code[q], score)
        for member, b, q, score in plain_rows(
            session,
            select(PanelMember.name, Score.bidder_id, Score.question_id, Score.score)
            .join(PanelMember, Score.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tid),
        )
    ]
    values: dict[str, dict[str, tuple[float, float]]] = {}
    for ref, b, pledged, accepted in plain_rows(
        session,
        select(TenderMeasure.ref, Pledge.bidder_id, func.sum(PLEDGED_VALUE_SQL), func.sum(ACCEPTED_VALUE_SQL))
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(TenderMeasure.tender_id == tid)
        .group_by(TenderMeasure.id, TenderMeasure.ref, TenderMeasure.position, Pledge.bidder_id)
        .order_by(TenderMeasure.position, TenderMeasure.id),
    ):
        values.setdefault(ref, {})[bidder[b]] = (float(pledged or 0.0), float(accepted or 0.0))
    return analyse(inp, tender.scale_step, marks, members, values)


def as_json(r: Robustness) -> dict[str, object]:
    """The `svdesk robustness --json` shape (issue 16's keys, and a few more)."""
    flip = r.smallest_flip
    a = r.agreement
    return {
        "winner": r.winner,
        "runner_up": r.runner_up,
        "margin": r.margin,
        "leave_one_out": [{"member": m, "winner": w} for m, w in r.leave_one_out],
        "weights": [{"price": p, "quality": q, "social_value": s, "winner": w} for p, q, s, w in r.weights],
        "proxies": [{"factor": f, "winner": w} for f, w in r.proxies],
        "proxy_moves": [{"measure": ref, "factor": f, "winner": w} for ref, f, w in r.proxy_moves],
        "smallest_flip": None
        if flip is None
        else {
            "question": flip.question,
            "bidder": flip.bidder,
            "from": flip.from_score,
            "to": flip.to_score,
            "winner": flip.winner or None,
        },
        "holds": r.holds,
        "unscored": r.unscored,
        "changes": list(r.changes),
        "summary": r.summary(),
        "notes": list(r.notes),
        "agreement": {
            "spread": {code: round2(v) for code, v in a.spread.items()},
            "member_distance": {m: round2(v) for m, v in a.member_distance.items()},
            "alpha": None if a.alpha is None else round(a.alpha, 3),
            "reading": a.reading,
        },
    }
