"""The set-up screens (Measures, Questions, Bids) on the declared screen interface, built from a Desk
as the window builds them, on a real database; and the use cases they call."""

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog

from svdesk.app import catalogue, measures, pledges, questions, reads
from svdesk.app.database import list_backups, open_database
from svdesk.app.setup import create_tender
from svdesk.ui import measures_screen
from svdesk.ui.bids_screen import BidsScreen, PledgePreview
from svdesk.ui.measures_screen import MeasuresScreen, RefRole
from svdesk.ui.questions_screen import QuestionsScreen
from svdesk.ui.screen_base import Desk, Refresh
from tests.sheets import plain_workbook, seed003_rows

REF = "SET-1"
SANDSTONE = "Sandstone Support Services"


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "setup.sqlite")
    create_tender(database, "Priya", REF, "Highways maintenance", 2_400_000)
    yield database
    database.dispose()


@pytest.fixture
def desk(db, qtbot):
    return Desk(db, "Priya", QUndoStack())


def shown(screen, qtbot):
    qtbot.addWidget(screen)
    screen.show_tender(REF)
    screen.bring_up_to_date(reads.version(screen.db, REF))
    return screen


def test_refresh_policies_are_as_the_window_had_them():
    assert MeasuresScreen.refresh_policy is Refresh.ALWAYS
    assert QuestionsScreen.refresh_policy is Refresh.ALWAYS
    assert BidsScreen.refresh_policy is Refresh.WHEN_CHANGED


def _select_catalogue_ref(screen: MeasuresScreen, ref: str) -> None:
    model = screen.catalogue
    for t in range(model.rowCount()):
        theme = model.item(t)
        for o in range(theme.rowCount()):
            outcome = theme.child(o)
            for m in range(outcome.rowCount()):
                item = outcome.child(m)
                if item.data(RefRole) == ref:
                    index = screen.filter.mapFromSource(item.index())
                    flags = QItemSelectionModel.SelectionFlag
                    screen.tree.selectionModel().select(index, flags.Select | flags.Rows)
                    return
    raise AssertionError(f"{ref} is not in the catalogue tree")


def test_measures_add_override_and_remove(desk, qtbot, monkeypatch):
    screen = shown(MeasuresScreen(desk), qtbot)
    assert screen.catalogue.rowCount() > 0 and screen.chosen.rowCount() == 0
    screen.search.setText("apprentice")
    assert screen.filter.rowCount() >= 1
    screen.search.setText("")
    _select_catalogue_ref(screen, "NT10")
    screen.add_selected()
    assert screen.message.text() == "Added NT10."
    assert screen.chosen.rowCount() == 1 and screen.chosen.item(0, 0).text() == "NT10"
    screen.add_selected()  # again: refused, and said so
    assert "already one of the tender's measures" in screen.message.text()

    screen.chosen.setCurrentCell(0, 0)
    monkeypatch.setattr(measures_screen.QInputDialog, "getDouble", lambda *a, **k: (2.5, True))
    monkeypatch.setattr(measures_screen.QInputDialog, "getText", lambda *a, **k: ("local figure", True))
    screen.override_selected()
    assert screen.message.text() == "Proxy of NT10 changed."
    assert screen.chosen.item(0, 3).text() == "2.5" and "local figure" in screen.chosen.item(0, 4).text()
    assert measures.tender_measures(desk.db, REF)[0].proxy_value == 2.5

    screen.chosen.setCurrentCell(0, 0)
    screen.remove_selected()
    assert screen.message.text() == "Removed NT10 (and its pledges)."
    assert screen.chosen.rowCount() == 0


def test_measures_without_a_choice_says_what_to_choose(desk, qtbot):
    screen = shown(MeasuresScreen(desk), qtbot)
    screen.add_selected()
    assert "Choose one or more measures" in screen.message.text()


def test_another_database_reads_its_own_catalogue(desk, qtbot, tmp_path):
    screen = shown(MeasuresScreen(desk), qtbot)
    first, mine = screen.catalogue.rowCount(), desk.db
    other = open_database(tmp_path / "other.sqlite")
    try:
        create_tender(other, "Priya", REF, "Another", 10)
        assert catalogue.import_catalogue(other, _framework_csv(tmp_path / "local.csv"), name="Local").measures == 1
        desk.db = other
        screen.database_changed()
        screen.bring_up_to_date(reads.version(other, REF))
        assert screen.catalogue.rowCount() == first + 1  # the imported framework's one theme
    finally:
        desk.db = mine
        other.dispose()


def _framework_csv(path: Path) -> Path:
    path.write_text(
        "Theme,Outcome,Ref,Measure,Unit,Proxy value\nLocal theme,Local outcome,LX1,Local measure,number,12\n",
        encoding="utf-8",
    )
    return path


def test_questions_saved_shown_and_removed(desk, qtbot):
    screen = shown(QuestionsScreen(desk), qtbot)
    assert screen.minimum.maximum() == 5  # the default scale, 0 to 5
    for code, section, weight, minimum in (("Q1", "quality", 60, 2), ("SV1", "social_value", 100, None)):
        screen.new_question()
        screen.code.setText(code)
        screen.section.setCurrentIndex(screen.section.findData(section))
        screen.text.setPlainText(f"{code}: describe your approach, with evidence.")
        screen.weight.setValue(weight)
        screen.has_minimum.setChecked(minimum is not None)
        screen.minimum.setValue(minimum or 0)
        screen.save_question()
        assert screen.message.text() == f"Saved {code}."
    assert screen.table.rowCount() == 2
    assert screen.table.item(0, 4).text() == "Q1 = 50.0% of total"
    assert screen.table.item(0, 5).text() == "2"
    screen.table.setCurrentCell(1, 0)
    assert screen.code.text() == "SV1" and not screen.has_minimum.isChecked()
    screen.remove_question()
    assert screen.message.text() == "Removed SV1." and screen.table.rowCount() == 1
    assert [q.code for q in questions.questions_view(desk.db, REF).questions] == ["Q1"]


def test_a_refused_question_is_shown_as_refused(desk, qtbot):
    screen = shown(QuestionsScreen(desk), qtbot)
    screen.new_question()
    screen.code.setText("")
    screen.save_question()
    assert screen.message.styleSheet() == "color: #8a1c1c" and screen.table.rowCount() == 0


def _bids(desk, qtbot, measures_=("NT1",)):
    for ref in measures_:
        measures.add_measure(desk.db, "Priya", REF, ref)
    screen = shown(BidsScreen(desk), qtbot)
    screen.new_name.setText(SANDSTONE)
    screen.new_price.setValue(1_985_000)
    screen.add_bidder()
    return screen


def test_bids_register_type_undo_and_adjust(desk, qtbot):
    screen = _bids(desk, qtbot)
    assert screen.message.text() == f"Registered {SANDSTONE}." and screen.new_name.text() == ""
    model = screen.grid_model
    assert model.columnCount() == 1
    model.setData(model.index(0, 0), "3")
    assert screen.message.text() == f"Pledge of {SANDSTONE} against NT1 saved."
    assert model.data(model.index(0, 0)) == "3"
    desk.undo_stack.undo()
    assert model.data(model.index(0, 0)) is None
    desk.undo_stack.redo()
    assert model.data(model.index(0, 0)) == "3"
    model.setData(model.index(len(model.grid.measures) + 3, 0), "£1,900,000")
    assert screen.message.text() == f"Price of {SANDSTONE} saved." and model.grid.bidders[0][1] == 1_900_000
    model.setData(model.index(0, 0), "lots")
    assert "'lots' is not a number; nothing was saved." in screen.message.text()

    screen.grid.setCurrentIndex(model.index(0, 0))
    screen.verify("reduce", 2, "Only 2 named posts are evidenced")
    assert screen.message.text() == f"NT1 for {SANDSTONE}: accepted 2."
    assert model.data(model.index(0, 0)) == "3 \u2192 2"
    screen.grid.setCurrentIndex(model.index(0, 0))  # the grid read again has no current cell
    screen.verify("accept")
    assert screen.message.text() == "NT1 accepted." and model.data(model.index(0, 0)) == "3"
    screen.grid.setCurrentIndex(model.index(0, 0))
    screen.verify("reduce", 5, "more than pledged")
    assert "more than the 3 pledged" in screen.message.text()


def test_bids_read_again_only_when_the_record_moved(desk, qtbot, monkeypatch):
    screen = _bids(desk, qtbot)
    reads_made = []
    real = pledges.pledge_grid_versioned
    monkeypatch.setattr(pledges, "pledge_grid_versioned", lambda *a: reads_made.append(1) or real(*a))
    screen.bring_up_to_date(reads.version(desk.db, REF))
    assert reads_made == []  # it shows its own edits already
    pledges.set_pledge(desk.db, "Priya", REF, SANDSTONE, "NT1", 7)  # someone else's edit
    screen.bring_up_to_date(reads.version(desk.db, REF))
    assert reads_made == [1] and screen.grid_model.data(screen.grid_model.index(0, 0)) == "7"


def test_bids_import_a_sheet_after_its_preview(desk, qtbot, tmp_path):
    screen = _bids(desk, qtbot, ("NT1", "NT3", "NT10", "NT18"))
    _h, rows = seed003_rows()
    sheet = plain_workbook(tmp_path / "sandstone.xlsx", rows)
    assert not screen.import_sheet(sheet, SANDSTONE, confirm=lambda plan: False)
    assert screen.message.text() == "Import cancelled; nothing was written."
    assert pledges.pledge_grid(desk.db, REF).cells == {}
    previews = []
    assert screen.import_sheet(sheet, SANDSTONE, confirm=lambda plan: previews.append(plan) or True)
    assert {r.ref: r.status for r in previews[0].rows}["NT18"] == "mismatch"
    written = len(pledges.pledge_grid(desk.db, REF).cells)
    assert written == 4  # the pledges on the tender's four measures; the sheet's other rows write nothing
    rows = len(previews[0].rows)
    assert screen.message.text().startswith(
        f"Imported 4 pledges for {SANDSTONE} ({rows} rows read, {rows - 4} without a pledge to write): £"
    ), screen.message.text()
    assert [b.label for b in list_backups(desk.db)] == ["pre-import"]
    assert not screen.import_sheet(sheet, "Nobody", confirm=lambda plan: True)
    assert "no bidder named 'Nobody'" in screen.message.text() and "Nothing was imported." in screen.message.text()


def test_bids_sheet_read_in_the_background_then_previewed(desk, qtbot, tmp_path, monkeypatch):
    screen = _bids(desk, qtbot)
    seen = []
    monkeypatch.setattr(PledgePreview, "exec", lambda self: seen.append(self) or QDialog.DialogCode.Accepted)
    _h, rows = seed003_rows()
    worker = screen.read_in_background(plain_workbook(tmp_path / "s.xlsx", rows), SANDSTONE)
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    assert seen and screen.grid_model.data(screen.grid_model.index(0, 0)) == "24"  # the seed's NT1


def test_read_only_database_disables_the_edits(tmp_path, qtbot):
    path = tmp_path / "ro.sqlite"
    open_database(path).dispose()
    writable = open_database(path)
    create_tender(writable, "Priya", REF, "Read only", 10)
    writable.dispose()
    db = open_database(path, read_only=True, read_only_reason="opened to look")
    try:
        desk = Desk(db, "Priya", QUndoStack())
        for screen in (MeasuresScreen(desk), QuestionsScreen(desk), BidsScreen(desk)):
            shown(screen, qtbot)
            assert screen.message.text() == "Read only: read-only: opened to look"
        assert not screen.add.isEnabled() and not screen.import_button.isEnabled()
    finally:
        db.dispose()


SCREENS = ("measures_screen.py", "questions_screen.py", "bids_screen.py", "new_tender.py")
FORBIDDEN = ("sqlalchemy", "svdesk.model.services", "svdesk.model.db", "svdesk.model.entities")


def test_the_set_up_screens_reach_the_record_only_through_the_use_cases():
    ui = Path(__file__).resolve().parent.parent / "svdesk" / "ui"
    offenders = []
    for name in SCREENS:
        for node in ast.walk(ast.parse((ui / name).read_text(encoding="utf-8"))):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{name}: {m}" for m in modules if m.startswith(FORBIDDEN)]
    assert offenders == []


def test_a_letter_typed_into_an_amount_is_refused_aloud_and_the_amount_kept(desk, qtbot):
    """Issue 17: letters in the contract value or a price were dropped without a word."""
    from svdesk.app import setup as setup_use_cases
    from svdesk.ui.setup_screen import SetupScreen

    screen = shown(SetupScreen(desk), qtbot)
    field = screen.contract_value
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "2.4m")
    assert "'m' cannot be part of an amount" in screen.message.text(), screen.message.text()
    assert field.cleanText() == "2.4"  # the digits typed are kept, the letter is not
    assert setup_use_cases.setup_view(desk.db, REF).contract_value == 2_400_000  # nothing saved yet
    bids = _bids(desk, qtbot)
    bids.new_price.setFocus()
    bids.new_price.clear()
    qtbot.keyClicks(bids.new_price, "1985000e")
    assert "New bidder's price: 'e' cannot be part of an amount" in bids.message.text()
    assert bids.new_price.value() == 1_985_000
