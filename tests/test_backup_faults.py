"""Backups on a full disk, into a read-only folder, killed mid-write; the rotation after failures;
restoring hostile backups (issue 14: backups and restore).

The full disk is a real 16 MB tmpfs filled to the last byte when the tests run as root and may
mount (else RLIMIT_FSIZE in the process that backs up); the read-only folder is a read-only bind
mount (root ignores chmod), else chmod 0555 for a non-root user. `FullDisk.how` says which ran.
"""

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from svdesk.cli import main
from svdesk.model.backups import KEEP, backup_now, check_backup, list_backups, prune, restore
from svdesk.model.demo import load_demo
from svdesk.model.errors import SvdeskError
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.tenders import get_tender, set_moderated
from svdesk.model.services.verify import verify_tender
from tests.hostile.backups import HOSTILE_BACKUPS, FullDisk, killed_backup, legacy_failures, read_only

REF = "CWAC-2026-0142"


@pytest.fixture
def live(tmp_path):
    """The demo with a few audited edits on top (a log of several entries), closed."""
    path = tmp_path / "live.sqlite"
    db = open_svdesk_database(path)
    load_demo(db)
    for score, why in ((3, "The rural workforce plan (1.3) is not yet funded."), (4, "Funding confirmed in 1.3.")):
        with db.transaction() as s:
            set_moderated(s, get_tender(s, REF), "Alan Whitfield", "Weaver Valley Care Ltd", "Q1", score, why)
    db.dispose()
    return path


@pytest.fixture
def disk(tmp_path):
    full = FullDisk(tmp_path / "backups", size="32m")
    yield full
    full.close()


def content(path):
    """Everything the database holds, as SQL text (to show that nothing changed)."""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def test_a_backup_on_a_full_disk_is_a_clear_message_and_leaves_nothing(live, disk, capsys):
    disk.fill()
    [(code, err)] = disk.attempt(["backup", "--db", str(live)], 1)
    assert code == 2, err
    assert err.startswith("svdesk: cannot back up ") and "no backup was made" in err and "internal error" not in err
    if disk.how == "tmpfs":
        assert "the disk is full" in err
    assert disk.ours() == []  # no zero-byte file, no temporary, no lock file
    print(f"\n[{disk.how}] {err.strip()}")


def test_after_30_failed_backups_every_good_one_is_listed_and_the_rotation_keeps_them(live, disk, capsys):
    db = open_svdesk_database(live)
    try:
        good = [backup_now(db, "manual") for _ in range(4)]
        disk.fill()
        failed = disk.attempt(["backup", "--db", str(live)], 30)
        assert [code for code, _ in failed] == [2] * 30 and not any("internal error" in e for _, e in failed)
        listed = list_backups(db)
        assert [b.path for b in listed] == good[::-1]  # the figure: 4 of the 4 good backups, nothing else
        assert disk.ours() == sorted(p.name for p in good)
        assert main(["backup", "list", "--db", str(live)]) == 0
        shown = capsys.readouterr().out.splitlines()
        assert len(shown) == 4 and all("manual" in line for line in shown)
        print(f"\n[{disk.how}] after 30 failed backups: {len(listed)} of 4 good backups listed; folder: {disk.ours()}")

        # room again: the rotation keeps the newest KEEP good backups, dropping the oldest first
        disk.free()
        more = [backup_now(db, "manual") for _ in range(KEEP - 4 + 2)]
        kept = [b.path for b in list_backups(db)]
        assert len(kept) == KEEP and kept == (good + more)[::-1][:KEEP]
        assert not good[0].exists() and not good[1].exists() and good[2].exists()
        for b in list_backups(db)[:3]:
            check_backup(b.path)
    finally:
        db.dispose()


def test_failures_an_older_svdesk_left_are_not_listed_and_are_pruned_first(live, tmp_path):
    db = open_svdesk_database(live)
    try:
        good = [backup_now(db, "manual", keep=5) for _ in range(4)]
        failures = legacy_failures(tmp_path / "backups", "live", 30)  # named newer than every good one
        assert [b.path for b in list_backups(db)] == good[::-1]
        newest = backup_now(db, "manual", keep=5)
        assert [b.path for b in list_backups(db)] == [newest, *good[::-1]]
        assert not any(f.exists() for f in failures)  # removed, not counted towards the five
        assert prune(db, keep=0) == [p for p in good[::-1]]  # asked to keep none: the newest good one stays
        assert [b.path for b in list_backups(db)] == [newest]
    finally:
        db.dispose()


def test_a_read_only_backup_folder_is_a_clear_message(live, tmp_path, capsys):
    with read_only(tmp_path / "backups") as how:
        code = main(["backup", "--db", str(live)])
        err = capsys.readouterr().err
        assert code == 2, err
        assert "cannot be written to" in err and "no backup was made" in err and "internal error" not in err
        assert list((tmp_path / "backups").iterdir()) == []
        db = open_svdesk_database(live)
        try:
            with pytest.raises(SvdeskError, match="cannot be written to"):
                backup_now(db, "pre-import")  # the backup a risky write takes first: refused the same way
        finally:
            db.dispose()
    print(f"\n[{how}] {err.strip()}")


def test_the_window_says_why_a_backup_failed(qtbot, live, tmp_path, monkeypatch):
    from svdesk.ui.main_window import MainWindow
    from svdesk.ui.opening import open_for_gui

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text: shown.append((title, text)))
    with read_only(tmp_path / "backups"):
        opened = open_for_gui(None, live)
        win = MainWindow(opened, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(win)
        try:
            win.back_up_now()  # made in the helper process, which reports the refusal back
            qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
        finally:
            win.opened.close()
    [(title, text)] = shown
    assert title == "Backup failed"
    assert "cannot be written to" in text and "no backup was made" in text
    assert "Error:" not in text  # no Python exception name (it said "OperationalError: unable to open ...")
    assert "Backed up" not in win.statusBar().currentMessage()


def test_a_backup_killed_mid_write_is_never_listed_and_is_cleared_the_next_time(live, tmp_path):
    left = killed_backup(live)
    assert any(p.name.endswith(".sqlite.part") for p in left)
    db = open_svdesk_database(live)
    try:
        listed = list_backups(db)
        assert all(".part" not in b.path.name for b in listed)
        for b in listed:  # whatever the killed process finished before the kill is whole
            check_backup(b.path)
        newest = backup_now(db)
        assert not [p for p in (tmp_path / "backups").iterdir() if ".part" in p.name]
        assert list_backups(db)[0].path == newest
    finally:
        db.dispose()


def test_a_backup_of_a_database_whose_log_does_not_decode_is_refused_yet_restoring_mends_it(live, tmp_path):
    db = open_svdesk_database(live)
    good = backup_now(db, "manual")
    db.dispose()
    builder, _ = HOSTILE_BACKUPS["undecodable byte in an entry's after"]
    damaged = builder(live, tmp_path)  # the live database itself, damaged the same way
    damaged.replace(live)
    db = open_svdesk_database(live)
    try:
        with pytest.raises(SvdeskError, match=r"was not backed up: .*audit entry 3 of tender CWAC-2026-0142"):
            backup_now(db, "manual")
        assert [b.path for b in list_backups(db)] == [good]  # nothing kept
        safety = restore(db, good)  # the safety copy keeps the damaged content as it is
        assert safety.exists() and "pre-restore" in safety.name
        with db.reader() as s:
            assert verify_tender(s, get_tender(s, REF)).ok
    finally:
        db.dispose()


@pytest.mark.parametrize("name", sorted(HOSTILE_BACKUPS))
def test_restore_refuses_a_hostile_backup_naming_it_and_changes_nothing(name, live, tmp_path, capsys):
    db = open_svdesk_database(live)
    good = backup_now(db, "manual")
    db.dispose()
    build, phrase = HOSTILE_BACKUPS[name]
    bad = build(good, tmp_path)
    before = content(live)
    code = main(["backup", "restore", str(bad), "--db", str(live)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert str(bad) in err and phrase in err and "internal error" not in err
    assert content(live) == before
    assert [b.path.name for b in list_backups(open_svdesk_database(live))] == [good.name]  # no safety copy taken
    print(f"\n{name}: {err.strip()[:300]}")


def test_a_restore_that_cannot_keep_a_safety_copy_changes_nothing(live, tmp_path, disk):
    db = open_svdesk_database(live)
    made = backup_now(db, "manual")
    kept = Path(shutil.copyfile(made, tmp_path / "kept.sqlite"))  # off the disk that will be full
    made.unlink()
    with db.transaction() as s:
        set_moderated(s, get_tender(s, REF), "Alan Whitfield", "Weaver Valley Care Ltd", "Q1", 2, "Reconsidered.")
    db.dispose()
    before = content(live)
    disk.fill()
    [(code, err)] = disk.attempt(["backup", "restore", str(kept), "--db", str(live)], 1)
    assert code == 2 and "nothing was changed" in err and "internal error" not in err, err
    assert content(live) == before and disk.ours() == []
