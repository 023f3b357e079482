"""Signing in: a panel member proves who they are with their own passphrase, and the window then
acts as them (`Desk.signed_in`) until they sign out, someone else signs in, or the laptop is left
idle (`svdesk.ui.presence`).

The dialog lists the tender's enrolled members who are still on the panel; OK unseals the chosen
member's key through `svdesk.app.identity.sign_in`. The key derivation is memory-hard by design
(a few tenths of a second): it runs on a thread of its own (hashlib's scrypt lets go of the
interpreter lock), so the window keeps painting meanwhile. A wrong passphrase is shown in the
dialog, naming the person (and, once they are slowed, when to try again); nothing else happens.

Opened with `open()` (window-modal, not a nested event loop): a test types into the dialog's fields
and presses Enter as a user does, then waits for `signed_in` or `refused`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import identity, panel
from svdesk.app.identity import SignedIn
from svdesk.ui import palette
from svdesk.ui.background import Worker, run_quietly
from svdesk.ui.screen_base import Desk

ROLE_WORDS = {"evaluator": "evaluator", "moderator": "moderator", "chair": "chair", "officer": "procurement officer"}


def person_text(person: SignedIn) -> str:
    """'Tom Ellis (evaluator)'."""
    return f"{person.member} ({ROLE_WORDS.get(person.role, person.role)})"


def who_may_sign_in(desk: Desk, reference: str) -> list[tuple[str, str]]:
    """(name, role) of each member of the tender's panel who has a current key and is not withdrawn,
    in panel order."""
    enrolled = {k.member for k in identity.enrolment(desk.db, reference) if not k.retired}
    return [(m.name, m.role) for m in panel.members(desk.db, reference) if m.name in enrolled and not m.withdrawn]


class SignInDialog(QDialog):
    """Choose yourself, type your passphrase, Enter: signed in (or told why not, in the dialog)."""

    signed_in = Signal(object)  # the SignedIn, once the passphrase has unsealed the member's key
    refused = Signal(str)  # why not (a wrong passphrase, slowed, withdrawn...): shown in the dialog

    def __init__(
        self,
        desk: Desk,
        reference: str,
        parent: QWidget | None = None,
        *,
        only: Collection[str] | None = None,
        member: str | None = None,
        after: str | None = None,
        purpose: str = "",
    ) -> None:
        """`only`: the members who may sign in here (e.g. the evaluators, for scoring), of those
        enrolled; `member`: the one chosen to begin with, or else the one `after` this one in panel
        order (switching to the next person); `purpose`: what signing in is for."""
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in")
        self.setMinimumWidth(460)
        self.desk, self.reference = desk, reference
        self.worker: Worker | None = None  # the sign-in under way
        self._db = desk.db
        people = [(n, r) for n, r in who_may_sign_in(desk, reference) if only is None or n in only]
        intro = QLabel(
            (f"{purpose} " if purpose else "")
            + "Sign in with your own passphrase: svdesk then records what you do under your name, "
            "and shows you only what is yours to see.",
            wordWrap=True,
        )
        self.member = QComboBox(objectName="signInMember")
        self.member.setAccessibleName("Panel member signing in")
        for name, role in people:
            self.member.addItem(f"{name} ({ROLE_WORDS.get(role, role)})", name)
        first = member if member is not None else next_after([n for n, _r in people], after) if after else None
        if first is not None and self.member.findData(first) >= 0:
            self.member.setCurrentIndex(self.member.findData(first))
        self.passphrase = QLineEdit(objectName="signInPassphrase")
        self.passphrase.setAccessibleName("Your passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("the passphrase you chose when you enrolled")
        self.problem = QLabel(objectName="signInProblem", wordWrap=True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok.setText("Sign in")
        self.ok.setObjectName("signInOk")
        self.ok.setDefault(True)  # Enter anywhere in the dialog signs in; Esc cancels
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Member", self.member)
        form.addRow("&Passphrase", self.passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        if not people:
            self._say(self._nobody_text(only), error=False)
            for w in (self.member, self.passphrase, self.ok):
                w.setEnabled(False)
        self.member.currentIndexChanged.connect(lambda _i: self._member_changed())
        self.passphrase.setFocus()
        self.resize(self.minimumWidth(), 0)
        self._fit()

    @property
    def ok(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None  # made with an Ok button
        return button

    def chosen(self) -> str | None:
        name = self.member.currentData()
        return str(name) if name is not None else None

    def _nobody_text(self, only: Collection[str] | None) -> str:
        if only is not None and not only:
            return "No one on the panel can do this now."
        return (
            "No one who can do this has enrolled yet. Each member enrols on the Panel screen, choosing "
            "their own passphrase; then they sign in here."
        )

    def _member_changed(self) -> None:
        self.passphrase.clear()  # a passphrase typed for one person is never tried as another's
        self.problem.hide()
        self.passphrase.setFocus()

    def _say(self, text: str, error: bool = True) -> None:
        self.problem.setText(text)
        self.problem.setStyleSheet(palette.text_style(palette.ERROR_TEXT) if error else "")
        self.problem.show()
        self._fit()

    def _fit(self) -> None:
        """Tall enough for its wrapped texts at its width (a top-level dialog does not do this itself)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
            width = max(self.width(), self.minimumWidth())
            self.resize(width, max(self.height(), layout.totalHeightForWidth(width)))

    # --- signing in -------------------------------------------------------------------------------

    def accept(self) -> None:
        """OK or Enter: sign the chosen member in, off the event loop; the dialog closes once they are."""
        member, passphrase = self.chosen(), self.passphrase.text()
        if member is None or self.worker is not None:
            return
        if not passphrase:
            self._say(f"{member}, type your passphrase.")
            self.passphrase.setFocus()
            return
        db, reference = self.desk.db, self.reference
        self._db = db  # the database signed in to: if another is opened meanwhile, the answer is void
        self._busy(True)
        self._say(f"Checking {member}'s passphrase\u2026", error=False)
        # bound methods: if the dialog is gone when the answer comes, Qt drops the call
        self.worker = run_quietly(lambda: identity.sign_in(db, reference, member, passphrase), self._done, self._failed)

    def _answer_is_current(self) -> bool:
        """The answer of the sign-in under way (not of one cancelled before)."""
        if self.worker is None or self.sender() is not self.worker:
            return False
        self.worker = None
        self._busy(False)
        return True

    def _done(self, person: SignedIn) -> None:
        if not self._answer_is_current():
            return
        if self.desk.db is not self._db:
            self._failed_now("the database changed while signing in: sign in again")
            return
        self.problem.hide()
        self.passphrase.clear()
        self.signed_in.emit(person)
        super().accept()

    def _failed(self, message: str) -> None:
        if self._answer_is_current():
            self._failed_now(message)

    def _failed_now(self, message: str) -> None:
        message = _sentence(message)
        self._say(message)
        self.passphrase.clear()
        self.passphrase.setFocus()
        self.refused.emit(message)

    def reject(self) -> None:
        self.worker = None  # an answer still to come is dropped
        self._busy(False)
        self.passphrase.clear()
        super().reject()

    def _busy(self, busy: bool) -> None:
        for w in (self.member, self.passphrase, self.ok):
            w.setEnabled(not busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.ok.setDefault(True)  # disabling it took that away: Enter signs in again
            self.unsetCursor()
            self.passphrase.setFocus()


def open_sign_in(
    parent: QWidget,
    desk: Desk,
    reference: str | None,
    *,
    only: Collection[str] | None = None,
    member: str | None = None,
    after: str | None = None,
    purpose: str = "",
    then: Callable[[SignedIn], None] | None = None,
) -> SignInDialog | None:
    """The sign-in dialog, opened over `parent`; the member who signs in becomes `desk.signed_in`
    (and `then(person)` runs). None when there is no tender to sign in to."""
    if reference is None:
        return None
    dialog = SignInDialog(desk, reference, parent, only=only, member=member, after=after, purpose=purpose)
    dialog.signed_in.connect(desk.sign_in)
    if then is not None:
        dialog.signed_in.connect(then)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def next_after(names: list[str], current: str | None) -> str | None:
    """The member after `current` in panel order (the first after the last): who switches in next."""
    if not names:
        return None
    if current not in names:
        return names[0]
    return names[(names.index(current) + 1) % len(names)]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
