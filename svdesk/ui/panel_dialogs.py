"""The Panel screen's dialogs: a new member, a withdrawal with its reason, and an enrolment, where
the member (not the officer) types the passphrase they choose, twice.

Each is opened with `open()` (window-modal, not a nested event loop): the screen acts on
`accepted`, and a test types into the dialog's fields and clicks its buttons as a user does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from svdesk.app import identity
from svdesk.ui import palette

ROLE_LABELS = {
    "evaluator": "Evaluator (scores the bids)",
    "moderator": "Moderator",
    "chair": "Chair",
    "officer": "Procurement officer (sets up; does not score or sign)",
}


def role_choice(object_name: str, accessible: str) -> QComboBox:
    """A drop-down of the roles, each with its value as data."""
    box = QComboBox(objectName=object_name)
    box.setAccessibleName(accessible)
    for role, label in ROLE_LABELS.items():
        box.addItem(label, role)
    return box


class _Dialog(QDialog):
    """OK runs `submit` (the screen's use case): the dialog closes when it saved, and otherwise stays
    open with what svdesk refused and what the user typed."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.submit: Callable[[], str | None] | None = None  # the refusal, or None when saved
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.problem = QLabel(objectName="dialogProblem", wordWrap=True)
        self.problem.setStyleSheet(palette.text_style(palette.ERROR_TEXT))
        self.problem.hide()
        self.form = QFormLayout(self)

    def finish_form(self) -> None:
        self.form.addRow(self.problem)
        self.form.addRow(self.buttons)

    def accept(self) -> None:
        refused = self.submit() if self.submit is not None else None
        if refused:
            self.problem.setText(refused)
            self.problem.show()
            return
        super().accept()

    @property
    def ok(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None  # made with an Ok button
        return button


class AddMemberDialog(_Dialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add a panel member", parent)
        self.setObjectName("addMemberDialog")
        self.name = QLineEdit(objectName="newMemberName")
        self.name.setAccessibleName("New member's name")
        self.role = role_choice("newMemberRole", "New member's role")
        self.email = QLineEdit(objectName="newMemberEmail")
        self.email.setAccessibleName("New member's email")
        self.email.setPlaceholderText("name@council.gov.uk (optional)")
        self.ok.setText("Add")
        self.ok.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.form.addRow("&Name", self.name)
        self.form.addRow("&Role", self.role)
        self.form.addRow("&Email", self.email)
        self.finish_form()

    def values(self) -> tuple[str, str, str]:
        return self.name.text().strip(), str(self.role.currentData()), self.email.text().strip()


class WithdrawDialog(_Dialog):
    def __init__(self, member: str, why_not_removed: str = "", parent: QWidget | None = None) -> None:
        super().__init__(f"Withdraw {member}", parent)
        self.setObjectName("withdrawDialog")
        self.member = member
        said = f"{why_not_removed}\n\n" if why_not_removed else ""
        self.said = QLabel(
            f"{said}{member} leaves the panel. What they did stays in the record with this reason; they "
            "score, declare, review and sign no more, and nothing waits for them.",
            wordWrap=True,
        )
        self.form.addRow(self.said)
        self.reason = QPlainTextEdit(objectName="withdrawReason")
        self.reason.setAccessibleName(f"Why {member} is withdrawn")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 4)
        self.ok.setText("Withdraw")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda: self.ok.setEnabled(bool(self.reason.toPlainText().strip())))
        self.form.addRow("&Reason", self.reason)
        self.finish_form()

    def value(self) -> str:
        return self.reason.toPlainText().strip()


class EnrolDialog(_Dialog):
    """The member at the keyboard chooses their own passphrase; svdesk keeps only what it seals."""

    def __init__(self, member: str, parent: QWidget | None = None, *, again: bool = False) -> None:
        super().__init__(f"Enrol {member} again" if again else f"Enrol {member}", parent)
        self.setObjectName("enrolDialog")
        self.member = member
        self.again_mode = again
        self.reason: QLineEdit | None = None
        if again:
            self.form.addRow(
                QLabel(
                    f"{_html(member)} forgot their passphrase: their key is retired (kept: it still verifies what "
                    "it signed) and a new one made. Say why, for the record.",
                    wordWrap=True,
                )
            )
            self.reason = QLineEdit(objectName="reenrolReason")
            self.reason.setAccessibleName(f"Why {member} is enrolled again")
            self.reason.textChanged.connect(self._check)
            self.form.addRow("&Reason", self.reason)
        self.form.addRow(
            QLabel(
                f"<b>{_html(member)}</b>, choose your passphrase and type it twice. Only you should know it: "
                "the officer hands the keyboard over. It signs your scores and your signature; a forgotten "
                "passphrase means enrolling again, on the record.",
                wordWrap=True,
            )
        )
        self.passphrase = QLineEdit(objectName="enrolPassphrase")
        self.passphrase.setAccessibleName(f"{member}'s new passphrase")
        self.again = QLineEdit(objectName="enrolPassphraseAgain")
        self.again.setAccessibleName(f"{member}'s new passphrase again")
        for field in (self.passphrase, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.textChanged.connect(self._check)
        self.state = QLabel(objectName="enrolState", wordWrap=True)
        self.ok.setText("Enrol again" if again else "Enrol")
        self.ok.setEnabled(False)
        self.form.addRow("&Passphrase", self.passphrase)
        self.form.addRow("&Again", self.again)
        self.form.addRow(self.state)
        self.finish_form()

    def _check(self) -> None:
        first, second = self.passphrase.text(), self.again.text()
        problem = identity.passphrase_problem(first, self.member) if first else None
        differ = bool(second) and first != second
        reason_ok = self.reason is None or bool(self.reason.text().strip())
        self.ok.setEnabled(bool(first) and problem is None and first == second and reason_ok)
        self.state.setText(problem or ("The two passphrases differ." if differ else ""))

    def value(self) -> str:
        return self.passphrase.text()

    def reason_text(self) -> str:
        return self.reason.text() if self.reason is not None else ""


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
