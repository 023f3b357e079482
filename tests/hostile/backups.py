"""Hostile backups and hostile disks: what a backup can meet, and what a restore can be handed.

`HOSTILE_BACKUPS` builds, from a good backup, a copy edited with sqlite3 (or a file that is no
backup at all); a restore must refuse each one naming the file and the first problem. `FullDisk`
and `read_only` give a backup folder that cannot take a backup: a small tmpfs filled up, and a
read-only bind mount, where the tests run as root and may mount (else RLIMIT_FSIZE in the process
that backs up, and chmod, which a non-root user cannot bypass). `killed_backup` SIGKILLs a process
while it writes a backup and returns what it left.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


# --- hostile backups ------------------------------------------------------------------------------


@contextlib.contextmanager
def _editable_audit(path: Path) -> Iterator[sqlite3.Connection]:
    """The copy's audit log opened for editing: the append-only triggers dropped, then put back."""
    conn = sqlite3.connect(path)
    triggers = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'")
    kept = [sql for (sql,) in triggers]
    for name in [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]:
        conn.execute(f'DROP TRIGGER "{name}"')
    try:
        yield conn
        for sql in kept:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _copy(good: Path, folder: Path, name: str) -> Path:
    path = folder / name
    shutil.copyfile(good, path)
    return path


def _raw_bytes(conn: sqlite3.Connection, column: str, seq: int) -> bytes:
    (value,) = conn.execute(f"SELECT CAST({column} AS BLOB) FROM audit_entry WHERE seq = ?", (seq,)).fetchone()
    return bytes(value)


def undecodable_after(good: Path, folder: Path) -> Path:
    """An 0xff byte (never valid UTF-8) in the middle of the last audit entry's `after`."""
    path = _copy(good, folder, "undecodable_after.sqlite")
    with _editable_audit(path) as conn:
        (seq,) = conn.execute("SELECT max(seq) FROM audit_entry").fetchone()
        value = _raw_bytes(conn, "after", seq)
        broken = value[:10] + b"\xff" + value[10:]
        conn.execute("UPDATE audit_entry SET after = CAST(? AS TEXT) WHERE seq = ?", (broken, seq))
    return path


def undecodable_actor(good: Path, folder: Path) -> Path:
    """A truncated two-byte sequence (0xc3 then ASCII) in the first entry's actor."""
    path = _copy(good, folder, "undecodable_actor.sqlite")
    with _editable_audit(path) as conn:
        conn.execute("UPDATE audit_entry SET actor = CAST(? AS TEXT) WHERE seq = 1", (b"Priya \xc3Shah",))
    return path


def after_not_json(good: Path, folder: Path) -> Path:
    """Valid UTF-8 that is no JSON: the last entry's `after` cut short."""
    path = _copy(good, folder, "after_not_json.sqlite")
    with _editable_audit(path) as conn:
        (seq,) = conn.execute("SELECT max(seq) FROM audit_entry").fetchone()
        conn.execute("UPDATE audit_entry SET after = substr(after, 1, 12) WHERE seq = ?", (seq,))
    return path


def score_changed_behind_the_log(good: Path, folder: Path) -> Path:
    """Every row decodes, but a score differs from what the audit log recorded: the record does not verify."""
    path = _copy(good, folder, "score_changed.sqlite")
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE score SET score = CASE WHEN score >= 3 THEN 0 ELSE 5 END WHERE id = (SELECT min(id) FROM score)"
    )
    conn.commit()
    conn.close()
    return path


def entry_deleted(good: Path, folder: Path) -> Path:
    """The chain cut: an entry in the middle of the log deleted."""
    path = _copy(good, folder, "entry_deleted.sqlite")
    with _editable_audit(path) as conn:
        (count,) = conn.execute("SELECT count(*) FROM audit_entry").fetchone()
        conn.execute("DELETE FROM audit_entry WHERE seq = ?", (max(2, count // 2),))
    return path


def zero_bytes(good: Path, folder: Path) -> Path:
    """What an older svdesk left under a backup's name on a full disk."""
    path = folder / "zero_bytes.sqlite"
    path.write_bytes(b"")
    return path


def truncated(good: Path, folder: Path) -> Path:
    path = folder / "truncated.sqlite"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def not_sqlite(good: Path, folder: Path) -> Path:
    path = folder / "not_sqlite.sqlite"
    path.write_text("this is a spreadsheet export, not a database\n", encoding="utf-8")
    return path


# name -> (builder, a phrase the refusal must contain)
HOSTILE_BACKUPS: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "undecodable byte in an entry's after": (undecodable_after, "does not decode as UTF-8 (byte 0xff"),
    "undecodable byte in an entry's actor": (undecodable_actor, "'actor' does not decode as UTF-8"),
    "an entry's after is not JSON": (after_not_json, "is not JSON"),
    "a score changed behind the log": (score_changed_behind_the_log, "does not verify"),
    "an entry deleted from the chain": (entry_deleted, "does not verify"),
    "zero bytes": (zero_bytes, "not an svdesk database"),
    "truncated": (truncated, ""),
    "not SQLite": (not_sqlite, "not a usable svdesk backup"),
}


def legacy_failures(folder: Path, stem: str, count: int) -> list[Path]:
    """`count` zero-byte files under backup names newer than any good one: what an older svdesk
    left after as many backups failed on a full disk (and listed as backups)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        path = folder / f"{stem}.pre-signoff.29991231T2359{i:02d}000000Z.sqlite"
        path.write_bytes(b"")
        out.append(path)
    return out


# --- hostile disks --------------------------------------------------------------------------------


@cache
def can_mount() -> bool:
    """Root, allowed to mount a tmpfs here (a container may refuse; SVDESK_TESTS_NO_MOUNT=1 says no,
    to run the fallbacks)."""
    if os.environ.get("SVDESK_TESTS_NO_MOUNT") or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = Path(f"/tmp/svdesk-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)], capture_output=True)
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True, capture_output=True)
        return True
    finally:
        probe.rmdir()


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


_ATTEMPTS = """
import contextlib, io, json, resource, signal, sys
limit, count, args = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
from svdesk.cli import main
if limit:  # a write beyond `limit` bytes fails (EFBIG) instead of killing the process (SIGXFSZ)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
out = []
for _ in range(count):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    out.append([code, err.getvalue()])
print(json.dumps(out))
"""


class FullDisk:
    """A backup folder (`folder`) whose disk can be filled up.

    As root where mounting is allowed, a real 16 MB tmpfs mounted on the folder, filled by a
    ballast file until the filesystem says ENOSPC (`how` = "tmpfs"). Otherwise the disk is not
    really full: the process making the backups runs with RLIMIT_FSIZE at 64 KB, so that every
    write that grows a file beyond it fails (`how` = "RLIMIT_FSIZE")."""

    def __init__(self, folder: Path, size: str = "16m") -> None:
        self.folder = folder
        self.how = "tmpfs" if can_mount() else "RLIMIT_FSIZE"
        self.full = False
        folder.mkdir(parents=True, exist_ok=True)
        if self.how == "tmpfs":
            _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))

    def fill(self) -> None:
        self.full = True
        if self.how != "tmpfs":
            return
        fd = os.open(self.folder / "ballast", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9):  # smaller and smaller, to the last byte
                with contextlib.suppress(OSError):  # ENOSPC: full at this size, which is the point
                    while os.write(fd, b"\0" * chunk):
                        pass
        finally:
            os.close(fd)

    def free(self) -> None:
        self.full = False
        (self.folder / "ballast").unlink(missing_ok=True)

    def ours(self) -> list[str]:
        """What is in the folder apart from the ballast."""
        return sorted(p.name for p in self.folder.iterdir() if not p.name.startswith("ballast"))

    def attempt(self, args: list[str], count: int) -> list[tuple[int, str]]:
        """`svdesk ARGS` run `count` times in one process (on the full disk): (exit status, stderr) each."""
        limit = 65536 if self.full and self.how != "tmpfs" else 0
        done = subprocess.run(
            [sys.executable, "-c", _ATTEMPTS, str(limit), str(count), json.dumps(args)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return [(code, err) for code, err in json.loads(done.stdout)]

    def close(self) -> None:
        if self.how == "tmpfs":
            _umount(self.folder)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """`folder` read-only: a read-only bind mount of itself as root (root ignores permission bits),
    else chmod 0555. Yields how. Skips the test when neither holds."""
    import pytest

    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield "chmod 0555"
        finally:
            folder.chmod(0o755)
        return
    if not can_mount():
        pytest.skip("running as root without permission to mount: no way to make a folder read-only for root")
    _mount("--bind", str(folder), str(folder))
    try:
        _mount("-o", "remount,ro,bind", str(folder))
        yield "read-only bind mount"
    finally:
        _umount(folder)


_BACKING_UP = """
import sys
from pathlib import Path
from svdesk.model.backups import backup_now
from svdesk.model.db import open_database
db = open_database(Path(sys.argv[1]))
print("ready", flush=True)
while True:
    backup_now(db, "killed")
"""


def killed_backup(db_path: Path, tries: int = 50) -> list[Path]:
    """SIGKILL a process while it writes a backup of `db_path` (its temporary is on disk and not
    empty); returns what the kill left in the backup folder under a temporary's name."""
    folder = db_path.parent / "backups"
    for _ in range(tries):
        proc = subprocess.Popen(
            [sys.executable, "-c", _BACKING_UP, str(db_path)], stdout=subprocess.PIPE, text=True, cwd=REPO
        )
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError):
                    if any(p.name.endswith(".part") and p.stat().st_size > 0 for p in folder.iterdir()):
                        break
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            if proc.stdout is not None:
                proc.stdout.close()
        left = sorted(p for p in folder.iterdir() if ".part" in p.name)
        if any(p.name.endswith(".part") for p in left):
            return left
    raise AssertionError(f"no kill in {tries} tries landed while a backup was being written")
