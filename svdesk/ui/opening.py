"""Opening a database from the GUI: the one-instance lock, and read-only when someone else has it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from svdesk.model.db import Database, database_url
from svdesk.model.errors import DatabaseLockedError
from svdesk.model.instance_lock import InstanceLock
from svdesk.model.services import open_svdesk_database


@dataclass
class OpenDatabase:
    db: Database
    lock: InstanceLock | None  # None when read-only or not a local file

    def close(self) -> None:
        self.db.dispose()
        if self.lock is not None:
            self.lock.release()


def open_for_gui(parent: QWidget | None, target: str | Path | None) -> OpenDatabase | None:
    """Open with the lock; if another instance holds it, offer read-only. None if the user cancels.

    Raises SvdeskError for a database that cannot be opened at all (the caller shows it).
    """
    url = database_url(target)
    if not url.startswith("sqlite:///"):
        return OpenDatabase(open_svdesk_database(target), None)
    path = Path(url[len("sqlite:///") :])
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(path)
    try:
        lock.acquire()
    except DatabaseLockedError:
        holder = lock.describe_holder()
        answer = QMessageBox.question(
            parent,
            "Database in use",
            f"{path} is open in svdesk by {holder}.\n\nOpen it read-only? You can look at everything and "
            "print reports, but not change anything.",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Open,
        )
        if answer != QMessageBox.StandardButton.Open:
            return None
        return OpenDatabase(open_svdesk_database(path, read_only=True, read_only_reason=f"in use by {holder}"), None)
    try:
        return OpenDatabase(open_svdesk_database(path), lock)
    except Exception:
        lock.release()
        raise
