"""A supplier's legal details on the Bids screen, for the bidder chosen: its postal address, email,
unique identifier, and whether it said it is an SME or a VCSE.

Regulation 31(2)(b) and (c) of the Procurement Regulations 2024 (SI 2024/692): an assessment
summary gives the supplier's "contact postal address and email address" and its "unique
identifier". Each field is saved when it is left after a change, in its own transaction (through
the screen's `edit`, which shows the outcome); one svdesk refuses shows why beside it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from svdesk.app import parties
from svdesk.app.parties import Supplier
from svdesk.ui.detail_fields import TextBox, TriState, error_label, show_error, with_error
from svdesk.ui.screen_base import TenderScreen

_LABELS = {
    "address": "postal address",
    "email": "email address",
    "identifier": "unique identifier",
    "sme": "SME answer",
    "vcse": "VCSE answer",
}


class SupplierDetails(QGroupBox):
    """The details of one bidder at a time (`choose`); `owner` (the screen) saves each change and shows it."""

    def __init__(self, screen: TenderScreen, parent: QWidget | None = None) -> None:
        super().__init__("Supplier's details, for the assessment summaries", parent)
        self.setObjectName("supplierDetails")
        self.owner = screen
        self.suppliers: list[Supplier] = []
        self.shown: Supplier | None = None
        self.bound: tuple[object, str | None] | None = None  # the database and tender shown
        self._loading = False
        self.choice = QComboBox(objectName="supplierChoice")
        self.choice.setAccessibleName("Supplier whose details are shown")
        self.choice.setToolTip("The bidder whose details are shown (choosing a bidder's column in the grid shows it)")
        self.address = TextBox("supplierAddress", "Supplier's postal address")
        self.address.setToolTip("The supplier's contact postal address (reg 31(2)(b)), one line per line")
        self.email = QLineEdit(objectName="supplierEmail")
        self.email.setAccessibleName("Supplier's email address")
        self.email.setToolTip("The supplier's contact email address (reg 31(2)(b)): its summary is sent there")
        self.identifier = QLineEdit(objectName="supplierIdentifier")
        self.identifier.setAccessibleName("Supplier's unique identifier")
        self.identifier.setToolTip(
            "The supplier's unique identifier (reg 31(2)(c)): its Central Digital Platform supplier id, "
            "or its Companies House number"
        )
        self.sme = TriState("supplierSme", "Is the supplier an SME")
        self.sme.setToolTip(
            "Whether the supplier said it is a small or medium-sized enterprise (Unstated: it has not said)"
        )
        self.vcse = TriState("supplierVcse", "Is the supplier a VCSE")
        self.vcse.setToolTip(
            "Whether the supplier said it is a voluntary, community or social enterprise (Unstated: it has not said)"
        )
        self.texts: dict[str, QLineEdit | TextBox] = {
            "address": self.address,
            "email": self.email,
            "identifier": self.identifier,
        }
        self.choices = {"sme": self.sme, "vcse": self.vcse}
        self.errors = {name: error_label(w) for name, w in (*self.texts.items(), *self.choices.items())}
        self.lock_note = QLabel(objectName="supplierLock", wordWrap=True)
        self.lock_note.hide()

        grid = QGridLayout(self)
        grid.addWidget(self._label("Supplier", self.choice), 0, 0)
        grid.addWidget(self.choice, 0, 1)
        grid.addWidget(self._label("Postal address", self.address), 1, 0)
        grid.addWidget(with_error(self.address, self.errors["address"]), 1, 1, 3, 1)
        grid.addWidget(self._label("Email", self.email), 0, 2)
        grid.addWidget(with_error(self.email, self.errors["email"]), 0, 3)
        grid.addWidget(self._label("Unique identifier", self.identifier), 1, 2)
        grid.addWidget(with_error(self.identifier, self.errors["identifier"]), 1, 3)
        grid.addWidget(self._label("SME", self.sme), 2, 2)
        grid.addWidget(with_error(self.sme, self.errors["sme"]), 2, 3)
        grid.addWidget(self._label("VCSE", self.vcse), 3, 2)
        grid.addWidget(with_error(self.vcse, self.errors["vcse"]), 3, 3)
        grid.addWidget(self.lock_note, 4, 0, 1, 4)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setColumnMinimumWidth(1, 240)

        self.choice.currentIndexChanged.connect(lambda _i: self._show_chosen())
        for name, field in self.texts.items():
            field.editingFinished.connect(lambda n=name: self.save_text(n))
        for name, box in self.choices.items():
            box.currentIndexChanged.connect(lambda _i, n=name: self.save_choice(n))
        self.set_suppliers([], "no tender")

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def set_suppliers(self, suppliers: list[Supplier], locked: str | None) -> None:
        """Every bidder's details as saved (read after `flush`); the one shown stays shown while it is
        still a bidder."""
        same = self.bound == (self.owner.db, self.owner.reference)
        self.bound = (self.owner.db, self.owner.reference)
        keep = self.shown.name if self.shown is not None and same else None
        self.suppliers = suppliers
        self._loading = True
        try:
            self.choice.clear()
            for s in suppliers:
                self.choice.addItem(s.name, s.name)
            at = self.choice.findData(keep) if keep is not None else -1
            self.choice.setCurrentIndex(at if at >= 0 else (0 if suppliers else -1))
        finally:
            self._loading = False
        self.shown = None
        self._show_chosen()
        editable = locked is None and bool(suppliers)
        for w in (*self.texts.values(), *self.choices.values()):
            w.setEnabled(editable)
        self.choice.setEnabled(bool(suppliers))
        note = f"Read only: {locked}" if locked and suppliers else ""
        self.lock_note.setText(note)
        self.lock_note.setVisible(bool(note))

    def choose(self, bidder: str) -> None:
        """Show `bidder`'s details (a bidder's column chosen in the grid)."""
        at = self.choice.findData(bidder)
        if at >= 0 and at != self.choice.currentIndex():
            self.choice.setCurrentIndex(at)

    def _show_chosen(self) -> None:
        if self._loading:
            return
        self.flush()  # what was typed for the bidder shown is saved as theirs before another is shown
        name = self.choice.currentData()
        self.shown = next((s for s in self.suppliers if s.name == name), None)
        shown = self.shown or Supplier("")
        self._loading = True
        try:
            self.address.set_text(shown.address)
            for line, value in ((self.email, shown.email), (self.identifier, shown.identifier)):
                line.setText(value)
                line.setCursorPosition(0)  # the start of a long value shown, not its end
            self.sme.set_value(shown.sme)
            self.vcse.set_value(shown.vcse)
        finally:
            self._loading = False
        for label in self.errors.values():
            show_error(label, "")

    def flush(self) -> None:
        """Save the text fields whose value is not the saved one (typed, the field not yet left); only
        into the tender they were typed for (the screen may show another tender now)."""
        if self.shown is None or self._loading or self.bound != (self.owner.db, self.owner.reference):
            return
        for name, field in self.texts.items():
            if field.isEnabled() and field.text() != getattr(self.shown, name):
                self.save_text(name)

    def save_text(self, name: str) -> None:
        if self.shown is None or self._loading:
            return
        text = self.texts[name].text()
        if text == getattr(self.shown, name):
            show_error(self.errors[name], "")
            return
        self._save(name, text)

    def save_choice(self, name: str) -> None:
        if self.shown is None or self._loading:
            return
        value = self.choices[name].value()
        if value is not getattr(self.shown, name):
            self._save(name, value)

    def _save(self, name: str, value: object) -> None:
        """One field of the bidder shown, in its own transaction; refused: the reason beside it."""
        assert self.shown is not None
        bidder, screen = self.shown.name, self.owner
        outcome = screen.edit(
            lambda: parties.set_supplier(screen.db, screen.actor, screen.reference, bidder, **{name: value}),
            f"{bidder}'s {_LABELS[name]} saved.",
        )
        if outcome is None:
            show_error(self.errors[name], screen.message.text())
            return
        screen.keep_current(outcome)  # the grid does not show these: nothing to read again for them
        show_error(self.errors[name], "")
        saved = outcome.value
        self.suppliers = [saved if s.name == saved.name else s for s in self.suppliers]
        if self.shown is not None and self.shown.name == saved.name:
            self.shown = saved
            field = self.texts.get(name)
            if field is not None and field.text() != getattr(saved, name):  # as stored: trimmed, upper-cased id
                self._loading = True
                if isinstance(field, TextBox):
                    field.set_text(getattr(saved, name))
                else:
                    field.setText(getattr(saved, name))
                self._loading = False
