"""A database another process is writing to: who holds it, and the error that says so.

SQLite has one writer at a time. A unit of work that writes takes the write lock up front (BEGIN
IMMEDIATE, waiting up to the busy timeout); when another process holds it longer, the unit of work
fails with "database is locked". What the user needs instead is who holds it: on Linux the kernel's
lock table (/proc/locks) names the process holding SQLite's write lock, and svdesk's own lock file
names the svdesk that has the database open. PostgreSQL's transient failures (a deadlock, a
serialisation failure) are recognised here too, by the SQLSTATE the server sends.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.exc import OperationalError

from svdesk.model.db import SQLITE_PRAGMAS
from svdesk.model.errors import DatabaseLockedError
from svdesk.model.instance_lock import InstanceLock

BUSY_TIMEOUT_S = float(dict(SQLITE_PRAGMAS)["busy_timeout"]) / 1000  # how long a write waits for the lock

# SQLite's lock bytes (os_unix.c / wal.c): the WAL write lock is the first lock slot of the -shm
# file; in rollback-journal mode the RESERVED lock is the byte after PENDING_BYTE in the file itself.
WAL_WRITE_LOCK_BYTE = 120
RESERVED_BYTE = 0x40000000 + 1

# The SQLSTATEs PostgreSQL documents as "retry the transaction": nothing of it was committed.
RETRYABLE_SQLSTATES = {"40001": "a serialisation failure", "40P01": "a deadlock"}


class DatabaseBusyError(DatabaseLockedError):
    """Another process held the database for writing longer than svdesk waits; nothing was done."""


def is_sqlite_busy(exc: BaseException) -> bool:
    """SQLite's SQLITE_BUSY ("database is locked"), wrapped by SQLAlchemy or not."""
    orig = exc.orig if isinstance(exc, OperationalError) else exc
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == sqlite3.SQLITE_BUSY)
    return "database is locked" in str(orig)


def retryable_sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a PostgreSQL error the server says is safe to retry (40001, 40P01), else None."""
    if not isinstance(exc, OperationalError):
        return None
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)  # psycopg 3 / psycopg2
    return code if code in RETRYABLE_SQLSTATES else None


def _proc_locks() -> list[tuple[int, int, int, int, int, int, str]]:
    """(pid, major, minor, inode, start, end, kind) of each POSIX lock in /proc/locks (Linux only)."""
    try:
        text = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if "->" in parts:  # a process waiting for a lock, not holding one
            continue
        try:
            if parts[1] != "POSIX":
                continue
            kind, pid, device, start, end = parts[3], int(parts[4]), parts[5], parts[6], parts[7]
            major, minor, inode = device.split(":")
            last = int(end) if end != "EOF" else 1 << 62
            out.append((pid, int(major, 16), int(minor, 16), int(inode), int(start), last, kind))
        except (IndexError, ValueError):
            continue
    return out


def _holding(path: Path, byte: int) -> list[int]:
    """The processes holding a write lock over `byte` of `path`."""
    try:
        st = path.stat()
    except OSError:
        return []
    key = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    return [
        pid
        for pid, major, minor, inode, start, end, kind in _proc_locks()
        if (major, minor, inode) == key and kind == "WRITE" and start <= byte <= end
    ]


def writer_pids(database: Path) -> list[int]:
    """The processes holding SQLite's write lock on `database` (WAL or rollback journal), as far as
    the operating system says (an empty list where it does not: not Linux, or another namespace)."""
    return _holding(Path(f"{database}-shm"), WAL_WRITE_LOCK_BYTE) or _holding(database, RESERVED_BYTE)


def _describe_pid(pid: int) -> str:
    proc = Path("/proc") / str(pid)
    try:
        command = " ".join((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").split())
    except OSError:
        command = ""
    user = ""
    try:
        import pwd

        user = pwd.getpwuid(proc.stat().st_uid).pw_name
    except (OSError, KeyError, ImportError):
        pass
    shown = command if len(command) <= 80 else command[:77] + "..."
    who = f"process {pid}" + (f" of {user}" if user else "")
    return f"{who} ({shown})" if shown else who


def describe_writer(database: Path) -> str:
    """Who holds the write lock on `database`, in words, as well as svdesk can tell."""
    pids = writer_pids(database)
    lock = InstanceLock(database)
    holder = lock.holder() or {}
    if pids:
        if pids[0] == os.getpid():
            return f"another connection of this svdesk (process {pids[0]})"
        if holder.get("pid") == pids[0]:
            return f"svdesk, open by {lock.describe_holder()}"
        return _describe_pid(pids[0])
    if holder.get("pid") not in (None, os.getpid()):
        return f"another program (svdesk is also open there by {lock.describe_holder()})"
    return "another program that has the file open"


def busy_error(database: Path | None, display_name: str, waited_s: float) -> DatabaseBusyError:
    """The error for a write that found the database held by someone else for longer than `waited_s`."""
    who = describe_writer(database) if database is not None else "another user"
    return DatabaseBusyError(
        f"the database is busy: {who} has been writing to {display_name} for more than {waited_s:g} s; "
        "nothing was done. Try again once it has finished (reading, e.g. svdesk status, works meanwhile)."
    )
