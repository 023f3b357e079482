"""Small pieces the parties' forms share (the authority profile, a supplier's details, the
procurement's details): a multi-line box that says when it is left, as a line edit does; a
yes / no / not said choice; and the error shown beside the field that was refused."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFocusEvent, QFontMetrics
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from svdesk.app import award
from svdesk.app.database import Database
from svdesk.ui import palette


class TextBox(QPlainTextEdit):
    """A few lines (a postal address), saved when the box is left after a change: `editingFinished`,
    as QLineEdit has. Tab leaves the box (a tab character is never wanted in an address)."""

    editingFinished = Signal()

    def __init__(self, object_name: str, accessible_name: str, lines: int = 4) -> None:
        super().__init__(objectName=object_name)
        self.setAccessibleName(accessible_name)
        self.setTabChangesFocus(True)
        height = QFontMetrics(self.font()).lineSpacing() * lines
        self.setFixedHeight(height + 2 * int(self.document().documentMargin()) + 2 * self.frameWidth() + 2)

    def set_text(self, text: str) -> None:
        """Show what is saved (not a change of the user's)."""
        if self.toPlainText() != text:
            self.setPlainText(text)
        self.document().setModified(False)

    def text(self) -> str:
        return self.toPlainText()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.document().isModified():
            self.document().setModified(False)
            self.editingFinished.emit()


class TriState(QComboBox):
    """Yes, no, or unstated (None: the supplier has not said): what a supplier said of itself, e.g.
    whether it is an SME. Each choice starts with its own letter, so typing one picks it."""

    CHOICES = (("Unstated", None), ("Yes", True), ("No", False))

    def __init__(self, object_name: str, accessible_name: str) -> None:
        super().__init__(objectName=object_name)
        self.setAccessibleName(accessible_name)
        for label, value in self.CHOICES:
            self.addItem(label, value)

    def value(self) -> bool | None:
        data = self.currentData()
        return data if isinstance(data, bool) else None

    def set_value(self, value: bool | None) -> None:
        self.setCurrentIndex(next(i for i, (_label, v) in enumerate(self.CHOICES) if v is value))


def error_label(field: QWidget) -> QLabel:
    """The label beside `field` that says why what was typed in it was not saved (hidden when empty)."""
    label = QLabel(objectName=f"{field.objectName()}Error", wordWrap=True)
    label.setStyleSheet(palette.text_style(palette.ERROR_TEXT))
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def with_error(field: QWidget, error: QLabel) -> QWidget:
    """The field with its error label under it, as one cell of a form."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(error)
    return cell


def parties_locked(db: Database, reference: str | None) -> str | None:
    """Why a tender's supplier and procurement details cannot change now, or None. They are not how
    the bids were evaluated, so they may be completed after sign-off; what the award decision relied
    on stays as it was once it is recorded (`svdesk.app.parties`)."""
    if db.read_only:
        return f"read-only: {db.read_only_reason}"
    if reference is None:
        return "no tender"
    if award.award_view(db, reference).decided:
        return (
            f"tender {reference}'s award decision is recorded; what it relied on stays as it was "
            "(reopen the tender, with a reason, to change it)"
        )
    return None
