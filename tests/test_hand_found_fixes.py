"""Small bugs found by a person trying the app by hand (task H2): each test fails without its fix."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from svdesk.model.scoring import (
    QUALITY,
    RELATIVE_VALUE,
    BidderSpec,
    QuestionSpec,
    ScoringInput,
    Weights,
    compute_results,
    shown_score,
)
from svdesk.model.services.robustness import analyse, as_json
from svdesk.model.services.robustness_text import figures
from tests.gui_steps import answer_box, focus_back
from tests.sign_in_steps import sign_in
from tests.test_gui_sign_in import _window, panel_path  # noqa: F401 - the fixture, by name

__all__ = ["panel_path"]


def _signed_in_on_declarations(qtbot, win, member="Tom"):
    win.tabs.setCurrentWidget(win.scoring)
    qtbot.mouseClick(win.presence.button, Qt.MouseButton.LeftButton)
    sign_in(qtbot, win.presence.dialog, member)
    focus_back(qtbot, win)
    assert win.scoring.pages.currentIndex() == 1  # the declarations form
    return win.scoring.declarations


def test_tab_from_the_last_declaration_reaches_save_and_arrows_select(qtbot, panel_path, tmp_path):  # noqa: F811
    win = _window(qtbot, panel_path, tmp_path)
    form = _signed_in_on_declarations(qtbot, win)
    rows = list(form.choices.values())
    last_text = rows[-1][2]
    last_text.setFocus()
    qtbot.waitUntil(last_text.hasFocus)
    qtbot.keyClick(last_text, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.save_button, QApplication.focusWidget()
    # an arrow key from an undeclared row's "No conflict" selects "Conflict:", as well as reaching it
    none, some, _text = rows[0]
    none.setFocus()
    qtbot.waitUntil(none.hasFocus)
    assert not none.isChecked() and not some.isChecked()
    qtbot.keyClick(none, Qt.Key.Key_Right)
    assert some.hasFocus() and some.isChecked()
    win.db.dispose()


def test_sign_out_asks_first_and_cancel_keeps_the_person(qtbot, panel_path, tmp_path):  # noqa: F811
    win = _window(qtbot, panel_path, tmp_path)
    form = _signed_in_on_declarations(qtbot, win)
    rows = list(form.choices.values())
    rows[0][1].setChecked(True)
    rows[0][2].setText("My brother works there")
    qtbot.mouseClick(win.presence.button, Qt.MouseButton.LeftButton)
    asked = answer_box(qtbot, win.presence, "sign_out_confirm", "signOutConfirmCancel")
    assert asked.startswith("Sign out Tom?")
    assert win.desk.signed_in is not None and rows[0][2].text() == "My brother works there"
    win.presence.sign_out_action.trigger()  # the menu's Sign out asks too
    answer_box(qtbot, win.presence, "sign_out_confirm", "signOutConfirmSign")
    assert win.desk.signed_in is None
    win.db.dispose()


def test_tab_from_the_member_list_reaches_the_passphrase(qtbot, panel_path, tmp_path):  # noqa: F811
    win = _window(qtbot, panel_path, tmp_path)
    qtbot.mouseClick(win.presence.button, Qt.MouseButton.LeftButton)
    dialog = win.presence.dialog
    qtbot.waitExposed(dialog)
    dialog.member.setFocus()
    qtbot.waitUntil(dialog.member.hasFocus)
    qtbot.keyClick(dialog.member, Qt.Key.Key_Tab)
    assert dialog.passphrase.hasFocus(), QApplication.focusWidget()
    dialog.reject()
    win.db.dispose()


def test_the_go_menu_shows_an_ampersand_not_a_mnemonic(qtbot, panel_path, tmp_path):  # noqa: F811
    win = _window(qtbot, panel_path, tmp_path)
    go = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Go")
    texts = [a.text() for a in go.actions()]
    assert "Bids && pledges" in texts, texts
    win.db.dispose()


def test_an_exclusion_says_the_score_to_two_decimals():
    inp = ScoringInput(
        weights=Weights(40, 50, 10),
        sv_quantitative_share=0,
        quantitative_method=RELATIVE_VALUE,
        scale_max=5,
        questions=[QuestionSpec("Q1", QUALITY, 100, minimum_score=2)],
        bidders=[BidderSpec("Acme", 100.0), BidderSpec("Brightway", 120.0)],
        moderated={("Brightway", "Q1"): 4},
        individual={("Acme", "Q1"): [1, 2, 2]},
    )
    acme = compute_results(inp).by_name()["Acme"]
    assert acme.exclusion_reasons == [
        "Q1 scored 1.67, below the minimum of 2 (provisional: mean of individual scores)"
    ], acme.exclusion_reasons
    assert shown_score(2.5) == "2.5" and shown_score(3.0) == "3"
    assert shown_score(1.999, below=2) == "1.999"  # never "scored 2, below the minimum of 2"


def _two_bids(moderated, individual=None):
    return ScoringInput(
        weights=Weights(40, 50, 10),
        sv_quantitative_share=0,
        quantitative_method=RELATIVE_VALUE,
        scale_max=5,
        questions=[QuestionSpec("Q1", QUALITY, 100)],
        bidders=[BidderSpec("Acme", 100.0), BidderSpec("Brightway", 108.0)],
        moderated=moderated,
        individual=individual or {},
    )


def test_robustness_with_no_or_incomplete_scores_has_nothing_to_test():
    for inp, missing in ((_two_bids({}), 2), (_two_bids({("Acme", "Q1"): 3}), 1)):
        r = analyse(inp, 1.0, [], ["Tom"], {})
        assert r.summary().startswith(f"There is nothing to test yet: {missing} of 2 answers have no score")
        assert not r.holds and r.winner is None and r.margin is None
        said = " ".join(text for _what, text in figures(r))
        assert "leads" not in said and "points" not in said, said
        assert as_json(r)["unscored"] == missing
    # scored throughout (a provisional mean counts): tested as before
    r = analyse(_two_bids({("Acme", "Q1"): 3}, {("Brightway", "Q1"): [4]}), 1.0, [], ["Tom"], {})
    assert r.unscored == 0 and r.winner is not None and "nothing to test" not in r.summary()


def answer_loss_box(button: str, asked: list[str]) -> None:
    """Click `button` (an object name) of the "Changes were lost" box once it is up (it runs its own
    event loop), noting what it said."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "changesLost":
            QTimer.singleShot(20, click)
            return
        asked.append(f"{box.windowTitle()}: {box.text()}\n{box.informativeText()}")
        found = box.findChild(QPushButton, button)
        assert found is not None, button
        found.click()

    QTimer.singleShot(0, click)


def test_changes_lost_defaults_to_looking_first_and_says_what_the_backup_holds(qtbot, tmp_path):
    from svdesk.model import record_anchor
    from svdesk.ui.opening import open_for_gui
    from tests.hostile.database_files import lost_wal

    path = lost_wal(tmp_path)
    asked: list[str] = []
    answer_loss_box("changesLostLook", asked)  # what Enter or Esc would choose
    assert open_for_gui(None, path) is None  # nothing opened, nothing changed
    assert record_anchor.read_anchor(path)["tenders"]
    assert "The file holds" in asked[0] and "entries of the record now" in asked[0], asked[0]
    assert "The backup " in asked[0] and "restoring replaces the file's record with it" in asked[0], asked[0]

    def box_default() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, box_default)
            return
        defaults.append(box.defaultButton().objectName())
        box.findChild(QPushButton, "changesLostLook").click()

    defaults: list[str] = []
    QTimer.singleShot(0, box_default)
    assert open_for_gui(None, path) is None
    assert defaults == ["changesLostLook"]
