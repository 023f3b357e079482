"""Each scoring rule from the core issue, checked against hand-computed figures."""

import pytest

from svdesk.model.scoring import (
    BidderSpec,
    QuestionSpec,
    ScoringInput,
    Weights,
    compute_results,
    question_shares,
    round2,
    scale_points,
    score_problem,
    suggested_social_value_weight,
    weights_problem,
)

W = Weights(price=40, quality=50, social_value=10)
QS = [
    QuestionSpec("Q1", "quality", 60, minimum_score=2),
    QuestionSpec("Q2", "quality", 40),
    QuestionSpec("SV1", "social_value", 100),
]


def make(
    bidders, moderated, *, weights=W, share=50.0, method="relative_value", scale_max=5, questions=QS, individual=None
):
    return compute_results(
        ScoringInput(
            weights=weights,
            sv_quantitative_share=share,
            quantitative_method=method,
            scale_max=scale_max,
            questions=questions,
            bidders=bidders,
            moderated=moderated,
            individual=individual or {},
        )
    )


def all_scores(name, q1, q2, sv1):
    return {(name, "Q1"): q1, (name, "Q2"): q2, (name, "SV1"): sv1}


def test_price_quality_and_social_value_components_by_hand():
    bidders = [BidderSpec("A", 100_000, 50_000, 40_000), BidderSpec("B", 125_000, 80_000, 80_000)]
    moderated = {**all_scores("A", 4, 3, 5), **all_scores("B", 5, 5, 2)}
    res = make(bidders, moderated).by_name()
    a, b = res["A"], res["B"]
    # price: lowest / own x 40
    assert a.price_score == 40.0 and b.price_score == 32.0
    # quality: Q1 = 4/5 x 60/100 x 50 = 24; Q2 = 3/5 x 40/100 x 50 = 12
    assert a.quality_score == 36.0
    assert b.quality_score == 50.0
    # SV qualitative section total = 10 x (100-50)/100 = 5; A: 5/5 x 5 = 5; B: 2/5 x 5 = 2
    assert a.sv_qualitative_score == 5.0 and b.sv_qualitative_score == 2.0
    # SV quantitative: accepted / highest accepted x 10 x 50/100
    assert a.sv_quantitative_score == 2.5 and b.sv_quantitative_score == 5.0
    assert a.total == 83.5 and b.total == 89.0
    assert [r.name for r in make(bidders, moderated).bidders] == ["B", "A"]
    assert res["B"].rank == 1 and res["A"].rank == 2


def test_relative_ratio_uses_value_per_pound():
    bidders = [BidderSpec("A", 100_000, 0, 20_000), BidderSpec("B", 200_000, 0, 30_000)]
    moderated = {**all_scores("A", 3, 3, 3), **all_scores("B", 3, 3, 3)}
    by_value = make(bidders, moderated).by_name()
    by_ratio = make(bidders, moderated, method="relative_ratio").by_name()
    assert by_value["B"].sv_quantitative_score == 5.0
    assert by_value["A"].sv_quantitative_score == round2(20_000 / 30_000 * 5)
    # ratios 0.2 and 0.15: A is best
    assert by_ratio["A"].sv_quantitative_score == 5.0
    assert by_ratio["B"].sv_quantitative_score == 3.75


def test_accepted_not_pledged_value_is_scored():
    bidders = [BidderSpec("A", 100, pledged_value=1_000_000, accepted_value=10), BidderSpec("B", 100, 20, 20)]
    moderated = {**all_scores("A", 3, 3, 3), **all_scores("B", 3, 3, 3)}
    res = make(bidders, moderated).by_name()
    assert res["B"].sv_quantitative_score == 5.0
    assert res["A"].sv_quantitative_score == 2.5


def test_highest_value_zero_gives_zero_quantitative_scores():
    bidders = [BidderSpec("A", 100, 0, 0), BidderSpec("B", 120, 0, 0)]
    moderated = {**all_scores("A", 3, 3, 3), **all_scores("B", 3, 3, 3)}
    for method in ("relative_value", "relative_ratio"):
        res = make(bidders, moderated, method=method)
        assert [r.sv_quantitative_score for r in res.bidders] == [0.0, 0.0]


def test_exclusion_changes_lowest_price_and_highest_value():
    # C is cheapest with the most social value but scores 1 on Q1 (minimum 2).
    bidders = [
        BidderSpec("A", 120_000, 0, 30_000),
        BidderSpec("B", 150_000, 0, 60_000),
        BidderSpec("C", 90_000, 0, 500_000),
    ]
    moderated = {**all_scores("A", 3, 3, 3), **all_scores("B", 4, 4, 4), **all_scores("C", 1, 5, 5)}
    res = make(bidders, moderated)
    c = res.by_name()["C"]
    assert c.excluded and c.rank is None and c.total is None
    assert c.price_score is None and c.sv_quantitative_score is None
    assert c.exclusion_reasons == ["Q1 scored 1, below the minimum of 2"]
    a, b = res.by_name()["A"], res.by_name()["B"]
    assert a.price_score == 40.0  # lowest price is now A's 120k, not C's 90k
    assert b.price_score == 32.0
    assert b.sv_quantitative_score == 5.0  # highest value is now B's 60k, not C's 500k
    assert a.sv_quantitative_score == 2.5
    assert res.bidders[-1].name == "C"  # excluded bids last


def test_equal_totals_share_a_rank():
    bidders = [BidderSpec("A", 100, 0, 0), BidderSpec("B", 100, 0, 0), BidderSpec("C", 200, 0, 0)]
    moderated = {**all_scores("A", 3, 3, 3), **all_scores("B", 3, 3, 3), **all_scores("C", 3, 3, 3)}
    res = make(bidders, moderated)
    assert [(r.name, r.rank) for r in res.bidders] == [("A", 1), ("B", 1), ("C", 3)]
    assert res.by_name()["A"].tied and not res.by_name()["C"].tied


def test_total_is_unrounded_sum_rounded_once():
    # components 1/3-ish: rounding each then summing would differ from rounding the sum
    qs = [QuestionSpec("Q1", "quality", 1), QuestionSpec("Q2", "quality", 1), QuestionSpec("Q3", "quality", 1)]
    w = Weights(price=0, quality=100, social_value=0)
    res = make(
        [BidderSpec("A", 1, 0, 0)],
        {("A", "Q1"): 1, ("A", "Q2"): 1, ("A", "Q3"): 1},
        weights=w,
        questions=qs,
        scale_max=3,
    )
    # each question is 1/3 x 33.333... = 11.111...; quality = 33.333 -> 33.33; total 33.33
    assert res.bidders[0].quality_score == 33.33
    assert res.bidders[0].total == 33.33


def test_round_half_up_on_decimal_digits():
    assert round2(2.675) == 2.68  # Python's round() gives 2.67 on the binary value
    assert round2(0.125) == 0.13
    assert round2(-0.0) == 0.0


def test_provisional_results_use_mean_of_individual_scores():
    bidders = [BidderSpec("A", 100, 0, 0)]
    moderated = {("A", "Q1"): 4, ("A", "SV1"): 5}  # Q2 not moderated yet
    individual = {("A", "Q2"): [2, 3, 5]}  # mean 10/3
    res = make(bidders, moderated, individual=individual)
    assert res.final is False
    q2 = res.bidders[0].questions["Q2"]
    assert q2.provisional and q2.score == pytest.approx(10 / 3)
    # quality = 4/5 x 30 + (10/3)/5 x 20 = 24 + 13.333 = 37.33
    assert res.bidders[0].quality_score == 37.33


def test_provisional_with_no_individual_scores_counts_zero_and_does_not_exclude():
    res = make([BidderSpec("A", 100, 0, 0)], {("A", "Q2"): 5, ("A", "SV1"): 5})
    a = res.bidders[0]
    assert res.final is False
    assert a.questions["Q1"].score == 0.0 and a.questions["Q1"].provisional
    assert not a.excluded


def test_provisional_mean_below_minimum_excludes_with_a_note():
    res = make([BidderSpec("A", 100, 0, 0)], {("A", "Q2"): 5, ("A", "SV1"): 5}, individual={("A", "Q1"): [1, 2]})
    a = res.bidders[0]
    assert a.excluded and "provisional" in a.exclusion_reasons[0]


def test_final_when_every_moderated_score_present():
    res = make([BidderSpec("A", 100, 0, 0)], all_scores("A", 3, 3, 3))
    assert res.final is True


def test_zero_to_hundred_scale_in_steps_of_twenty():
    assert scale_points(100, 20) == [0, 20, 40, 60, 80, 100]
    assert score_problem(60, 100, 20) is None
    assert score_problem(50, 100, 20) == "50 is not on the scale (0 to 100 in steps of 20)"
    assert score_problem(120, 100, 20) == "120 is above the scale maximum 100"
    res = make([BidderSpec("A", 100, 0, 0)], all_scores("A", 80, 60, 100), scale_max=100)
    # Q1 80/100 x 30 = 24; Q2 60/100 x 20 = 12
    assert res.bidders[0].quality_score == 36.0


def test_scores_must_lie_on_the_scale():
    assert score_problem(5, 5, 1) is None
    assert score_problem(0, 5, 1) is None
    assert score_problem(7, 5, 1) == "7 is above the scale maximum 5"
    assert score_problem(-1, 5, 1) == "-1 is below the scale minimum 0"
    assert score_problem(2.5, 5, 1) == "2.5 is not on the scale (0 to 5 in steps of 1)"
    assert score_problem(2.5, 5, 0.5) is None
    assert score_problem(float("nan"), 5, 1) is not None


def test_weights_must_be_non_negative_and_sum_to_100():
    assert weights_problem(Weights(40, 50, 10)) is None
    assert weights_problem(Weights(40, 50, 20)) == "weights must sum to 100; they sum to 110"
    assert weights_problem(Weights(-10, 100, 10)) == "price weight must be a number of 0 or more, not -10"


def test_suggested_social_value_weight_from_contract_value():
    assert suggested_social_value_weight(2_400_000)[0] == 10
    assert suggested_social_value_weight(100_000.01)[0] == 10
    assert suggested_social_value_weight(100_000)[0] == 5
    assert suggested_social_value_weight(50_000)[0] == 5
    assert suggested_social_value_weight(49_999)[0] is None


def test_question_shares_of_total():
    shares = question_shares(QS, W, 50)
    assert shares == {"Q1": 30.0, "Q2": 20.0, "SV1": 5.0}
    # all social value on pledges: the SV question carries nothing
    assert question_shares(QS, W, 100)["SV1"] == 0.0


def test_quantitative_share_splits_social_value_weight():
    bidders = [BidderSpec("A", 100, 0, 10)]
    res = make(bidders, all_scores("A", 5, 5, 5), share=30)
    a = res.bidders[0]
    assert a.sv_quantitative_score == 3.0  # 10 x 30%
    assert a.sv_qualitative_score == 7.0  # 10 x 70%
    assert a.total == 100.0
