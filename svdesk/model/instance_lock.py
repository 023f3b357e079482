"""One svdesk instance writes to a database file at a time.

Two OS locks, both dropped by the operating system when the holder's process ends, however it
ends, so a lock left by a killed process never blocks the next start: only a live holder does.

- The name: an flock on `<database>.lock`, which holds who has it (user, host, process, since, the
  file's identity). It also serves a network folder, where each computer sees the same name.
- The file: a file has as many names as it has hard links, and SQLite keeps each name's
  write-ahead log under that name (`<name>-wal`), so two processes writing one file under two
  names lose each other's commits. The file itself is locked, by its identity (device, inode): on
  Linux an flock on the database file (flock and SQLite's own POSIX record locks do not interact
  there); elsewhere an flock on `.svdesk-<device>-<inode>.lock` in the file's folder.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

from svdesk.model.errors import DatabaseLockedError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False


# flock(2) on Linux is independent of the POSIX record locks SQLite takes on the same file.
LOCK_THE_FILE_ITSELF = sys.platform.startswith("linux")


class LockHolder(TypedDict, total=False):
    """Who holds the lock, as written in the lock file (read back, a key may be missing)."""

    pid: int
    user: str
    host: str
    since: str
    database: str  # the name it was opened under
    identity: list[int]  # (st_dev, st_ino) of the database file


def _who(database: Path, identity: tuple[int, int] | None) -> LockHolder:
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown user"
    holder: LockHolder = {
        "pid": os.getpid(),
        "user": user,
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": str(database),
    }
    if identity is not None:
        holder["identity"] = list(identity)
    return holder


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`: the same for every name of one file; None if absent."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _read_holder(path: Path) -> LockHolder | None:
    try:
        holder: LockHolder | None = json.loads(path.read_text(encoding="utf-8") or "null")
        return holder if isinstance(holder, dict) else None
    except (OSError, ValueError):
        return None


def _describe(h: LockHolder) -> str:
    return (
        f"{h.get('user', 'someone')} on {h.get('host', 'another computer')} "
        f"(process {h.get('pid', '?')}, since {h.get('since', '?')})"
    )


class InstanceLock:
    def __init__(self, database: Path) -> None:
        self.database = Path(database)
        self.path = Path(f"{database}.lock")
        self._fd: int | None = None
        self._file_fd: int | None = None  # the lock on the file's identity, once the file exists
        self.refused_by_file = False  # refused because the file is locked under another name
        self.other_name: Path | None = None  # then the name the holder opened it under, if found

    def holder(self) -> LockHolder | None:
        return _read_holder(self.path)

    def describe_holder(self) -> str:
        if self.refused_by_file:
            held = self._holder_by_identity()
            if held is None:
                return "another process on this computer, under another name (the same file: a hard link)"
            return f"{_describe(held)}, under another name: {held.get('database')} (the same file: a hard link)"
        return _describe(self.holder() or {})

    def _holder_by_identity(self) -> LockHolder | None:
        """The holder of this file under another name: a lock file in the folder naming the same file."""
        identity = file_identity(self.database)
        if identity is None:
            return None
        try:
            candidates = sorted(self.database.parent.glob("*.lock"))
        except OSError:
            return None
        for candidate in candidates:
            if candidate == self.path:
                continue
            held = _read_holder(candidate)
            if held and held.get("identity") == list(identity) and held.get("database"):
                return held
        return None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise DatabaseLockedError(f"{self.database} is open in svdesk by {self.describe_holder()}")
        self._fd = fd
        try:
            self._lock_identity()
        except DatabaseLockedError:
            self.release()
            raise
        self._write_holder()

    def _write_holder(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.write(self._fd, json.dumps(_who(self.database, file_identity(self.database))).encode("utf-8"))
            os.fsync(self._fd)
        except OSError:
            pass  # who holds it is a courtesy (a full disk cannot take it); the lock itself is held

    def lock_file(self) -> None:
        """Lock the database file by its identity, if it exists and is not locked by us already
        (a new database is locked once created: `open_locked` calls this again after opening).

        Raises DatabaseLockedError naming the holder when another process writes the same file
        under another name."""
        if self._file_fd is None and self._lock_identity():
            self._write_holder()  # now with the file's identity, for a process refused under another name

    def _lock_identity(self) -> bool:
        """True when the file's identity lock was taken now."""
        if self._file_fd is not None:
            return False
        identity = file_identity(self.database)
        if identity is None:
            return False
        target = (
            self.database
            if LOCK_THE_FILE_ITSELF
            else self.database.parent / f".svdesk-{identity[0]}-{identity[1]}.lock"
        )
        try:
            fd = os.open(target, os.O_RDONLY if LOCK_THE_FILE_ITSELF else os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return False  # cannot even read it: opening the database will say why
        if not _try_lock(fd):
            os.close(fd)
            self.refused_by_file = True
            held = self._holder_by_identity()
            self.other_name = Path(str(held["database"])) if held and held.get("database") else None
            raise DatabaseLockedError(f"{self.database} is open in svdesk by {self.describe_holder()}")
        self._file_fd = fd
        return True

    def release_file(self) -> None:
        """Let go of the file's own lock (the name's stays held): before a damaged file is set
        aside, so that `lock_file` then locks the new file made in its place."""
        if self._file_fd is not None:
            os.close(self._file_fd)
            self._file_fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._file_fd is not None:
            os.close(self._file_fd)
            self._file_fd = None
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
