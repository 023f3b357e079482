"""Proxy entry on real widgets (qtbot): the officer, signed in, opens Enter paper scores… on the Panel
screen's selected evaluator and types the member's paper form in, each score saved at once; the
member, signed in on the Scoring screen, sees the banner saying so and confirms them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from svdesk.app import measures, panel, pledges, questions, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.ui.panel_screen import PanelScreen
from svdesk.ui.proxy_dialog import ProxyEntryDialog
from svdesk.ui.scoring_screen import ScoringScreen
from svdesk.ui.screen_base import Desk
from tests.keys import OFFICER, officer, signed_in

REF = "PXG-1"
TOM = "Tom Ellis"
BIDDERS = ("Acme Roads", "Brightway Ltd")
PAPER = "paper form signed by Tom Ellis, dated 3 Dec"
LEFT = Qt.MouseButton.LeftButton
# where the screenshots go (a folder kept for a person to look at, or the test's own)
SHOTS = os.environ.get("SVDESK_SHOTS")


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "proxy.sqlite")
    setup.create_tender(database, OFFICER, REF, "Highways", 400_000)
    measures.add_measure(database, OFFICER, REF, "NT1")
    questions.save_question(database, OFFICER, REF, "Q1", section="quality", text="Your method?", weight=100)
    questions.save_question(database, OFFICER, REF, "SV1", section="social_value", text="Social value?", weight=100)
    for bidder in BIDDERS:
        pledges.add_bidder(database, OFFICER, REF, bidder, 350_000)
    for name in (TOM, "Sam Okafor"):
        panel.add_member(database, OFFICER, REF, name, "evaluator")
    signoff.open_scoring(database, OFFICER, REF)
    scoring.declare(database, TOM, REF, TOM, [(b, False, "") for b in BIDDERS])
    officer(database, REF)
    yield database
    database.dispose()


def shot(widget, tmp_path: Path, name: str) -> Path:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


def panel_screen(qtbot, db, person=None) -> PanelScreen:
    screen = PanelScreen(Desk(db, OFFICER, QUndoStack()))
    qtbot.addWidget(screen)
    if person is not None:
        screen.desk.sign_in(person)
    screen.show_tender(REF)
    screen.bring_up_to_date(None)
    screen.show()
    screen.resize(1000, 600)
    return screen


def click_row(qtbot, screen: PanelScreen, name: str) -> None:
    item = screen.table.item([r.name for r in screen.rows].index(name), 0)
    qtbot.mouseClick(screen.table.viewport(), LEFT, pos=screen.table.visualItemRect(item).center())
    assert screen.current_name() == name


def enter(qtbot, dialog: ProxyEntryDialog, score_index: int, rationale: str) -> None:
    """The officer picks the score on the form and types its rationale, then Save and next."""
    qtbot.mouseClick(dialog.choice.group.button(score_index), LEFT)
    dialog.rationale.setFocus()
    dialog.rationale.selectAll()
    qtbot.keyClicks(dialog.rationale, rationale)
    qtbot.mouseClick(dialog.save_next, LEFT)


def test_the_officer_types_a_members_paper_form_in(qtbot, db, tmp_path):
    # not signed in: said, and nothing opens
    screen = panel_screen(qtbot, db)
    click_row(qtbot, screen, TOM)
    assert screen.proxy_button.isEnabled()
    qtbot.mouseClick(screen.proxy_button, LEFT)
    assert screen.proxy_dialog is None and "the procurement officer signs in (Ctrl+L)" in screen.message.text()

    screen = panel_screen(qtbot, db, officer(db, REF))
    click_row(qtbot, screen, "Priya")
    assert not screen.proxy_button.isEnabled()  # the officer's own row: she does not score
    click_row(qtbot, screen, TOM)
    qtbot.mouseClick(screen.proxy_button, LEFT)
    dialog = screen.proxy_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == f"Enter {TOM}'s paper scores"
    assert dialog.list.count() == 4 and dialog.bid_label.text() == BIDDERS[0]

    enter(qtbot, dialog, 3, "Named recruitment lead, section 2.")  # no source yet: refused, nothing saved
    assert "Say where the scores come from first" in dialog.message.text()
    assert scoring.proxy_scores(db, REF) == [] and dialog.focusWidget() is dialog.source

    qtbot.keyClicks(dialog.source, PAPER)
    qtbot.mouseClick(dialog.save_next, LEFT)
    assert dialog.message.text() == f"Saved Q1 for {BIDDERS[0]} as {TOM}'s, entered by proxy.", dialog.message.text()
    assert dialog.index == 1 and dialog.list.item(0).text().startswith("\u270e")
    enter(qtbot, dialog, 4, "Clear plan with named partners.")
    entered = scoring.proxy_scores(db, REF, TOM)
    assert [(p.bidder, p.question, p.score, p.source, p.entered_by) for p in entered] == [
        (BIDDERS[0], "Q1", 3.0, PAPER, OFFICER),
        (BIDDERS[0], "SV1", 4.0, PAPER, OFFICER),
    ]
    assert scoring.own_score(db, REF, TOM, BIDDERS[0], "SV1").rationale == "Clear plan with named partners."
    dialog.resize(900, 560)
    shot(dialog, tmp_path, "proxy-dialog.png")
    with qtbot.waitSignal(dialog.finished):
        dialog.reject()
    assert screen.rows[[r.name for r in screen.rows].index(TOM)].scores_given == 2  # read again on closing

    # Sam has not declared: the dialog says why nothing can be entered
    click_row(qtbot, screen, "Sam Okafor")
    qtbot.mouseClick(screen.proxy_button, LEFT)
    sam = screen.proxy_dialog
    assert sam is not None and "has not declared conflicts of interest" in sam.message.text()
    assert not sam.save_next.isEnabled() and sam.list.count() == 0
    sam.reject()


def test_the_member_sees_the_banner_and_confirms(qtbot, db, tmp_path):
    priya = officer(db, REF)
    for bidder in BIDDERS:
        scoring.enter_by_proxy(db, priya, REF, TOM, bidder, "Q1", 3, "Named lead in section 2.", PAPER)
    screen = ScoringScreen(Desk(db, OFFICER, QUndoStack()))
    qtbot.addWidget(screen)
    screen.desk.sign_in(signed_in(db, REF, "Sam Okafor"))  # not Sam's: no banner for him
    screen.show_tender(REF)
    screen.show()
    screen.resize(1000, 640)
    screen.bring_up_to_date(None)
    assert screen.proxy_banner.isHidden()

    screen.desk.sign_in(signed_in(db, REF, TOM))
    assert screen.proxy_banner.isVisible()
    text = screen.proxy_text.text()
    assert f"2 of your scores were entered for you by Priya from {PAPER}." in text and "Confirm" in text
    assert screen.bid_label.text() == BIDDERS[0]  # the first item left is SV1, Acme; its Q1 is marked ✎
    assert screen.jump_model.formatter is not None
    marks = [screen._jump_text(i)[0][0] for i in range(len(screen.items))]
    assert marks == ["\u270e", "\u25cb", "\u270e", "\u25cb"]
    shot(screen, tmp_path, "proxy-banner.png")

    qtbot.mouseClick(screen.proxy_confirm, LEFT)
    assert screen.proxy_banner.isHidden()
    assert screen.message.text() == "Confirmed 2 scores entered for you as your own."
    assert all(p.confirmed for p in scoring.proxy_scores(db, REF, TOM))
