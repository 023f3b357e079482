"""Issue 17's leftovers, on real widgets and a real database: Undo of a first pledge review (withdrawn
into "not yet reviewed", on the record); the Reports stage and checklist ticking once every report is
written from the signed record; the F1 guide in the dark palette; tooltips on the short buttons."""

import shutil

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QTabBar

from svdesk.app import measures, panel, pledges, questions, reads, reports, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.app.errors import SvdeskError
from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from svdesk.ui import file_dialogs, palette
from svdesk.ui.help_viewer import GuideDialog
from svdesk.ui.main_window import MainWindow
from tests.gui_steps import CTRL, click, focus_back
from tests.keys import officer, signed_in

REF = "LO-1"
BIDDER = "Acme Roads"
SHIFT = Qt.KeyboardModifier.ShiftModifier
DEMO_REF = "CWAC-2026-0142"


def _window(qtbot, db, tmp_path):
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "leftovers.sqlite"
    db = open_database(path)
    setup.create_tender(db, "priya", REF, "Highways", 400_000)
    measures.add_measure(db, "priya", REF, "NT1")
    questions.save_question(db, "priya", REF, "Q1", section="quality", text="Your method?", weight=100)
    questions.save_question(db, "priya", REF, "SV1", section="social_value", text="Social value?", weight=100)
    pledges.add_bidder(db, "priya", REF, BIDDER, 350_000)
    pledges.set_pledge(db, "priya", REF, BIDDER, "NT1", 12)
    for name, role in (("Priya", "officer"), ("Tom", "evaluator"), ("Alan", "chair")):
        panel.add_member(db, "priya", REF, name, role)
    signoff.open_scoring(db, "priya", REF)
    db.dispose()
    win = _window(qtbot, open_database(path), tmp_path)
    yield win
    win.db.dispose()


def _to_the_pledges(qtbot, win):
    """Tom signs in, declares, and opens the Pledges tab of Scoring with the one pledge selected."""
    win.desk.sign_in(signed_in(win.db, REF, "Tom"))
    win.tabs.setCurrentWidget(win.scoring)
    screen = win.scoring
    for none, _some, _details in screen.declarations.choices.values():
        click(qtbot, none)
    click(qtbot, screen.declarations.save_button)
    screen.modes.setCurrentIndex(1)
    assert [(p.bidder, p.ref, p.decision) for p in screen.pledge_items] == [(BIDDER, "NT1", None)]
    screen.pledges.selectRow(0)
    return screen


def _shown_view(screen) -> str:
    return screen.pledge_model.index(0, 6).data()


def _stored(win):
    return [(p.decision, p.accepted, p.reason) for p in scoring.member_pledges(win.db, REF, "Tom")]


def _edit_key(qtbot, win, modifiers):
    win.scoring.previous.setFocus()
    focus_back(qtbot, win)
    qtbot.keyClick(win.scoring.previous, Qt.Key.Key_Z, modifiers)
    QApplication.processEvents()


def test_a_first_pledge_review_is_undone_into_not_yet_reviewed_and_redone(qtbot, window):
    win = window
    screen = _to_the_pledges(qtbot, win)
    assert "not reviewed" in _shown_view(screen)
    click(qtbot, screen.review_accept)
    assert _stored(win) == [("accept", None, "")] and _shown_view(screen) == "accepted"
    assert win.undo_stack.canUndo()
    _edit_key(qtbot, win, CTRL)
    assert _stored(win) == [(None, None, "")]  # nothing stored: not yet reviewed
    assert "not reviewed" in _shown_view(screen)
    removed = [r for r in reads.history(win.db, REF).rows if r.action == "Pledge review removed"]
    assert len(removed) == 1 and removed[0].actor == "Tom" and "undone" in removed[0].reason
    assert "accept" in removed[0].before  # what was withdrawn stays on the record
    _edit_key(qtbot, win, CTRL | SHIFT)
    assert _stored(win) == [("accept", None, "")] and _shown_view(screen) == "accepted"
    assert signoff.verify_record(win.db, REF).problems == []  # the removal replays with the rest


def test_undoing_a_changed_review_gives_the_earlier_view_back(qtbot, window):
    win = window
    screen = _to_the_pledges(qtbot, win)
    assert screen.review("reduce", 5, "evidence")
    assert screen.review("reject", None, "deliverability")
    _edit_key(qtbot, win, CTRL)
    assert _stored(win) == [("reduce", 5, "evidence")]
    assert _shown_view(screen) == "reduced to 5: evidence"


def test_a_review_is_withdrawn_only_while_scoring_and_only_by_its_member(qtbot, window):
    win = window
    screen = _to_the_pledges(qtbot, win)
    tom = win.desk.signed_in
    with pytest.raises(SvdeskError, match="no review to withdraw"):
        scoring.withdraw_review(win.db, tom, REF, "Tom", BIDDER, "NT1", "nothing there")
    click(qtbot, screen.review_accept)
    with pytest.raises(SvdeskError, match="give a reason"):
        scoring.withdraw_review(win.db, tom, REF, "Tom", BIDDER, "NT1", " ")
    with pytest.raises(SvdeskError, match="only Tom withdraws"):
        scoring.withdraw_review(win.db, "Priya", REF, "Tom", BIDDER, "NT1", "tidy up")
    signoff.reopen(win.db, signed_in(win.db, REF, "Priya"), REF, "a question to reword")  # back to draft
    with pytest.raises(SvdeskError, match="withdrawing a pledge review"):
        scoring.withdraw_review(win.db, tom, REF, "Tom", BIDDER, "NT1", "too late")
    assert _stored(win) == [("accept", None, "")]


# --- the Reports stage -----------------------------------------------------------------------------


@pytest.fixture
def signed_window(qtbot, tmp_path, signed_db):
    path = tmp_path / "signed.sqlite"
    shutil.copy(signed_db, path)
    win = _window(qtbot, open_database(path), tmp_path)
    win.desk.sign_in(officer(win.db, DEMO_REF))  # the officer writes the reports, signed in
    win.refresh_summary()
    yield win
    win.db.dispose()


def _reports_stage(win):
    return next(s for s in reads.standing(win.db, DEMO_REF).stages if s.name == "Reports")


def _shown_reports_stage(win):
    model = win.stages_model
    return next(model.index(r, 0).data() for r in range(model.rowCount()) if "Reports" in model.index(r, 0).data())


def _wait(qtbot, worker):
    with qtbot.waitSignal(worker.done, timeout=60_000):
        pass


def test_the_reports_stage_ticks_once_every_report_is_written_from_the_signed_record(
    qtbot, signed_window, tmp_path, monkeypatch
):
    win = signed_window
    bidders = reports.report_data(win.db, DEMO_REF).bidders
    stage = _reports_stage(win)
    assert (stage.done, stage.total, stage.complete) == (0, 3 + len(bidders), False)
    assert "Reports" not in win.checklist.ticked()
    for n, (kind, stem) in enumerate((("evaluation", "e"), ("moderation", "m"), ("award", "a")), 1):
        target = tmp_path / f"{stem}.pdf"
        monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, t=target, **k: (str(t), "PDF (*.pdf)"))
        _wait(qtbot, win.reports.pdf(kind, stem))
        assert target.read_bytes().startswith(b"%PDF")
        stage = _reports_stage(win)
        assert stage.done == n and not stage.complete  # some, not all: no tick
        assert "Reports" not in win.checklist.ticked()
    folder = tmp_path / "summaries"
    folder.mkdir()
    monkeypatch.setattr(file_dialogs, "get_existing_directory", lambda *a, **k: str(folder))
    _wait(qtbot, win.reports.summaries())
    assert len(list(folder.glob("*.pdf"))) == len(bidders)
    stage = _reports_stage(win)
    assert stage.complete and stage.done == stage.total and stage.summary == "Reports written"
    assert "Reports" in win.checklist.ticked()  # the window's stages were read again after the export
    assert "Reports written" in _shown_reports_stage(win)
    exports = [r for r in reads.history(win.db, DEMO_REF).rows if r.action == "Report written"]
    assert len(exports) == 3 + len(bidders)
    fingerprint = reports.report_data(win.db, DEMO_REF).fingerprint
    assert all(fingerprint in r.after for r in exports) and any("e.pdf" in r.after for r in exports)
    assert signoff.verify_record(win.db, DEMO_REF).problems == []  # the exports are outside the content


def test_reports_written_without_a_person_are_not_counted(signed_window, tmp_path):
    win = signed_window
    for kind in ("evaluation", "moderation", "award"):
        reports.write_report(win.db, DEMO_REF, kind, tmp_path / f"{kind}.pdf")  # the CLI's way: no actor
    reports.write_report(win.db, DEMO_REF, "summary", tmp_path / "all")
    assert _reports_stage(win).done == 0
    with pytest.raises(SvdeskError, match="written, but not recorded as issued"):
        reports.write_report(win.db, DEMO_REF, "evaluation", tmp_path / "again.pdf", actor="nobody signed in")
    assert (tmp_path / "again.pdf").exists() and _reports_stage(win).done == 0


# --- the guide in the dark palette ----------------------------------------------------------------


def test_the_guide_follows_the_dark_palette(qtbot):
    guide = GuideDialog()
    qtbot.addWidget(guide)
    try:
        palette.apply("dark")
        guide.show_section("reports")
        qtbot.waitExposed(guide)
        dark = palette.dark_palette()
        roles = QPalette.ColorRole
        assert guide.browser.palette().color(roles.Base) == dark.color(roles.Base)
        assert guide.browser.palette().color(roles.Text) == dark.color(roles.Text)
        corner = guide.browser.viewport().grab().toImage().pixelColor(2, 2)
        assert corner.name() == dark.color(roles.Base).name()  # drawn dark, not white
        links = _link_colours(guide)
        assert links and links == {dark.color(roles.Link).name()}
        palette.apply("light")
        light = QApplication.palette()
        assert guide.browser.palette().color(roles.Base) == light.color(roles.Base)
        assert _link_colours(guide) == {light.color(roles.Link).name()}
    finally:
        palette.apply("system")


def _link_colours(guide) -> set[str]:
    """The colours the guide's links are drawn in."""
    colours = set()
    block = guide.browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isAnchor() and fmt.anchorHref():
                colours.add(fmt.foreground().color().name())
            it += 1
        block = block.next()
    return colours


# --- tooltips on the buttons whose purpose is not obvious ---------------------------------------

SCREENS = ("setup", "panel", "measures", "questions", "bids", "moderation", "signoff")


def _qt_own(button) -> bool:
    """Qt's own buttons (a table's corner, a tab bar's scroll arrows): not ours to explain."""
    return button.objectName().startswith("qt_") or isinstance(button.parent(), QTabBar)


def _untipped(widget) -> list[str]:
    out = []
    for b in widget.findChildren(QAbstractButton):
        words = b.text().replace("&", "").split()
        if b.isEnabled() and len(words) <= 2 and not b.toolTip().strip() and not _qt_own(b):
            out.append(f"{type(widget).__name__}: {b.objectName() or type(b).__name__} {b.text()!r}")
    return out


def test_every_short_button_on_the_screens_says_what_it_does(qtbot, tmp_path):
    db = open_svdesk_database(tmp_path / "demo.sqlite")
    load_demo(db)
    win = _window(qtbot, db, tmp_path)
    try:
        missing: list[str] = []
        checked = 0
        for name in SCREENS:
            screen = getattr(win, name)
            win.tabs.setCurrentWidget(screen)
            QApplication.processEvents()
            checked += len(screen.findChildren(QAbstractButton))
            missing += _untipped(screen)
        missing += _untipped(win.results_box)
        assert checked > 40  # the walk found the screens' buttons (the Enrol… of each row among them)
        assert missing == []
        panel_screen = win.panel
        assert all(b.toolTip() for b in panel_screen.enrol_buttons.values())
    finally:
        win.db.dispose()
