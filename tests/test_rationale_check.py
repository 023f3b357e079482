"""The rationale check (issue 16 item 2): each flag on real-looking good and bad rationales (the
demo's domiciliary care questions, and a highways one); the demo's own rationales pass; an override
recorded with its reason, audited, lapsing when the text changes; `svdesk check` listing what is
open, kind "rationale"; the award refused until each flag is fixed or overridden; the live flags in
the Moderation and Scoring screens; Override… on the Sign-off screen."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtGui import QUndoStack
from sqlalchemy import select

from svdesk.app import checks, evaluation_files, moderation, rationales, reads, signoff
from svdesk.app.database import open_database
from svdesk.app.errors import SvdeskError
from svdesk.cli import main
from svdesk.model.demo import load_demo
from svdesk.model.entities import AuditEntry
from svdesk.model.rationale import (
    BOILERPLATE,
    COMPARATIVE,
    NO_REFERENCE,
    REPEATS_QUESTION,
    TOO_SHORT,
    BidNames,
    check,
    question_words,
    words_needed,
)
from svdesk.resources import resource_path
from svdesk.ui.moderation_screen import ModerationScreen
from svdesk.ui.scoring_screen import ScoringScreen
from svdesk.ui.screen_base import Desk
from svdesk.ui.signoff_screen import SignOffScreen
from tests.factory import complete_award_details, write_doc
from tests.gui_steps import LEFT
from tests.keys import DEMO_PANEL, officer, sign, signed_in

REF = "CWAC-2026-0142"
CHAIR, PRIYA = "Alan Whitfield", "Priya Shah"
WEAVER, NORTHGATE, DEE, SANDSTONE = (
    "Weaver Valley Care Ltd",
    "Northgate Homecare Ltd",
    "Dee Community Care CIC",
    "Sandstone Support Services",
)
DEMO = json.loads(resource_path("demo", "demo_evaluation.json").read_text(encoding="utf-8"))
SCALE = [(float(k), v) for k, v in DEMO["tender"]["scale"]["descriptors"].items()]
CODES = [q["id"] for q in DEMO["questions"]]
QUESTIONS = {
    q["id"]: question_words(
        q["id"], q["title"], q["text"], q.get("guidance", ""), descriptors=SCALE, scale_max=5, codes=CODES
    )
    for q in DEMO["questions"]
}
QUESTIONS["W1"] = question_words(  # highways: the winter service
    "W1",
    "Winter service",
    "Describe how you will deliver the winter service: precautionary gritting of the priority network, snow "
    "clearance, salt stock management and the decision-making process, including response times.",
    "A strong answer gives treatment times for each route, salt stock levels and a named duty officer rota.",
    descriptors=SCALE,
    scale_max=5,
    codes=["W1", "W2"],
)
BIDS = BidNames([b["name"] for b in DEMO["bidders"]] + ["Acme Roads", "Ringway Highways Ltd"])


def codes_of(question: str, score: float, text: str, bidder: str = WEAVER) -> list[str]:
    return [f.code for f in check(text, score, QUESTIONS[question], bidder=bidder, bids=BIDS)]


# --- each flag, on good and bad rationales ---------------------------------------------------------------

GOOD = [  # (question, score, text): nothing to flag
    ("Q1", 4, "Section 1.2 gives turnover of 22% and a vacancy rate of 6%; appendix C names eight posts for the "
     "Malpas runs, and travel time is paid at the hourly rate (1.4)."),
    ("Q1", 1, "Recruitment starts only after contract award (1.1), agency staff would cover 35% of hours in the first "
     "six months (1.2) and the pricing schedule assumes unpaid travel time."),
    ("Q2", 3, "Section B1 names a safeguarding lead and B3 reports concerns within one working day, but refreshers "
     "are every three years (B2)."),
    ("Q2", 5, "The lead and deputy are named (2.1), concerns reach the Council the same day, refreshers are annual "
     "with observed practice (2.2), and the financial abuse example in 2.4 changed cash handling in every branch."),
    ("Q3", 4, "Section C2 raises alerts at 10 minutes and escalates to the on-call manager within 30 minutes out of "
     "hours; C3 sets five care workers per person per fortnight."),
    ("Q3", 2, "The runs in section 3.1 are planned from the Chester office with no rural travel allowance, so the "
     "punctuality target cannot be met by the rota."),
    ("Q4", 3, "The timeline in D1 and the TUPE process in D2 meet the requirement, with consultation from week 2 "
     "and named leads until week 4."),
    ("Q4", 0, "The mobilisation section (4.1) is blank: no plan, no named responsibilities, no TUPE consultation "
     "timetable, no contingency for staff who do not transfer and no letter to people receiving care."),
    ("SV1", 4, "Every pledge has a named owner (5.1); Cheshire suppliers for fleet servicing and PPE are named in "
     "5.2 with £420,000 of spend, evidenced quarterly by supplier invoices."),
    ("SV1", 2, "The bid promises to 'recruit locally wherever possible' but links none of the 24 FTE to posts and "
     "names no partners."),
    ("W1", 4, "Section 3.1 gives treatment times of 2 hours for priority 1 routes, a 10,000-tonne salt barn at "
     "Hapsford and a named duty officer rota in appendix B."),
    ("W1", 3, "Appendix D commits to a 3-hour treatment of the 1,100 km priority network, with salt at 12,000 tonnes "
     "on 1 October."),
]  # fmt: skip

BAD = [  # (question, score, text, the flags it must raise)
    ("Q1", 4, "Panel consensus for Q1: 4/5 after discussion.", {BOILERPLATE}),
    ("Q2", 3, "Agreed after discussion, meets the requirements.", {BOILERPLATE}),
    ("Q3", 4, "Good response. See individual evaluator notes.", {BOILERPLATE}),
    ("Q1", 3, "The bid describes how it will recruit, retain and develop a suitably skilled workforce, with "
     "training and the Care Certificate.", {REPEATS_QUESTION, NO_REFERENCE}),
    ("W1", 3, "Describes the winter service, precautionary gritting and snow clearance, with response times.",
     {REPEATS_QUESTION, NO_REFERENCE}),
    ("Q2", 4, "Better than Northgate on safeguarding and stronger than the other bids.", {COMPARATIVE}),
    ("Q3", 4, "Continuity is clearly stronger than Dee Community Care CIC's offer, compared with the others.",
     {COMPARATIVE}),
    ("W1", 2, "Weaker than Ringway Highways Ltd. Less gritting capacity than the other bidders.", {COMPARATIVE}),
    ("Q2", 4, "A clear and well-organised approach to safeguarding with a named lead, annual refresher training "
     "for all care workers and same-day reporting to the Council.", {NO_REFERENCE}),
    ("SV1", 3, "Owners are named for each measure, reporting is quarterly through the portal and apprenticeships "
     "are linked to named standards.", {NO_REFERENCE}),
    ("Q4", 5, "Appendix F is a strong week-by-week plan.", {TOO_SHORT}),
    ("Q1", 0, "Section 1 is missing.", {BOILERPLATE}),
    ("Q3", 5, "Excellent call monitoring with alerts (3.2).", {BOILERPLATE}),  # template: nothing else said
    ("W1", 1, "Salt stock in section 4 is low.", {TOO_SHORT}),
    ("Q1", 5, "Excellent workforce plan, paid travel time, covers everything.", {NO_REFERENCE, TOO_SHORT}),
]  # fmt: skip


@pytest.mark.parametrize(("question", "score", "text"), GOOD)
def test_a_rationale_resting_on_the_bid_raises_no_flag(question, score, text):
    assert codes_of(question, score, text) == []


@pytest.mark.parametrize(("question", "score", "text", "expected"), BAD)
def test_a_weak_rationale_is_flagged(question, score, text, expected):
    found = check(text, score, QUESTIONS[question], bidder=WEAVER, bids=BIDS)
    assert expected <= {f.code for f in found}, [(f.code, f.reason) for f in found]
    assert all(f.reason and f.label for f in found)


def test_every_rationale_of_the_demo_passes():
    """The demo's consensus and member rationales are meant to be good: none is flagged."""
    for m in DEMO["moderated"]:
        assert codes_of(m["question"], m["score"], m["rationale"], m["bidder"]) == [], (m["bidder"], m["question"])
    for s in DEMO["scores"]:
        found = check(s["rationale"], s["score"], QUESTIONS[s["question"]], bidder=s["bidder"], writer=s["evaluator"])
        assert found == [], (s["evaluator"], s["bidder"], s["question"], found)


def test_the_words_a_score_needs_grow_with_its_distance_from_the_middle():
    assert [words_needed(s, 5) for s in range(6)] == [12, 10, 7, 7, 10, 12]
    assert [words_needed(s, 10) for s in (0, 3, 5, 7, 10)] == [12, 8, 5, 8, 12]
    text = "Section 3.2 sets alerts at 15 minutes for late calls."  # 8 words about the bid
    assert codes_of("Q3", 3, text) == [] and codes_of("Q3", 5, text) == [TOO_SHORT]
    assert TOO_SHORT in (codes_of("Q3", 0, text)) and check(text, None, QUESTIONS["Q3"]) == []


def test_comparing_with_the_question_s_own_yardstick_is_not_comparing_bids():
    text = "Section B2 refreshes training every three years, less often than the guidance asks for."
    assert COMPARATIVE not in codes_of("Q2", 3, text)
    # the bid's own name is no comparison; a comparison beside the bid's own evidence is not "only" one
    assert codes_of("Q1", 3, "Weaver Valley's section 1.2 gives turnover of 27% and a vacancy rate of 8%.") == []
    mixed = "Stronger than Northgate's: section 1.2 gives turnover of 27%, and appendix C names six rural posts."
    assert COMPARATIVE not in codes_of("Q1", 4, mixed)


def test_what_counts_as_citing_the_tender():
    cites = [
        "Shown in section 4.2 of the method statement, with named leads.",
        "The rota names a duty officer (B1) and treatment times for each route.",
        "Salt stock levels are given in 5.3 with a named supplier.",
        "The pledge sheet line for NT18 is backed by supplier invoices.",
        "The bid commits to \u201cno more than four care workers per fortnight\u201d for each person.",
        "Page 12 gives the route plan with treatment times for every priority route.",
    ]
    for text in cites:
        assert NO_REFERENCE not in codes_of("W1", 3, text), text
    nothing = [
        "Agreed 3.5 with good treatment times and a salt barn on the network.",  # a score is no paragraph
        "Treatment times and salt stock are covered well (W1), with a named duty officer.",  # a question code
        "The bidder's plan is fine and the duty officer's rota is named throughout.",  # apostrophes are no quotes
    ]
    for text in nothing:
        assert NO_REFERENCE in codes_of("W1", 3, text), text


def test_the_same_text_elsewhere_is_boilerplate():
    text = "Section 2.1 names a safeguarding lead and section 2.2 commits to annual refresher training."
    found = check(text, 3, QUESTIONS["Q2"], bidder=WEAVER, same_as=["Northgate Homecare Ltd, Q2"])
    assert [f.code for f in found] == [BOILERPLATE] and "Northgate Homecare Ltd, Q2" in found[0].reason


# --- over the tender: overrides, lapsing, `svdesk check`, the award ----------------------------------------


@pytest.fixture
def demo(tmp_path):
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    complete_award_details(db, REF)
    yield db
    db.dispose()


WEAK = "Owners are named for each measure and reporting is quarterly through the Social Value Portal."


def test_the_demo_has_nothing_flagged(demo):
    assert rationales.flags(demo, REF) == [] and checks.open_items(demo, REF) == []


def test_an_override_is_recorded_with_its_reason_and_lapses_when_the_text_changes(demo):
    moderation.set_consensus(demo, CHAIR, REF, SANDSTONE, "SV1", 3, WEAK)
    [flagged] = rationales.flags(demo, REF)
    assert (flagged.bidder, flagged.question, flagged.member, flagged.codes) == (
        SANDSTONE,
        "SV1",
        rationales.CONSENSUS,
        ("no_reference",),
    )
    [item] = checks.open_items(demo, REF)
    assert (item.kind, item.supplier, item.paragraph, item.question, item.member, item.flag) == (
        "rationale",
        SANDSTONE,
        "reg 31(2)(e)(i)(aa)",
        "SV1",
        "consensus",
        "no_reference",
    )
    assert item.text.startswith(f"{SANDSTONE} — reg 31(2)(e)(i)(aa): the panel's consensus rationale for SV1: cites")
    with pytest.raises(SvdeskError, match="needs a reason"):
        rationales.override(demo, PRIYA, REF, SANDSTONE, "SV1", "consensus", "no_reference", "  ")
    with pytest.raises(SvdeskError, match="not flagged 'too short for the score'"):
        rationales.override(demo, PRIYA, REF, SANDSTONE, "SV1", "consensus", "too_short", "short is fine")
    with pytest.raises(SvdeskError, match="one of boilerplate"):
        rationales.override(demo, PRIYA, REF, SANDSTONE, "SV1", "consensus", "vague", "why")
    why = "The portal reports are the evidence the Council asked for; the bid has no section numbers."
    done = rationales.override(demo, PRIYA, REF, SANDSTONE, "SV1", "consensus", "no_reference", why).value
    assert done.open == () and done.override_of("no_reference").reason == why
    assert checks.open_items(demo, REF) == []
    [shown] = rationales.flags(demo, REF)
    assert shown.override_of("no_reference").made_by == PRIYA and shown.lapsed == ()
    with demo.reader() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "rationale.override")).one()
    assert json.loads(entry.after)["reason"] == why and entry.actor == PRIYA
    # the text changes: the override lapses, the flag is open again
    moderation.set_consensus(demo, CHAIR, REF, SANDSTONE, "SV1", 3, WEAK + " No local suppliers are named.")
    [again] = rationales.flags(demo, REF)
    assert again.open and again.overrides == () and again.lapsed == ("no_reference",)
    assert [i.flag for i in checks.open_items(demo, REF)] == ["no_reference"]
    # back to the text it was made on: it holds again; removed: open again, and the removal is logged
    moderation.set_consensus(demo, CHAIR, REF, SANDSTONE, "SV1", 3, WEAK)
    assert checks.open_items(demo, REF) == []
    rationales.remove_override(demo, PRIYA, REF, SANDSTONE, "SV1", "consensus", "no_reference", "asked again")
    assert len(checks.open_items(demo, REF)) == 1
    with demo.reader() as s:
        removed = s.scalars(select(AuditEntry).where(AuditEntry.action == "rationale.override_remove")).one()
    assert removed.reason == "asked again"
    assert signoff.verify_record(demo, REF).ok


def test_a_member_s_notes_are_checked_too(tmp_path):
    """Tom Ellis writes the same note for two bids: both are flagged, against Act s.98(1)."""
    doc = json.loads(json.dumps(DEMO))
    note = "Section 3.1 sets continuity targets and section 3.2 alerts at 15 minutes, monitored monthly."
    for s in doc["scores"]:
        if s["evaluator"] == "Tom Ellis" and s["question"] == "Q3" and s["bidder"] in (WEAVER, DEE):
            s["rationale"] = note
    db = open_database(tmp_path / "d.sqlite")
    evaluation_files.load(db, PRIYA, write_doc(tmp_path / "d.json", doc), data=doc)
    complete_award_details(db, REF)
    found = rationales.flags(db, REF)
    assert [(f.bidder, f.member, f.codes) for f in found] == [
        (WEAVER, "Tom Ellis", ("boilerplate",)),
        (DEE, "Tom Ellis", ("boilerplate",)),
    ]
    assert "the same text as for Dee Community Care CIC, Q3" in found[0].reasons[0]
    items = checks.open_items(db, REF)
    assert [(i.supplier, i.paragraph, i.member) for i in items] == [
        (WEAVER, "Act s.98(1)", "Tom Ellis"),
        (DEE, "Act s.98(1)", "Tom Ellis"),
    ]
    assert items[0].text.startswith(f"{WEAVER} — Act s.98(1): Tom Ellis's rationale for Q3: the same text")
    db.dispose()


def test_a_consensus_that_is_no_explanation_is_rewritten_not_overridden(demo):
    moderation.set_consensus(demo, CHAIR, REF, DEE, "Q2", 4, "Agreed 4 after discussion.")
    [item] = checks.open_items(demo, REF)  # named once, by the reg 31 check
    assert item.kind == "reg31" and "template wording" in item.item
    with pytest.raises(SvdeskError, match="cannot be overridden"):
        rationales.override(demo, PRIYA, REF, DEE, "Q2", "consensus", "boilerplate", "we discussed it")


def test_svdesk_check_lists_the_flag_and_the_award_waits_for_it(capsys, demo):
    moderation.set_consensus(demo, CHAIR, REF, SANDSTONE, "SV1", 3, WEAK)
    for member in DEMO_PANEL:
        sign(demo, REF, member)
    assert main(["check", "--db", str(demo.path), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["open"] == [
        {
            "kind": "rationale",
            "supplier": SANDSTONE,
            "paragraph": "reg 31(2)(e)(i)(aa)",
            "item": doc["open"][0]["item"],
            "question": "SV1",
            "member": "consensus",
            "flag": "no_reference",
        }
    ]
    assert main(["check", "--db", str(demo.path)]) == 1
    assert "the panel's consensus rationale for SV1: cites nothing in the tender" in capsys.readouterr().out
    priya = officer(demo, REF)
    with pytest.raises(SvdeskError, match="rationale for SV1"):
        signoff.award(demo, priya, REF, decided_on=date(2026, 11, 16))
    # after sign-off, the override needs no reopening (it is not part of what was signed)
    rationales.override(demo, priya, REF, SANDSTONE, "SV1", "consensus", "no_reference", "Portal reports suffice.")
    assert main(["check", "--db", str(demo.path)]) == 0
    capsys.readouterr()
    signoff.award(demo, priya, REF, decided_on=date(2026, 11, 16))
    with pytest.raises(SvdeskError, match="awarded"):
        rationales.remove_override(demo, priya, REF, SANDSTONE, "SV1", "consensus", "no_reference")


# --- the screens -------------------------------------------------------------------------------------------------


def test_moderation_shows_the_flags_as_the_panel_writes(qtbot, demo):
    screen = ModerationScreen(Desk(demo, PRIYA, QUndoStack()))
    qtbot.addWidget(screen)
    screen.desk.sign_in(signed_in(demo, REF, CHAIR))
    screen.show_tender(REF)
    screen.bring_up_to_date(None)
    screen.show()
    screen.grid.setCurrentIndex(screen.model.index(3, 4))  # Sandstone, SV1
    assert screen.detail.bidder == SANDSTONE and screen.rationale_flags.isHidden()
    screen.rationale.selectAll()
    qtbot.keyClicks(screen.rationale, "Better than Northgate.")
    assert screen.rationale_flags.isHidden()  # not yet: the check waits for the typing to pause
    qtbot.waitUntil(lambda: screen.rationale_flags.isVisible(), timeout=2000)
    assert set(screen.rationale_flags.codes) == {COMPARATIVE, BOILERPLATE}
    assert "only compares bids" in screen.rationale_flags.text()
    screen.rationale.setPlainText(WEAK)
    qtbot.waitUntil(lambda: screen.rationale_flags.codes == [NO_REFERENCE], timeout=2000)
    screen.choice.choose_index(5)  # a 5 needs more words than a 3
    qtbot.waitUntil(lambda: screen.rationale_flags.codes == [NO_REFERENCE, TOO_SHORT], timeout=2000)
    screen.rationale.setPlainText(DEMO["moderated"][-1]["rationale"])
    screen.choice.choose_index(3)
    qtbot.waitUntil(lambda: screen.rationale_flags.isHidden(), timeout=2000)


def test_scoring_shows_the_flags_as_the_member_writes(qtbot, demo):
    signoff.reopen(demo, PRIYA, REF, "Tom Ellis rewrites his notes")  # back to scoring
    screen = ScoringScreen(Desk(demo, PRIYA, QUndoStack()))
    qtbot.addWidget(screen)
    screen.desk.sign_in(signed_in(demo, REF, "Tom Ellis"))
    screen.show_tender(REF)
    screen.bring_up_to_date(None)
    screen.show()
    assert screen.scorer == "Tom Ellis" and screen.pages.currentIndex() == 2
    screen.go(0)
    assert screen.rationale_flags.isHidden()  # his own note, as the demo has it
    own = screen.rationale.toPlainText()
    screen.rationale.setPlainText(DEMO["scores"][3]["rationale"])  # Tom's Weaver Q2 note, on Weaver Q1
    qtbot.waitUntil(lambda: screen.rationale_flags.isVisible(), timeout=2000)
    assert BOILERPLATE in screen.rationale_flags.codes and "Q2" in screen.rationale_flags.text()
    screen.rationale.setPlainText(own)
    qtbot.waitUntil(lambda: screen.rationale_flags.isHidden(), timeout=2000)


def test_sign_off_lists_the_flags_and_overrides_one_with_a_reason(qtbot, demo):
    moderation.set_consensus(demo, CHAIR, REF, SANDSTONE, "SV1", 3, WEAK)
    for member in DEMO_PANEL:
        sign(demo, REF, member)
    screen = SignOffScreen(Desk(demo, PRIYA, QUndoStack()))
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    screen.desk.sign_in(officer(demo, REF))
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(demo, REF))
    box = screen.rationale_flags
    assert box.isVisible() and box.table.rowCount() == 1 and "1 flag still open" in box.summary.text()
    assert [box.table.item(0, c).text() for c in range(3)] == [SANDSTONE, "SV1", "Consensus"]
    assert box.table.item(0, 3).text().startswith("cites nothing in the tender")
    assert screen.open_items.isVisible()  # "Before the award" lists it too, and says where it is fixed
    qtbot.mouseClick(box.button(0), LEFT)
    dialog = box.dialog
    assert dialog is not None and dialog.isVisible() and "flagged \u201ccites nothing" in dialog.labelText()
    dialog.setTextValue("The Social Value Portal reports are the evidence the Council asked for.")
    dialog.accept()
    qtbot.waitUntil(lambda: "0 flags still open" in screen.rationale_flags.summary.text(), timeout=3000)
    assert "Overridden: The Social Value Portal reports" in screen.rationale_flags.table.item(0, 3).text()
    assert not screen.rationale_flags.button(0).isEnabled()
    assert checks.open_items(demo, REF) == []
