"""A field for an amount of money that says why a key did nothing: QDoubleSpinBox drops letters
silently, and a user who types "2.4m" or "£2,400,000 ex VAT" is left wondering what was kept."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDoubleSpinBox, QToolTip, QWidget

_ALLOWED = set("0123456789.,£ ")


class MoneyBox(QDoubleSpinBox):
    """Pounds, to the penny. A key that cannot be part of an amount is refused aloud: `refused`
    carries the sentence, also shown as a tooltip at the field."""

    refused = Signal(str)

    def __init__(self, object_name: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName=object_name)
        self.setAccessibleName(accessible_name)
        self.setRange(0, 1e11)
        self.setDecimals(2)
        self.setPrefix("£")
        self.setGroupSeparatorShown(True)
        self.said = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typed = event.text()
        shortcut = event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
        )
        if typed and typed.isprintable() and not shortcut and not set(typed) <= _ALLOWED:
            self.said = (
                f"{self.accessibleName()}: {typed!r} cannot be part of an amount; type pounds in digits "
                "(e.g. 2400000 or 2,400,000.50)."
            )
            QToolTip.showText(self.mapToGlobal(self.rect().bottomLeft()), self.said, self)
            self.refused.emit(self.said)
            return
        self.said = ""
        super().keyPressEvent(event)
