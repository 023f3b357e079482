"""The procurement's own details on the Setup screen: the procedure, where the full award criteria
are published, who decides the award and under what delegated authority.

Each field is saved when it is left after a change (the procedure when it is chosen), in its own
transaction through the screen's `edit`; one svdesk refuses shows why beside it. They may be
completed after sign-off, until the award decision is recorded (`svdesk.app.parties`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from svdesk.app import parties
from svdesk.app.parties import PROCEDURES, Procurement
from svdesk.ui import palette
from svdesk.ui.detail_fields import error_label, show_error, with_error
from svdesk.ui.screen_base import TenderScreen

_LABELS = {
    "procedure": "procedure",
    "criteria_published_at": "place of the full award criteria",
    "decision_maker": "decision-maker",
    "delegated_authority": "delegated authority",
}
HINT = (
    "Required before the award decision: each assessment summary says where the full award criteria can "
    "be accessed (reg 31(2)(d)(ii) of SI 2024/692); the award record names who decided, under what "
    "authority (Procurement Act 2023 s.98(1))."
)


class ProcurementDetails(QGroupBox):
    """The tender's procurement details; `owner` (the screen) saves each change and shows its outcome."""

    def __init__(self, screen: TenderScreen, parent: QWidget | None = None) -> None:
        super().__init__("Procurement and award", parent)
        self.setObjectName("procurementDetails")
        self.owner = screen
        self.saved = Procurement()
        self.bound: tuple[object, str | None] | None = None  # the database and tender shown
        self._loading = False
        self.procedure = QComboBox(objectName="procurementProcedure")
        self.procedure.setAccessibleName("Procedure")
        self.procedure.addItem("Not chosen yet", "")
        for name in PROCEDURES:  # the competitive tendering procedures, Procurement Act 2023 s.20(2)
            self.procedure.addItem(name, name)
        self.procedure.setToolTip(
            "The competitive tendering procedure followed (Procurement Act 2023 s.20(2)): an open procedure "
            "or a competitive flexible procedure"
        )
        self.criteria_at = QLineEdit(objectName="procurementCriteriaAt")
        self.criteria_at.setAccessibleName("Where the full award criteria are published")
        self.criteria_at.setPlaceholderText("A link, or the tender document and its section")
        self.criteria_at.setToolTip(
            "Where a supplier can read the award criteria in full: each assessment summary gives it (reg 31(2)(d)(ii))"
        )
        self.decision_maker = QLineEdit(objectName="procurementDecisionMaker")
        self.decision_maker.setAccessibleName("Decision-maker")
        self.decision_maker.setPlaceholderText("e.g. Director of Adult Social Care, or the Cabinet")
        self.decision_maker.setToolTip("Who decides the award: a person (by role) or a body")
        self.delegated_authority = QLineEdit(objectName="procurementDelegatedAuthority")
        self.delegated_authority.setAccessibleName("Delegated authority")
        self.delegated_authority.setPlaceholderText("e.g. Scheme of delegation, para 4.3")
        self.delegated_authority.setToolTip("The authority the decision-maker decides under")
        self.texts: dict[str, QLineEdit] = {
            "criteria_published_at": self.criteria_at,
            "decision_maker": self.decision_maker,
            "delegated_authority": self.delegated_authority,
        }
        self.errors = {name: error_label(w) for name, w in (("procedure", self.procedure), *self.texts.items())}
        self.hint = QLabel(HINT, objectName="procurementHint", wordWrap=True)
        self.hint.setStyleSheet(palette.text_style(palette.MUTED_TEXT))
        self.lock_note = QLabel(objectName="procurementLock", wordWrap=True)
        self.lock_note.hide()

        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, name, field in (
            ("Procedure", "procedure", self.procedure),
            ("Full award criteria at", "criteria_published_at", self.criteria_at),
            ("Decision-maker", "decision_maker", self.decision_maker),
            ("Delegated authority", "delegated_authority", self.delegated_authority),
        ):
            caption = QLabel(label)
            caption.setBuddy(field)
            form.addRow(caption, with_error(field, self.errors[name]))
        form.addRow(self.hint)
        form.addRow(self.lock_note)

        self.procedure.currentIndexChanged.connect(lambda _i: self.save_procedure())
        for name, field in self.texts.items():
            field.editingFinished.connect(lambda n=name: self.save_text(n))

    def show_procurement(self, details: Procurement, locked: str | None) -> None:
        """Show what is saved (read after `flush`); `locked`: why it cannot change now (None: it can)."""
        self.bound = (self.owner.db, self.owner.reference)
        self.saved = details
        self._loading = True
        try:
            self.procedure.setCurrentIndex(max(self.procedure.findData(details.procedure), 0))
            for name, field in self.texts.items():
                field.setText(getattr(details, name))
                field.setCursorPosition(0)  # the start of a long value shown, not its end
        finally:
            self._loading = False
        for label in self.errors.values():
            show_error(label, "")
        for w in (self.procedure, *self.texts.values()):
            w.setEnabled(locked is None)
        self.lock_note.setText(f"Read only: {locked}" if locked else "")
        self.lock_note.setVisible(bool(locked))

    def save_procedure(self) -> None:
        if not self._loading and self.procedure.currentData() != self.saved.procedure:
            self._save("procedure", self.procedure.currentData())

    def save_text(self, name: str) -> None:
        if self._loading:
            return
        text = self.texts[name].text()
        if text == getattr(self.saved, name):
            show_error(self.errors[name], "")
            return
        self._save(name, text)

    def flush(self) -> None:
        """Save what was typed and not yet left (the screen is read again); only into the tender it was
        typed for (the screen may show another tender now)."""
        if self._loading or self.bound != (self.owner.db, self.owner.reference):
            return
        for name, field in self.texts.items():
            if field.isEnabled() and field.text() != getattr(self.saved, name):
                self.save_text(name)

    def _save(self, name: str, value: str) -> None:
        screen = self.owner
        outcome = screen.edit(
            lambda: parties.set_procurement(screen.db, screen.actor, screen.reference, **{name: value}),
            f"The {_LABELS[name]} is saved.",
        )
        if outcome is None:
            show_error(self.errors[name], screen.message.text())
            return
        screen.keep_current(outcome)
        show_error(self.errors[name], "")
        self.saved = outcome.value
        field = self.texts.get(name)
        if field is not None and field.text() != getattr(self.saved, name):  # as stored: trimmed
            self._loading = True
            field.setText(getattr(self.saved, name))
            self._loading = False
