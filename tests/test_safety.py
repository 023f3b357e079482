"""Backups, restore, the one-instance lock, read-only opening and atomic export writes."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from svdesk.cli import main
from svdesk.export.files import write_atomically
from svdesk.model.backups import backup_now, check_backup, list_backups, restore
from svdesk.model.demo import load_demo
from svdesk.model.errors import DatabaseLockedError, SvdeskError, WorkflowError
from svdesk.model.instance_lock import InstanceLock
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.results import results_document
from svdesk.model.services.tenders import get_tender


@pytest.fixture
def demo_db(tmp_path):
    db = open_svdesk_database(tmp_path / "live.sqlite")
    load_demo(db)
    yield db
    db.dispose()


def test_backups_are_integrity_checked_and_bounded(demo_db, tmp_path):
    paths = [backup_now(demo_db, "manual", keep=3) for _ in range(5)]
    kept = list_backups(demo_db)
    assert len(kept) == 3 and [b.path for b in kept] == paths[::-1][:3]
    for b in kept:
        check_backup(b.path)
        conn = sqlite3.connect(b.path)
        assert conn.execute("SELECT count(*) FROM score").fetchone() == (55,)
        conn.close()


def test_backup_holds_committed_rows_still_in_the_wal(demo_db):
    # rows committed but not yet checkpointed into the main file live only in the -wal file
    raw = sqlite3.connect(demo_db.path)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    raw.close()
    assert os.path.getsize(f"{demo_db.path}-wal") > 0
    path = backup_now(demo_db)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM moderated_score").fetchone() == (20,)
    conn.close()


def test_restore_brings_back_the_content_and_keeps_a_safety_copy(demo_db, tmp_path):
    good = backup_now(demo_db)
    raw = sqlite3.connect(demo_db.path)
    raw.execute("DELETE FROM moderated_score")
    raw.commit()
    raw.close()
    with demo_db.reader() as s:
        assert results_document(s, get_tender(s))["final"] is False
    safety = restore(demo_db, good)
    with demo_db.reader() as s:
        assert results_document(s, get_tender(s))["final"] is True
    conn = sqlite3.connect(safety)
    assert conn.execute("SELECT count(*) FROM moderated_score").fetchone() == (0,)
    conn.close()


def test_a_damaged_backup_is_refused(demo_db, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(SvdeskError):
        restore(demo_db, bad)
    with demo_db.reader() as s:
        assert results_document(s, get_tender(s))["final"] is True


def test_second_instance_is_told_who_holds_the_database(tmp_path):
    db_path = tmp_path / "shared.sqlite"
    first = InstanceLock(db_path)
    first.acquire()
    try:
        with pytest.raises(DatabaseLockedError) as info:
            InstanceLock(db_path).acquire()
        assert "is open in svdesk by" in str(info.value) and f"process {os.getpid()}" in str(info.value)
    finally:
        first.release()
    InstanceLock(db_path).acquire()  # free again


def test_lock_of_a_killed_process_does_not_block(tmp_path):
    db_path = tmp_path / "killed.sqlite"
    code = (
        "import sys, time; from pathlib import Path; from svdesk.model.instance_lock import InstanceLock; "
        f"InstanceLock(Path({str(db_path)!r})).acquire(); print('locked', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    with pytest.raises(DatabaseLockedError):
        InstanceLock(db_path).acquire()
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    lock = InstanceLock(db_path)
    lock.acquire()  # the lock file is still there, but nobody holds it
    assert lock.held and (tmp_path / "killed.sqlite.lock").exists()
    lock.release()


def test_cli_write_refused_while_another_instance_holds_the_database(tmp_path, capsys):
    db_path = tmp_path / "busy.sqlite"
    lock = InstanceLock(db_path)
    lock.acquire()
    try:
        code = main(["backup", "--db", str(db_path)])
        err = capsys.readouterr().err
        assert code == 2 and "is open in svdesk by" in err
        assert main(["catalogue", "--db", str(db_path), "--json"]) == 0  # reading is fine
    finally:
        lock.release()


def test_read_only_database_refuses_every_write(demo_db):
    ro = open_svdesk_database(demo_db.path, read_only=True, read_only_reason="Priya has it open")
    try:
        with ro.reader() as s:
            assert results_document(s, get_tender(s))["final"] is True
        with pytest.raises(WorkflowError, match="open read-only: Priya has it open"), ro.transaction():
            pass
        with ro.engine.connect() as conn, pytest.raises(Exception, match="readonly|read-only|query_only"):
            conn.exec_driver_sql("DELETE FROM score")
    finally:
        ro.dispose()


def test_atomic_write_never_leaves_half_a_file(tmp_path):
    target = tmp_path / "report.pdf"
    write_atomically(target, b"old complete report")
    code = (
        "import sys, os, time\n"
        "from pathlib import Path\n"
        "import svdesk.export.files as f\n"
        "real = os.fsync\n"
        "def slow(fd):\n"
        "    print('writing', flush=True); time.sleep(60)\n"
        "f.os.fsync = slow\n"
        f"f.write_atomically(Path({str(target)!r}), b'x' * 5_000_000)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)  # killed mid-write, after the data, before the rename
    proc.wait(10)
    time.sleep(0.1)
    assert target.read_bytes() == b"old complete report"
    assert [p.name for p in tmp_path.iterdir() if p.name == "report.pdf"] == ["report.pdf"]
