"""The declared interface of a tender screen (after Vorta's `BaseTab`): what the window tells every
screen, and what each screen provides.

The window only announces that the database, the tender or the record changed; each screen owns
when and how it reads itself. Edits go through `edit()`: one use case, saved at once, its outcome
shown. A screen never holds a session: it calls the use-case layer (`svdesk.app`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QWidget

from svdesk.app.database import Database
from svdesk.app.errors import NotSignedIn, SvdeskError
from svdesk.app.identity import SignedIn
from svdesk.app.reads import RecordVersion, lock_reason
from svdesk.app.unit import Actor, Outcome
from svdesk.ui import palette

T = TypeVar("T")
_WHILE_READING = object()  # a message said while the screen reads the record: of the version read

NOT_SIGNED_IN = (
    "Sign in first (Ctrl+L): once anyone on this tender's panel has enrolled, every change is signed by "
    "the person who makes it. Nothing was saved; make the change again once signed in."
)


class Presence(QObject):
    """Tells whoever listens (the window, every screen) that the person signed in changed."""

    changed = Signal()
    sign_in_wanted = Signal()  # a change was refused for want of someone signed in: offer the sign-in


@dataclass
class Desk:
    """What every screen works with, owned by the window: the database open now (File → Open
    database replaces it), the acting person, the window's undo stack, and who is signed in.

    `actor` is who is at the keyboard as the operating system knows them (the login name, for the
    officer's set-up edits). `signed_in` is the person who proved who they are with their passphrase
    (`svdesk.app.identity.sign_in`): scoring, declaring, reviewing pledges, moderating and signing
    act as them, and only them. It is held in memory for this window's session only."""

    db: Database
    actor: Actor
    undo_stack: QUndoStack
    signed_in: SignedIn | None = None
    presence: Presence = field(default_factory=Presence)  # `presence.changed`: someone signed in or out

    def sign_in(self, person: SignedIn) -> None:
        """`person` is now the one at the keyboard (the one signed in before is signed out)."""
        self.signed_in = person
        self.presence.changed.emit()

    def sign_out(self) -> None:
        """No one is signed in any more (their unsealed key is dropped); nothing if no one was."""
        if self.signed_in is None:
            return
        self.signed_in = None
        self.presence.changed.emit()

    def person_for(self, reference: str | None) -> SignedIn | None:
        """The person signed in, if they signed in to this tender."""
        person = self.signed_in
        return person if person is not None and reference is not None and person.reference == reference else None


class Refresh(Enum):
    """When a screen shown again reads the record again."""

    ALWAYS = "always"  # small, and may hold what the user typed and svdesk refused: shown as saved
    WHEN_CHANGED = "when changed"  # only when the record's version moved since it was read


class TenderScreen(QWidget):
    """A screen about one tender (or none)."""

    saved = Signal()  # this screen changed the record: the window refreshes stages and results
    progressed = Signal()  # one of a run of quick edits (a score saved): the window refreshes soon
    refresh_policy: ClassVar[Refresh] = Refresh.WHEN_CHANGED

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.reference: str | None = None
        self.loaded_version: RecordVersion | None = None  # the record as this screen shows it
        self._stale = True  # nothing read yet for this tender and database
        self.message = QLabel(wordWrap=True)
        self._said_at: RecordVersion | None | object = None  # the record as it stood when the message was said
        self._reading = False
        self.message.setObjectName(f"{type(self).__name__}Message")
        desk.presence.changed.connect(self.signed_in_changed)

    @property
    def db(self) -> Database:
        return self.desk.db

    @property
    def actor(self) -> Actor:
        """Who acts on this tender: the person signed in to it, else the login (enough only before
        anyone on the tender's panel enrolled; after that svdesk asks them to sign in)."""
        return self.person or self.desk.actor

    @property
    def person(self) -> SignedIn | None:
        """Who is signed in to this screen's tender (None: no one, or someone of another tender)."""
        return self.desk.person_for(self.reference)

    # --- what the window tells every screen ---------------------------------------------------------

    def show_tender(self, reference: str | None) -> None:
        """Another tender (or none) is chosen: read it when next shown."""
        if reference != self.reference:
            self.message.clear()  # it spoke of the other tender ("Read only: signed off", issue 17)
        self.reference = reference
        self.mark_stale()

    def database_changed(self) -> None:
        """Another database is open: nothing shown stands for it."""
        self.mark_stale()

    def mark_stale(self) -> None:
        self._stale = True
        self.loaded_version = None

    def signed_in_changed(self) -> None:
        """Someone signed in, switched or signed out (`desk.signed_in`): a screen bound to the person
        shows what is theirs. Most screens show the same to everyone: nothing to do."""

    def bring_up_to_date(self, version: RecordVersion | None) -> None:
        """The screen is being shown and the record is at `version`: read what is out of date."""
        if self.message.text() and self._said_at is not _WHILE_READING and self._said_at != version:
            self.message.clear()  # said of the record as it stood ("Cannot open moderation…" once ready, issue 17)
        self._reading = True
        try:
            if self._stale or self.reference is None:
                self.load()
            elif self.refresh_policy is Refresh.ALWAYS or version is None or version != self.loaded_version:
                self.catch_up()
        finally:
            self._reading = False
        if self._said_at is _WHILE_READING:
            self._said_at = version
        self._stale = False
        self.loaded_version = version

    # --- what each screen provides ------------------------------------------------------------------

    def load(self) -> None:  # pragma: no cover - each screen overrides
        """Read everything shown, for `self.reference` (None: show that there is no tender)."""
        raise NotImplementedError

    def catch_up(self) -> None:
        """The record moved since `load()`; by default read it all again."""
        self.load()

    # --- helpers for screens ------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the screen again now (after an edit the screen does not show by itself)."""
        self.load()

    def locked(self) -> str | None:
        if self.db.read_only:
            return f"read-only: {self.db.read_only_reason}"
        if self.reference is None:
            return "no tender"
        return lock_reason(self.db, self.reference)

    def edit(self, call: Callable[[], Outcome[T]], done: str = "Saved.") -> Outcome[T] | None:
        """Run one use case (its own transaction); show the outcome; never raise to the event loop.

        A refused edit leaves the screen showing what the user typed, not what is saved: it is read
        again when next shown."""
        try:
            outcome = call()
        except NotSignedIn:
            self.show_message(NOT_SIGNED_IN, error=True)
            self.mark_stale()
            self.desk.presence.sign_in_wanted.emit()
            return None
        except SvdeskError as exc:
            self.show_message(str(exc), error=True)
            self.mark_stale()
            return None
        self.show_message(" ".join((done, *outcome.warnings)), error=False, warning=bool(outcome.warnings))
        self.saved.emit()
        return outcome

    def keep_current(self, outcome: Outcome[object]) -> None:
        """This screen shows its own edit already: if the edit is the only change since it read the
        record, it is still up to date (nothing is read again when it is shown)."""
        if outcome.version is not None and outcome.version.follows(self.loaded_version):
            self.loaded_version = outcome.version

    def show_message(self, text: str, error: bool = False, warning: bool = False) -> None:
        self.message.setText(text)
        self._said_at = _WHILE_READING if self._reading else self.loaded_version
        role = palette.ERROR_TEXT if error else palette.WARNING_TEXT if warning else palette.OK_TEXT
        self.message.setStyleSheet(palette.text_style(role))
