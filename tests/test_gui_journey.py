"""A whole evaluation driven through the GUI, asserting on the stored record; and accessibility."""

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from svdesk.app import measures, pledges
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.results import results_document
from svdesk.model.services.tenders import get_tender, scores_visible_to
from svdesk.model.services.verify import verify_tender
from svdesk.ui.main_window import PANEL, MainWindow
from tests.sheets import plain_workbook, seed003_rows


@pytest.fixture
def window(qtbot, tmp_path):
    db = open_svdesk_database(tmp_path / "journey.sqlite")
    win = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.db.dispose()


def _measure_row(model, ref, parent=None):
    """The catalogue tree's row of `ref`, found as a user finds it: by looking down the tree."""
    from PySide6.QtCore import QModelIndex

    from svdesk.ui.measures_screen import RefRole  # the role the tree keeps a measure's ref in

    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data(RefRole) == ref:
            return index
        found = _measure_row(model, ref, index)
        if found is not None:
            return found
    return None


def _add_measure_by_clicks(qtbot, screen, ref):
    screen.search.clear()
    qtbot.keyClicks(screen.search, ref)
    index = _measure_row(screen.tree.model(), ref)
    assert index is not None, f"{ref} is not in the catalogue tree"
    screen.tree.scrollTo(index)
    qtbot.wait(20)  # the tree lays out the rows the search expanded
    rect = screen.tree.visualRect(index)
    assert rect.isValid(), f"{ref} is not shown in the tree"
    # on the row's text, within the tree's (narrow, in a test window) viewport
    at = QPoint(min(rect.left() + 10, screen.tree.viewport().width() - 5), rect.center().y())
    qtbot.mouseClick(screen.tree.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert screen.selected_refs() == [ref]
    qtbot.mouseClick(screen.add, Qt.MouseButton.LeftButton)
    assert screen.message.text() == f"Added {ref}."


def test_a_whole_evaluation_through_the_gui(window, tmp_path, qtbot):
    w = window
    assert w.create_tender("GUI-1", "Highways maintenance", 2_400_000)
    # Setup: weights validated live; nothing saved until they sum to 100
    w.setup.social.setValue(20)
    assert "sum to 110" in w.setup.weights_state.text()
    w.setup.quality.setValue(40)
    assert "sum to 100" in w.setup.weights_state.text()
    assert "Suggested social value weight: <b>10</b>" in w.setup.suggestion.text()
    # Measures: search "apprentice" finds NT10; add NT1, NT3, NT10, NT18 (the seed sheet's refs)
    w.tabs.setCurrentWidget(w.measures)  # screens load when opened, as a user opens them
    w.measures.search.setText("apprentice")
    assert w.measures.filter.rowCount() >= 1
    w.measures.search.setText("")
    for ref in ("NT1", "NT3", "NT10", "NT18"):  # typed into the search, clicked in the tree, added
        _add_measure_by_clicks(qtbot, w.measures, ref)
    assert w.measures.chosen.rowCount() == 4
    # Questions
    w.tabs.setCurrentWidget(w.questions)
    for code, section, weight, minimum in (
        ("Q1", "quality", 60, 2),
        ("Q2", "quality", 40, None),
        ("SV1", "social_value", 100, None),
    ):
        w.questions.new_question()
        w.questions.code.setText(code)
        w.questions.section.setCurrentIndex(w.questions.section.findData(section))
        w.questions.text.setPlainText(f"{code}: describe your approach, with evidence.")
        w.questions.weight.setValue(weight)
        w.questions.has_minimum.setChecked(minimum is not None)
        w.questions.minimum.setValue(minimum or 0)
        w.questions.save_question()
    assert w.questions.table.rowCount() == 3
    assert "Q1 = 24.0% of total" in w.questions.table.item(0, 4).text()
    # Bids: three bidders, one pledge sheet imported after a preview
    w.tabs.setCurrentWidget(w.bids)
    for name, price in (
        ("Acme Roads", 2_300_000),
        ("Brightway Ltd", 2_250_000),
        ("Sandstone Support Services", 1_985_000),
    ):
        w.bids.new_name.setText(name)
        w.bids.new_price.setValue(price)
        w.bids.add_bidder()
    assert w.bids.grid_model.columnCount() == 3
    _h, rows = seed003_rows()
    sheet = plain_workbook(tmp_path / "sandstone.xlsx", rows)
    previews = []
    assert w.bids.import_sheet(sheet, "Sandstone Support Services", confirm=lambda plan: previews.append(plan) or True)
    assert {r.ref: r.status for r in previews[0].rows}["NT18"] == "mismatch"
    w.bids.grid_model.setData(w.bids.grid_model.index(0, 0), "3")  # Acme pledges 3 FTE against NT1, typed
    w.bids.grid.setCurrentIndex(w.bids.grid_model.index(0, 2))
    w.bids.verify("reduce", 20, "Only 20 named posts are evidenced")
    # the totals rows: pledged and accepted £ per bid, summed here from the cells' own figures
    gm = w.bids.grid_model
    for column, (name, _price) in enumerate(gm.grid.bidders):
        cells = [c for (_ref, bidder), c in gm.grid.cells.items() if bidder == name]
        pledged = sum(c.quantity * c.proxy for c in cells)
        accepted = sum((c.quantity if c.accepted is None else c.accepted) * c.proxy for c in cells)
        n = len(gm.grid.measures)
        assert (
            gm.data(gm.index(n, column)) == f"£{pledged:,.2f}"
            and gm.data(gm.index(n + 1, column)) == f"£{accepted:,.2f}"
        )
    assert any(c.accepted == 20 for c in gm.grid.cells.values())
    # The panel, on its screen: the officer adds everyone (herself too); each member enrols, typing
    # the passphrase they choose, twice
    from tests.keys import passphrase_of

    w.tabs.setCurrentWidget(w.panel)
    left = Qt.MouseButton.LeftButton
    for name, role in (("Priya", "Procurement"), ("Tom", ""), ("Gwen", ""), ("Alan", "Chair")):
        qtbot.mouseClick(w.panel.add, left)
        dialog = w.panel.add_dialog
        qtbot.keyClicks(dialog.name, name)
        qtbot.keyClicks(dialog.role, role)  # typing a role's first letters picks it; Evaluator is the default
        qtbot.keyClicks(dialog.email, f"{name.lower()}@highways.example")
        qtbot.keyClick(dialog.email, Qt.Key.Key_Return)
        assert w.panel.message.text() == f"Added {name}.", w.panel.message.text()
    assert [(r.name, r.role) for r in w.panel.rows] == [
        ("Priya", "officer"), ("Tom", "evaluator"), ("Gwen", "evaluator"), ("Alan", "chair"),
    ]  # fmt: skip
    for name in ("Tom", "Gwen", "Alan"):
        qtbot.mouseClick(w.panel.enrol_buttons[name], left)
        dialog = w.panel.enrol_dialog
        qtbot.keyClicks(dialog.passphrase, passphrase_of(name))
        qtbot.keyClicks(dialog.again, passphrase_of(name))
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        assert w.panel.message.text().startswith(f"Enrolled {name}: key "), w.panel.message.text()
    assert w.stages_model.data(w.stages_model.index(PANEL)).endswith("Panel: 4 members, 3 enrolled")
    # Open scoring; two members score
    w.tabs.setCurrentWidget(w.signoff)
    assert w.signoff.step("open-scoring"), w.signoff.message.text()
    # Each evaluator signs in on the Scoring screen with their own passphrase ("Sign in…", then
    # "Switch person…" for the next), declares, and scores only their own worklist
    from tests.sign_in_steps import offered, sign_in

    w.tabs.setCurrentWidget(w.scoring)
    for member, mark in (("Tom", 3), ("Gwen", 4)):
        qtbot.mouseClick(w.scoring.switch if w.scoring.switch.isVisible() else w.scoring.sign_in_button, left)
        assert offered(w.scoring.sign_in_dialog) == ["Tom", "Gwen", "Alan"]  # the enrolled
        assert w.scoring.sign_in_dialog.chosen() == member  # the next evaluator first
        sign_in(qtbot, w.scoring.sign_in_dialog, member)
        assert w.presence.label.text() == f"Signed in: {member} (evaluator) \u2014"
        for none, _some, _details in w.scoring.declarations.choices.values():
            qtbot.mouseClick(none, left)
        qtbot.mouseClick(w.scoring.declarations.save_button, left)
        assert w.scoring.items and all(it.score is None for it in w.scoring.items)  # Tom's never show to Gwen
        while any(not it.done for it in w.scoring.items):
            w.scoring.choice.set_value(mark)
            w.scoring.rationale.setPlainText(f"{member}: section 2 evidences named staff and a plan.")
            qtbot.mouseClick(w.scoring.save_next, left)
    # The chair signs in there too, to declare (she does not score)
    qtbot.mouseClick(w.scoring.switch, left)
    sign_in(qtbot, w.scoring.sign_in_dialog, "Alan")
    for none, _some, _details in w.scoring.declarations.choices.values():
        qtbot.mouseClick(none, left)
    qtbot.mouseClick(w.scoring.declarations.save_button, left)
    assert "They have declared for every bidder." in w.scoring.blocked.text()
    assert w.signoff.step("open-moderation"), w.signoff.message.text()
    # Moderate every cell: Alan signs out (the status bar) and in again, to record the consensus
    qtbot.mouseClick(w.presence.button, left)
    assert w.presence.label.text() == "Not signed in"
    w.tabs.setCurrentWidget(w.moderation)
    qtbot.mouseClick(w.moderation.sign_in_button, left)
    sign_in(qtbot, w.moderation.sign_in_dialog, "Alan")
    grid = w.moderation.model
    for r in range(grid.rowCount()):
        for c in range(grid.columnCount()):
            w.moderation.grid.setCurrentIndex(grid.index(r, c))
            w.moderation.choice.set_value(4 if r != 2 or c != 0 else 1)
            w.moderation.rationale.setPlainText("Agreed: the bid names staff (section 2) and a dated plan.")
            assert w.moderation.save_consensus(), w.moderation.message.text()
    # Sign off: everyone signs, each signed in with their own passphrase (Alan is signed in already)
    w.tabs.setCurrentWidget(w.signoff)
    while w.signoff.unsigned:
        member = w.signoff.unsigned[0] if w.signoff.signer_now() is None else w.signoff.signer_now().member
        with qtbot.waitSignal(w.signoff.signed, timeout=60_000):  # signing runs in the helper process
            qtbot.mouseClick(w.signoff.sign, left)
            if w.signoff.sign_in_dialog is not None and w.signoff.sign_in_dialog.isVisible():
                sign_in(qtbot, w.signoff.sign_in_dialog, member)
        assert f"{member} signed." in w.signoff.message.text(), w.signoff.message.text()
    assert "signed off and locked" in w.banner.text()
    from svdesk.model.backups import backup_dir

    assert len(list(backup_dir(w.db).glob("*.pre-signoff.*.sqlite"))) >= 3  # one before each signature
    w.tabs.setCurrentWidget(w.setup)
    assert not w.setup.price.isEnabled()
    # The stored record
    with w.db.reader() as s:
        t = get_tender(s, "GUI-1")
        assert t.status.value == "signed_off"
        assert t.weight_quality == 40 and t.weight_social_value == 20
        doc = results_document(s, t)
        assert len(scores_visible_to(s, t, "Tom", of_member="Tom")) == 9  # after moderation all are visible
        assert verify_tender(s, t).ok
    assert doc["final"] is True
    sandstone = next(b for b in doc["bidders"] if b["name"] == "Sandstone Support Services")
    assert sandstone["excluded"] and "Q1 scored 1" in sandstone["exclusion_reasons"][0]
    acme = next(b for b in doc["bidders"] if b["name"] == "Acme Roads")
    assert acme["pledged_value"] == round(3 * 30782, 2)


def focusable(widget: QWidget):
    kinds = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)
    # Qt's own inner parts (a spin box's line edit, a tab bar's scroll buttons) are named by their owner
    return [
        w
        for w in widget.findChildren(QWidget)
        if isinstance(w, kinds)
        and w.focusPolicy() != 0
        and not w.objectName().startswith("qt_")
        and not isinstance(w.parentWidget(), QAbstractSpinBox)
        and type(w.parentWidget()).__name__ not in ("QTabBar", "QScrollBar", "QDialogButtonBox")
        and w.window() is widget.window()
    ]  # a combo box's pop-up list belongs to the combo box


def test_every_focusable_control_has_an_accessible_name(window):
    from svdesk.model.demo import load_demo

    load_demo(window.db)
    window.refresh_tenders()
    missing = []
    for w in focusable(window):
        name = w.accessibleName() or (w.text() if isinstance(w, QAbstractButton) else "")
        if not name.strip():
            missing.append(
                f"{type(w).__name__} {w.objectName() or '(no object name)'} in {type(w.parentWidget()).__name__}"
            )
    assert missing == [], "\n".join(missing)


def test_pledge_sheet_read_in_the_background_then_previewed(window, tmp_path, qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog

    from svdesk.ui.bids_screen import PledgePreview

    window.create_tender("BG-1", "Background import", 500_000)
    window.tabs.setCurrentWidget(window.bids)
    bids = window.bids
    bids.edit(lambda: measures.add_measure(bids.db, "Priya", "BG-1", "NT1"))
    bids.edit(lambda: pledges.add_bidder(bids.db, "Priya", "BG-1", "Sandstone Support Services", 400_000))
    shown = []
    monkeypatch.setattr(PledgePreview, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    _h, rows = seed003_rows()
    worker = window.bids.read_in_background(plain_workbook(tmp_path / "s.xlsx", rows), "Sandstone Support Services")
    with qtbot.waitSignal(worker.done, timeout=30_000):
        pass
    assert shown and window.bids.grid_model.data(window.bids.grid_model.index(0, 0)) == "24"  # the seed's NT1
