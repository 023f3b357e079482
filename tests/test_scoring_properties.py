"""Property-based checks of the scoring invariants (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from svdesk.model.scoring import BidderSpec, QuestionSpec, ScoringInput, Weights, compute_results


@st.composite
def scoring_inputs(draw):
    price_w = draw(st.integers(0, 100))
    quality_w = draw(st.integers(0, 100 - price_w))
    weights = Weights(price_w, quality_w, 100 - price_w - quality_w)
    share = draw(st.sampled_from([0, 25, 50, 75, 100]))
    scale_max, step = draw(st.sampled_from([(5, 1), (100, 20), (10, 0.5)]))
    points = [i * step for i in range(int(scale_max / step) + 1)]
    n_q = draw(st.integers(1, 5))
    questions = [
        QuestionSpec(
            f"Q{i}",
            draw(st.sampled_from(["quality", "social_value"])),
            draw(st.integers(0, 50)),
            draw(st.one_of(st.none(), st.sampled_from(points))),
        )
        for i in range(n_q)
    ]
    n_b = draw(st.integers(1, 6))
    bidders = []
    for i in range(n_b):
        pledged = draw(st.floats(0, 1e7, allow_nan=False))
        accepted = draw(st.floats(0, 1, allow_nan=False)) * pledged
        bidders.append(BidderSpec(f"B{i}", draw(st.floats(1_000, 1e8, allow_nan=False)), pledged, accepted))
    moderated, individual = {}, {}
    for b in bidders:
        for q in questions:
            if draw(st.booleans()):
                moderated[(b.name, q.code)] = draw(st.sampled_from(points))
            else:
                individual[(b.name, q.code)] = draw(st.lists(st.sampled_from(points), max_size=3))
    method = draw(st.sampled_from(["relative_value", "relative_ratio"]))
    return ScoringInput(weights, share, method, scale_max, questions, bidders, moderated, individual)


@settings(max_examples=200, deadline=None)
@given(scoring_inputs())
def test_components_lie_within_their_weights(inp):
    w = inp.weights
    for r in compute_results(inp).bidders:
        assert 0 <= r.quality_score <= w.quality + 0.005
        assert 0 <= r.sv_qualitative_score <= w.social_value * (100 - inp.sv_quantitative_share) / 100 + 0.005
        if not r.excluded:
            assert 0 <= r.price_score <= w.price + 0.005
            assert 0 <= r.sv_quantitative_score <= w.social_value * inp.sv_quantitative_share / 100 + 0.005
            assert 0 <= r.total <= 100.005


@settings(max_examples=200, deadline=None)
@given(scoring_inputs())
def test_total_is_the_sum_of_components(inp):
    for r in compute_results(inp).bidders:
        if r.excluded:
            assert r.total is None and r.price_score is None and r.sv_quantitative_score is None and r.rank is None
            continue
        parts = r.price_score + r.quality_score + r.sv_qualitative_score + r.sv_quantitative_score
        assert abs(r.total - parts) <= 0.02 + 1e-9  # four components, each rounded by at most 0.005


@settings(max_examples=200, deadline=None)
@given(scoring_inputs())
def test_ranking_order(inp):
    bidders = compute_results(inp).bidders
    ranked = [r for r in bidders if not r.excluded]
    assert bidders[: len(ranked)] == ranked  # excluded last
    totals = [r.total for r in ranked]
    assert totals == sorted(totals, reverse=True)
    for r in ranked:
        assert r.rank == 1 + sum(1 for o in ranked if o.total > r.total)


@settings(max_examples=200, deadline=None)
@given(scoring_inputs())
def test_best_price_and_best_value_take_full_marks(inp):
    ranked = [r for r in compute_results(inp).bidders if not r.excluded]
    if not ranked:
        return
    cheapest = min(ranked, key=lambda r: r.price)
    assert abs(cheapest.price_score - inp.weights.price) <= 0.005
    quant_weight = inp.weights.social_value * inp.sv_quantitative_share / 100

    def basis(r):
        return r.accepted_value / r.price if inp.quantitative_method == "relative_ratio" else r.accepted_value

    best = max(ranked, key=basis)
    if basis(best) > 0:
        assert abs(best.sv_quantitative_score - quant_weight) <= 0.005
