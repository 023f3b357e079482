"""Opening a database (with the one-instance lock), and what is done to a database as a whole:
backups and restore. The GUI and the command line open databases only through here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from svdesk.model import backups
from svdesk.model.backups import BackupInfo
from svdesk.model.db import Database, database_url, head_revision
from svdesk.model.errors import DatabaseLockedError
from svdesk.model.instance_lock import InstanceLock
from svdesk.model.services import open_svdesk_database

__all__ = [
    "BackupInfo",
    "Database",
    "DatabaseInUse",
    "OpenDatabase",
    "back_up",
    "back_up_in_own_connection",
    "backup_folder",
    "database_url",
    "list_backups",
    "open_database",
    "open_locked",
    "open_read_only",
    "restore",
    "schema_revision",
]


def open_database(target: str | Path | None = None, read_only: bool = False, read_only_reason: str = "") -> Database:
    """Open (creating and migrating as needed) with the built-in catalogue present."""
    return open_svdesk_database(target, read_only=read_only, read_only_reason=read_only_reason)


@dataclass
class OpenDatabase:
    """A database open for this process, with the lock that makes it the one writer (None when
    read-only or a server database)."""

    db: Database
    lock: InstanceLock | None

    def close(self) -> None:
        self.db.dispose()
        if self.lock is not None:
            self.lock.release()


class DatabaseInUse(DatabaseLockedError):
    """Another svdesk holds the database's lock; `holder` says who (for an offer to open read-only)."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"{path} is open in svdesk by {holder}")
        self.path = path
        self.holder = holder


def _sqlite_path(target: str | Path | None) -> Path | None:
    url = database_url(target)
    return Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None


def open_locked(target: str | Path | None) -> OpenDatabase:
    """Open to write: a database file is locked for this process (released however it ends).

    Raises DatabaseInUse when another svdesk holds it, SvdeskError when it cannot be opened."""
    path = _sqlite_path(target)
    if path is None:
        return OpenDatabase(open_database(target), None)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(path)
    try:
        lock.acquire()
    except DatabaseLockedError as exc:
        raise DatabaseInUse(path, lock.describe_holder()) from exc
    try:
        return OpenDatabase(open_database(path), lock)
    except Exception:
        lock.release()
        raise


def open_read_only(target: str | Path, reason: str) -> OpenDatabase:
    return OpenDatabase(open_database(target, read_only=True, read_only_reason=reason), None)


def backup_folder(db: Database) -> Path:
    return backups.backup_dir(db)


def list_backups(db: Database) -> list[BackupInfo]:
    return backups.list_backups(db)


def back_up(db: Database, label: str = "manual") -> Path:
    return backups.backup_now(db, label)


def back_up_in_own_connection(url: str, label: str = "manual") -> Path:
    """`back_up` on connections of its own (the desktop app's helper process runs it)."""
    return backups.backup_in_own_connection(url, label)


def restore(db: Database, backup: Path) -> Path:
    """Replace the database's content with a backup; returns the safety copy of what it held.

    Refused (WorkflowError, nothing changed) while the database holds a tender with signatures in
    force that the backup would change or lose; the message names it and says how to proceed."""
    return backups.restore(db, backup)


def schema_revision(db: Database) -> str:
    """The schema revision an opened (and so migrated) database is at."""
    del db  # opening migrates to the head: the head is what it is at
    return head_revision()
