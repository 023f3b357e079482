"""The New tender dialog: reference, title and contract value; everything else is set up after."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from svdesk.ui.money_box import MoneyBox


class NewTenderDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New tender")
        self.reference = QLineEdit(objectName="newReference")
        self.reference.setAccessibleName("Tender reference")
        self.reference.setPlaceholderText("e.g. CWAC-2026-0150")
        self.title = QLineEdit(objectName="newTitle")
        self.title.setAccessibleName("Tender title")
        self.value = MoneyBox("newContractValue", "Contract value")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Reference", self.reference)
        form.addRow("Title", self.title)
        form.addRow("Contract value", self.value)
        form.addRow(
            QLabel(
                "Weights start at price 40, quality 50, social value 10; the Setup screen shows the "
                "policy's suggestion for this contract value.",
                wordWrap=True,
            )
        )
        form.addRow(buttons)

    def values(self) -> tuple[str, str, float]:
        return self.reference.text().strip(), self.title.text().strip(), self.value.value()
