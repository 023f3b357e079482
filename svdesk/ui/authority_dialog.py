"""File > Authority profile…: the contracting authority as its documents name it, one profile for
the whole database (`svdesk.app.parties.authority`): name, postal address, email, unique
identifier, contact, the markings printed on its documents, whether supplier documents name the
evaluators, and the logo on the assessment summaries.

Each field is saved the moment it is left after a change, in its own transaction; a field svdesk
refuses (an email that is not one) shows why beside it, and nothing of it is saved.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import parties
from svdesk.app.database import Database
from svdesk.app.errors import SvdeskError
from svdesk.app.parties import Authority
from svdesk.app.unit import Actor
from svdesk.ui import file_dialogs, palette
from svdesk.ui.detail_fields import TextBox, error_label, show_error, with_error

PREVIEW = (240, 80)  # the logo's preview, in pixels: about its size on the letter's head

_TIPS = {
    "name": "The authority's name as its documents give it (the award record and each assessment summary carry it)",
    "address": "The authority's postal address, one line per line of the address",
    "email": "The email address suppliers write to about this procurement",
    "identifier": (
        "The authority's unique identifier as the Central Digital Platform gives it: the contract award "
        "notice and the award record carry it"
    ),
    "contact": "Who suppliers contact (a name, a role or a team)",
    "internal_marking": "The marking printed on the panel's own reports: the evaluation, moderation and award reports",
    "supplier_marking": "The marking printed on what goes to suppliers: the assessment summaries",
}


class AuthorityDialog(QDialog):
    """The authority profile, each field saved as it is left. `actor`: who changes it."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authorityDialog")
        self.setWindowTitle("Authority profile")
        self.db, self.actor = db, actor
        self.saved = parties.authority(db)
        self.refused: dict[str, str] = {}  # field -> the text last refused in it (its reason is shown)
        self.fields: dict[str, QLineEdit | TextBox] = {
            "name": QLineEdit(objectName="authorityName"),
            "address": TextBox("authorityAddress", "Authority's postal address"),
            "email": QLineEdit(objectName="authorityEmail"),
            "identifier": QLineEdit(objectName="authorityIdentifier"),
            "contact": QLineEdit(objectName="authorityContact"),
            "internal_marking": QLineEdit(objectName="authorityInternalMarking"),
            "supplier_marking": QLineEdit(objectName="authoritySupplierMarking"),
        }
        self.errors = {name: error_label(field) for name, field in self.fields.items()}
        names = {
            "name": "Authority's name",
            "email": "Authority's email address",
            "identifier": "Authority's unique identifier",
            "contact": "Authority's contact",
            "internal_marking": "Marking on internal reports",
            "supplier_marking": "Marking on supplier documents",
        }
        defaults = Authority()
        for name, field in self.fields.items():
            field.setToolTip(_TIPS[name])
            if isinstance(field, QLineEdit):
                field.setAccessibleName(names[name])
            field.editingFinished.connect(lambda n=name: self.save_field(n))
        self.fields["internal_marking"].setPlaceholderText(defaults.internal_marking)
        self.fields["supplier_marking"].setPlaceholderText(defaults.supplier_marking)
        self.fields["email"].setPlaceholderText("procurement@council.gov.uk")

        self.name_evaluators = QCheckBox(
            "Name the evaluators in supplier documents", objectName="authorityNameEvaluators"
        )
        self.name_evaluators.setToolTip(
            "Off (the default): an assessment summary names no evaluator and no time of signing. On: it lists "
            "the panel by name and role, with when each signed. A summary leaves the authority, so naming the "
            "panel discloses who evaluated: leave it off unless the authority has decided to name them."
        )
        self.name_evaluators.toggled.connect(self.save_name_evaluators)
        self.name_evaluators_error = error_label(self.name_evaluators)

        self.logo_preview = QLabel(objectName="authorityLogoPreview", alignment=Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setMinimumSize(*PREVIEW)
        muted = palette.hex_of(palette.MUTED_TEXT)
        self.logo_preview.setStyleSheet(f"QLabel {{ border: 1px dashed {muted}; color: {muted}; }}")
        self.logo_preview.setAccessibleName("The authority's logo")
        self.choose_logo_button = QPushButton("Choose image…", objectName="authorityChooseLogo")
        self.choose_logo_button.setToolTip(
            "A PNG or JPEG of at most 2 MB, printed at the head of each assessment summary"
        )
        self.choose_logo_button.clicked.connect(lambda: self.choose_logo())
        self.remove_logo_button = QPushButton("Remove", objectName="authorityRemoveLogo")
        self.remove_logo_button.clicked.connect(lambda: self.remove_logo())
        self.logo_error = QLabel(objectName="authorityLogoError", wordWrap=True)
        self.logo_error.setStyleSheet(palette.text_style(palette.ERROR_TEXT))
        self.logo_error.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, name in (
            ("&Name", "name"),
            ("Postal &address", "address"),
            ("&Email", "email"),
            ("Unique &identifier", "identifier"),
            ("&Contact", "contact"),
        ):
            form.addRow(self._buddy(label, name), with_error(self.fields[name], self.errors[name]))
        markings = QFormLayout()
        markings.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        markings.addRow(
            self._buddy("Internal &reports", "internal_marking"),
            with_error(self.fields["internal_marking"], self.errors["internal_marking"]),
        )
        markings.addRow(
            self._buddy("&Supplier documents", "supplier_marking"),
            with_error(self.fields["supplier_marking"], self.errors["supplier_marking"]),
        )
        defaults_note = QLabel(
            f"Unless changed: {defaults.internal_marking} on internal reports, {defaults.supplier_marking} on "
            "supplier documents.",
            objectName="authorityMarkingDefaults",
            wordWrap=True,
        )
        defaults_note.setStyleSheet(palette.text_style(palette.MUTED_TEXT))
        markings.addRow(defaults_note)
        markings_box = QGroupBox("Document markings")
        markings_box.setLayout(markings)
        logo_buttons = QVBoxLayout()
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.remove_logo_button)
        logo_buttons.addStretch(1)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addLayout(logo_buttons)
        logo_row.addStretch(1)
        logo = QVBoxLayout()
        logo.addLayout(logo_row)
        logo.addWidget(self.logo_error)
        logo_box = QGroupBox("Logo on assessment summaries")
        logo_box.setLayout(logo)

        self.updated = QLabel(objectName="authorityUpdated", wordWrap=True)
        self.message = QLabel(objectName="authorityMessage", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel("One profile for every tender in this database. Each field is saved as soon as you leave it.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(markings_box)
        layout.addWidget(self.name_evaluators, 0, Qt.AlignmentFlag.AlignLeft)  # as wide as its words
        layout.addWidget(self.name_evaluators_error)
        layout.addWidget(logo_box)
        layout.addWidget(self.updated)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())
        self._show(self.saved)
        if db.read_only:
            for widget in (*self.fields.values(), self.name_evaluators, self.choose_logo_button):
                widget.setEnabled(False)
            self.remove_logo_button.setEnabled(False)
            self.message.setText(f"Read only: {db.read_only_reason}")

    def _buddy(self, text: str, name: str) -> QLabel:
        label = QLabel(text)
        label.setBuddy(self.fields[name])  # Alt+the underlined letter goes to the field
        return label

    def _show(self, profile: Authority) -> None:
        """Show what is saved."""
        self.saved = profile
        for name, field in self.fields.items():
            value = str(getattr(profile, name))
            if isinstance(field, TextBox):
                field.set_text(value)
            elif field.text() != value:
                field.setText(value)
        self.name_evaluators.blockSignals(True)
        self.name_evaluators.setChecked(profile.name_evaluators)
        self.name_evaluators.blockSignals(False)
        self._show_logo(profile.logo)
        self.updated.setText(
            f"Last changed {profile.updated_at.replace('T', ' ')} by {profile.updated_by}."
            if profile.updated_at
            else ""
        )

    def _show_logo(self, logo: bytes | None) -> None:
        pixmap = QPixmap()
        if logo is not None and pixmap.loadFromData(logo):
            self.logo_preview.setPixmap(
                pixmap.scaled(*PREVIEW, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.logo_preview.clear()
            self.logo_preview.setText("No logo" if logo is None else "The logo cannot be shown")
        self.remove_logo_button.setEnabled(logo is not None and not self.db.read_only)

    def _save(self, error: QLabel, done: str, **fields: object) -> bool:
        """One change, in its own transaction; refused: the reason beside the field, nothing saved."""
        try:
            profile = parties.set_authority(self.db, self.actor, **fields)
        except SvdeskError as exc:
            self.refused.update({k: str(v) for k, v in fields.items() if k in self.fields})
            show_error(error, str(exc))
            self.message.setText("")
            return False
        for k in fields:
            self.refused.pop(k, None)
        show_error(error, "")
        self._show(profile)
        self.message.setStyleSheet(palette.text_style(palette.OK_TEXT))
        self.message.setText(done)
        return True

    def pending(self) -> list[str]:
        """The text fields whose shown value is not the saved one (typed, not yet left)."""
        return [name for name, field in self.fields.items() if field.text() != str(getattr(self.saved, name))]

    def save_field(self, name: str) -> bool:
        if self.db.read_only:
            return False
        text = self.fields[name].text()
        if text == str(getattr(self.saved, name)):
            show_error(self.errors[name], "")  # typed back to what is saved: nothing to save, nothing wrong
            return True
        label = name.replace("_", " ")
        return self._save(self.errors[name], f"The authority's {label} is saved.", **{name: text})

    def save_name_evaluators(self, checked: bool) -> None:
        said = "name the evaluators" if checked else "name no evaluator"
        if not self._save(self.name_evaluators_error, f"Supplier documents {said}.", name_evaluators=checked):
            self._show(self.saved)

    def choose_logo(self, path: Path | None = None) -> bool:
        """Read the image chosen (asked for when `path` is None) and save it as the logo."""
        if path is None:
            chosen, _ = file_dialogs.get_open_file_name(
                self, "Choose the authority's logo", str(Path.home()), "Images (*.png *.jpg *.jpeg)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        try:
            data = path.read_bytes()
        except OSError as exc:
            show_error(self.logo_error, f"authority logo: {path.name} cannot be read ({exc.strerror or exc})")
            return False
        return self._save(self.logo_error, f"The logo {path.name} is saved.", logo=data)

    def remove_logo(self) -> bool:
        return self._save(self.logo_error, "The logo is removed.", logo=None)

    def done(self, result: int) -> None:
        """Closing saves what was typed and not yet left (Escape leaves no field). A field refused now
        keeps the dialog open, its reason beside it; closing again leaves it unsaved."""
        unsaid = [n for n in self.pending() if self.refused.get(n) != self.fields[n].text()]
        failed = [name for name in unsaid if not self.save_field(name)]
        if failed and not self.db.read_only:
            self.fields[failed[0]].setFocus()
            return
        super().done(result)


def edit_authority_profile(parent: QWidget, db: Database, actor: Actor) -> AuthorityDialog:
    """Show the profile (modal) until it is closed; the dialog is returned for its last state."""
    dialog = AuthorityDialog(db, actor, parent)
    dialog.exec()
    return dialog
