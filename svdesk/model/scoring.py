"""The scoring rules, as pure functions over plain data (no database, no Qt).

Every rule here is exact and unit-tested; the services build a `ScoringInput` from the database
(or an evaluation file) and report what `compute_results` returns.

Rules (weights are points out of 100):
- price score       = lowest price / bid price x price weight
- question          = score / scale max x (its weight / sum of its section's weights) x section total
                      quality section total = quality weight
                      social-value section total = social value weight x (100 - quantitative share) / 100
- quantitative SV   = accepted value / highest accepted value x social value weight x share / 100
                      ('relative_ratio': the same on accepted value / price); 0 for all if highest is 0
- exclusion         a score below a question's minimum: no price, quantitative or total score, no
                    rank; lowest price and highest value are taken over the bids still in
- rounding          components to 2 dp (half up); total = the unrounded sum rounded to 2 dp
- ranking           equal totals share a rank (1, 1, 3)
- provisional       a missing moderated score uses the mean of the bid's individual scores for that
                    question (0 when there are none); results are then `final = False`
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from svdesk.model.names import magnitude_problem, quoted

QUALITY = "quality"
SOCIAL_VALUE = "social_value"
RELATIVE_VALUE = "relative_value"
RELATIVE_RATIO = "relative_ratio"
EPSILON = 1e-9


def round2(value: float) -> float:
    """Round half up to 2 dp, on the decimal digits a person would read (not binary ones)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    price: float
    quality: float
    social_value: float


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    section: str  # QUALITY or SOCIAL_VALUE
    weight: float
    minimum_score: float | None = None


@dataclass(frozen=True)
class BidderSpec:
    name: str
    price: float
    pledged_value: float = 0.0
    accepted_value: float = 0.0


@dataclass(frozen=True)
class ScoringInput:
    weights: Weights
    sv_quantitative_share: float
    quantitative_method: str
    scale_max: float
    questions: Sequence[QuestionSpec]
    bidders: Sequence[BidderSpec]
    moderated: Mapping[tuple[str, str], float]  # (bidder, question code) -> consensus score
    individual: Mapping[tuple[str, str], Sequence[float]] = field(default_factory=dict)


# --- outputs -------------------------------------------------------------------------------------


class QuestionResult(NamedTuple):
    """One bid's result on one question (a tuple: a framework's results hold 8,000 of them)."""

    code: str
    score: float  # the score used: moderated, or the provisional mean
    provisional: bool
    contribution: float  # unrounded points


@dataclass
class BidderResult:
    name: str
    price: float
    pledged_value: float
    accepted_value: float
    price_score: float | None
    quality_score: float | None
    sv_quantitative_score: float | None
    sv_qualitative_score: float | None
    total: float | None
    rank: int | None
    excluded: bool
    exclusion_reasons: list[str]
    questions: dict[str, QuestionResult]
    tied: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "price": round2(self.price),
            "pledged_value": round2(self.pledged_value),
            "accepted_value": round2(self.accepted_value),
            "price_score": self.price_score,
            "quality_score": self.quality_score,
            "sv_quantitative_score": self.sv_quantitative_score,
            "sv_qualitative_score": self.sv_qualitative_score,
            "total": self.total,
            "rank": self.rank,
            "excluded": self.excluded,
            "exclusion_reasons": list(self.exclusion_reasons),
        }


@dataclass
class Results:
    final: bool
    bidders: list[BidderResult]  # ranked, excluded bids last

    def by_name(self) -> dict[str, BidderResult]:
        return {b.name: b for b in self.bidders}


# --- rules ---------------------------------------------------------------------------------------


def suggested_social_value_weight(contract_value: float) -> tuple[float | None, str]:
    """The policy's suggestion (seed 000, CW&C 2021-25, para iv): a starting point the user can change."""
    if contract_value > 100_000:
        return 10.0, "10% for contracts above £100,000 (CW&C Social Value Policy 2021-25)"
    if contract_value >= 50_000:
        return 5.0, "5% for contracts of £50,000-£100,000 (CW&C Social Value Policy 2021-25)"
    return None, "no standard weighting below £50,000: set one if proportionate"


def weights_problem(weights: Weights) -> str | None:
    parts = (("price", weights.price), ("quality", weights.quality), ("social_value", weights.social_value))
    for name, value in parts:
        if not math.isfinite(value) or value < 0:
            return f"{name} weight must be a number of 0 or more, not {value}"
    total = weights.price + weights.quality + weights.social_value
    if abs(total - 100) > EPSILON:
        return f"weights must sum to 100; they sum to {total:g}"
    return None


def score_problem(score: float, scale_max: float, step: float) -> str | None:
    """None when `score` lies on the scale 0..max in steps of `step`."""
    if not isinstance(score, int | float) or isinstance(score, bool):
        return f"{quoted(score)} is not a number"
    if problem := magnitude_problem(score):  # before math.isfinite: a 400-digit integer overflows it
        return problem
    if score < 0:
        return f"{score:g} is below the scale minimum 0"
    if score > scale_max + EPSILON:
        return f"{score:g} is above the scale maximum {scale_max:g}"
    steps = score / step
    if abs(steps - round(steps)) > 1e-6:
        return f"{score:g} is not on the scale (0 to {scale_max:g} in steps of {step:g})"
    return None


def scale_points(scale_max: float, step: float) -> list[float]:
    count = int(round(scale_max / step))
    return [round(i * step, 10) for i in range(count + 1)]


def section_totals(weights: Weights, sv_quantitative_share: float) -> dict[str, float]:
    return {
        QUALITY: weights.quality,
        SOCIAL_VALUE: weights.social_value * (100 - sv_quantitative_share) / 100,
    }


def question_shares(inp_questions: Sequence[QuestionSpec], weights: Weights, share: float) -> dict[str, float]:
    """Each question's effective share of the 100 points (e.g. Q1 = 16.0)."""
    totals = section_totals(weights, share)
    sums = {QUALITY: 0.0, SOCIAL_VALUE: 0.0}
    for q in inp_questions:
        sums[q.section] += q.weight
    return {
        q.code: (q.weight / sums[q.section] * totals[q.section]) if sums[q.section] > 0 else 0.0 for q in inp_questions
    }


def shown_score(score: float, below: float | None = None) -> str:
    """A score as the screens show one: at most 2 decimals, trailing zeros dropped (1.66667 -> 1.67);
    more digits only where 2 would hide that it is `below` a minimum (1.999 is not "2")."""
    text = f"{round2(score):.2f}".rstrip("0").rstrip(".")
    if below is not None and round2(score) >= below - EPSILON:
        return f"{score:g}"
    return text


def compute_results(inp: ScoringInput) -> Results:
    shares = question_shares(inp.questions, inp.weights, inp.sv_quantitative_share)
    # per question, once: its code, share, section and minimum (a framework has 200 bids x 40
    # questions: the inner loop below runs 8,000 times on every results refresh)
    specs = [(q.code, shares[q.code], q.section == QUALITY, q.minimum_score) for q in inp.questions]
    scale_max = inp.scale_max
    moderated, individual = inp.moderated, inp.individual
    final = True
    rows: list[BidderResult] = []
    for bid in inp.bidders:
        per_question: dict[str, QuestionResult] = {}
        quality = sv_qual = 0.0
        reasons: list[str] = []
        for code, share, is_quality, minimum in specs:
            key = (bid.name, code)
            score = moderated.get(key)
            if score is not None:  # the consensus score
                provisional, has_score = False, True
            else:  # provisional: the mean of the individual scores, 0 while there are none
                marks = individual.get(key, ())
                score, provisional, has_score = (sum(marks) / len(marks), True, True) if marks else (0.0, True, False)
                final = False
            contribution = score / scale_max * share if scale_max > 0 else 0.0
            per_question[code] = QuestionResult(code, score, provisional, contribution)
            if is_quality:
                quality += contribution
            else:
                sv_qual += contribution
            # A question nobody has scored yet cannot exclude a bid; a provisional mean can.
            if minimum is not None and has_score and score < minimum - EPSILON:
                note = " (provisional: mean of individual scores)" if provisional else ""
                reasons.append(f"{code} scored {shown_score(score, minimum)}, below the minimum of {minimum:g}{note}")
        rows.append(
            BidderResult(
                name=bid.name,
                price=bid.price,
                pledged_value=bid.pledged_value,
                accepted_value=bid.accepted_value,
                price_score=None,
                quality_score=quality,
                sv_quantitative_score=None,
                sv_qualitative_score=sv_qual,
                total=None,
                rank=None,
                excluded=bool(reasons),
                exclusion_reasons=reasons,
                questions=per_question,
            )
        )

    eligible = [r for r in rows if not r.excluded]
    quant_weight = inp.weights.social_value * inp.sv_quantitative_share / 100
    lowest_price = min((r.price for r in eligible), default=0.0)

    def quant_basis(r: BidderResult) -> float:
        if inp.quantitative_method == RELATIVE_RATIO:
            return r.accepted_value / r.price if r.price > 0 else 0.0
        return r.accepted_value

    highest = max((quant_basis(r) for r in eligible), default=0.0)
    raw_totals: dict[str, float] = {}
    for r in eligible:
        price_score = lowest_price / r.price * inp.weights.price if r.price > 0 else 0.0
        quant = quant_basis(r) / highest * quant_weight if highest > 0 else 0.0
        assert r.quality_score is not None and r.sv_qualitative_score is not None
        raw_totals[r.name] = price_score + r.quality_score + r.sv_qualitative_score + quant
        r.price_score, r.sv_quantitative_score = price_score, quant

    for r in rows:  # report rounded components; the total is the unrounded sum, rounded once
        r.price_score = None if r.price_score is None else round2(r.price_score)
        r.sv_quantitative_score = None if r.sv_quantitative_score is None else round2(r.sv_quantitative_score)
        r.quality_score = round2(r.quality_score or 0.0)
        r.sv_qualitative_score = round2(r.sv_qualitative_score or 0.0)
        r.total = round2(raw_totals[r.name]) if r.name in raw_totals else None

    ranked = sorted(eligible, key=lambda r: (-(r.total or 0.0), r.name.casefold()))
    counts: dict[float | None, int] = {}
    for r in ranked:
        counts[r.total] = counts.get(r.total, 0) + 1
    for position, r in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        r.rank = previous.rank if previous is not None and previous.total == r.total else position
        r.tied = counts[r.total] > 1
    excluded = sorted((r for r in rows if r.excluded), key=lambda r: r.name.casefold())
    return Results(final=final, bidders=ranked + excluded)
