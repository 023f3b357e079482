"""The award stage's dialogs: the award decision (confirmed before it is recorded) and the day of each
later step (assessment summaries sent, contract award notice published, contract entered into).

Each is opened with `open()` (window-modal, not a nested event loop), as the Panel screen's are: OK
runs `submit`, the screen's use case; the dialog closes when it was saved and otherwise stays open
with what svdesk refused. A test types into the fields and clicks the buttons as a person does; the
decision's confirmation is a message box opened the same way (`AwardDecisionDialog.confirm`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from svdesk.ui import palette

DAY_SHOWN = "%a %-d %b %Y"  # "Thu 19 Nov 2026": the weekday matters to a standstill


def day_text(iso: str) -> str:
    """An ISO day as the screen shows it ("" stays "")."""
    return date.fromisoformat(iso).strftime(DAY_SHOWN) if iso else ""


class FormDialog(QDialog):
    """OK runs `submit`: the refusal (shown, the dialog stays open) or None (saved: it closes)."""

    def __init__(self, title: str, object_name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(object_name)
        self.setMinimumWidth(480)
        self.submit: Callable[[], str | None] | None = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok.setObjectName(f"{object_name}Ok")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setObjectName(f"{object_name}Cancel")
        self.problem = QLabel(objectName=f"{object_name}Problem", wordWrap=True)
        self.problem.setStyleSheet(palette.text_style(palette.ERROR_TEXT))
        self.problem.hide()
        self.form = QFormLayout(self)

    def finish_form(self) -> None:
        self.form.addRow(self.problem)
        self.form.addRow(self.buttons)

    @property
    def ok(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None  # made with an Ok button
        return button

    def refuse(self, refusal: str) -> None:
        self.problem.setText(refusal)
        self.problem.show()
        self.adjustSize()  # room for the refusal, however long

    def accept(self) -> None:
        refused = self.submit() if self.submit is not None else None
        if refused:
            self.refuse(refused)
            return
        super().accept()


class DayField(QWidget):
    """A day typed as dd/mm/yyyy, with its weekday spelled out beside it; a day after today is said
    to be in the future (svdesk records what has happened, and refuses it).

    No maximum is set on the edit: with one, typing a day of an earlier month digit by digit is
    refused while the month shown is still the current one (16/12 is after today, on the way to 16/11)."""

    changed = Signal()

    def __init__(self, object_name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QDateEdit(objectName=object_name, calendarPopup=True)
        self.edit.setAccessibleName(accessible)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setDate(QDate.currentDate())
        self.spelled = QLabel(objectName=f"{object_name}Spelled")
        self.edit.dateChanged.connect(self._spell)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit)
        row.addWidget(self.spelled, 1)
        self._spell()

    def _spell(self) -> None:
        later = self.in_future()
        self.spelled.setText(self.value().strftime("%A %-d %B %Y") + (": in the future" if later else ""))
        self.spelled.setStyleSheet(palette.text_style(palette.ERROR_TEXT) if later else "")
        self.changed.emit()

    def in_future(self) -> bool:
        return self.value() > date.today()

    def value(self) -> date:
        return self.edit.date().toPython()


class AwardDecisionDialog(FormDialog):
    """The decision approving the panel's recommendation: who took it, under what delegated authority,
    on what day (Procurement Act 2023 s.98: the record of it). OK asks to confirm (`confirm`), then
    records it."""

    def __init__(
        self,
        recommendation: str,
        decision_maker: str,
        delegated_authority: str,
        open_items: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Record the award decision", "awardDecisionDialog", parent)
        self.confirm: QMessageBox | None = None
        self.winner = recommendation
        self.recommendation = QLabel(
            f"<b>{_html(recommendation)}</b>" if recommendation else "No single bid is ranked first.",
            objectName="awardRecommendation",
            wordWrap=True,
        )
        self.form.addRow(
            QLabel(
                "The decision approves the panel's recommendation, the bid the evaluation ranks first. "
                "Once it is recorded the details it relied on (the suppliers', the procurement's, the "
                "passages withheld) stay as they were, unless the tender is reopened with a reason.",
                wordWrap=True,
            )
        )
        self.form.addRow("Recommendation", self.recommendation)
        self.decision_maker = QLineEdit(decision_maker, objectName="decisionMaker")
        self.decision_maker.setAccessibleName("Who took the award decision")
        self.decision_maker.setPlaceholderText("e.g. Cabinet Member for Adult Social Care")
        self.delegated_authority = QLineEdit(delegated_authority, objectName="delegatedAuthority")
        self.delegated_authority.setAccessibleName("The delegated authority they decided under")
        self.delegated_authority.setPlaceholderText("e.g. Scheme of delegation, para 4.2")
        self.day = DayField("decisionDate", "The day of the decision")
        self.form.addRow("&Decision-maker", self.decision_maker)
        self.form.addRow("Delegated &authority", self.delegated_authority)
        self.form.addRow("&Date of the decision", self.day)
        self.open_items = QLabel(objectName="decisionOpenItems", wordWrap=True)
        self.open_items.setStyleSheet(palette.text_style(palette.WARNING_TEXT))
        if open_items:
            self.open_items.setText(
                f"{open_items} item{'s are' if open_items != 1 else ' is'} still open (see Before the award): "
                "svdesk refuses the decision while any is (the decision-maker and their delegated authority "
                "may be given here)."
            )
            self.form.addRow(self.open_items)
        self.ok.setText("Record the decision\u2026")
        self.day.changed.connect(lambda: self.ok.setEnabled(not self.day.in_future()))
        self.finish_form()

    def values(self) -> tuple[date, str, str]:
        return self.day.value(), self.decision_maker.text().strip(), self.delegated_authority.text().strip()

    def accept(self) -> None:
        """Ask first: the decision moves the tender to awarded."""
        day, who, under = self.values()
        box = self.confirm = QMessageBox(
            QMessageBox.Icon.Question,
            "Record the award decision?",
            f"Record that {who or 'the decision-maker'} decided on {day:%A %-d %B %Y} to award the contract "
            f"to {self.winner or 'no single bid'}?",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("awardConfirm")
        box.setInformativeText(
            "The tender becomes awarded. The assessment summaries, the contract award notice and the "
            "standstill follow; reopening the tender withdraws the decision, with a reason."
        )
        record = box.addButton("Record the decision", QMessageBox.ButtonRole.AcceptRole)
        record.setObjectName("awardConfirmRecord")
        cancel = box.button(QMessageBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setObjectName("awardConfirmCancel")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _result: self._confirmed(box.clickedButton() is record))
        box.open()

    def _confirmed(self, yes: bool) -> None:
        if yes:
            super().accept()  # FormDialog.accept: submit, then close or show the refusal


class DayDialog(FormDialog):
    """The day one step of the award stage happened."""

    def __init__(self, title: str, object_name: str, said: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(title, object_name, parent)
        self.form.addRow(QLabel(said, wordWrap=True))
        self.day = DayField(f"{object_name}Day", label)
        self.form.addRow(f"&{label}", self.day)
        self.ok.setText("Record")
        self.day.changed.connect(lambda: self.ok.setEnabled(not self.day.in_future()))
        self.finish_form()

    def value(self) -> date:
        return self.day.value()


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
