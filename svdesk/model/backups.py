"""Backups through SQLite's backup API (a file copy of a live WAL database can lose rows).

Taken automatically before a migration, an import, a load that replaces a tender and a sign-off,
and on demand. Each copy is integrity-checked; only the newest `KEEP` are kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from svdesk.model.db import Database, known_revisions, migrate
from svdesk.model.errors import SvdeskError
from svdesk.model.services.locked_record import require_restorable

KEEP = 30


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


def list_backups(db: Database) -> list[BackupInfo]:
    if db.path is None:
        return []
    out = []
    for p in backup_dir(db).glob(f"{db.path.stem}.*.sqlite"):
        parts = p.name[len(db.path.stem) + 1 : -len(".sqlite")].rsplit(".", 1)
        if len(parts) != 2:
            continue
        try:
            created = datetime.strptime(parts[1], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        out.append(BackupInfo(p, parts[0], created, p.stat().st_size))
    return sorted(out, key=lambda b: b.created, reverse=True)


def prune(db: Database, keep: int = KEEP) -> list[Path]:
    removed = []
    for old in list_backups(db)[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def backup_now(db: Database, label: str = "manual", keep: int = KEEP) -> Path:
    path = db.backup(label, backup_dir(db))
    assert path is not None
    prune(db, keep)
    return path


def backup_in_own_connection(url: str, label: str = "manual") -> Path:
    """`backup_now` over a read-only connection of its own (the desktop app's helper process runs it:
    copying and checking a framework's database takes a fifth of a second)."""
    from svdesk.model.db import database_of_its_own

    with database_of_its_own(url, read_only=True, reason="backing up") as db:
        return backup_now(db, label)


def check_backup(path: Path) -> None:
    """A restorable backup: a readable SQLite file, intact, made by this or an older svdesk."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise SvdeskError(f"{path}: not a usable svdesk backup ({exc})") from exc
    if not result or result[0] != "ok":
        raise SvdeskError(f"{path}: the backup is damaged (integrity check: {result})")
    if not version:
        raise SvdeskError(f"{path}: not an svdesk database")
    if version[0] not in known_revisions():
        raise SvdeskError(f"{path}: made by a newer svdesk (schema {version[0]})")


def restore(db: Database, backup: Path) -> Path:
    """Replace the database's content with a backup; the current content is backed up first.

    Refused (nothing changed) when the database holds a tender with signatures in force that the
    backup would change or lose: that tender is reopened with a reason first."""
    if db.read_only:
        raise SvdeskError(f"{db.display_name} is open read-only and cannot be restored")
    check_backup(backup)
    require_restorable(db, backup)
    safety = backup_now(db, "pre-restore")
    db.engine.dispose()  # no pooled connection may keep reading the old pages
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    raw = db.engine.raw_connection()
    try:
        source.backup(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()
        source.close()
    db.engine.dispose()
    migrate(db)  # a backup from an older svdesk is brought up to date (after its own safety copy)
    return safety
