"""The declarations a panel member makes before seeing any bid: for every bidder, no conflict of
interest, or a conflict with its details."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from svdesk.ui import palette

ARROWS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)


class Choice(QRadioButton):
    """A radio button that an arrow key selects as well as reaches: Qt moves the check along only
    when one is checked already, so an undeclared row's first arrow press only moved the focus."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        super().keyPressEvent(event)
        group = self.group()
        reached = self.window().focusWidget() if event.key() in ARROWS else None
        if (
            group is not None
            and isinstance(reached, QRadioButton)
            and reached is not self
            and reached in group.buttons()
            and not reached.isChecked()
        ):
            reached.click()


class DeclarationForm(QWidget):
    """Before seeing any bid, a member declares for every bidder: no conflict, or a conflict with details."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = QLabel(wordWrap=True)
        self.rows = QFormLayout()
        self.save_button = QPushButton("Save declarations and start scoring", objectName="saveDeclarations")
        self.message = QLabel(objectName="declarationMessage", wordWrap=True)
        self.message.setStyleSheet(palette.text_style(palette.ERROR_TEXT))
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        box = QGroupBox("Conflicts of interest")
        box.setLayout(self.rows)
        layout.addWidget(box)
        layout.addWidget(self.message)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.choices: dict[str, tuple[QRadioButton, QRadioButton, QLineEdit]] = {}

    def set_bidders(self, member: str, bidders: list[tuple[str, bool | None, str]]) -> None:
        """bidders: (name, conflict or None if not yet declared, details)."""
        while self.rows.rowCount():
            self.rows.removeRow(0)
        self.choices.clear()
        self.intro.setText(
            f"<b>{html(member)}</b>, before you see any bid, declare for each bidder whether you "
            "have a conflict of interest (a past or present job, a financial or family interest). "
            "A declared conflict stops you scoring that bid and is printed in the evaluation report."
        )
        for name, conflict, details in bidders:
            none = Choice("No conflict")
            some = Choice("Conflict:")
            none.setAccessibleName(f"No conflict with {name}")
            some.setAccessibleName(f"Conflict with {name}")
            group = QButtonGroup(self)
            group.addButton(none)
            group.addButton(some)
            text = QLineEdit(details)
            text.setPlaceholderText("describe the interest")
            text.setAccessibleName(f"Details of the conflict with {name}")
            if conflict is True:
                some.setChecked(True)
            elif conflict is False:
                none.setChecked(True)
            row = QWidget()
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            h.addWidget(none)
            h.addWidget(some)
            h.addWidget(text, 1)
            self.rows.addRow(QLabel(name), row)
            self.choices[name] = (none, some, text)
        # Tab order as read: each row's choices and details, then Save (made before the rows, so
        # Qt's own order passed it by and Tab went on to the status bar's Sign out).
        chain: list[QWidget] = [w for row in self.choices.values() for w in row] + [self.save_button]
        for before, after in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def answers(self) -> tuple[list[tuple[str, bool, str]], list[str]]:
        """(bidder, conflict, details) for each bidder declared, and the bidders not yet declared."""
        out: list[tuple[str, bool, str]] = []
        missing: list[str] = []
        for name, (none, some, text) in self.choices.items():
            if not none.isChecked() and not some.isChecked():
                missing.append(name)
            else:
                out.append((name, some.isChecked(), text.text()))
        return out, missing


def html(value: str) -> str:
    """Text shown in a rich-text label: markup escaped, line breaks kept."""
    return (value or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
