"""The parties' forms (issue 15 item 1), typed into as a person does (qtbot keys and clicks on real
widgets, a real database), each value read back through the use cases (`svdesk.app.parties`):
File > Authority profile…, a supplier's details on the Bids screen and the procurement's details on
the Setup screen. A refused value shows why beside its field and saves nothing; the details may be
completed after sign-off and are read only once the award decision is recorded."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage, QUndoStack
from PySide6.QtWidgets import QApplication

from svdesk.app import identity, panel, parties, pledges, reads, signoff
from svdesk.app.database import open_database
from svdesk.app.setup import create_tender
from svdesk.model.demo import load_demo
from svdesk.ui import file_dialogs
from svdesk.ui.authority_dialog import AuthorityDialog
from svdesk.ui.bids_screen import BidsScreen
from svdesk.ui.main_window import MainWindow
from svdesk.ui.screen_base import Desk
from svdesk.ui.setup_screen import SetupScreen
from tests.factory import complete_award_details
from tests.gui_steps import LEFT, answering, choose, click, click_cell, type_and_leave, type_lines
from tests.keys import DEMO_PANEL, officer, sign

REF = "PAR-1"
BIDDERS = ("Acme Roads Ltd", "Brook & Sons")
DEMO = "CWAC-2026-0142"
TAB = Qt.Key.Key_Tab


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "parties.sqlite")
    create_tender(database, "Priya", REF, "Highways maintenance", 2_400_000)
    for n, name in enumerate(BIDDERS):
        pledges.add_bidder(database, "Priya", REF, name, 1_000_000 + n)
    yield database
    database.dispose()


def active(qtbot, widget):
    """Shown, and the active window (offscreen there is no window manager to make it so): focus
    moves, and a field left says so."""
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def screen_of(cls, desk, qtbot, reference=REF):
    screen = cls(desk)
    screen.resize(1100, 760)
    active(qtbot, screen)
    screen.show_tender(reference)
    screen.bring_up_to_date(reads.version(desk.db, reference))
    return screen


def tab_round(qtbot, start, steps=20):
    """The widgets focus visits, Tab after Tab, from `start`."""
    start.setFocus()
    seen = [start]
    for _ in range(steps):
        qtbot.keyClick(QApplication.focusWidget(), TAB)
        seen.append(QApplication.focusWidget())
    return seen


# --- the authority profile ---------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot, db):
    return active(qtbot, AuthorityDialog(db, "Priya"))


def test_every_authority_field_typed_in_is_saved(qtbot, db, dialog):
    f = dialog.fields
    type_and_leave(qtbot, f["name"], "Borough of Testford Council")
    type_lines(qtbot, f["address"], ["Town Hall", "High Street", "Testford TF1 1AA"])
    type_and_leave(qtbot, f["email"], "procurement@testford.example")
    type_and_leave(qtbot, f["identifier"], "GB-LAE-TFD")
    type_and_leave(qtbot, f["contact"], "Commissioning team")
    type_and_leave(qtbot, f["internal_marking"], "OFFICIAL-SENSITIVE")
    type_and_leave(qtbot, f["supplier_marking"], "OFFICIAL: FOR THE SUPPLIER")
    saved = parties.authority(db)
    assert (saved.name, saved.address, saved.email) == (
        "Borough of Testford Council",
        "Town Hall\nHigh Street\nTestford TF1 1AA",
        "procurement@testford.example",
    )
    assert (saved.identifier, saved.contact) == ("GB-LAE-TFD", "Commissioning team")
    assert (saved.internal_marking, saved.supplier_marking) == ("OFFICIAL-SENSITIVE", "OFFICIAL: FOR THE SUPPLIER")
    assert saved.updated_by == "Priya" and "by Priya" in dialog.updated.text()
    assert dialog.message.text() == "The authority's supplier marking is saved."
    assert not any(e.isVisible() for e in dialog.errors.values())


def test_a_bad_email_shows_why_beside_it_and_saves_nothing(qtbot, db, dialog):
    email, error = dialog.fields["email"], dialog.errors["email"]
    assert error.objectName() == "authorityEmailError" and not error.isVisible()
    type_and_leave(qtbot, email, "procurement at testford")
    assert error.isVisible() and "is not an email address" in error.text() and "authority email" in error.text()
    assert parties.authority(db).email == "" and parties.authority(db).updated_at == ""  # nothing at all saved
    assert email.text() == "procurement at testford"  # what was typed stays, to be put right
    type_and_leave(qtbot, email, "procurement@testford.example")
    assert not error.isVisible() and parties.authority(db).email == "procurement@testford.example"


def test_the_markings_show_their_defaults_and_a_document_needs_one(qtbot, db, dialog):
    internal, supplier = dialog.fields["internal_marking"], dialog.fields["supplier_marking"]
    assert (internal.text(), supplier.text()) == ("OFFICIAL-SENSITIVE: COMMERCIAL", "OFFICIAL")
    assert supplier.placeholderText() == "OFFICIAL"
    type_and_leave(qtbot, supplier, "")
    assert "a document needs a marking" in dialog.errors["supplier_marking"].text()
    assert parties.authority(db).supplier_marking == "OFFICIAL"


def test_naming_the_evaluators_is_off_until_ticked_and_says_why(qtbot, db, dialog):
    box = dialog.name_evaluators
    assert box.objectName() == "authorityNameEvaluators" and not box.isChecked()
    assert "discloses who evaluated" in box.toolTip()
    click(qtbot, box)
    assert parties.authority(db).name_evaluators is True
    click(qtbot, box)
    assert parties.authority(db).name_evaluators is False


def test_a_logo_is_chosen_previewed_and_removed(qtbot, db, dialog, tmp_path, monkeypatch):
    logo = tmp_path / "crest.png"
    image = QImage(300, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#1b5e20"))
    assert image.save(str(logo))
    chosen = {"path": logo}
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *a, **k: (str(chosen["path"]), "Images"))
    assert not dialog.remove_logo_button.isEnabled() and dialog.logo_preview.text() == "No logo"
    click(qtbot, dialog.choose_logo_button)
    assert parties.authority(db).logo == logo.read_bytes()
    assert not dialog.logo_preview.pixmap().isNull() and dialog.logo_preview.pixmap().width() <= 240
    chosen["path"] = not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("not an image", encoding="utf-8")
    click(qtbot, dialog.choose_logo_button)
    assert "PNG or JPEG" in dialog.logo_error.text() and dialog.logo_error.isVisible()
    assert parties.authority(db).logo == logo.read_bytes()  # the one saved stays
    click(qtbot, dialog.remove_logo_button)
    assert parties.authority(db).logo is None and dialog.logo_preview.text() == "No logo"


def test_every_authority_field_is_reached_with_tab(qtbot, dialog):
    seen = tab_round(qtbot, dialog.fields["name"])
    for widget in (*dialog.fields.values(), dialog.name_evaluators, dialog.choose_logo_button):
        assert widget in seen, f"Tab never reaches {widget.objectName()}"


def test_escape_saves_what_was_typed_and_a_refused_field_keeps_the_dialog_open(qtbot, db, dialog):
    contact, email = dialog.fields["contact"], dialog.fields["email"]
    qtbot.mouseClick(contact, LEFT)
    qtbot.keyClicks(contact, "Commissioning team")
    qtbot.keyClick(contact, Qt.Key.Key_Escape)  # closing leaves no field: what was typed is saved anyway
    assert parties.authority(db).contact == "Commissioning team" and not dialog.isVisible()
    dialog.show()
    qtbot.mouseClick(email, LEFT)
    qtbot.keyClicks(email, "nobody")
    qtbot.keyClick(email, Qt.Key.Key_Escape)
    assert dialog.isVisible() and "is not an email address" in dialog.errors["email"].text()
    qtbot.keyClick(email, Qt.Key.Key_Escape)  # closed again, its reason seen: it goes unsaved
    assert not dialog.isVisible() and parties.authority(db).email == ""


def test_a_read_only_database_shows_the_profile_and_changes_nothing(qtbot, tmp_path):
    path = tmp_path / "ro.sqlite"
    writable = open_database(path)
    parties.set_authority(writable, "Priya", name="Borough of Testford Council")
    writable.dispose()
    db = open_database(path, read_only=True, read_only_reason="opened to look")
    try:
        shown = active(qtbot, AuthorityDialog(db, "Priya"))
        assert shown.fields["name"].text() == "Borough of Testford Council"
        assert not any(f.isEnabled() for f in shown.fields.values()) and not shown.name_evaluators.isEnabled()
        assert shown.message.text() == "Read only: opened to look"
    finally:
        db.dispose()


def test_the_file_menu_opens_the_authority_profile(qtbot, db, tmp_path):
    window = MainWindow(db, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    active(qtbot, window)
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "&Authority profile…")

    def fill(d):
        assert d.objectName() == "authorityDialog"
        type_and_leave(qtbot, d.fields["name"], "Borough of Testford Council")
        d.accept()

    with answering(qtbot, (AuthorityDialog, fill)):
        action.trigger()
    assert parties.authority(db).name == "Borough of Testford Council"


# --- a supplier's details on the Bids screen -------------------------------------------------------


@pytest.fixture
def desk(db):
    return Desk(db, "Priya", QUndoStack())


def _column(screen, bidder):
    names = [b for b, _ in screen.grid_data.bidders]
    return screen.grid_model.index(screen.grid_model.rowCount() - 1, names.index(bidder))  # its price cell


def test_the_bidder_chosen_in_the_grid_shows_its_details_and_each_typed_is_saved(qtbot, db, desk):
    screen = screen_of(BidsScreen, desk, qtbot)
    details = screen.supplier_details
    assert details.choice.currentText() == BIDDERS[0]
    click_cell(qtbot, screen.grid, _column(screen, BIDDERS[1]))
    assert details.choice.currentText() == BIDDERS[1]
    type_lines(qtbot, details.address, ["2 Mill Lane", "Testford TF2 2BB"])
    type_and_leave(qtbot, details.email, "tenders@brook.example")
    type_and_leave(qtbot, details.identifier, "sc123456")
    assert (
        "Central Digital Platform" in details.identifier.toolTip() and "Companies House" in details.identifier.toolTip()
    )
    brook = parties.suppliers(db, REF)[1]
    assert (brook.name, brook.address, brook.email) == (
        BIDDERS[1],
        "2 Mill Lane\nTestford TF2 2BB",
        "tenders@brook.example",
    )
    assert brook.identifier == "SC123456" and details.identifier.text() == "SC123456"  # as stored
    assert screen.message.text() == f"{BIDDERS[1]}'s unique identifier saved."
    assert parties.suppliers(db, REF)[0] == parties.Supplier(BIDDERS[0])  # the other bidder untouched
    click_cell(qtbot, screen.grid, _column(screen, BIDDERS[0]))
    assert details.choice.currentText() == BIDDERS[0] and details.email.text() == ""


def test_sme_and_vcse_round_trip_yes_no_and_not_said(qtbot, db, desk):
    screen = screen_of(BidsScreen, desk, qtbot)
    details = screen.supplier_details
    assert details.sme.currentText() == details.vcse.currentText() == "Unstated"
    for sme, vcse, expected in (
        ("Yes", "No", (True, False)),
        ("No", "Yes", (False, True)),
        ("Unstated", "Unstated", (None, None)),
    ):
        choose(qtbot, details.sme, sme)
        choose(qtbot, details.vcse, vcse)
        acme = parties.suppliers(db, REF)[0]
        assert (acme.sme, acme.vcse) == expected
    parties.set_supplier(db, "Priya", REF, BIDDERS[0], sme=True, vcse=False)  # saved elsewhere: shown as saved
    screen.bring_up_to_date(reads.version(db, REF))
    assert (details.sme.currentText(), details.vcse.currentText()) == ("Yes", "No")


def test_a_bad_supplier_email_shows_why_beside_it_and_saves_nothing(qtbot, db, desk):
    screen = screen_of(BidsScreen, desk, qtbot)
    details = screen.supplier_details
    type_and_leave(qtbot, details.email, "tenders@acme")
    error = details.errors["email"]
    assert error.objectName() == "supplierEmailError" and error.isVisible()
    assert "Acme Roads Ltd: email" in error.text() and "is not an email address" in error.text()
    assert screen.message.text() == error.text()
    assert parties.suppliers(db, REF)[0].email == ""


def test_every_supplier_field_is_reached_with_tab(qtbot, desk):
    screen = screen_of(BidsScreen, desk, qtbot)
    d = screen.supplier_details
    seen = tab_round(qtbot, d.choice, steps=8)
    assert seen[:6] == [d.choice, d.address, d.email, d.identifier, d.sme, d.vcse]


# --- the procurement's details on the Setup screen ------------------------------------------------


def test_the_procurement_details_typed_are_saved(qtbot, db, desk):
    screen = screen_of(SetupScreen, desk, qtbot)
    p = screen.procurement_details
    assert p.procedure.currentText() == "Not chosen yet"
    assert [p.procedure.itemText(i) for i in range(1, p.procedure.count())] == list(parties.PROCEDURES)
    assert "reg 31(2)(d)(ii)" in p.hint.text() and p.hint.isVisible()
    choose(qtbot, p.procedure, "Competitive")
    type_and_leave(qtbot, p.criteria_at, "https://tenders.testford.example/PAR-1 (volume 2)")
    type_and_leave(qtbot, p.decision_maker, "Director of Highways")
    type_and_leave(qtbot, p.delegated_authority, "Scheme of delegation, para 4.3")
    assert parties.procurement(db, REF) == parties.Procurement(
        "Competitive flexible procedure",
        "https://tenders.testford.example/PAR-1 (volume 2)",
        "Director of Highways",
        "Scheme of delegation, para 4.3",
    )
    assert screen.message.text() == "The delegated authority is saved."
    choose(qtbot, p.procedure, "Not chosen")
    assert parties.procurement(db, REF).procedure == ""


def test_a_change_refused_shows_why_beside_the_field_and_saves_nothing(qtbot, db, desk):
    panel.add_member(db, "Priya", REF, "Priya Shah", "officer")
    identity.enrol(db, "Priya", REF, "Priya Shah", "Priya Shah keeps this passphrase")  # now changes are signed
    screen = screen_of(SetupScreen, desk, qtbot)
    p = screen.procurement_details
    type_and_leave(qtbot, p.decision_maker, "Director of Highways")
    assert p.errors["decision_maker"].isVisible() and "Sign in first" in p.errors["decision_maker"].text()
    assert parties.procurement(db, REF).decision_maker == ""


def test_every_procurement_field_is_reached_with_tab(qtbot, desk):
    screen = screen_of(SetupScreen, desk, qtbot)
    p = screen.procurement_details
    seen = tab_round(qtbot, screen.title, steps=12)
    for widget in (p.procedure, p.criteria_at, p.decision_maker, p.delegated_authority):
        assert widget in seen, f"Tab never reaches {widget.objectName()}"


# --- signed off, then awarded ----------------------------------------------------------------------


@pytest.fixture
def signed_off(tmp_path):
    """The demo, every detail the award needs given, signed off by its four members."""
    database = open_database(tmp_path / "demo.sqlite")
    load_demo(database)
    complete_award_details(database, DEMO, officer(database, DEMO))
    for member in DEMO_PANEL:
        sign(database, DEMO, member)
    yield database
    database.dispose()


def test_signed_off_the_details_can_still_be_completed_and_awarded_they_are_read_only(qtbot, signed_off):
    db = signed_off
    desk = Desk(db, "Priya", QUndoStack())
    desk.sign_in(officer(db, DEMO))
    setup = screen_of(SetupScreen, desk, qtbot, DEMO)
    p = setup.procurement_details
    # signed off: the evaluation is locked, who the parties are is not (until the award decision)
    assert not setup.title.isEnabled() and "procurement and award details can still be" in setup.message.text()
    assert p.decision_maker.isEnabled() and not p.lock_note.isVisible()
    type_and_leave(qtbot, p.decision_maker, "Cabinet Member for Adult Social Care")
    assert parties.procurement(db, DEMO).decision_maker == "Cabinet Member for Adult Social Care"
    bids = screen_of(BidsScreen, desk, qtbot, DEMO)
    s = bids.supplier_details
    assert s.email.isEnabled() and "suppliers' details can still be" in bids.message.text()
    type_and_leave(qtbot, s.email, "bids@weaver.example")
    assert parties.suppliers(db, DEMO)[0].email == "bids@weaver.example"

    signoff.award(db, officer(db, DEMO), DEMO)
    setup.bring_up_to_date(reads.version(db, DEMO))
    bids.bring_up_to_date(reads.version(db, DEMO))
    fields = (p.procedure, *p.texts.values(), *s.texts.values(), *s.choices.values())
    assert not any(w.isEnabled() for w in fields), [w.objectName() for w in fields if w.isEnabled()]
    assert p.lock_note.isVisible() and "award decision is recorded" in p.lock_note.text()
    assert s.lock_note.isVisible() and "award decision is recorded" in s.lock_note.text()
    assert s.choice.isEnabled()  # another supplier's details can still be looked at
    choose(qtbot, s.choice, "Dee")
    assert s.email.text() == parties.suppliers(db, DEMO)[2].email
