"""A whole evaluation driven through the window alone: every step a click or a key, every check on
what the window shows (no model or use-case import)."""

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QTableWidget,
)

from svdesk.ui import file_dialogs
from svdesk.ui.authority_dialog import AuthorityDialog
from svdesk.ui.bids_screen import PledgePreview
from svdesk.ui.documents_panel import COLUMNS
from svdesk.ui.main_window import (
    BIDS,
    MEASURES,
    MODERATION,
    PANEL,
    QUESTIONS,
    RESULTS,
    SCORING,
    SETUP,
    SIGNOFF,
    MainWindow,
)
from svdesk.ui.measures_screen import RefRole  # the role the tree keeps a measure's ref in
from svdesk.ui.new_tender import NewTenderDialog
from svdesk.ui.opening import open_for_gui
from tests.gui_steps import (
    ALT,
    CTRL,
    LEFT,
    answer_box,
    answering,
    child,
    choose,
    click,
    click_cell,
    focus_back,
    ok_button,
    retype,
    type_and_leave,
    type_lines,
)
from tests.hostile_pdfs import realistic_method_statement
from tests.keys import passphrase_of
from tests.sheets import plain_workbook, seed003_rows
from tests.sign_in_steps import offered
from tests.sign_in_steps import sign_in as sign_in_through


@pytest.fixture
def window(qtbot, tmp_path):
    opened = open_for_gui(None, tmp_path / "journey.sqlite")  # as the app opens it: the lock, then migrations
    win = MainWindow(opened, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()  # in front, as on a desk: the window's shortcuts reach it
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    win.opened.close()


def open_stage(qtbot, w, stage: int) -> None:
    """Click the stage in the left column, as a user opens a screen."""
    click_cell(qtbot, w.stage_list, w.stages_model.index(stage))
    assert w.tabs.currentIndex() == stage, w.tabs.tabText(w.tabs.currentIndex())
    qtbot.waitUntil(w.tabs.currentWidget().isVisible)  # a screen built just now is shown once events run


def sign_in(qtbot, dialog, member):
    """`member` signs in through the dialog; the window is in front again once it has closed."""
    window = dialog.parentWidget().window()
    sign_in_through(qtbot, dialog, member)
    focus_back(qtbot, window)


def _officer_signs_in(qtbot, w) -> None:
    """Whoever is signed in signs out (the status bar) and Priya, the officer, signs in there."""
    if w.presence.button.text() == "Sign out":
        click(qtbot, w.presence.button)
        answer_box(qtbot, w.presence, "sign_out_confirm", "signOutConfirmSign")
    click(qtbot, w.presence.button)
    sign_in(qtbot, w.presence.dialog, "Priya")
    assert w.presence.label.text() == "Signed in: Priya (procurement officer) \u2014", w.presence.label.text()


def _measure_row(model, ref, parent=None):
    """The catalogue tree's row of `ref`, found as a user finds it: by looking down the tree."""
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
    retype(qtbot, screen.search, ref)
    index = _measure_row(screen.tree.model(), ref)
    assert index is not None, f"{ref} is not in the catalogue tree"
    click_cell(qtbot, screen.tree, index)
    assert screen.selected_refs() == [ref]
    click(qtbot, screen.add)
    assert screen.message.text() == f"Added {ref}."


def _pledge_cell(grid, ref, bidder):
    """The grid's cell of `ref` (a row, by its heading) and `bidder` (a column, by its heading)."""
    model = grid.model()
    rows = [r for r in range(model.rowCount()) if model.headerData(r, Qt.Orientation.Vertical).startswith(f"{ref} (")]
    columns = [
        c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal).split("\n")[0] == bidder
    ]
    assert len(rows) == 1 and len(columns) == 1, (ref, bidder)
    return model.index(rows[0], columns[0])


def test_a_whole_evaluation_through_the_gui(window, tmp_path, qtbot, monkeypatch):
    w = window

    def new_tender(dialog):
        qtbot.keyClicks(dialog.reference, "GUI-1")
        qtbot.keyClicks(dialog.title, "Highways maintenance")
        retype(qtbot, dialog.value, "2400000")
        click(qtbot, ok_button(dialog))

    with answering(qtbot, (NewTenderDialog, new_tender)):
        qtbot.keyClick(w, Qt.Key.Key_N, CTRL)  # File > New tender… (Ctrl+N)
    assert w.heading.text() == "GUI-1 \u2014 Highways maintenance", w.heading.text()
    assert w.tabs.currentIndex() == SETUP  # a new tender opens on its Setup
    # Setup: weights validated live; nothing saved until they sum to 100
    retype(qtbot, w.setup.social, "20", enter=True)
    assert "sum to 110" in w.setup.weights_state.text()
    retype(qtbot, w.setup.quality, "40", enter=True)
    assert "sum to 100" in w.setup.weights_state.text()
    assert w.setup.message.text() == "Weights saved.", w.setup.message.text()
    assert "Suggested social value weight: <b>10</b>" in w.setup.suggestion.text()
    # The procurement's details, typed beside the tender's: the award needs them (reg 31(2)(d)(ii))
    procurement = w.setup.procurement_details
    choose(qtbot, procurement.procedure, "Open")
    type_and_leave(qtbot, procurement.criteria_at, "https://tenders.highways.example/GUI-1, volume 2")
    type_and_leave(qtbot, procurement.decision_maker, "Director of Highways")
    type_and_leave(qtbot, procurement.delegated_authority, "Scheme of delegation, para 4.3")
    assert w.setup.message.text() == "The delegated authority is saved.", w.setup.message.text()
    # The contracting authority, once per database (File > Authority profile…)

    def authority(dialog):
        dialog.activateWindow()  # in front, as a dialog opened from the menu is
        qtbot.waitUntil(dialog.isActiveWindow)
        type_and_leave(qtbot, dialog.fields["name"], "Borough of Testford Council")
        type_lines(qtbot, dialog.fields["address"], ["Town Hall", "Testford TF1 1AA"])
        type_and_leave(qtbot, dialog.fields["email"], "procurement@testford.example")
        type_and_leave(qtbot, dialog.fields["identifier"], "PBCP-1234-ABCD")
        click(qtbot, child(dialog, QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close))

    file_menu = w.menuBar().actions()[0].menu()
    with answering(qtbot, (AuthorityDialog, authority)):
        next(a for a in file_menu.actions() if a.text() == "&Authority profile…").trigger()
    # Measures: search "apprentice" finds NT10; add NT1, NT3, NT10, NT18 (the seed sheet's refs)
    open_stage(qtbot, w, MEASURES)  # screens load when opened, as a user opens them
    qtbot.keyClicks(w.measures.search, "apprentice")
    assert w.measures.filter.rowCount() >= 1
    assert _measure_row(w.measures.tree.model(), "NT10") is not None
    retype(qtbot, w.measures.search, "")
    for ref in ("NT1", "NT3", "NT10", "NT18"):  # typed into the search, clicked in the tree, added
        _add_measure_by_clicks(qtbot, w.measures, ref)
    assert w.measures.chosen.rowCount() == 4
    # Questions
    open_stage(qtbot, w, QUESTIONS)
    q = w.questions
    for code, title, section, weight, minimum in (
        ("Q1", "Method statement", "Quality", 60, 2),
        ("Q2", "Health and safety", "Quality", 40, None),
        ("SV1", "Local employment and skills", "Social value", 100, None),
    ):
        click(qtbot, q.new)
        retype(qtbot, q.code, code)
        retype(qtbot, q.title, title)  # each criterion's title goes into every assessment summary
        choose(qtbot, q.section, section)
        qtbot.keyClicks(q.text, f"{code}: describe your approach, with evidence.")
        retype(qtbot, q.weight, str(weight))
        if q.has_minimum.isChecked() != (minimum is not None):
            click(qtbot, q.has_minimum)
        if minimum is not None:
            retype(qtbot, q.minimum, str(minimum))
        click(qtbot, q.save)
        assert q.message.text() == f"Saved {code}.", q.message.text()
    assert q.table.rowCount() == 3
    assert "Q1 = 24.0% of total" in q.table.item(0, 4).text()
    assert [q.table.item(r, 5).text() for r in range(3)] == ["2", "", ""]  # Q1's minimum score
    # Bids: three bidders, one pledge sheet imported after a preview
    open_stage(qtbot, w, BIDS)
    for name, price in (
        ("Acme Roads", 2_300_000),
        ("Brightway Ltd", 2_250_000),
        ("Sandstone Support Services", 1_985_000),
    ):
        qtbot.keyClicks(w.bids.new_name, name)
        retype(qtbot, w.bids.new_price, str(price))
        click(qtbot, w.bids.add)
        assert w.bids.message.text() == f"Registered {name}.", w.bids.message.text()
    assert w.bids.grid_model.columnCount() == 3
    # Each supplier as the law names it: postal address, email, unique identifier (reg 31(2)(b), (c))
    details = w.bids.supplier_details
    for n, name in enumerate(("Acme Roads", "Brightway Ltd", "Sandstone Support Services")):
        choose(qtbot, details.choice, name)
        type_lines(qtbot, details.address, [f"{n + 1} Mill Lane", "Testford TF2 2BB"])
        type_and_leave(qtbot, details.email, f"tenders@{name.split()[0].lower()}.example")
        type_and_leave(qtbot, details.identifier, f"0912345{n}")
        assert w.bids.message.text() == f"{name}'s unique identifier saved.", w.bids.message.text()
    _h, rows = seed003_rows()
    sheet = plain_workbook(tmp_path / "sandstone.xlsx", rows)
    # the one stand-in: the native file dialog, answered with the sheet's path
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(sheet), "Excel (*.xlsx)"))
    statuses = {}

    def whose_sheet(dialog):
        choose(qtbot, child(dialog, QComboBox), "Sandstone")
        click(qtbot, ok_button(dialog))

    def preview(dialog):
        table = child(dialog, QTableWidget)  # every row of the sheet and what happens to it
        for r in range(table.rowCount()):
            statuses[table.item(r, 1).text()] = table.item(r, 6).text()
        click(qtbot, dialog.import_button)

    with answering(qtbot, (QInputDialog, whose_sheet), (PledgePreview, preview)):
        click(qtbot, w.bids.import_button)
    qtbot.waitUntil(lambda: w.bids.message.text().startswith("Imported "))
    assert "for Sandstone Support Services" in w.bids.message.text(), w.bids.message.text()
    assert statuses["NT18"].startswith("mismatch"), statuses
    # Acme pledges 3 FTE against NT1: the cell clicked, the number typed, Enter
    cell = _pledge_cell(w.bids.grid, "NT1", "Acme Roads")
    click_cell(qtbot, w.bids.grid, cell)
    qtbot.keyClicks(w.bids.grid, "3")
    editor = child(w.bids.grid.viewport(), QLineEdit)  # the cell's editor, opened by the digit typed
    assert editor.text() == "3"
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the cell commits once the editor has had the key
    qtbot.waitUntil(lambda: w.bids.message.text() == "Pledge of Acme Roads against NT1 saved.")
    assert w.bids.grid_model.data(_pledge_cell(w.bids.grid, "NT1", "Acme Roads")) == "3"
    # Sandstone's NT1 reduced to 20, with the reason, through the two questions Reduce to… asks

    def reduce_to(dialog):
        retype(qtbot, child(dialog, QDoubleSpinBox), "20")
        click(qtbot, ok_button(dialog))

    def because(dialog):
        qtbot.keyClicks(child(dialog, QLineEdit), "Only 20 named posts are evidenced")
        click(qtbot, ok_button(dialog))

    click_cell(qtbot, w.bids.grid, _pledge_cell(w.bids.grid, "NT1", "Sandstone Support Services"))
    with answering(qtbot, (QInputDialog, reduce_to), (QInputDialog, because)):
        click(qtbot, w.bids.verify_reduce)
    assert w.bids.message.text() == "NT1 for Sandstone Support Services: accepted 20.", w.bids.message.text()
    assert w.bids.grid_model.data(_pledge_cell(w.bids.grid, "NT1", "Sandstone Support Services")).endswith("\u2192 20")
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
    # Acme's method statement, added on the Bids screen (the file dialog replaced), answers Q1 on pp. 2-3
    statement = tmp_path / "Method statement.pdf"
    realistic_method_statement(statement)
    docs = w.bids.documents
    tabs = w.bids.sections.tabBar()
    qtbot.mouseClick(tabs, LEFT, pos=tabs.tabRect(1).center())  # the Bids screen's "Bid documents" tab
    assert docs.isVisible()
    monkeypatch.setattr(docs, "choose_files", lambda _bidder: [statement])
    choose(qtbot, docs.bidder, "Ac")
    click(qtbot, docs.add_files)
    qtbot.waitUntil(lambda: not docs.busy, timeout=60_000)
    assert "Imported 1 document for Acme Roads" in docs.message.text(), docs.message.text()
    click_cell(qtbot, docs.table, docs.table.model().index(0, 1))
    click(qtbot, docs.map_part)
    choose(qtbot, docs.dialog.question, "Q1")
    click(qtbot, docs.dialog.range)
    retype(qtbot, docs.dialog.first, "2")
    retype(qtbot, docs.dialog.last, "3")
    click(qtbot, docs.dialog.ok)
    qtbot.waitUntil(lambda: "Q1 pp. 2\u20133" in docs.table.item(0, COLUMNS.index("Answers")).text())
    # The panel, on its screen: the officer adds everyone (herself too); each member enrols, typing
    # the passphrase they choose, twice
    open_stage(qtbot, w, PANEL)
    for name, role in (("Priya", "Procurement"), ("Tom", ""), ("Gwen", ""), ("Alan", "Chair")):
        click(qtbot, w.panel.add)
        dialog = w.panel.add_dialog
        qtbot.keyClicks(dialog.name, name)
        qtbot.keyClicks(dialog.role, role)  # typing a role's first letters picks it; Evaluator is the default
        qtbot.keyClicks(dialog.email, f"{name.lower()}@highways.example")
        qtbot.keyClick(dialog.email, Qt.Key.Key_Return)
        assert w.panel.message.text() == f"Added {name}.", w.panel.message.text()
    assert [(r.name, r.role) for r in w.panel.rows] == [
        ("Priya", "officer"), ("Tom", "evaluator"), ("Gwen", "evaluator"), ("Alan", "chair"),
    ]  # fmt: skip
    for name in ("Priya", "Tom", "Gwen", "Alan"):
        click(qtbot, w.panel.enrol_buttons[name])
        dialog = w.panel.enrol_dialog
        qtbot.keyClicks(dialog.passphrase, passphrase_of(name))
        qtbot.keyClicks(dialog.again, passphrase_of(name))
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        assert w.panel.message.text().startswith(f"Enrolled {name}: key "), w.panel.message.text()
    assert w.stages_model.data(w.stages_model.index(PANEL)).endswith("Panel: 4 members, 4 enrolled")
    # Now that the panel has keys, every change is signed by whoever makes it: opening scoring
    # unsigned is refused and the sign-in is offered; Priya signs in (the status bar) and opens it
    open_stage(qtbot, w, SIGNOFF)
    click(qtbot, w.signoff.open_scoring)
    assert "Sign in first" in w.signoff.message.text(), w.signoff.message.text()
    assert "Status: draft" in w.signoff.status.text(), w.signoff.status.text()  # nothing was done
    assert w.presence.dialog is not None and w.presence.dialog.isVisible()  # offered at once
    sign_in(qtbot, w.presence.dialog, "Priya")
    assert w.presence.label.text() == "Signed in: Priya (procurement officer) \u2014", w.presence.label.text()
    click(qtbot, w.signoff.open_scoring)
    assert w.signoff.message.text() == "Done.", w.signoff.message.text()
    assert "Status: scoring" in w.signoff.status.text(), w.signoff.status.text()
    # Each evaluator signs in on the Scoring screen with their own passphrase ("Switch person…"
    # from Priya to Tom, then to Gwen), declares, and scores only their own worklist
    open_stage(qtbot, w, SCORING)
    for member, mark in (("Tom", 3), ("Gwen", 4)):
        click(qtbot, w.scoring.switch if w.scoring.switch.isVisible() else w.scoring.sign_in_button)
        assert offered(w.scoring.sign_in_dialog) == ["Priya", "Tom", "Gwen", "Alan"]  # the enrolled
        assert w.scoring.sign_in_dialog.chosen() == member  # the next evaluator first
        sign_in(qtbot, w.scoring.sign_in_dialog, member)
        assert w.presence.label.text() == f"Signed in: {member} (evaluator) \u2014"
        for none, _some, _details in w.scoring.declarations.choices.values():
            click(qtbot, none)
        click(qtbot, w.scoring.declarations.save_button)
        assert w.scoring.items and all(it.score is None for it in w.scoring.items)  # Tom's never show to Gwen
        while any(not it.done for it in w.scoring.items):
            scored = w.scoring.progress.value()
            it = w.scoring.items[w.scoring.index]
            if (member, it.bidder, it.question) == ("Tom", "Acme Roads", "Q1"):
                # the question's pages beside the form; "Cite page" puts the reference in the rationale
                reader = w.scoring.evidence
                qtbot.waitUntil(lambda reader=reader: reader.shown_page == 2, timeout=60_000)
                click(qtbot, reader.cite_page)
                assert w.scoring.rationale.toPlainText().startswith("[Method statement, p. 2 #")
            qtbot.keyClick(w.scoring.rationale, Qt.Key(Qt.Key.Key_0 + mark), ALT)  # Alt+digit picks a score
            assert w.scoring.choice.value() == mark
            qtbot.keyClicks(  # each note its own, citing the bid, long enough for its score: else it is flagged
                w.scoring.rationale,
                f"{member}: section {w.scoring.index + 1}.2 evidences named staff, a costed rota, paid travel time "
                "and a dated mobilisation plan.",
            )
            qtbot.keyClick(w.scoring.rationale, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter saves and moves on
            assert w.scoring.progress.value() == scored + 1, w.scoring.message.text()
    # The chair signs in there too, to declare (she does not score)
    click(qtbot, w.scoring.switch)
    sign_in(qtbot, w.scoring.sign_in_dialog, "Alan")
    for none, _some, _details in w.scoring.declarations.choices.values():
        click(qtbot, none)
    click(qtbot, w.scoring.declarations.save_button)
    assert "They have declared for every bidder." in w.scoring.blocked.text()
    open_stage(qtbot, w, SIGNOFF)
    click(qtbot, w.signoff.open_moderation)  # the chair may not: the workflow's steps are the officer's
    assert w.signoff.message.text().startswith("Alan is a chair: only the procurement officer (Priya) opens")
    assert "Status: scoring" in w.signoff.status.text(), w.signoff.status.text()  # nothing was done
    _officer_signs_in(qtbot, w)
    click(qtbot, w.signoff.open_moderation)
    assert w.signoff.message.text() == "Done.", w.signoff.message.text()
    assert "Status: moderation" in w.signoff.status.text(), w.signoff.status.text()
    # Moderate every cell: Priya signs out (the status bar) and Alan in again, to record the consensus
    click(qtbot, w.presence.button)
    answer_box(qtbot, w.presence, "sign_out_confirm", "signOutConfirmSign")
    assert w.presence.label.text() == "Not signed in"
    open_stage(qtbot, w, MODERATION)
    click(qtbot, w.moderation.sign_in_button)
    sign_in(qtbot, w.moderation.sign_in_dialog, "Alan")
    grid = w.moderation.model
    for r in range(grid.rowCount()):
        for c in range(grid.columnCount()):
            agreed = 4 if r != 2 or c != 0 else 1
            click_cell(qtbot, w.moderation.grid, grid.index(r, c))
            qtbot.keyClick(w.moderation.rationale, Qt.Key(Qt.Key.Key_0 + agreed), ALT)
            assert w.moderation.choice.value() == agreed
            qtbot.keyClicks(  # an explanation of its own for each bid and criterion: reused text is flagged
                w.moderation.rationale,
                f"Agreed {agreed}: section {r + 1}.{c + 1} names the site supervisor and six operatives, and "
                f"appendix {c} gives a dated mobilisation plan with weekly inspections; no performance data is given."
                if agreed == 4
                else f"Agreed {agreed}: section {r + 1}.{c + 1} gives no traffic management plan for the rural "
                "routes and appendix 0 leaves the winter gritting rota to be agreed after award.",
            )
            click(qtbot, w.moderation.save)
            assert w.moderation.message.text().startswith("Saved the consensus"), w.moderation.message.text()
            assert grid.data(grid.index(r, c)).endswith(f"\u2192 {agreed}")
    # Sign off: everyone signs, each signed in with their own passphrase (Alan is signed in already)
    open_stage(qtbot, w, SIGNOFF)
    while w.signoff.unsigned:
        member = w.signoff.unsigned[0] if w.signoff.signer_now() is None else w.signoff.signer_now().member
        with qtbot.waitSignal(w.signoff.signed, timeout=60_000):  # signing runs in the helper process
            click(qtbot, w.signoff.sign)
            if w.signoff.sign_in_dialog is not None and w.signoff.sign_in_dialog.isVisible():
                sign_in(qtbot, w.signoff.sign_in_dialog, member)
            asked = answer_box(qtbot, w.signoff, "sign_confirm", "signConfirmSign")  # what is signed, first
            assert f"as {member}?" in asked, asked
        assert f"{member} signed." in w.signoff.message.text(), w.signoff.message.text()
    assert "signed off and locked" in w.banner.text()
    backups = (tmp_path / "backups").glob("*.pre-signoff.*.sqlite")  # beside the database file
    assert len(list(backups)) >= 3  # one before each signature
    open_stage(qtbot, w, SETUP)
    assert not w.setup.price.isEnabled()
    # The record as the window shows it: status, weights, every member's scores, results, verification
    assert "Status: signed off" in w.subheading.text()
    assert "Weights: price 40, quality 40, social value 20" in w.subheading.text()
    open_stage(qtbot, w, MODERATION)
    cells = [grid.data(grid.index(r, c)) for r in range(grid.rowCount()) for c in range(grid.columnCount())]
    assert len(cells) == 9 and all(cell.startswith("3 \u00b7 4") for cell in cells)  # Tom's 3s, after moderation
    open_stage(qtbot, w, RESULTS)
    assert "Results: final" in w.results_caption.text()
    results = w.results_model
    shown = {
        results.data(results.index(r, results.COL_BIDDER)): [
            results.data(results.index(r, c)) for c in range(results.columnCount())
        ]
        for r in range(results.rowCount())
    }
    assert shown["Sandstone Support Services"][results.COL_RANK] == "Disqualified"
    assert "Sandstone Support Services" in w.exclusions.text() and "Q1 scored 1" in w.exclusions.text()
    assert shown["Acme Roads"][results.COL_PLEDGED] == f"\u00a3{3 * 30782:,.2f}"
    open_stage(qtbot, w, SIGNOFF)
    qtbot.waitUntil(w.record.verify_button.isEnabled, timeout=60_000)  # the check on opening is done
    with qtbot.waitSignal(w.signoff.verified, timeout=60_000):  # verified in the helper process
        click(qtbot, w.record.verify_button)
    assert w.record.verified.text().startswith("Verified"), w.record.verified.text()
    # Before the award: nothing regulation 31 asks for is missing (every detail was typed above)
    assert w.signoff.open_items.count == 0, w.signoff.open_items.shown_rows()
    # A passage of the winner's explanation withheld from the other suppliers (s.94), with a reason
    withheld = w.signoff.withheld
    click(qtbot, withheld.open_button)
    dialog = withheld.dialog
    edit = dialog.explanation
    qtbot.mouseClick(edit.viewport(), LEFT, pos=QPoint(5, 5))
    qtbot.keyClick(edit, Qt.Key.Key_Home, CTRL)
    for _ in range(3):  # "Agreed: the bid": three words, selected with Shift+Ctrl+Right
        qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | CTRL)
    qtbot.keyClicks(dialog.reason, "Names the bidder's staffing model")
    click(qtbot, dialog.withhold)
    assert "Withheld" in dialog.said.text(), dialog.problem.text()
    click(qtbot, dialog.findChild(QPushButton, "redactionDialogClose"))
    assert withheld.summary.text() == "1 passage withheld."
    # The award decision, the officer's (Procurement Act 2023: the authority decides): the dialog
    # prefilled from the procurement's details, then confirmed
    _officer_signs_in(qtbot, w)
    panel = w.signoff.award_panel
    click(qtbot, panel.decide)
    decision = panel.decision_dialog
    first = next(name for name, row in shown.items() if row[results.COL_RANK] == "1")  # as Results ranks them
    assert decision.recommendation.text() == f"<b>{first}</b>"
    assert decision.decision_maker.text() == "Director of Highways"
    click(qtbot, decision.ok)  # today
    qtbot.mouseClick(decision.confirm.findChild(QPushButton, "awardConfirmRecord"), LEFT)
    assert w.signoff.message.text() == "Recorded the award decision.", w.signoff.message.text()
    assert "Status: awarded" in w.signoff.status.text()
    # The assessment summaries sent, then the contract award notice: the standstill starts today
    for step in ("summaries", "notice"):
        click(qtbot, panel.buttons[step])
        click(qtbot, panel.day_dialog.ok)  # today
        assert not panel.day_dialog.isVisible(), panel.day_dialog.problem.text()
    assert "the last is <b>" in panel.standstill.text()
    assert panel.next_step.text().startswith("Next: enter into the contract on or after")
    # The contract cannot be entered into during the standstill (s.51): refused, and said why
    click(qtbot, panel.buttons["contract"])
    click(qtbot, panel.day_dialog.ok)
    assert panel.day_dialog.isVisible() and "the standstill period runs until" in panel.day_dialog.problem.text()
