"""Who is signed in, for the whole window: shown in the status bar ("Signed in: Tom Ellis (evaluator)
— Sign out"), the Tender menu's Sign in… / Sign out, and the idle lock.

The idle lock signs the person out after a while with no key press or mouse click anywhere in the
application (QSettings "security/idleMinutes", 10 by default): a laptop left open in the meeting
room does not go on scoring or signing as its last user. The screens are told, as for any sign-out
(`Desk.presence`), and show Sign in… again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMenu, QMessageBox, QPushButton

from svdesk.ui import confirm_box
from svdesk.ui.screen_base import Desk
from svdesk.ui.sign_in import SignInDialog, open_sign_in, person_text

if TYPE_CHECKING:
    from collections.abc import Callable

IDLE_KEY = "security/idleMinutes"
DEFAULT_IDLE_MINUTES = 10.0
# What counts as someone at the keyboard (a mouse merely passing over the window does not).
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def idle_minutes(settings: QSettings) -> float:
    """The idle time before signing out, from the settings (10 minutes when unset or not a positive number)."""
    value = settings.value(IDLE_KEY, DEFAULT_IDLE_MINUTES)
    try:
        minutes = float(value)  # type: ignore[arg-type]  # QSettings gives str, int or float
    except (TypeError, ValueError):
        return DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES


class IdleLock(QObject):
    """Signs the person out once nobody has pressed a key or clicked for `idle_minutes`.

    The application's event filter is installed only while someone is signed in, and only restarts
    a timer: nothing else runs on each event."""

    def __init__(self, desk: Desk, settings: QSettings, on_lock: Callable[[float], None], parent: QObject) -> None:
        super().__init__(parent)
        self.desk, self.settings, self.on_lock = desk, settings, on_lock
        self.minutes = DEFAULT_IDLE_MINUTES
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._lock)
        self._watching = False
        desk.presence.changed.connect(self._presence_changed)

    def _presence_changed(self) -> None:
        app = QApplication.instance()
        if self.desk.signed_in is None:
            self.timer.stop()
            if self._watching and app is not None:
                app.removeEventFilter(self)
            self._watching = False
            return
        self.minutes = idle_minutes(self.settings)  # read at each sign-in: a change applies to the next
        self.timer.setInterval(max(1, round(self.minutes * 60_000)))
        self.timer.start()
        if not self._watching and app is not None:
            app.installEventFilter(self)
            self._watching = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in INPUT_EVENTS:
            self.timer.start()  # restarts the count
        return False

    def _lock(self) -> None:
        if self.desk.signed_in is not None:
            self.desk.sign_out()
            self.on_lock(self.minutes)


class PresenceBar(QObject):
    """The window's part of signing in: the status-bar label and button, the menu actions, the lock."""

    def __init__(
        self, window: QMainWindow, desk: Desk, settings: QSettings, reference: Callable[[], str | None]
    ) -> None:
        super().__init__(window)
        self.window, self.desk, self.reference = window, desk, reference
        self.dialog: SignInDialog | None = None  # the sign-in dialog last opened
        self.label = QLabel(objectName="signedInLabel")
        self.label.setAccessibleName("Who is signed in")
        self.button = QPushButton(objectName="presenceButton")
        self.button.clicked.connect(self._button_clicked)
        self.sign_in_action = QAction("Sign &in\u2026", self, shortcut=QKeySequence("Ctrl+L"), triggered=self.sign_in)
        self.sign_in_action.setObjectName("signInAction")
        self.sign_out_action = QAction(
            "Sign &out", self, shortcut=QKeySequence("Ctrl+Shift+L"), triggered=self.ask_sign_out
        )
        self.sign_out_confirm: QMessageBox | None = None  # "Sign out Sam Okafor?", while asked
        self.sign_out_action.setObjectName("signOutAction")
        self.idle = IdleLock(desk, settings, self._locked_after, self)
        desk.presence.changed.connect(self.show_presence)
        desk.presence.sign_in_wanted.connect(self._sign_in_wanted)
        for w in (self.label, self.button):
            window.statusBar().addPermanentWidget(w)
        self.show_presence()

    def populate(self, menu: QMenu) -> None:
        menu.addAction(self.sign_in_action)
        menu.addAction(self.sign_out_action)

    def show_presence(self) -> None:
        person = self.desk.signed_in
        if person is None:
            self.label.setText("Not signed in")
            self.button.setText("Sign in\u2026")
            self.button.setAccessibleName("Sign in")
        else:
            self.window.statusBar().clearMessage()  # "signed out after ... without use" is over
            self.label.setText(f"Signed in: {person_text(person)} \u2014")
            self.button.setText("Sign out")
            self.button.setAccessibleName(f"Sign {person.member} out")
        self.sign_in_action.setText("Sign &in\u2026" if person is None else "Switch &person\u2026")
        self.sign_out_action.setEnabled(person is not None)
        self.sign_in_action.setEnabled(self.reference() is not None)

    def _button_clicked(self) -> None:
        if self.desk.signed_in is None:
            self.sign_in()
        else:
            self.ask_sign_out()

    def ask_sign_out(self) -> None:
        """Sign out only once asked: a stray Space or click on Sign out must not drop what the
        person has typed and not saved (Cancel is the default)."""
        person = self.desk.signed_in
        if person is None:
            return

        def answered(yes: bool) -> None:
            self.sign_out_confirm = None
            if yes and self.desk.signed_in is person:
                self.desk.sign_out()

        self.sign_out_confirm = confirm_box.ask(
            self.window,
            "signOutConfirm",
            "Sign out",
            f"Sign out {person.member}?",
            "Anything typed and not yet saved on this screen is lost.",
            "Sign out",
            answered,
        )

    def _sign_in_wanted(self) -> None:
        if self.desk.signed_in is None:  # someone signed in to another tender switches themselves
            self.sign_in()

    def sign_in(self) -> SignInDialog | None:
        """The sign-in dialog for the tender shown (switching, when someone is signed in already)."""
        person = self.desk.signed_in
        self.dialog = open_sign_in(
            self.window, self.desk, self.reference(), after=person.member if person is not None else None
        )
        return self.dialog

    def tender_shown(self, reference: str | None) -> None:
        """Another tender (or none) is shown: a person signed in to another tender is signed out."""
        person = self.desk.signed_in
        if person is not None and person.reference != reference:
            self.desk.sign_out()
        self.show_presence()

    def _locked_after(self, minutes: float) -> None:
        shown = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        self.window.statusBar().showMessage(f"Signed out after {shown} without use: sign in again to go on.")
