"""What every tender screen shares: the database, who is acting, and one-transaction edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from svdesk.model.errors import SvdeskError
from svdesk.model.services.tenders import get_tender, lock_reason

if TYPE_CHECKING:
    from svdesk.model.db import Database
    from svdesk.model.entities import Tender

Session = Any  # the services' unit of work; widgets never use it beyond passing it on


class TenderScreen(QWidget):
    """A screen about one tender. Edits go through `edit()`: one transaction, saved at once."""

    saved = Signal()  # something changed: the window refreshes stages and results

    def __init__(self, db: Database, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.reference: str | None = None
        self.message = QLabel(wordWrap=True)
        self.message.setObjectName(f"{type(self).__name__}Message")

    def set_tender(self, reference: str | None) -> None:
        self.reference = reference
        self.reload()

    def reload(self) -> None:  # pragma: no cover - each screen overrides
        raise NotImplementedError

    def read(self, fn: Callable[[Session, Tender], Any]) -> Any:
        with self.db.reader() as session:
            return fn(session, get_tender(session, self.reference))

    def locked(self) -> str | None:
        if self.db.read_only:
            return f"read-only: {self.db.read_only_reason}"
        if self.reference is None:
            return "no tender"
        return self.read(lambda s, t: lock_reason(s, t))

    def edit(self, fn: Callable[[Session, Tender], Any], done: str = "Saved.") -> Any | None:
        """Run one edit in its own transaction; show the outcome; never raise to the event loop."""
        try:
            with self.db.transaction() as session:
                result = fn(session, get_tender(session, self.reference))
        except SvdeskError as exc:
            self.show_message(str(exc), error=True)
            self.loaded_version = None  # what the screen shows is not what is saved: read it when shown again
            return None
        self.show_message(done)
        self.saved.emit()
        return result if result is not None else True

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #8a1c1c" if error else "color: #1b5e20")
