"""The Sign-off screen's award stage, driven with clicks, keys and typed days (qtbot): what
regulation 31 still needs before the award, the award decision (refused while anything is open,
then confirmed and recorded), the assessment summaries, the contract award notice and its
standstill (Procurement Act 2023 s.51), the contract entered into, and passages withheld from the
other suppliers (s.94) by selecting them in the panel's explanation.

Days are in November 2026, before the day this was written (2 December 2026): svdesk refuses a
day in the future."""

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack

from svdesk.app import award, checks, parties, reads, signoff
from svdesk.app.database import open_database
from svdesk.model.demo import load_demo
from svdesk.model.standstill import standstill
from svdesk.ui.award_dialogs import DayField
from svdesk.ui.screen_base import Desk
from svdesk.ui.signoff_screen import SignOffScreen
from tests.gui_steps import LEFT, click, retype
from tests.keys import DEMO_PANEL, officer, sign

REF = "CWAC-2026-0142"
SHIFT_CTRL = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier


def _complete(db, who) -> None:
    """Every detail regulation 31 and the award decision ask for, as an officer records them."""
    parties.set_authority(
        db, who, name="Cheshire West and Chester Council", address="The Portal\nEllesmere Port CH65 0BA",
        email="procurement@cwac.example", identifier="E06000050",
    )  # fmt: skip
    for n, s in enumerate(parties.suppliers(db, REF)):
        parties.set_supplier(
            db, who, REF, s.name, address=f"{n} High Street\nChester CH1 1AA", email=f"bids{n}@supplier.example",
            identifier=f"9900010{n}",
        )  # fmt: skip
    parties.set_procurement(
        db, who, REF, procedure="Open procedure", criteria_published_at="https://tenders.cwac.example/0142",
        decision_maker="Director of Adult Social Care", delegated_authority="Scheme of delegation, para 4.3",
    )  # fmt: skip


@pytest.fixture
def signed_off(tmp_path):
    """The demo, every detail given, signed off by its four members."""
    db = open_database(tmp_path / "demo.sqlite")
    load_demo(db)
    _complete(db, officer(db, REF))
    for member in DEMO_PANEL:
        sign(db, REF, member)
    yield db
    db.dispose()


@pytest.fixture
def screen(qtbot, signed_off):
    """The Sign-off screen as the window shows it, the officer signed in."""
    shown = SignOffScreen(Desk(signed_off, "Priya", QUndoStack()))
    qtbot.addWidget(shown)
    shown.resize(1366, 700)
    shown.show()
    shown.desk.sign_in(officer(signed_off, REF))
    shown.show_tender(REF)
    shown.bring_up_to_date(reads.version(signed_off, REF))
    return shown


def _shown_again(screen) -> None:
    """The officer comes back to the screen (after an edit on another screen)."""
    screen.bring_up_to_date(reads.version(screen.db, REF))


def _type_day(qtbot, field: DayField, day: date) -> None:
    """Double-click the day of the month and type the day over it, as dd mm yyyy."""
    line = field.edit.lineEdit()
    qtbot.mouseDClick(line, LEFT, pos=QPoint(6, line.height() // 2))
    qtbot.keyClicks(field.edit, f"{day:%d%m%Y}")
    assert field.value() == day, field.value()


def _record_day(qtbot, screen, step: str, day: date):
    click(qtbot, screen.award_panel.buttons[step])
    dialog = screen.award_panel.day_dialog
    assert dialog.isVisible()
    _type_day(qtbot, dialog.day, day)
    click(qtbot, dialog.ok)
    return dialog


def _decide(qtbot, screen, day: date, confirm: bool = True):
    """Record the award decision… : the dialog, the day typed, OK, then the confirmation answered."""
    click(qtbot, screen.award_panel.decide)
    dialog = screen.award_panel.decision_dialog
    assert dialog.isVisible() and dialog.objectName() == "awardDecisionDialog"
    _type_day(qtbot, dialog.day, day)
    click(qtbot, dialog.ok)
    box = dialog.confirm
    assert box is not None and box.isVisible() and box.objectName() == "awardConfirm"
    answer = box.findChild(type(dialog.ok), "awardConfirmRecord" if confirm else "awardConfirmCancel")
    qtbot.mouseClick(answer, LEFT)
    return dialog


def test_before_the_award_lists_what_is_missing_and_empties_once_it_is_given(qtbot, screen, signed_off):
    panel = screen.open_items
    assert panel.isVisible() and panel.count == 0 and not panel.tree.isVisible()
    assert panel.summary.text().startswith("Nothing is open")
    who = officer(signed_off, REF)
    parties.set_supplier(signed_off, who, REF, "Northgate Homecare Ltd", email="")  # on the Bids screen
    parties.set_procurement(signed_off, who, REF, criteria_published_at="")  # on the Setup screen
    _shown_again(screen)
    found = checks.open_items(signed_off, REF)
    assert panel.count == len(found) >= 2 and panel.tree.isVisible()
    assert f"{len(found)} items are open" in panel.summary.text()
    rows = panel.shown_rows()
    northgate = [r for r in rows if r[0].startswith("Northgate Homecare Ltd (")]
    assert len(northgate) == 1 and "reg 31(3)(a), 31(2)(b)" in northgate[0][1] and "email" in northgate[0][1]
    assert northgate[0][2] == "Bids & pledges screen"
    tender = [r for r in rows if r[0].startswith("The tender (")]
    assert any("reg 31(2)(d)(ii)" in r[1] for r in tender) and all(r[2] == "Setup screen" for r in tender)
    parties.set_supplier(signed_off, who, REF, "Northgate Homecare Ltd", email="bids@northgate.example")
    _shown_again(screen)
    assert not any(r[0].startswith("Northgate") for r in panel.shown_rows()) and panel.count == len(found) - 1
    parties.set_procurement(signed_off, who, REF, criteria_published_at="https://tenders.cwac.example/0142")
    _shown_again(screen)
    assert panel.count == 0 and panel.summary.text().startswith("Nothing is open") and not panel.tree.isVisible()


def test_the_award_decision_is_refused_while_an_item_is_open_then_confirmed_and_recorded(qtbot, screen, signed_off):
    panel = screen.award_panel
    assert panel.isVisible() and panel.decide.isEnabled() and not panel.buttons["summaries"].isEnabled()
    assert panel.next_step.text() == "Next: record the award decision."
    who = officer(signed_off, REF)
    parties.set_supplier(signed_off, who, REF, "Dee Community Care CIC", email="")
    _shown_again(screen)
    dialog = _decide(qtbot, screen, date(2026, 11, 16))
    assert "1 item is still open" in dialog.open_items.text()
    assert dialog.isVisible() and dialog.problem.isVisible() and dialog.problem.text() == screen.message.text()
    assert "Dee Community Care CIC" in dialog.problem.text()
    assert signoff.signoff_view(signed_off, REF).status.value == "signed_off"
    qtbot.keyClick(dialog.decision_maker, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    parties.set_supplier(signed_off, who, REF, "Dee Community Care CIC", email="tenders@dee.example")
    _shown_again(screen)
    winner = award.recommendation(signed_off, REF)
    click(qtbot, panel.decide)
    dialog = panel.decision_dialog
    assert dialog.recommendation.text() == f"<b>{winner}</b>" and dialog.open_items.text() == ""
    assert dialog.decision_maker.text() == "Director of Adult Social Care"  # from the procurement's details
    assert dialog.delegated_authority.text() == "Scheme of delegation, para 4.3"
    assert dialog.day.value() == date.today()
    retype(qtbot, dialog.decision_maker, "Cabinet Member for Adult Social Care")
    _type_day(qtbot, dialog.day, date(2026, 11, 16))
    assert dialog.day.spelled.text() == "Monday 16 November 2026"
    click(qtbot, dialog.ok)
    qtbot.mouseClick(dialog.confirm.findChild(type(dialog.ok), "awardConfirmCancel"), LEFT)  # not yet
    assert dialog.isVisible() and award.award_view(signed_off, REF).decided_on == ""
    click(qtbot, dialog.ok)
    assert "Cabinet Member for Adult Social Care decided on Monday 16 November 2026" in dialog.confirm.text()
    qtbot.mouseClick(dialog.confirm.findChild(type(dialog.ok), "awardConfirmRecord"), LEFT)
    assert not dialog.isVisible() and screen.message.text() == "Recorded the award decision."
    view = award.award_view(signed_off, REF)
    assert (view.decided_on, view.decision_maker, view.recommendation) == (
        "2026-11-16",
        "Cabinet Member for Adult Social Care",
        winner,
    )
    assert "Status: awarded" in screen.status.text() and not screen.open_items.isVisible()
    assert panel.decision.text().startswith(f"Mon 16 Nov 2026: award to <b>{winner}</b>")
    assert not panel.decide.isEnabled() and panel.buttons["summaries"].isEnabled()
    assert panel.next_step.text() == "Next: send the assessment summaries and record the day."


def test_summaries_notice_standstill_and_contract(qtbot, screen, signed_off):
    _decide(qtbot, screen, date(2026, 11, 16))
    panel = screen.award_panel
    assert not panel.buttons["notice"].isEnabled()
    dialog = _record_day(qtbot, screen, "summaries", date(2026, 11, 18))
    assert not dialog.isVisible() and panel.summaries.text() == "Sent on Wed 18 Nov 2026"
    assert screen.message.text() == "Recorded the assessment summaries as sent on Wed 18 Nov 2026."
    dialog = _record_day(qtbot, screen, "notice", date(2026, 11, 19))  # a Thursday
    assert not dialog.isVisible() and panel.notice.text() == "Published on Thu 19 Nov 2026"
    assert not panel.buttons["summaries"].isEnabled()  # summaries precede the notice (s.50(3))
    period = standstill(date(2026, 11, 19))  # eight working days beginning with the notice's day
    assert len(period.working_days) == 8 and period.working_days[0] == date(2026, 11, 19)
    shown = panel.standstill.text()
    assert f"the last is <b>{period.last_day:%a %-d %b %Y}</b>" in shown  # Tue 1 Dec 2026
    assert f"entered into from <b>{period.earliest_entry:%a %-d %b %Y}</b>" in shown
    holidays = [d for d in period.skipped if d.day.weekday() < 5]
    assert [d.day for d in holidays] == [date(2026, 11, 30)]  # St Andrew's Day: a bank holiday in Scotland
    assert "Mon 30 Nov 2026: Saint Andrew's Day (bank holiday in Scotland)" in shown
    assert "4 Saturdays and Sundays" in shown
    assert panel.next_step.text() == (
        f"Next: enter into the contract on or after {period.earliest_entry:%a %-d %b %Y} (after the standstill)."
    )
    dialog = _record_day(qtbot, screen, "contract", period.last_day)  # the standstill's last day: refused
    assert dialog.isVisible() and "the standstill period runs until the end of Tuesday 1 December 2026" in (
        dialog.problem.text()
    )
    assert (
        dialog.problem.text() == screen.message.text() and award.award_view(signed_off, REF).contract_entered_on == ""
    )
    _type_day(qtbot, dialog.day, period.earliest_entry)
    click(qtbot, dialog.ok)
    assert not dialog.isVisible() and panel.contract.text() == f"Entered into on {period.earliest_entry:%a %-d %b %Y}"
    assert panel.next_step.text() == "The award stage is complete: the record is final."
    assert not any(b.isEnabled() for b in (panel.decide, *panel.buttons.values()))


def test_a_future_day_cannot_be_recorded(qtbot, screen):
    click(qtbot, screen.award_panel.decide)
    dialog = screen.award_panel.decision_dialog
    _type_day(qtbot, dialog.day, date(2099, 1, 1))
    assert not dialog.ok.isEnabled() and dialog.day.spelled.text().endswith(": in the future")
    _type_day(qtbot, dialog.day, date(2026, 11, 16))
    assert dialog.ok.isEnabled()


def _select_words(qtbot, edit, words: int) -> str:
    """Click into the explanation, go to its start and select `words` words with Shift+Ctrl+Right."""
    qtbot.mouseClick(edit.viewport(), LEFT, pos=QPoint(5, 5))
    qtbot.keyClick(edit, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(words):
        qtbot.keyClick(edit, Qt.Key.Key_Right, SHIFT_CTRL)
    return edit.textCursor().selectedText().strip()


def test_a_passage_is_withheld_by_selecting_it_and_removed_with_a_reason(qtbot, screen, signed_off):
    box = screen.withheld
    assert box.isVisible() and box.summary.text().startswith("Nothing is withheld")
    click(qtbot, box.open_button)
    dialog = box.dialog
    winner = award.recommendation(signed_off, REF)
    assert dialog.isVisible() and dialog.objectName() == "redactionDialog"
    assert dialog.supplier.currentText() == winner  # its explanations go to every other supplier
    question = dialog.criterion.currentText()
    whole = dialog.explanation.toPlainText()
    assert whole and dialog.explanation.isReadOnly() and dialog.preview.toPlainText() == whole
    passage = _select_words(qtbot, dialog.explanation, 4)
    assert passage and passage in whole and dialog.withhold.isEnabled()
    click(qtbot, dialog.withhold)  # no reason yet: refused, nothing withheld
    assert "needs a reason" in dialog.problem.text() and parties.redactions_of(signed_off, REF) == []
    qtbot.keyClicks(dialog.reason, "The bid's staffing model: a trade secret")
    click(qtbot, dialog.withhold)
    assert dialog.problem.text() == "" and "Withheld" in dialog.said.text()
    [row] = parties.redactions_of(signed_off, REF)
    assert (row.bidder, row.question, row.passage) == (winner, question, passage)
    assert row.reason == "The bid's staffing model: a trade secret"
    letter = dialog.preview.toPlainText()
    assert parties.WITHHELD in letter and passage not in letter and letter == whole.replace(passage, parties.WITHHELD)
    assert len(dialog.explanation.extraSelections()) == 1  # the passage withheld, marked where it stands
    click(qtbot, dialog.findChild(type(dialog.withhold), "redactionDialogClose"))
    assert not dialog.isVisible()
    assert box.table.rowCount() == 1 and box.summary.text() == "1 passage withheld."
    shown = [box.table.item(0, c).text() for c in range(2)]
    when = row.made_at[:16].replace("T", " ")
    assert shown == [f"{question}, {winner}: \u201c{passage}\u201d", f"{row.reason}\n{row.made_by}, {when}"]
    click(qtbot, box.remove_button(0))
    remove = box.remove_dialog
    assert remove.isVisible() and remove.objectName() == "removeRedactionDialog" and not remove.ok.isEnabled()
    qtbot.keyClicks(remove.reason, "The supplier agreed to its disclosure")
    click(qtbot, remove.ok)
    assert not remove.isVisible() and parties.redactions_of(signed_off, REF) == []
    assert not box.table.isVisible() and box.summary.text().startswith("Nothing is withheld")
    assert parties.preview_withheld(signed_off, REF, winner, question) == whole


def test_nothing_is_withheld_once_awarded(qtbot, screen):
    assert screen.withheld.open_button.isEnabled()
    _decide(qtbot, screen, date(2026, 11, 16))
    assert not screen.withheld.open_button.isEnabled()


def test_every_control_of_the_award_stage_and_its_dialogs_is_named(qtbot, screen):
    from PySide6.QtWidgets import QAbstractButton

    from tests.test_gui_window_checks import focusable

    parties.redact(screen.db, screen.actor, REF, *_first_words(screen), "A trade secret")
    screen.reload()  # a Remove button in the list
    dialogs = [
        screen.award_panel.open_decision_dialog(),
        screen.award_panel.open_day_dialog("summaries"),
        screen.withheld.open_dialog(),
        screen.withheld.open_remove_dialog(screen.withheld.rows[0]),
    ]
    missing = [
        f"{type(w).__name__} {w.objectName()}"
        for top in (screen, *dialogs)
        for w in focusable(top)
        if not (w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")).strip()
    ]
    assert missing == []
    assert all(w.objectName() for top in (screen, *dialogs) for w in focusable(top))  # each found by tests
    assert all(d.objectName() for d in dialogs)


def _first_words(screen) -> tuple[str, str, str]:
    """The winner, its first criterion and the first three words of the panel's explanation of it."""
    winner = award.recommendation(screen.db, REF)
    question = reads.tender_choices(screen.db, REF).questions[0]
    words = parties.preview_withheld(screen.db, REF, winner, question).split()[:3]
    return winner, question, " ".join(words)
