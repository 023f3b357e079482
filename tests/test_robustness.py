"""How robust the ranking is, and how far the panel agreed (issue 16 item 3).

Two tenders loaded through the app layer, each figure checked against numbers worked by hand here
(weights 40/50/10, half the social value on pledged value; Q1 and Q2 quality, weight 50 each, so
25 points each; SV1 the qualitative social value, 5 points; the pledged value 5 points):

- ROB-A: Sam scores Alpha high and Beta low; the consensus follows Tom and Gwen only partly.
  Leaving Sam out gives Beta the win. Beta's SV1 was scored by Sam alone.
- ROB-B: everyone agrees, Alpha far ahead; only taking Alpha below Q1's minimum changes the winner.

Krippendorff's alpha is checked on the worked example of Krippendorff (2011) "Computing
Krippendorff's Alpha-Reliability" (4 observers, 12 units): nominal 0.743, ordinal 0.815, interval
0.849 as published there.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings

from svdesk.app import analysis, evaluation_files
from svdesk.app.database import open_database
from svdesk.cli import main
from svdesk.model import krippendorff
from svdesk.model.scoring import BidderSpec, QuestionSpec, ScoringInput, Weights
from svdesk.model.services.robustness import analyse
from tests.factory import minimal_doc, write_doc

ALPHA, BETA = "Alpha Care Ltd", "Beta Homes Ltd"
MEMBERS = ("Tom", "Gwen", "Sam")


def _doc(reference: str, individual: dict, consensus: dict, pledges: dict, minimum: float | None = None) -> dict:
    """`individual`: (bidder, question) -> {member: score}; `consensus`: (bidder, question) -> score."""
    doc = minimal_doc()
    doc["tender"]["reference"] = reference
    doc["questions"] = [
        {"id": "Q1", "section": "quality", "text": "Method", "weight": 50}
        | ({"minimum_score": minimum} if minimum is not None else {}),
        {"id": "Q2", "section": "quality", "text": "Staffing", "weight": 50},
        {"id": "SV1", "section": "social_value", "text": "Delivery of social value", "weight": 100},
    ]
    doc["bidders"] = [{"name": name, "price": 100_000, "pledges": pledges[name]} for name in (ALPHA, BETA)]
    doc["panel"] = [{"name": m, "role": "evaluator"} for m in MEMBERS] + [{"name": "Alan", "role": "chair"}]
    doc["scores"] = [
        {"evaluator": m, "bidder": b, "question": q, "score": s, "rationale": f"Section {q} of the bid, page 3."}
        for (b, q), marks in individual.items()
        for m, s in marks.items()
    ]
    doc["moderated"] = [
        {"bidder": b, "question": q, "score": s, "rationale": f"Agreed on section {q}, page 4 of the bid."}
        for (b, q), s in consensus.items()
    ]
    doc["adjustments"] = []
    return doc


def _member_dependent() -> dict:
    def marks(tom, gwen, sam):
        return {m: s for m, s in zip(MEMBERS, (tom, gwen, sam), strict=True) if s is not None}

    individual = {
        (ALPHA, "Q1"): marks(3, 3, 5),
        (ALPHA, "Q2"): marks(3, 3, 5),
        (ALPHA, "SV1"): marks(4, 4, 4),
        (BETA, "Q1"): marks(4, 4, 2),
        (BETA, "Q2"): marks(4, 4, 2),
        (BETA, "SV1"): marks(None, None, 3),  # Tom and Gwen did not score it
    }
    consensus = {
        (ALPHA, "Q1"): 4,
        (ALPHA, "Q2"): 4,
        (ALPHA, "SV1"): 4,
        (BETA, "Q1"): 4,
        (BETA, "Q2"): 3,
        (BETA, "SV1"): 3,
    }
    return _doc("ROB-A", individual, consensus, {ALPHA: {"NT1": 1}, BETA: {"NT1": 1}})


def _robust() -> dict:
    consensus = {
        (ALPHA, "Q1"): 5,
        (ALPHA, "Q2"): 5,
        (ALPHA, "SV1"): 4,
        (BETA, "Q1"): 2,
        (BETA, "Q2"): 2,
        (BETA, "SV1"): 2,
    }
    individual = {cell: {m: s for m in MEMBERS} for cell, s in consensus.items()}
    pledges = {ALPHA: {"NT1": 2}, BETA: {"NT1": 1, "LOC1": 40}}
    return _doc("ROB-B", individual, consensus, pledges, minimum=2)


@pytest.fixture
def tenders(tmp_path):
    db = open_database(tmp_path / "rob.sqlite")
    for doc in (_member_dependent(), _robust()):
        evaluation_files.load(db, "Priya", write_doc(tmp_path / f"{doc['tender']['reference']}.json", doc))
    yield db
    db.dispose()


# --- ROB-A: one member's scores decide it ---------------------------------------------------------


def test_leaving_one_member_out_changes_the_winner(tenders):
    r = analysis.robustness(tenders, "ROB-A")
    # Alpha 40 + 20 + 20 + 4 + 5 = 89; Beta 40 + 20 + 15 + 3 + 5 = 83
    assert (r.winner, r.runner_up, r.margin) == (ALPHA, BETA, 6.0)
    # without Tom (or Gwen): Alpha 4, 4, 4 -> 89, Beta 3, 3, 3 -> 78; without Sam: Alpha 3, 3, 4 -> 79,
    # Beta 4, 4 and SV1's consensus 3 (no one else scored it) -> 88
    assert r.leave_one_out == [("Tom", ALPHA), ("Gwen", ALPHA), ("Sam", BETA)]
    assert r.notes == ["Leaving out Sam: 1 answer no other member scored kept the consensus score."]
    # equal prices and pledges: only quality and SV1 separate them, Alpha ahead at any weights
    assert r.weights == [
        (35, 55, 10, ALPHA),
        (35, 50, 15, ALPHA),
        (45, 45, 10, ALPHA),
        (40, 45, 15, ALPHA),
        (45, 50, 5, ALPHA),
        (40, 55, 5, ALPHA),
    ]
    assert r.proxies == [(0.8, ALPHA), (1.2, ALPHA)]
    assert r.proxy_moves == [("NT1", 0.8, ALPHA), ("NT1", 1.2, ALPHA)]
    # one step is 5 points on Q1 or Q2, 1 on SV1: none closes a gap of 6; lowering Alpha's Q1 by two
    # (79 against 83) is the first of the two-step changes that do
    flip = r.smallest_flip
    assert flip is not None
    assert (flip.question, flip.bidder, flip.from_score, flip.to_score, flip.winner) == ("Q1", ALPHA, 4, 2, BETA)
    assert not r.holds
    assert r.changes == [f"Leaving out Sam's scores, {BETA} would win."]
    assert r.summary() == (
        f"The recommendation of {ALPHA} does not hold under every check. Leaving out Sam's scores, {BETA} would win."
    )


def test_panel_agreement_by_hand(tenders):
    a = analysis.robustness(tenders, "ROB-A").agreement
    # spread: Q1 and Q2 are 5-3 and 4-2 for the two bids; SV1 0 for Alpha (Beta's has one score)
    assert a.spread == {"Q1": 2.0, "Q2": 2.0, "SV1": 0.0}
    # |score - consensus|: Tom and Gwen 1, 1, 0, 0, 1 over five answers; Sam 1, 1, 0, 2, 1, 0 over six
    assert a.member_distance == pytest.approx({"Tom": 0.6, "Gwen": 0.6, "Sam": 5 / 6})
    # Coincidences (five pairable units of three values): o33 = 2, o35 = o53 = 2, o44 = 5, o24 = o42 = 2;
    # n2 = 2, n3 = 4, n4 = 7, n5 = 2, n = 15. Ordinal differences: d23 = 9, d24 = 72.25, d25 = 169,
    # d34 = 30.25, d35 = 100, d45 = 20.25. Observed sum 689, expected sum 7,380:
    # alpha = 1 - 14 x 689 / 7380
    assert a.alpha == pytest.approx(1 - 14 * 689 / 7380)
    assert a.reading.startswith("low agreement (Krippendorff's alpha -0.307 < 0.667")


# --- ROB-B: nothing but a disqualification changes it ---------------------------------------------


def test_a_robust_recommendation_holds(tenders):
    r = analysis.robustness(tenders, "ROB-B")
    # Alpha 40 + 25 + 25 + 4 + 5 = 99.00; Beta 40 + 10 + 10 + 2 + 31,282 / 61,564 x 5 (2.5406) = 64.54
    assert (r.winner, r.runner_up, r.margin) == (ALPHA, BETA, 34.46)
    assert r.leave_one_out == [(m, ALPHA) for m in MEMBERS]
    assert [w for *_, w in r.weights] == [ALPHA] * 6
    assert r.proxies == [(0.8, ALPHA), (1.2, ALPHA)]
    assert r.proxy_moves == [("NT1", 0.8, ALPHA), ("NT1", 1.2, ALPHA), ("LOC1", 0.8, ALPHA), ("LOC1", 1.2, ALPHA)]
    assert r.holds and r.changes == []
    assert r.summary() == "The recommendation holds under all of these."
    # No change of up to three steps closes 34.46 points (at most 15 on one question); four steps
    # down on Alpha's Q1 take it below the minimum of 2, which disqualifies it: Beta is then first.
    flip = r.smallest_flip
    assert flip is not None
    assert (flip.question, flip.bidder, flip.from_score, flip.to_score, flip.winner) == ("Q1", ALPHA, 5, 1, BETA)
    assert r.notes == [f"That change takes {ALPHA} below Q1's minimum of 2: disqualified."]
    a = r.agreement  # every member gave the consensus score: no disagreement at all
    assert a.spread == {"Q1": 0.0, "Q2": 0.0, "SV1": 0.0}
    assert a.member_distance == {"Tom": 0.0, "Gwen": 0.0, "Sam": 0.0}
    assert a.alpha == 1.0 and a.reading.startswith("reliable agreement")


def test_weight_moves_that_change_the_winner():
    """Cheap (£80,000, Q1 4) against Good (£105,000, Q1 5): Good wins by 0.48 (80.48 to 80.00).
    Price points are 80/105 of the price weight for Good; Q1 is worth the whole quality weight."""
    inp = ScoringInput(
        weights=Weights(40, 50, 10),
        sv_quantitative_share=50,
        quantitative_method="relative_value",
        scale_max=5,
        questions=[QuestionSpec("Q1", "quality", 100), QuestionSpec("SV1", "social_value", 100)],
        bidders=[BidderSpec("Cheap", 80_000), BidderSpec("Good", 105_000)],
        moderated={("Cheap", "Q1"): 4, ("Good", "Q1"): 5, ("Cheap", "SV1"): 0, ("Good", "SV1"): 0},
    )
    r = analyse(inp, 1.0, [], [], {})
    assert (r.winner, r.margin) == ("Good", 0.48)
    # price 35, quality 55: Cheap 35 + 44 = 79, Good 26.67 + 55 = 81.67. Price 35, SV 15: 75 to 76.67.
    # Price 45, quality 45: 45 + 36 = 81 to 34.29 + 45 = 79.29. Quality 45, SV 15: 76 to 75.48.
    # Price 45, SV 5: 85 to 84.29. Quality 55, SV 5: 84 to 85.48.
    assert [w for *_, w in r.weights] == ["Good", "Good", "Cheap", "Cheap", "Cheap", "Good"]
    assert r.changes[0] == "With the weights at price 45, quality 45, social value 10, Cheap would win."
    # a weight with less than 5 points gives none
    none_to_give = analyse(ScoringInput(**{**inp.__dict__, "weights": Weights(45, 55, 0)}), 1.0, [], [], {})
    assert [(p, q, s) for p, q, s, _ in none_to_give.weights] == [(40, 60, 0), (40, 55, 5), (50, 50, 0), (45, 50, 5)]


# --- Krippendorff's alpha -------------------------------------------------------------------------

# Krippendorff (2011), section C: observers A-D (rows), units 1-12 (columns); None: no value.
PAPER = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_alpha_on_krippendorffs_worked_example():
    units = [[v for v in column if v is not None] for column in zip(*PAPER, strict=True)]
    assert round(krippendorff.alpha(units, krippendorff.NOMINAL), 3) == 0.743
    assert round(krippendorff.alpha(units, krippendorff.ORDINAL), 3) == 0.815
    assert round(krippendorff.alpha(units, krippendorff.INTERVAL), 3) == 0.849


def test_alpha_where_it_is_undefined_and_the_readings():
    assert krippendorff.alpha([[3], [4]]) is None  # no unit with two values
    assert krippendorff.alpha([[3, 3], [3, 3]]) is None  # no variation: no disagreement expected
    assert krippendorff.alpha([[1, 1], [5, 5]]) == 1.0
    assert krippendorff.reading(0.8).startswith("reliable agreement (Krippendorff's alpha 0.800 \u2265 0.800")
    assert krippendorff.reading(0.7).startswith("tentative agreement")
    assert krippendorff.reading(0.66).startswith("low agreement")
    assert krippendorff.reading(None).startswith("agreement cannot be measured")


# --- the command line -----------------------------------------------------------------------------


def test_cli_json_has_the_issues_keys(tenders, capsys):
    assert main(["robustness", "--db", str(tenders.path), "--tender", "ROB-A", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"winner", "margin", "leave_one_out", "weights", "proxies", "smallest_flip", "holds", "agreement"} <= set(
        doc
    )
    assert doc["tender"] == "ROB-A" and doc["winner"] == ALPHA and doc["margin"] == 6.0 and doc["holds"] is False
    assert doc["leave_one_out"][2] == {"member": "Sam", "winner": BETA}
    assert doc["weights"][0] == {"price": 35.0, "quality": 55.0, "social_value": 10.0, "winner": ALPHA}
    assert doc["proxies"] == [{"factor": 0.8, "winner": ALPHA}, {"factor": 1.2, "winner": ALPHA}]
    assert doc["smallest_flip"] == {"question": "Q1", "bidder": ALPHA, "from": 4.0, "to": 2.0, "winner": BETA}
    assert doc["agreement"]["spread"] == {"Q1": 2.0, "Q2": 2.0, "SV1": 0.0}
    assert doc["agreement"]["member_distance"] == {"Tom": 0.6, "Gwen": 0.6, "Sam": 0.83}
    assert doc["agreement"]["alpha"] == -0.307


def test_cli_says_the_summary_first(tenders, capsys):
    assert main(["robustness", "--db", str(tenders.path), "--tender", "ROB-B"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["ROB-B: how robust the recommendation is", "", "The recommendation holds under all of these."]
    text = "\n".join(lines)
    assert f"{ALPHA} leads {BETA} by 34.46 points." in text
    assert f"Lowering {ALPHA}'s Q1 from 5 to 1 makes {BETA} the winner." in text


def test_cli_bad_input_exits_2(tenders, tmp_path, capsys):
    assert main(["robustness", "--db", str(tenders.path)]) == 2  # two tenders: which?
    assert "several tenders" in capsys.readouterr().err
    assert main(["robustness", "--db", str(tenders.path), "--tender", "NOPE"]) == 2
    assert "no tender with reference 'NOPE'" in capsys.readouterr().err
    missing = tmp_path / "none.sqlite"
    assert main(["robustness", "--db", str(missing)]) == 2
    assert "no database at" in capsys.readouterr().err and not missing.exists()


# --- the screens ----------------------------------------------------------------------------------


def test_results_and_signoff_screens_say_it(qtbot, tenders, tmp_path):
    from svdesk.ui.main_window import RESULTS, SIGNOFF, MainWindow

    win = MainWindow(tenders, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.refresh_tenders(select="ROB-A")
    win.tabs.setCurrentIndex(RESULTS)
    box = win.results_box.robustness
    qtbot.waitUntil(lambda: "does not hold" in box.summary.text(), timeout=20_000)
    assert f"Leaving out Sam's scores, {BETA} would win." in box.summary.text()
    assert f"{ALPHA} leads {BETA} by 6.00 points." in box.key.text()
    win.tabs.setCurrentIndex(SIGNOFF)
    signoff_box = win.signoff.robustness
    qtbot.waitUntil(lambda: "does not hold" in signoff_box.summary.text(), timeout=20_000)
    assert signoff_box.title() == "How robust is the recommendation"
    assert f"Lowering {ALPHA}'s Q1 from 4 to 2 makes {BETA} the winner." in signoff_box.key.text()
    win.refresh_tenders(select="ROB-B")
    qtbot.waitUntil(lambda: "holds under all of these" in signoff_box.summary.text(), timeout=20_000)
