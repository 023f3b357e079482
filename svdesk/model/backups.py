"""Backups through SQLite's backup API (a file copy of a live WAL database can lose rows).

Taken automatically before a migration, an import, a load that replaces a tender and a sign-off,
and on demand.

A backup counts only once it is complete and checked. `db.sqlite_backup` writes it under a
temporary name (`<final>.part`, beside a lock file while it is made), checks it (integrity, the
schema, and here that every audit row decodes), fsyncs it and only then renames it to its final
name, removing everything on a failure (a full disk, a read-only folder, a failed check). So a
final name is a good backup; `list_backups` lists only those that also pass a cheap look (not
empty, an SQLite header), which leaves out what an older svdesk left behind on a full disk.

The rotation (`prune`, after each good backup): first the failures go, i.e. a killed backup's
leftovers and final-named files that fail the cheap look; then, of the good backups, the newest
`KEEP` are kept (never fewer than one: the newest good backup is never deleted). Failures never
count towards `KEEP`, and nothing is pruned when a backup fails, so failed attempts cannot push the
good backups out.

A restore verifies the record it brings in (every audit row decodes, every tender verifies) on a
working copy before anything is replaced.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from svdesk.model.db import Database, known_revisions, migrate, sqlite_backup
from svdesk.model.errors import SvdeskError
from svdesk.model.instance_lock import _try_lock
from svdesk.model.services.locked_record import require_restorable

KEEP = 30
_SQLITE_HEADER = b"SQLite format 3\x00"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_PART = ".part"  # sqlite_backup's temporary: <final>.part (and its -journal), locked by <final>.part.lock
_AUDIT_TEXT = ("tender_uid", "at", "actor", "action", "entity", "before", "after", "reason", "prev_hash", "hash")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    label: str
    created: datetime
    size: int


def backup_dir(db: Database) -> Path:
    if db.path is None:
        raise SvdeskError("backups are for SQLite database files; use the server's own backups for PostgreSQL")
    return db.path.parent / "backups"


def _named(db: Database, path: Path) -> tuple[str, datetime] | None:
    """(label, created) of a file named as a backup of `db`, else None."""
    assert db.path is not None
    parts = path.name[len(db.path.stem) + 1 : -len(".sqlite")].rsplit(".", 1)
    if len(parts) != 2:
        return None
    try:
        return parts[0], datetime.strptime(parts[1], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _looks_sound(path: Path) -> bool:
    """The cheap look: not empty, and an SQLite file (a zero-byte failure of an older svdesk is not)."""
    try:
        with path.open("rb") as f:
            return f.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def _final_names(db: Database) -> list[tuple[Path, str, datetime]]:
    if db.path is None:
        return []
    folder = backup_dir(db)
    try:
        found = list(folder.glob(f"{db.path.stem}.*.sqlite"))
    except OSError:
        return []
    return [(p, *named) for p in found if (named := _named(db, p)) is not None]


def list_backups(db: Database) -> list[BackupInfo]:
    """The good backups, newest first (a killed backup's temporary and a failure are never listed)."""
    out = []
    for path, label, created in _final_names(db):
        if not _looks_sound(path):
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        out.append(BackupInfo(path, label, created, size))
    return sorted(out, key=lambda b: b.created, reverse=True)


def _remove_leftovers(db: Database) -> list[Path]:
    """The temporaries of backups that were killed (their lock is free) and final-named failures.

    A temporary whose lock is held is a backup being made (the helper process, another svdesk):
    left alone. Nothing here can be removed from a folder that cannot be written: then none is."""
    if db.path is None:
        return []
    folder = backup_dir(db)
    removed: list[Path] = []
    try:
        temporaries = {
            Path(str(p)[: str(p).rindex(_PART) + len(_PART)]) for p in folder.glob(f"{db.path.stem}.*.sqlite{_PART}*")
        }
    except OSError:
        return []
    for part in sorted(temporaries):
        lock = Path(f"{part}.lock")
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            continue
        try:
            if not _try_lock(fd):
                continue  # being made right now
            for leftover in (part, Path(f"{part}-journal"), Path(f"{part}-wal"), Path(f"{part}-shm")):
                if leftover.exists():
                    leftover.unlink(missing_ok=True)
                    removed.append(leftover)
        except OSError:
            continue
        finally:
            os.close(fd)
        with suppress(OSError):
            lock.unlink(missing_ok=True)
    for path, _label, _created in _final_names(db):
        if not _looks_sound(path):
            with suppress(OSError):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def prune(db: Database, keep: int = KEEP) -> list[Path]:
    """The rotation: failures first, then the good backups beyond the newest `keep` (at least 1)."""
    removed = _remove_leftovers(db)
    for old in list_backups(db)[max(keep, 1) :]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def backup_now(db: Database, label: str = "manual", keep: int = KEEP, *, check_record: bool = True) -> Path:
    """A checked backup under its final name, then the rotation; an SvdeskError (nothing kept) if it fails.

    `check_record=False` keeps a copy whose audit log does not decode (the safety copy a restore
    takes of a database that may be the damaged one): it is still integrity- and schema-checked."""
    folder = backup_dir(db)
    assert db.path is not None
    _remove_leftovers(db)  # a killed backup's leftover may hold the very space this one needs

    def check(part: Path) -> None:
        problem = _problem(part, record=check_record)
        if problem:
            raise SvdeskError(f"{db.display_name} was not backed up: the copy {problem}; nothing was kept")

    stamp = datetime.now(UTC).strftime(_STAMP)
    path = sqlite_backup(db.engine, folder / f"{db.path.stem}.{label}.{stamp}.sqlite", check=check)
    prune(db, keep)
    return path


def backup_in_own_connection(url: str, label: str = "manual") -> Path:
    """`backup_now` over a read-only connection of its own (the desktop app's helper process runs it:
    copying and checking a framework's database takes a fifth of a second)."""
    from svdesk.model.db import database_of_its_own

    with database_of_its_own(url, read_only=True, reason="backing up") as db:
        return backup_now(db, label)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _audit_problem(conn: sqlite3.Connection) -> str | None:
    """The first audit row that does not decode (text that is not UTF-8, a before/after that is not
    JSON), named by its tender and entry; None when every row decodes."""
    columns = ", ".join(_AUDIT_TEXT)
    try:
        cursor = conn.execute(
            f"SELECT seq, tender_uid, json_valid(before), json_valid(after), {columns} FROM audit_entry ORDER BY id"
        )
        for seq, uid, before_ok, after_ok, *_text in cursor:
            for name, ok in (("before", before_ok), ("after", after_ok)):
                if not ok:
                    return f"audit entry {seq} of {_tender_named(conn, uid)}: its {name!r} is not JSON"
        return None
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
    conn.text_factory = bytes  # find the row, and the byte, that does not decode
    try:
        for row in conn.execute(f"SELECT seq, {columns} FROM audit_entry ORDER BY id"):
            for name, value in zip(_AUDIT_TEXT, row[1:], strict=True):
                if not isinstance(value, bytes):
                    continue
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError as exc:
                    uid = row[1].decode("utf-8", "replace")
                    conn.text_factory = str
                    return (
                        f"audit entry {row[0]} of {_tender_named(conn, uid)}: its {name!r} does not decode as "
                        f"UTF-8 (byte 0x{value[exc.start]:02x} at offset {exc.start})"
                    )
    finally:
        conn.text_factory = str
    return "the audit log does not decode as UTF-8"


def _tender_named(conn: sqlite3.Connection, uid: str) -> str:
    try:
        row = conn.execute("SELECT reference FROM tender WHERE uid = ?", (uid,)).fetchone()
    except sqlite3.Error:
        row = None
    return f"tender {row[0]}" if row else f"the chain {uid}"


def _problem(path: Path, *, record: bool = True) -> str | None:
    """What makes `path` no restorable svdesk backup (None: nothing): unreadable, damaged, not
    svdesk's, made by a newer svdesk, or (`record`) an audit row that does not decode."""
    try:
        conn = _read_only(path)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            if not result or result[0] != "ok":
                return f"is damaged (integrity check: {result[0] if result else 'no answer'})"
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
            if not version:
                return "is not an svdesk database (no schema version)"
            if version[0] not in known_revisions():
                return f"was made by a newer svdesk (schema {version[0]})"
            if record:
                problem = _audit_problem(conn)
                if problem:
                    return f"holds an audit log that does not decode: {problem}"
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"is not a usable svdesk backup ({exc})"
    return None


def check_backup(path: Path) -> None:
    """A restorable backup: a readable SQLite file, intact, made by this or an older svdesk, whose
    every audit row decodes. Raises SvdeskError naming the file and the first problem."""
    from svdesk.model.input_files import BACKUP, check_input_file

    check_input_file(Path(path), BACKUP)  # SQLite would block on a FIFO, or read /dev/zero
    problem = _problem(Path(path))
    if problem:
        raise SvdeskError(f"{path} {problem}")


def _verify_record(backup: Path, copy: Path) -> None:
    """Every tender in `copy` (a working copy of `backup`, brought to this schema) verifies."""
    from sqlalchemy import select

    from svdesk.model.db import open_database
    from svdesk.model.entities import Tender
    from svdesk.model.services.verify import verify_tender

    opened = open_database(copy)
    try:
        with opened.reader() as session:
            for tender in session.scalars(select(Tender).order_by(Tender.id)):
                reference = tender.reference
                try:
                    report = verify_tender(session, tender)
                except Exception as exc:  # a record that cannot even be read is a refusal, named
                    raise SvdeskError(
                        f"{backup}: the record of tender {reference} cannot be read ({type(exc).__name__}: {exc})"
                    ) from exc
                if not report.ok:
                    raise SvdeskError(f"{backup}: tender {reference} does not verify: {report.problems[0]}")
    finally:
        opened.dispose()


def restore(db: Database, backup: Path) -> Path:
    """Replace the database's content with a backup; the current content is backed up first.

    The backup is checked (intact, svdesk's, every audit row decodes) and its record verified
    (every tender, on a working copy brought to this schema) before anything is replaced. Refused
    (nothing changed) when it fails, naming the backup and the first problem; and when the database
    holds a tender with signatures in force that the backup would change or lose: that tender is
    reopened with a reason first."""
    if db.read_only:
        raise SvdeskError(f"{db.display_name} is open read-only and cannot be restored")
    backup = Path(backup)
    check_backup(backup)
    with tempfile.TemporaryDirectory(prefix="svdesk-restore-") as work:
        copy = Path(work) / "restore.sqlite"
        try:
            source = _read_only(backup)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        except (OSError, sqlite3.Error) as exc:
            raise SvdeskError(f"{backup}: no room to check it in {work} ({exc}); nothing was changed") from exc
        _verify_record(backup, copy)  # migrates the copy (an older svdesk's backup), then verifies it
        require_restorable(db, backup)
        # the safety copy keeps what is there even if it is what is damaged
        try:
            safety = backup_now(db, "pre-restore", check_record=False)
        except SvdeskError as exc:
            raise SvdeskError(f"{backup} was not restored: {exc}; nothing was changed") from exc
        db.engine.dispose()  # no pooled connection may keep reading the old pages
        source = _read_only(copy)
        raw = db.engine.raw_connection()
        try:
            source.backup(raw.driver_connection)  # type: ignore[arg-type]
        except sqlite3.Error as exc:  # one transaction on the live file: a failure leaves it as it was
            raise SvdeskError(
                f"{db.display_name} was not restored from {backup}: {exc}; nothing was changed "
                f"(the previous content is also in {safety})"
            ) from exc
        finally:
            raw.close()
            source.close()
    db.engine.dispose()
    migrate(db)  # the verified copy is at this schema already: nothing to do unless it changed
    from svdesk.model import record_anchor

    record_anchor.rebase(db)  # the record is now the backup's: anchored as it was brought back
    return safety
