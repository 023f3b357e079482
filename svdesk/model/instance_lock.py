"""One svdesk instance writes to a database file at a time.

An OS file lock (flock) on `<database>.lock`, holding who has it. The operating system drops the
lock when the holder's process ends, however it ends, so a lock left by a killed process never
blocks the next start: only a live holder does.
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


class LockHolder(TypedDict, total=False):
    """Who holds the lock, as written in the lock file (read back, a key may be missing)."""

    pid: int
    user: str
    host: str
    since: str


def _who() -> LockHolder:
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown user"
    return {
        "pid": os.getpid(),
        "user": user,
        "host": socket.gethostname(),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


class InstanceLock:
    def __init__(self, database: Path) -> None:
        self.path = Path(f"{database}.lock")
        self._fd: int | None = None

    def holder(self) -> LockHolder | None:
        try:
            holder: LockHolder | None = json.loads(self.path.read_text(encoding="utf-8") or "null")
            return holder
        except (OSError, ValueError):
            return None

    def describe_holder(self) -> str:
        h = self.holder() or {}
        return (
            f"{h.get('user', 'someone')} on {h.get('host', 'another computer')} "
            f"(process {h.get('pid', '?')}, since {h.get('since', '?')})"
        )

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise DatabaseLockedError(f"{self.path.with_suffix('')} is open in svdesk by {self.describe_holder()}")
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(_who()).encode("utf-8"))
        os.fsync(fd)
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
