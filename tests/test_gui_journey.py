"""A whole evaluation driven through the window alone: every step a click or a key, every check on
what the window shows (no model or use-case import)."""

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from svdesk.ui.main_window import PANEL, MainWindow
from svdesk.ui.opening import open_for_gui
from tests.sheets import plain_workbook, seed003_rows


@pytest.fixture
def window(qtbot, tmp_path):
    opened = open_for_gui(None, tmp_path / "journey.sqlite")  # as the app opens it: the lock, then migrations
    win = MainWindow(opened, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.opened.close()


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
    backups = (tmp_path / "backups").glob("*.pre-signoff.*.sqlite")  # beside the database file
    assert len(list(backups)) >= 3  # one before each signature
    w.tabs.setCurrentWidget(w.setup)
    assert not w.setup.price.isEnabled()
    # The record as the window shows it: status, weights, every member's scores, results, verification
    assert "Status: signed off" in w.subheading.text()
    assert "Weights: price 40, quality 40, social value 20" in w.subheading.text()
    w.tabs.setCurrentWidget(w.moderation)
    cells = [grid.data(grid.index(r, c)) for r in range(grid.rowCount()) for c in range(grid.columnCount())]
    assert len(cells) == 9 and all(cell.startswith("3 \u00b7 4") for cell in cells)  # Tom's 3s, after moderation
    w.tabs.setCurrentWidget(w.results_box)
    assert "Results: final" in w.results_caption.text()
    results = w.results_model
    shown = {
        results.data(results.index(r, results.COL_BIDDER)): [
            results.data(results.index(r, c)) for c in range(results.columnCount())
        ]
        for r in range(results.rowCount())
    }
    assert shown["Sandstone Support Services"][results.COL_RANK] == "Excluded"
    assert "Sandstone Support Services" in w.exclusions.text() and "Q1 scored 1" in w.exclusions.text()
    assert shown["Acme Roads"][results.COL_PLEDGED] == f"\u00a3{3 * 30782:,.2f}"
    w.tabs.setCurrentWidget(w.signoff)
    with qtbot.waitSignal(w.signoff.verified, timeout=60_000):  # verified in the helper process
        qtbot.mouseClick(w.record.verify_button, left)
    assert w.record.verified.text().startswith("Verified"), w.record.verified.text()
