"""Opening a database (with the one-instance lock), and what is done to a database as a whole:
backups and restore. The GUI and the command line open databases only through here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from svdesk.model import backups, file_health, record_anchor
from svdesk.model import db as gateway
from svdesk.model.backups import BackupInfo
from svdesk.model.db import Database, database_url, head_revision
from svdesk.model.errors import DatabaseLockedError
from svdesk.model.file_health import DamagedDatabaseError, DatabaseReadOnlyError, DiskFullError, RecordLostError
from svdesk.model.instance_lock import InstanceLock
from svdesk.model.services import open_svdesk_database

__all__ = [
    "BackupInfo",
    "DamagedDatabaseError",
    "Database",
    "DatabaseInUse",
    "DatabaseReadOnlyError",
    "DiskFullError",
    "OpenDatabase",
    "RecordLostError",
    "back_up",
    "back_up_in_own_connection",
    "backup_folder",
    "carry_on_as_it_is",
    "database_url",
    "list_backups",
    "open_database",
    "open_locked",
    "open_read_only",
    "restore",
    "schema_revision",
]


def open_database(target: str | Path | None = None, read_only: bool = False, read_only_reason: str = "") -> Database:
    """Open (creating and migrating as needed) with the built-in catalogue present, to read and
    change. A database file svdesk cannot write (a read-only file, or one in a read-only folder or
    on read-only media) is opened read-only, saying why: reading it is all it allows.

    Raises DamagedDatabaseError for a damaged file, an empty one that had a record, or one that lost
    what svdesk committed to it (the message names the newest good backup)."""
    path = _sqlite_path(target)
    if not read_only and path is not None and path.exists():
        why = file_health.read_only_reason(path)
        if why:
            return open_svdesk_database(target, read_only=True, read_only_reason=why)
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
    """Another svdesk holds the database's lock; `holder` says who (for an offer to open read-only).

    `other_name`: the name the holder opened the same file under (a hard link), if found: reading
    it is done under that name, whose write-ahead log holds what the holder saved."""

    def __init__(self, path: Path, holder: str, other_name: Path | None = None) -> None:
        super().__init__(f"{path} is open in svdesk by {holder}")
        self.path = path
        self.holder = holder
        self.other_name = other_name


def _sqlite_path(target: str | Path | None) -> Path | None:
    url = database_url(target)
    return Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None


def open_locked(target: str | Path | None, *, restoring: bool = False) -> OpenDatabase:
    """Open to write: a database file is locked for this process (released however it ends), by its
    name and by the file itself (`InstanceLock`).

    Raises DatabaseInUse when another svdesk holds it, DatabaseReadOnlyError when the file or its
    folder cannot be written, DamagedDatabaseError when the file is damaged, empty or short of what
    svdesk committed to it, SvdeskError when it cannot be opened.

    `restoring`: opened to restore a backup into it (`svdesk backup restore`): a damaged or empty
    file is first set aside, kept beside it as `<name>.damaged-<time>`, and a file that lost
    changes is opened as it is (the restore keeps its content in a pre-restore backup)."""
    path = _sqlite_path(target)
    if path is None:
        return OpenDatabase(open_database(target), None)
    why = file_health.read_only_reason(path)
    if why:
        raise DatabaseReadOnlyError(
            f"{path} cannot be changed: {why}. To work on it, copy it to a folder you can write to and open the "
            "copy (or ask for write access); to look only, open it read-only.",
            path,
        )
    lock = InstanceLock(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except DatabaseLockedError as exc:
        raise DatabaseInUse(path, lock.describe_holder(), lock.other_name) from exc
    except OSError as exc:
        raise DatabaseReadOnlyError(f"{path} cannot be opened to change it: {exc.strerror or exc}.", path) from exc
    try:
        db = _open_to_restore(path, lock) if restoring else open_database(path)
        lock.lock_file()  # a new database: its file exists now
        return OpenDatabase(db, lock)
    except Exception:
        lock.release()
        raise


def _open_to_restore(path: Path, lock: InstanceLock) -> Database:
    """The file a backup is about to be restored into: a damaged or empty one set aside first."""
    if file_health.is_damaged(path):
        lock.release_file()
        file_health.set_aside(path)
    return gateway.open_database(path, check_file=False)


def carry_on_as_it_is(target: str | Path) -> None:
    """After RecordLostError: carry on with the record as the file now holds it (the changes it lost
    stay lost). The record's anchor is dropped; opening it next anchors it afresh."""
    path = _sqlite_path(target)
    if path is not None:
        record_anchor.forget(path)


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
