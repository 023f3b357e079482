"""What can go wrong with a database file itself, said plainly: what happened and what to do.

- A damaged file (`PRAGMA quick_check` on open, whenever the file changed since svdesk last wrote
  or closed it; `integrity_check` in `svdesk verify`; and SQLite's "malformed" met at any time).
- A zero-byte file where backups of it exist: never taken for a new, empty database.
- A full disk, a read-only file or folder, a disk error, and a value that is not valid text.

Each becomes an SvdeskError naming the file and, where the answer is a backup, the newest good
one with the command that restores it. `explain` turns SQLite's errors into those messages; the
database gateway (`db`) calls it around every unit of work and on opening.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError

from svdesk.model.errors import SvdeskError

if TYPE_CHECKING:
    from svdesk.model.db import Database


class DamagedDatabaseError(SvdeskError):
    """The file cannot be trusted (damaged, empty where it held a record, or short of what svdesk
    committed to it). `path` is the file; `backup`, if any, the newest good backup of it."""

    def __init__(self, message: str, path: Path | None = None, backup: Path | None = None) -> None:
        super().__init__(message)  # args = (message,): pickles across the helper process
        self.path = path
        self.backup = backup


class RecordLostError(DamagedDatabaseError):
    """The file no longer holds changes svdesk committed to it (`record_anchor`): restore a backup,
    or carry on with the record as the file holds it (`record_anchor.forget`). `held`: the entries
    of that record the file holds now; `backup_entries`: those the backup holds (None: not known)."""

    def __init__(
        self,
        message: str,
        path: Path | None = None,
        backup: Path | None = None,
        held: int | None = None,
        backup_entries: int | None = None,
    ) -> None:
        super().__init__(message, path, backup)
        self.held = held
        self.backup_entries = backup_entries


class DatabaseReadOnlyError(SvdeskError):
    """The file or its folder cannot be written: it can be looked at, not changed."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class DiskFullError(SvdeskError):
    """A write did not fit on the disk; nothing was saved."""


@dataclass(frozen=True)
class GoodBackup:
    path: Path
    created: datetime
    entries: int | None = None  # of the tender asked about, when one was

    @property
    def when(self) -> str:
        return self.created.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def newest_good_backup(db: Database, tender_uid: str | None = None) -> GoodBackup | None:
    """The newest backup of `db` that is a restorable svdesk backup (checked, newest first)."""
    if db.path is None:
        return None
    from svdesk.model import backups  # imports db: only here, on a failure's path

    try:
        listed = backups.list_backups(db)
    except (OSError, SvdeskError):
        return None
    for info in listed:
        try:
            backups.check_backup(info.path)
        except Exception:  # a damaged, foreign or unreadable backup is not the answer
            continue
        if not _holds_a_record(info.path):  # e.g. the pre-restore copy of a file made new to restore into
            continue
        return GoodBackup(info.path, info.created, _entries_in(info.path, tender_uid) if tender_uid else None)
    return None


def _holds_a_record(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT 1 FROM audit_entry LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _entries_in(path: Path, tender_uid: str) -> int | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT max(seq) FROM audit_entry WHERE tender_uid = ?", (tender_uid,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return int(row[0]) if row and row[0] is not None else 0


def restore_advice(db: Database, good: GoodBackup | None, *, otherwise: str = "") -> str:
    """The sentence that says what to do: restore the newest good backup, or (`otherwise`) what to
    do when none was found."""
    assert db.path is not None
    if good is None:
        return f"No good backup of it was found in {db.path.parent / 'backups'}. " + (
            otherwise
            or "Keep the file as it is (copy it somewhere safe) and ask your IT support to recover it; an "
            f"older copy of it, if you have one, can be restored with: svdesk backup restore COPY --db {db.path}"
        )
    held = ""
    if good.entries is not None:
        held = f", holding {good.entries:,} {'entry' if good.entries == 1 else 'entries'} of it"
    return (
        f"The newest good backup is {good.path} ({good.when}{held}); restore it with: "
        f"svdesk backup restore {good.path} --db {db.path}"
    )


def _wal_bytes(path: Path) -> int:
    try:
        return os.stat(f"{path}-wal").st_size
    except OSError:
        return 0


def refuse_empty_file(db: Database) -> None:
    """A zero-byte file (with no log beside it) where backups of it exist is a record that was lost,
    not a new database: refused, naming the newest good backup."""
    path = db.path
    if path is None:
        return
    try:
        if os.stat(path).st_size != 0 or _wal_bytes(path):
            return
    except OSError:
        return  # no file: a new database
    from svdesk.model import backups

    try:
        if not backups.list_backups(db):
            return  # an empty file and nothing it was: start a new database in it
    except (OSError, SvdeskError):
        return
    good = newest_good_backup(db)
    raise DamagedDatabaseError(
        f"{path} is empty (0 bytes); svdesk will not start a new database over it. " + restore_advice(db, good),
        path,
        good.path if good else None,
    )


def refuse_log_under_another_name(db: Database) -> None:
    """A file with other names (hard links) whose log under another name holds changes: SQLite keeps
    the write-ahead log by name, so opened under this name those changes would be lost."""
    path = db.path
    if path is None:
        return
    try:
        st = os.stat(path)
        if st.st_nlink < 2:
            return
        logs = [e for e in os.scandir(path.parent) if e.name.endswith("-wal") and e.name != f"{path.name}-wal"]
    except OSError:
        return
    for log in logs:
        other = path.parent / log.name[: -len("-wal")]
        try:
            same = os.path.samestat(os.stat(other), st) and log.stat().st_size > 0
        except OSError:
            continue
        if same:
            raise SvdeskError(
                f"{path} is the same file as {other} (a hard link: one file under two names), and the log beside "
                f"that name, {log.name}, holds changes the file does not hold yet. Open it as {other} (svdesk "
                f"brings them into the file there); opened as {path.name} they would be lost. Keep one name only."
            )


def damaged(db: Database, said: str, *, tender_uid: str | None = None) -> DamagedDatabaseError:
    """The error for a damaged file: what SQLite said, and the newest good backup."""
    assert db.path is not None
    good = newest_good_backup(db, tender_uid)
    kept = f" (the damaged file is kept beside it, as {db.path.name}.damaged-<time>)" if good else ""
    return DamagedDatabaseError(
        f"{db.path} is damaged ({said}). svdesk will not read or change it: results, reports and the record "
        "read from a damaged file cannot be trusted. " + restore_advice(db, good) + kept,
        db.path,
        good.path if good else None,
    )


def integrity_problem(conn: Any, pragma: str = "quick_check", limit: int = 3) -> str | None:
    """What SQLite's `quick_check` or `integrity_check` finds (its first `limit` lines), or None.
    `conn`: an sqlite3 connection (SQLAlchemy's raw connection, or one of our own)."""
    assert pragma in ("quick_check", "integrity_check")
    if conn is None:
        return None
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}({limit})").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == ["ok"]:
        return None
    lines = [line.strip() for r in rows for line in str(r).splitlines()]
    return "; ".join(line for line in lines if line and not line.startswith("***"))[:600] or "no answer"


def check_structure(db: Database) -> None:
    """On opening: `quick_check` unless the file is as svdesk last left it (size and time of the
    file and its log, kept in the record's anchor); a damaged file is refused."""
    from svdesk.model import record_anchor

    if db.path is None or not db.path.exists() or record_anchor.unchanged_since_written(db.path):
        return
    raw = db.engine.raw_connection()
    try:
        problem = integrity_problem(raw.driver_connection)
    finally:
        raw.close()
    if problem:
        raise damaged(db, f"SQLite's check of the file says: {problem}")
    if not db.read_only:
        record_anchor.note_file(db.path)  # checked as it is now: the next open needs no check


# --- SQLite's errors, said plainly ------------------------------------------------------------------

_CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_UNDECODABLE = re.compile(r"Could not decode to UTF-8 column '(?P<column>[^']*)'")


def _sqlite_error(exc: BaseException) -> sqlite3.Error | None:
    if isinstance(exc, DBAPIError) and isinstance(exc.orig, sqlite3.Error):
        return exc.orig
    return exc if isinstance(exc, sqlite3.Error) else None


def _free_space(folder: Path) -> str:
    try:
        free = float(shutil.disk_usage(folder).free)
    except OSError:
        return "no space"
    for unit in ("bytes", "KB", "MB", "GB"):
        if free < 1024 or unit == "GB":
            return f"{free:,.0f} {unit}" if unit == "bytes" else f"{free:,.1f} {unit}"
        free /= 1024
    return ""  # pragma: no cover - the loop always returns


def disk_full(db: Database) -> DiskFullError:
    assert db.path is not None
    folder = db.path.parent
    return DiskFullError(
        f"cannot save to {db.path}: the disk is full ({_free_space(folder)} free on the disk holding {folder}). "
        "Nothing was saved; what was saved before is intact. Free some space on that disk (or move the "
        "database to a disk with room and open it there), then do it again."
    )


def read_only(db: Database, why: str = "") -> DatabaseReadOnlyError:
    assert db.path is not None
    return DatabaseReadOnlyError(
        f"cannot save to {db.path}: {why or read_only_reason(db.path) or 'the file or its folder is read-only'}. "
        "Nothing was saved. To work on it, copy it to a folder you can write to and open the copy (or ask for "
        "write access); to look only, open it read-only.",
        db.path,
    )


def read_only_reason(path: Path) -> str:
    """Why svdesk cannot write the database at `path` ("" when it can): the file, or its folder,
    where SQLite keeps the write-ahead log beside it. `os.access` asks the system, so a read-only
    disk is found whoever asks (and file permissions, for anyone but an administrator)."""
    folder = path.parent
    try:
        if path.exists() and not os.access(path, os.W_OK):
            return f"the file is read-only ({_why_not_writable(path)})"
        if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
            return (
                f"its folder {folder} is read-only ({_why_not_writable(folder)}): svdesk keeps the database's log "
                f"({path.name}-wal) beside it"
            )
    except OSError:
        return ""
    return ""


def _why_not_writable(path: Path) -> str:
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "it is on a read-only disk"
    except (OSError, AttributeError):
        pass
    return "you may not write to it"


def undecodable(db: Database, column: str) -> DamagedDatabaseError:
    """A value that is not valid text: named by its table, row and column where it can be found."""
    assert db.path is not None
    where = _find_undecodable(db.path, column) or f"a value in column {column!r}"
    good = newest_good_backup(db)
    return DamagedDatabaseError(
        f"{db.path}: {where} is not valid text (not UTF-8): the file was changed outside svdesk, or is damaged. "
        "svdesk cannot read that value, and changed nothing. " + restore_advice(db, good),
        db.path,
        good.path if good else None,
    )


def _find_undecodable(path: Path, column: str) -> str | None:
    """'audit entry 7 of tender CWAC-1 (its "after", byte 0xff at offset 12)', or None."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if any(info[1] == column for info in conn.execute(f'PRAGMA table_info("{name}")'))
        ]
        conn.text_factory = bytes
        for table in tables:
            audit = table == "audit_entry"
            key = "seq, tender_uid" if audit else "rowid, rowid"
            for row_key, uid, value in conn.execute(f'SELECT {key}, "{column}" FROM "{table}"'):
                if not isinstance(value, bytes):
                    continue
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError as exc:
                    byte = f"byte 0x{value[exc.start]:02x} at offset {exc.start}"
                    if not audit:
                        return f"row {row_key} of table {table} (its {column!r}, {byte})"
                    conn.text_factory = str
                    named = conn.execute(
                        "SELECT reference FROM tender WHERE uid = ?", (uid.decode("utf-8", "replace"),)
                    ).fetchone()
                    tender = f"tender {named[0]}" if named else f"the chain {uid.decode('utf-8', 'replace')}"
                    return f"audit entry {row_key} of {tender} (its {column!r}, {byte})"
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None


def explain(exc: BaseException, db: Database) -> SvdeskError | None:
    """The plain message for a database error met while working on `db`, or None (not a file fault)."""
    if db.path is None:
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full(db)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return read_only(db)
        return None
    error = _sqlite_error(exc)
    if error is None:
        return None
    name = getattr(error, "sqlite_errorname", None) or ""
    undecodable_column = _UNDECODABLE.match(str(error))
    if undecodable_column:
        return undecodable(db, undecodable_column["column"])
    if name == "SQLITE_FULL":
        return disk_full(db)
    if name.startswith("SQLITE_READONLY"):
        return read_only(db)
    if name == "SQLITE_NOTADB":
        good = newest_good_backup(db)
        return DamagedDatabaseError(
            f"cannot open database {db.path}: it is not an SQLite database (SQLite says: {error}): another kind "
            "of file, or a database damaged beyond reading. "
            + restore_advice(db, good, otherwise="If you chose the wrong file, open your svdesk database instead."),
            db.path,
            good.path if good else None,
        )
    if name in _CORRUPT or "malformed" in str(error):
        return damaged(db, f"SQLite says: {error}")
    if name.startswith("SQLITE_CANTOPEN"):
        reason = read_only_reason(db.path)
        if reason:
            return read_only(db, reason)
        return SvdeskError(f"cannot open {db.path}: SQLite cannot open the file ({error}); check that it exists")
    if name.startswith("SQLITE_IOERR"):
        if name in ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE") and _disk_is_full(db.path):
            return disk_full(db)
        limit = _file_size_limit()
        if name == "SQLITE_IOERR_WRITE" and limit is not None:
            return DiskFullError(
                f"cannot save to {db.path}: files may not grow beyond {limit:,} bytes here (a limit set for this "
                "process, e.g. by `ulimit -f`). Nothing was saved; what was saved before is intact. Raise or lift "
                "the limit, then do it again."
            )
        return SvdeskError(
            f"cannot read or write {db.path}: the disk reported an error ({name}). Nothing was saved. If it is on "
            "a removable or network drive, check that it is connected, then do it again; if this keeps "
            "happening, the disk may be failing: copy the database and its backups elsewhere."
        )
    return None


def _file_size_limit() -> int | None:
    """The size files this process writes may not exceed (RLIMIT_FSIZE), or None: no limit."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def _disk_is_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def is_damaged(path: Path) -> bool:
    """Zero bytes (with no log), not an SQLite file, or failing SQLite's quick check."""
    try:
        if os.stat(path).st_size == 0 and not _wal_bytes(path):
            return True
    except OSError:
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return integrity_problem(conn) is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return True


def set_aside(path: Path) -> Path:
    """Move a damaged file (and its log) out of the way, kept beside it as `<name>.damaged-<time>`."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm", "-journal"):
        log = Path(f"{path}{suffix}")
        if log.exists():
            os.replace(log, Path(f"{aside}{suffix}"))
    return aside
