"""Hostile database files: what a disk, a sync tool, a clean-up script or a person holding the file
can do to it. Each builder makes the demo database in `folder` (with a good backup, taken the way
svdesk takes them) and then does its harm; it returns the database's path.

`DATABASE_FAULTS` names the builders whose file every command must refuse, saying what happened.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from svdesk.model.backups import backup_now
from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database

DEMO_REFERENCE = "CWAC-2026-0142"


def demo_database(folder: Path, name: str = "svdesk.sqlite", *, backup: bool = True) -> Path:
    """The demo tender in `folder / name`, closed (its log folded into the file), with one backup."""
    path = folder / name
    db = open_svdesk_database(path)
    try:
        load_demo(db)
        if backup:
            backup_now(db, "manual")
    finally:
        db.dispose()
    return path


def _page_of(path: Path, index: str) -> tuple[int, int]:
    """(offset in the file, page size) of the root page of `index`."""
    conn = sqlite3.connect(path)
    try:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = ?", (index,)
        ).fetchone()
        (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    finally:
        conn.close()
    return (root - 1) * page_size, page_size


def damaged_index(folder: Path, index: str = "ix_score_cell") -> Path:
    """An index page overwritten (its b-tree header and first cells): `integrity_check` says malformed."""
    path = demo_database(folder)
    offset, _size = _page_of(path, index)
    with path.open("r+b") as f:
        f.seek(offset)
        f.write(b"\xff" * 64)
    return path


def index_out_of_step(folder: Path, index: str = "ix_score_cell") -> Path:
    """An index whose pages are sound but whose content no longer matches its table (its definition
    rewritten in the schema): `quick_check` passes, `integrity_check` finds rows missing from it."""
    path = demo_database(folder)
    conn = sqlite3.connect(path)
    try:
        (version,) = conn.execute("PRAGMA schema_version").fetchone()
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE name = ?",
            (f"CREATE INDEX {index} ON score (question_id, bidder_id, member_id, score)", index),
        )
        conn.execute(f"PRAGMA schema_version = {version + 1}")
        conn.execute("PRAGMA writable_schema = OFF")
        conn.commit()
    finally:
        conn.close()
    return path


def empty_with_backups(folder: Path) -> Path:
    """The database file cut to zero bytes (a sync tool, a failed copy); its backups are still there."""
    path = demo_database(folder)
    path.write_bytes(b"")
    return path


_WRITE_AND_DIE = textwrap.dedent(
    """
    import sys
    from sqlalchemy import event
    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services import setup as su
    from svdesk.model.services.tenders import get_tender

    db = open_svdesk_database(sys.argv[1])
    db.engine.dispose()  # new connections never copy the log into the file (no checkpoint)
    event.listen(db.engine, "connect", lambda conn, _r: conn.execute("PRAGMA wal_autocheckpoint=0"))
    with db.transaction() as s:
        su.add_bidder(s, get_tender(s, None), "Priya Shah", "Acknowledged Ltd", 1_234_000)
    print("committed", flush=True)  # acknowledged: the commit returned
    import time
    time.sleep(60)
    """
)


def commit_then_kill(path: Path) -> None:
    """One acknowledged change (a bidder added) by a process killed before its log is copied into
    the file: the change is only in `<path>-wal`."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITE_AND_DIE, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline().strip() if proc.stdout else ""
        if line != "committed":
            raise RuntimeError(f"the writer did not commit: {proc.stderr.read() if proc.stderr else ''}")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)


def lost_wal(folder: Path) -> Path:
    """An acknowledged change whose write-ahead log was deleted while no process had the database
    open (a clean-up script, a sync tool that copies only `*.sqlite`)."""
    path = demo_database(folder)
    commit_then_kill(path)
    assert os.path.getsize(f"{path}-wal") > 0
    for log in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        log.unlink()
    return path


def older_copy_in_place(folder: Path) -> Path:
    """The file replaced by an older copy of itself (a restore by hand, a sync conflict)."""
    path = demo_database(folder)
    older = folder / "older-copy.sqlite"
    conn, copy = sqlite3.connect(path), sqlite3.connect(older)
    try:
        conn.backup(copy)
    finally:
        conn.close()
        copy.close()
    db = open_svdesk_database(path)
    try:
        from svdesk.model.services import setup as su
        from svdesk.model.services.tenders import get_tender

        with db.transaction() as s:
            su.add_bidder(s, get_tender(s, None), "Priya Shah", "Later Ltd", 999_000)
    finally:
        db.dispose()
    os.replace(older, path)
    return path


def hard_linked(folder: Path) -> tuple[Path, Path]:
    """The demo database under two names (a hard link): one file."""
    path = demo_database(folder)
    other = folder / "same-file.sqlite"
    os.link(path, other)
    return path, other


def undecodable_after(folder: Path, seq: int = 1) -> Path:
    """A byte that is not UTF-8 (0xff) put into audit entry `seq`'s `after` by someone holding the file
    (the append-only trigger dropped first, as such a person can)."""
    path = demo_database(folder)
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        conn.execute(
            "UPDATE audit_entry SET after = CAST(substr(CAST(after AS BLOB), 1, 20) || X'FF' || "
            "substr(CAST(after AS BLOB), 21) AS TEXT) WHERE seq = ?",
            (seq,),
        )
        conn.commit()
    finally:
        conn.close()
    return path


@contextmanager
def small_disk(folder: Path, size: str = "3m") -> Iterator[Path | None]:
    """A tmpfs of `size` mounted at `folder` (root only): a disk that fills up. None when this
    machine does not let us mount one."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        yield None
        return
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave: int) -> Path:
    """Fill the disk holding `folder` so that about `leave` bytes stay free."""
    import shutil

    filler = folder / "filler.bin"
    free = shutil.disk_usage(folder).free
    with filler.open("wb") as f:
        f.write(b"\0" * max(0, free - leave))
    return filler


# The files every command opening them must refuse, naming the file and what to do.
DATABASE_FAULTS: dict[str, Callable[[Path], Path]] = {
    "damaged index page": damaged_index,
    "zero-byte file with backups": empty_with_backups,
    "write-ahead log deleted after an acknowledged commit": lost_wal,
    "file replaced by an older copy of itself": older_copy_in_place,
}
