"""The record's version (its audit head): views are read again when, and only when, it has changed.

"Another user" is a second Database on the same file, as a second copy of svdesk would be.
"""

import pytest
from PySide6.QtCore import QSettings

from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.record_version import RecordVersion, record_version
from svdesk.model.services.tenders import get_tender, set_moderated
from svdesk.ui.main_window import MainWindow
from tests.gui_steps import answer_box
from tests.keys import enrol, signed_in

DEMO = "CWAC-2026-0142"
WEAVER = "Weaver Valley Care Ltd"


@pytest.fixture
def demo_path(tmp_path):
    db = open_svdesk_database(tmp_path / "v.sqlite")
    load_demo(db)
    db.dispose()
    return tmp_path / "v.sqlite"


def test_the_version_moves_with_each_logged_change_and_only_then(demo_path):
    db = open_svdesk_database(demo_path)
    with db.reader() as s:
        first = record_version(s, get_tender(s))
    with db.reader() as s:
        assert record_version(s, get_tender(s)) == first  # reading changes nothing
    with db.transaction() as s:
        set_moderated(s, get_tender(s), "Alan Whitfield", WEAVER, "Q1", 3, "Section 1.2 names six posts.")
    with db.reader() as s:
        second = record_version(s, get_tender(s))
    assert second != first and second.follows(first) and not first.follows(second)
    with db.transaction() as s:  # the same score and rationale again: nothing is logged, nothing moves
        set_moderated(s, get_tender(s), "Alan Whitfield", WEAVER, "Q1", 3, "Section 1.2 names six posts.")
        assert record_version(s, get_tender(s)) == second
    db.dispose()


def test_a_restored_backup_at_the_same_length_of_log_is_another_version(tmp_path, demo_path):
    from svdesk.model import backups

    db = open_svdesk_database(demo_path)
    backup = backups.backup_now(db)
    with db.transaction() as s:
        set_moderated(s, get_tender(s), "Alan Whitfield", WEAVER, "Q1", 3, "Section 1.2 names six posts.")
    with db.reader() as s:
        edited = record_version(s, get_tender(s))
    backups.restore(db, backup)
    with db.transaction() as s:  # a different change brings the log back to the same length
        set_moderated(s, get_tender(s), "Alan Whitfield", WEAVER, "Q1", 5, "Section 1.3: the academy opens now.")
    with db.reader() as s:
        other = record_version(s, get_tender(s))
    assert other.seq == edited.seq and other != edited
    db.dispose()


def _window(qtbot, path, tmp_path):
    win = MainWindow(open_svdesk_database(path), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    return win


def test_screens_shown_again_are_not_read_again_until_someone_changes_the_record(qtbot, tmp_path, demo_path):
    win = _window(qtbot, demo_path, tmp_path)
    mod = win.moderation
    win.tabs.setCurrentWidget(mod)
    grid = mod.model.grid
    results = win.results_model._rows
    win.tabs.setCurrentWidget(win.results_box)
    win.tabs.setCurrentWidget(mod)
    win.refresh_tenders()  # reselecting the tender
    assert mod.model.grid is grid and win.results_model._rows is results  # nothing was read again

    other = open_svdesk_database(demo_path)  # another copy of svdesk saves a consensus score
    with other.transaction() as s:
        set_moderated(s, get_tender(s), "Alan Whitfield", WEAVER, "Q1", 1, "Appendix C evidences one post.")
    other.dispose()
    win.tabs.setCurrentWidget(win.results_box)
    assert win.results_model._rows is not results
    weaver = next(r for r in win.results_model._rows if r.name == WEAVER)
    assert weaver.questions["Q1"].score == 1
    win.tabs.setCurrentWidget(mod)  # only consensus scores changed: only they are read again
    assert mod.model.grid is grid and grid.cell(WEAVER, "Q1").consensus == 1
    assert mod.model.data(mod.model.index(0, 0)).endswith("\u2192 1") and mod.detail.consensus == 1
    win.db.dispose()


def test_the_grid_reads_only_the_consensus_scores_when_nothing_else_changed(demo_path):
    from svdesk.model.services import workflow as wf
    from svdesk.model.services.panel_views import moderation_grid, refresh_consensus
    from svdesk.model.services.record_version import changes_since

    db = open_svdesk_database(demo_path)
    with db.reader() as s:
        tender = get_tender(s)
        grid, read_at = moderation_grid(s, tender), record_version(s, tender)
    with db.transaction() as s:
        set_moderated(s, get_tender(s), "Alan Whitfield", WEAVER, "Q2", 2, "Section 2 gives no referral routes.")
    with db.reader() as s:
        tender = get_tender(s)
        assert changes_since(s, tender, read_at) == {"moderated.set"}
        assert refresh_consensus(s, tender, grid, read_at)
        assert grid.cell(WEAVER, "Q2").consensus == 2 and grid.cell(WEAVER, "Q2").version == 2
        whole = moderation_grid(s, tender)
        assert {k: (c.consensus, c.version, c.marks) for k, c in grid.cells.items()} == {
            k: (c.consensus, c.version, c.marks) for k, c in whole.cells.items()
        }
        now = record_version(s, tender)
    with db.transaction() as s:  # reopened to scoring: the members' scores may change, read it whole
        wf.reopen(s, get_tender(s), "Alan Whitfield", "A late clarification from Weaver Valley")
    with db.reader() as s:
        tender = get_tender(s)
        assert not refresh_consensus(s, tender, grid, now)
        assert changes_since(s, tender, RecordVersion(tender.id + 1, now.seq, now.hash)) is None  # another tender
        assert changes_since(s, tender, RecordVersion(tender.id, now.seq, "0" * 64)) is None  # not this chain
    db.dispose()


def test_the_panels_own_consensus_edit_does_not_reread_the_grid_but_shows_in_the_results(qtbot, tmp_path, demo_path):
    win = _window(qtbot, demo_path, tmp_path)
    win.desk.sign_in(signed_in(win.db, DEMO, "Alan Whitfield"))  # the chair records the consensus
    mod = win.moderation
    win.tabs.setCurrentWidget(mod)
    grid = mod.model.grid
    mod.grid.setCurrentIndex(mod.model.index(0, 0))
    mod.choice.choose_index(5)
    mod.rationale.setPlainText("Section 1.3: the academy is already recruiting.")
    assert mod.save_consensus()
    win.tabs.setCurrentWidget(win.results_box)
    weaver = next(r for r in win.results_model._rows if r.name == WEAVER)
    assert weaver.questions["Q1"].score == 5
    win.tabs.setCurrentWidget(mod)
    assert mod.model.grid is grid and grid.cell(WEAVER, "Q1").consensus == 5
    win.db.dispose()


def test_a_database_opened_again_is_shown_again(qtbot, tmp_path, demo_path):
    win = _window(qtbot, demo_path, tmp_path)
    win.open_database_path(str(tmp_path / "empty.sqlite"))
    assert win.heading.text() == "No tender yet" and win.results_model.rowCount() == 0
    win.open_database_path(str(demo_path))  # the same record as before: it is shown, not skipped
    assert "CWAC-2026-0142" in win.heading.text() and win.results_model.rowCount() == 4
    win.tabs.setCurrentWidget(win.declarations)
    assert win.declarations.model.rowCount() > 0
    win.db.dispose()


def test_a_refused_edit_is_not_left_on_screen(qtbot, tmp_path, demo_path):
    win = _window(qtbot, demo_path, tmp_path)
    win.tabs.setCurrentWidget(win.bids)
    bids = win.bids
    before = bids.grid_model.data(bids.grid_model.index(0, 0))
    bids.grid_model.setData(bids.grid_model.index(0, 0), "-12")  # a negative quantity is refused
    assert bids.message.text().endswith("quantity: must be 0 or more")
    # refused: the grid is read again at once, so what is saved is what is shown
    assert bids.grid_model.data(bids.grid_model.index(0, 0)) == before
    win.tabs.setCurrentWidget(win.results_box)
    win.tabs.setCurrentWidget(bids)
    assert bids.grid_model.data(bids.grid_model.index(0, 0)) == before
    win.tabs.setCurrentWidget(win.setup)
    win.setup.title.setText("   ")
    win.setup.save_details()  # as when the field loses focus
    assert win.setup.message.text() == "title: must not be empty"
    win.tabs.setCurrentWidget(win.results_box)
    win.tabs.setCurrentWidget(win.setup)
    assert win.setup.title.text() == "Domiciliary care framework, Lot 2"
    win.db.dispose()


def test_one_signature_at_a_time(qtbot, tmp_path):
    from svdesk.model.services import workflow as wf

    db = open_svdesk_database(tmp_path / "sign.sqlite")
    load_demo(db)
    enrol(db, None)
    db.dispose()
    win = _window(qtbot, tmp_path / "sign.sqlite", tmp_path)
    win.tabs.setCurrentWidget(win.signoff)
    screen = win.signoff
    win.desk.sign_in(signed_in(win.db, DEMO, "Tom Ellis"))  # enrolled above; signed in with his passphrase
    with qtbot.waitSignal(screen.signed, timeout=60_000):
        assert screen.step("sign")  # asked what is signed
        assert not screen.step("sign") and not screen.sign.isEnabled()  # a second click while it is asked
        answer_box(qtbot, screen, "sign_confirm", "signConfirmSign")
        assert not screen.step("sign") and not screen.sign.isEnabled()  # a second click while the first runs
        screen.reload()  # the tab shown again meanwhile
        assert not screen.sign.isEnabled()
    with win.db.reader() as s:
        assert len(wf.active_signatures(s, get_tender(s))) == 1
    assert screen.sign.isEnabled() and "signed." in screen.message.text()
    win.db.dispose()
