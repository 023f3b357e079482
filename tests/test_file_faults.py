"""The database file itself: damaged, emptied, short of its log, under two names, on a full or a
read-only disk, holding a byte that is not text. Every command says what happened and what to do
(exit 2, the file named, the newest good backup where that is the answer), never an internal
error; a file refused is left as it was."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from svdesk.app.database import DamagedDatabaseError, DatabaseInUse, open_locked
from svdesk.cli import main
from svdesk.model import record_anchor
from svdesk.model.backups import list_backups
from svdesk.model.db import open_database
from svdesk.model.file_health import integrity_problem
from tests.factory import minimal_doc, write_doc
from tests.hostile.database_files import (
    DATABASE_FAULTS,
    DEMO_REFERENCE,
    commit_then_kill,
    damaged_index,
    demo_database,
    empty_with_backups,
    fill,
    hard_linked,
    index_out_of_step,
    lost_wal,
    small_disk,
    undecodable_after,
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def newest_backup(path: Path) -> Path:
    """The newest backup of `path` (by the time its name carries: <stem>.<label>.<time>.sqlite)."""
    return max((path.parent / "backups").glob(f"{path.stem}.*.sqlite"), key=lambda p: p.name.rsplit(".", 2)[-2])


def cli(*argv: str, drop_privileges: bool = False, **kw) -> subprocess.CompletedProcess[str]:
    """svdesk in a process of its own; `drop_privileges`: as root without the right to override file
    permissions (root bypasses chmod otherwise)."""
    command = [sys.executable, "-m", "svdesk", *argv]
    if drop_privileges and os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search,-fowner"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    return subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).parent.parent, **kw)


# --- every command refuses a faulty file ----------------------------------------------------------


@pytest.mark.parametrize("fault", sorted(DATABASE_FAULTS))
def test_every_command_refuses_a_faulty_file_and_names_the_newest_good_backup(fault, tmp_path, capsys):
    path = DATABASE_FAULTS[fault](tmp_path)
    before = digest(path)
    backup = newest_backup(path)
    out = tmp_path / "evaluation.pdf"
    commands = [
        ("verify",),
        ("results",),
        ("status",),
        ("report", "--kind", "evaluation", "--out", str(out)),
        ("backup", "list"),
        ("panel", "add", "--tender", DEMO_REFERENCE, "--member", "New Person", "--role", "evaluator"),
    ]
    for command in commands:
        code, _out, err = run(capsys, *command, "--db", str(path))
        assert code == 2, (command, err)
        assert "internal error" not in err and "Traceback" not in err
        assert str(path) in err, err
        assert f"svdesk backup restore {backup} --db {path}" in err, err
    assert digest(path) == before  # refused: not a byte written
    assert not out.exists()


def test_a_damaged_index_says_damaged_and_what_sqlite_found(tmp_path, capsys):
    path = damaged_index(tmp_path)
    code, _out, err = run(capsys, "results", "--db", str(path))
    assert code == 2
    assert f"{path} is damaged (SQLite's check of the file says: " in err
    assert "results, reports and the record read from a damaged file cannot be trusted" in err


def test_restoring_over_a_damaged_file_keeps_it_aside_and_verifies(tmp_path, capsys):
    path = damaged_index(tmp_path)
    damaged_bytes = digest(path)
    backup = newest_backup(path)
    code, out, err = run(capsys, "backup", "restore", str(backup), "--db", str(path))
    assert code == 0, err
    aside = list(tmp_path.glob("svdesk.sqlite.damaged-*"))
    assert [digest(p) for p in aside if not p.name.endswith(("-wal", "-shm"))] == [damaged_bytes]
    code, out, err = run(capsys, "verify", "--db", str(path), "--json")
    assert code == 0, err
    assert json.loads(out)["file_integrity"] == "ok"


def test_verify_runs_sqlites_integrity_check_which_finds_an_index_out_of_step(tmp_path, capsys):
    path = index_out_of_step(tmp_path)
    conn = sqlite3.connect(path)
    try:  # the sound pages pass the quick check: only the full check compares the index with its table
        assert integrity_problem(conn, "quick_check") is None
        assert "missing from index ix_score_cell" in (integrity_problem(conn, "integrity_check") or "")
    finally:
        conn.close()
    code, out, err = run(capsys, "verify", "--db", str(path), "--json")
    assert code == 2, err
    report = json.loads(out)
    assert "missing from index ix_score_cell" in report["file_integrity"]
    assert any(p.startswith("the database file is damaged: SQLite's integrity check says") for p in report["problems"])
    assert any(str(newest_backup(path)) in p for p in report["problems"])


# --- an empty file --------------------------------------------------------------------------------


def test_a_zero_byte_file_with_backups_is_not_taken_for_a_new_database(tmp_path, capsys):
    path = empty_with_backups(tmp_path)
    code, _out, err = run(capsys, "results", "--db", str(path))
    assert code == 2
    assert f"{path} is empty (0 bytes); svdesk will not start a new database over it" in err
    assert f"restore it with: svdesk backup restore {newest_backup(path)} --db {path}" in err
    assert path.stat().st_size == 0  # nothing made in it
    code, _out, err = run(capsys, "backup", "restore", str(newest_backup(path)), "--db", str(path))
    assert code == 0, err
    code, out, err = run(capsys, "results", "--db", str(path), "--json")
    assert code == 0 and json.loads(out)["tender"] == DEMO_REFERENCE


def test_a_zero_byte_file_without_backups_is_a_new_database(tmp_path, capsys):
    path = tmp_path / "new.sqlite"
    path.write_bytes(b"")
    code, out, err = run(
        capsys, "load", str(Path("svdesk/data/demo/demo_evaluation.json").resolve()), "--db", str(path)
    )
    assert code == 0, err


# --- the record's anchor: a lost write-ahead log ----------------------------------------------------


def test_every_commit_moves_the_anchor_to_the_tenders_head(tmp_path):
    path = demo_database(tmp_path, backup=False)
    commit_then_kill(path)  # another process, killed after its commit
    db = open_database(path)
    try:
        with db.reader() as s:
            uid, seq, head = (
                s.connection()
                .exec_driver_sql("SELECT tender_uid, seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")
                .one()
            )
    finally:
        db.dispose()
    anchored = record_anchor.read_anchor(path)
    assert anchored is not None
    assert anchored["tenders"][uid]["entries"] == seq == 2 and anchored["tenders"][uid]["head"] == head
    assert anchored["tenders"][uid]["reference"] == DEMO_REFERENCE


def test_entries_written_many_in_one_statement_move_the_anchor_too(tmp_path):
    """However a unit of work appends to the log (one `record` each, or one INSERT of many rows)."""
    from sqlalchemy import insert, select

    from svdesk.model import audit
    from svdesk.model.entities import AuditEntry

    path = demo_database(tmp_path, backup=False)
    db = open_database(path)
    try:
        with db.transaction() as s:
            last = s.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one()
            rows, prev = [], last.hash
            for seq in range(last.seq + 1, last.seq + 4):
                fields = {
                    "tender_uid": last.tender_uid,
                    "seq": seq,
                    "at": f"2026-12-01T10:00:0{seq}+00:00",
                    "actor": "Priya Shah",
                    "action": "note",
                    "entity": "",
                    "before": "null",
                    "after": "null",
                    "reason": "",
                    "prev_hash": prev,
                }
                prev = audit.entry_hash(fields)
                rows.append(fields | {"hash": prev})
            s.execute(insert(AuditEntry.__table__), rows)
    finally:
        db.dispose()
    anchored = record_anchor.read_anchor(path)["tenders"][last.tender_uid]
    assert (anchored["entries"], anchored["head"]) == (last.seq + 3, prev)


def test_a_deleted_write_ahead_log_is_a_loss_said_loudly(tmp_path, capsys):
    path = lost_wal(tmp_path)
    code, _out, err = run(capsys, "verify", "--db", str(path))
    assert code == 2
    assert f"the record of tender {DEMO_REFERENCE} had 2 entries at " in err
    assert "the database holds 1: changes svdesk saved were lost" in err
    assert f"was its write-ahead log {path.name}-wal deleted" in err
    # the only backup is from before the lost change: said, so nobody restores it hoping for it
    assert "holding 1 entry of it" in err and "would not bring the lost changes back" in err
    # the way to carry on deliberately: the anchor goes, the record is anchored afresh as it is
    assert f"delete {path}.heads" in err
    Path(f"{path}.heads").unlink()
    code, out, err = run(capsys, "verify", "--db", str(path))
    assert code == 0, err
    assert record_anchor.read_anchor(path)["tenders"]  # anchored again


# --- one file, two names --------------------------------------------------------------------------

_HOLD = (
    "import sys, time\n"
    "from svdesk.app.database import open_locked\n"
    "opened = open_locked(sys.argv[1])\n"
    "print('locked', flush=True)\n"
    "time.sleep(60)\n"
)


def test_the_same_file_under_two_names_is_locked_as_one_file(tmp_path, capsys):
    path, other = hard_linked(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseInUse) as refused:
            open_locked(other)
        said = str(refused.value)
        assert f"{other} is open in svdesk by" in said and f"process {holder.pid}" in said
        assert f"under another name: {path}" in said
        assert refused.value.other_name == path  # reading it is offered under the name whose log holds it
        doc = write_doc(tmp_path / "t.json", minimal_doc())
        code, _out, err = run(capsys, "load", str(doc), "--db", str(other))
        assert code == 2 and "under another name" in err and "internal error" not in err
    finally:
        holder.kill()
        holder.wait(10)
    open_locked(other).close()  # free once the holder has gone


def test_a_log_kept_under_the_other_name_is_not_lost_by_opening_this_one(tmp_path, capsys):
    path, other = hard_linked(tmp_path)
    commit_then_kill(path)  # the acknowledged change is in <path>-wal, under the first name only
    code, _out, err = run(capsys, "results", "--db", str(other))
    assert code == 2
    assert f"{other} is the same file as {path}" in err and f"Open it as {path}" in err
    code, out, err = run(capsys, "results", "--db", str(path), "--json")
    assert code == 0, err
    assert "Acknowledged Ltd" in {b["name"] for b in json.loads(out)["bidders"]}


# --- a full disk, a read-only file or folder --------------------------------------------------------


def _big_doc(tmp_path: Path) -> Path:
    doc = minimal_doc()
    doc["tender"]["reference"] = "BIG-1"
    for score in doc["scores"]:
        score["rationale"] = "The bid evidences named staff in section 4.2. " * 2000
    return write_doc(tmp_path / "big.json", doc)


def test_a_full_disk_on_a_write_says_so_and_loses_nothing(tmp_path, capsys):
    big = _big_doc(tmp_path)
    with small_disk(tmp_path / "disk") as disk:
        if disk is None:  # no mounting here: a file-size limit in a process of its own
            path = demo_database(tmp_path, backup=False)
            limit = "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000)); "
            done = subprocess.run(
                [sys.executable, "-c", limit + "from svdesk.cli import main; sys.exit(main(sys.argv[1:]))"]
                + ["load", str(big), "--db", str(path)],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 2, done.stderr
            assert "may not grow beyond 100,000 bytes" in done.stderr and "Nothing was saved" in done.stderr
            return
        path = demo_database(disk, backup=False)
        filler = fill(disk, leave=64 * 1024)
        code, _out, err = run(capsys, "load", str(big), "--db", str(path))
        assert code == 2, err
        assert f"cannot save to {path}: the disk is full" in err and "Nothing was saved" in err
        assert "internal error" not in err
        filler.unlink()
        code, out, err = run(capsys, "verify", "--db", str(path), "--json")
        assert code == 0, err
        code, _out, err = run(capsys, "results", "--db", str(path), "--tender", "BIG-1")
        assert code == 2 and "BIG-1" in err  # the load left nothing behind


@pytest.fixture
def read_only_cases(tmp_path):
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("root bypasses file permissions and setpriv is not here to drop that")
    return tmp_path


def test_a_read_only_file_is_read_and_a_write_refused(read_only_cases):
    folder = read_only_cases / "file"
    folder.mkdir()
    path = demo_database(folder, backup=False)
    path.chmod(0o444)
    try:
        before = digest(path)
        looked = cli("results", "--db", str(path), drop_privileges=True)
        assert looked.returncode == 0, looked.stderr
        assert "Weaver Valley Care Ltd" in looked.stdout
        wrote = cli(
            "panel",
            "add",
            "--tender",
            DEMO_REFERENCE,
            "--member",
            "X Y",
            "--role",
            "evaluator",
            "--db",
            str(path),
            drop_privileges=True,
        )
        assert wrote.returncode == 2, wrote.stderr
        assert f"{path} cannot be changed: the file is read-only" in wrote.stderr
        assert "copy it to a folder you can write to" in wrote.stderr and "internal error" not in wrote.stderr
        assert digest(path) == before
    finally:
        path.chmod(0o644)


def test_a_read_only_folder_is_read_and_a_write_refused(read_only_cases):
    folder = read_only_cases / "folder"
    folder.mkdir()
    path = demo_database(folder, backup=False)
    folder.chmod(0o555)
    try:
        looked = cli("results", "--db", str(path), drop_privileges=True)
        assert looked.returncode == 0, looked.stderr
        assert "Weaver Valley Care Ltd" in looked.stdout
        verified = cli("verify", "--db", str(path), drop_privileges=True)
        assert verified.returncode == 0, verified.stderr
        wrote = cli(
            "panel",
            "add",
            "--tender",
            DEMO_REFERENCE,
            "--member",
            "X Y",
            "--role",
            "evaluator",
            "--db",
            str(path),
            drop_privileges=True,
        )
        assert wrote.returncode == 2, wrote.stderr
        assert f"its folder {folder} is read-only" in wrote.stderr and f"{path.name}-wal" in wrote.stderr
        assert "internal error" not in wrote.stderr
    finally:
        folder.chmod(0o755)


def test_a_database_on_a_read_only_disk_is_read_and_a_write_refused(tmp_path, capsys):
    source = tmp_path / "source"
    source.mkdir()
    demo_database(source, backup=False)
    media = tmp_path / "media"
    media.mkdir()
    if subprocess.run(["mount", "--bind", str(source), str(media)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount here (a read-only bind mount needs root)")
    try:
        assert subprocess.run(["mount", "-o", "remount,bind,ro", str(media)], capture_output=True).returncode == 0
        path = media / "svdesk.sqlite"
        code, out, err = run(capsys, "results", "--db", str(path))
        assert code == 0, err
        code, _out, err = run(
            capsys,
            "panel",
            "add",
            "--tender",
            DEMO_REFERENCE,
            "--member",
            "X Y",
            "--role",
            "evaluator",
            "--db",
            str(path),
        )
        assert code == 2
        assert f"{path} cannot be changed: the file is read-only (it is on a read-only disk)" in err
    finally:
        subprocess.run(["umount", "-l", str(media)], capture_output=True)


# --- a byte that is not text ----------------------------------------------------------------------


def test_an_undecodable_byte_in_the_audit_log_is_named_not_an_internal_error(tmp_path, capsys):
    path = undecodable_after(tmp_path)
    for command in (("verify",), ("report", "--kind", "evaluation", "--out", str(tmp_path / "e.pdf"))):
        code, _out, err = run(capsys, *command, "--db", str(path))
        assert code == 2, err
        assert "internal error" not in err
        assert f"{path}: audit entry 1 of tender {DEMO_REFERENCE} (its 'after', byte 0xff at offset 20)" in err
        assert "is not valid text (not UTF-8): the file was changed outside svdesk" in err
        assert f"svdesk backup restore {newest_backup(path)} --db {path}" in err


# --- the window -----------------------------------------------------------------------------------


def test_the_window_offers_the_newest_good_backup_for_a_damaged_file_and_restores_it(qtbot, tmp_path, monkeypatch):
    from svdesk.ui.main_window import MainWindow
    from svdesk.ui.opening import open_for_gui

    path = damaged_index(tmp_path)
    backup = newest_backup(path)
    asked: list[str] = []

    def answer(_parent, title, text, *_args):
        asked.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    opened = open_for_gui(None, path)
    assert opened is not None
    assert asked and asked[0].startswith("The database is damaged: ") and f"Restore {backup.name} now?" in asked[0]
    win = MainWindow(opened, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    assert DEMO_REFERENCE in win.heading.text() and win.results_model.rowCount() == 4
    win.opened.close()
    assert list(tmp_path.glob("svdesk.sqlite.damaged-*"))


def test_the_window_after_lost_changes_offers_to_carry_on_with_what_the_file_holds(qtbot, tmp_path, monkeypatch):
    from svdesk.ui.opening import open_for_gui
    from tests.test_hand_found_fixes import answer_loss_box

    path = lost_wal(tmp_path)
    asked: list[str] = []
    answer_loss_box("changesLostLook", asked)
    assert open_for_gui(None, path) is None  # looked first: nothing opened, nothing changed
    assert record_anchor.read_anchor(path)["tenders"]
    answer_loss_box("changesLostCarryOn", asked)
    opened = open_for_gui(None, path)
    assert opened is not None and not opened.db.read_only
    assert asked[1].startswith("Changes were lost: ") and "had 2 entries" in asked[1]
    opened.close()
    assert open_for_gui(None, path) is not None  # anchored afresh: opens without a question
    assert len(asked) == 2


def test_the_window_opens_a_database_on_a_read_only_disk_read_only(qtbot, tmp_path, monkeypatch):
    from svdesk.ui.opening import open_for_gui

    source, media = tmp_path / "source", tmp_path / "media"
    source.mkdir()
    media.mkdir()
    demo_database(source, backup=False)
    if subprocess.run(["mount", "--bind", str(source), str(media)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount here (a read-only bind mount needs root)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(media)], check=True, capture_output=True)
        asked: list[str] = []

        def answer(_parent, _title, text, *_args):
            asked.append(text)
            return QMessageBox.StandardButton.Open

        monkeypatch.setattr(QMessageBox, "question", answer)
        opened = open_for_gui(None, media / "svdesk.sqlite")
        assert opened is not None and opened.db.read_only and opened.lock is None
        assert "cannot be changed: the file is read-only (it is on a read-only disk)" in asked[0]
        opened.close()
    finally:
        subprocess.run(["umount", "-l", str(media)], capture_output=True)


def test_the_file_menu_shows_why_a_damaged_file_cannot_be_opened(qtbot, tmp_path, monkeypatch):
    from svdesk.model.services import open_svdesk_database
    from svdesk.ui.main_window import MainWindow

    good = open_svdesk_database(tmp_path / "good.sqlite")
    win = MainWindow(good, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Cancel)
    bad = tmp_path / "bad"
    bad.mkdir()
    damaged = damaged_index(bad)
    for backup in list_backups(open_database(damaged, check_file=False)):  # no backup: only the message
        backup.path.unlink()
    win.open_database_path(str(damaged))
    assert shown and shown[0][0] == "Cannot open the database"
    assert f"{damaged} is damaged" in shown[0][1] and "No good backup of it was found" in shown[0][1]
    assert win.db is good  # still on the database that was open
    (tmp_path / "emptied").mkdir()
    empty = empty_with_backups(tmp_path / "emptied")
    win.open_database_path(str(empty))  # a backup to offer: asked, and cancelled
    assert win.db is good and empty.stat().st_size == 0
    good.dispose()


def test_starting_on_a_damaged_file_says_so(tmp_path, monkeypatch):
    from svdesk.ui import app as gui

    damaged = damaged_index(tmp_path)
    for backup in (damaged.parent / "backups").glob("*.sqlite"):
        backup.unlink()
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: said.append((title, text)))
    window, code = gui.start_gui(str(damaged))
    assert window is None and code == 2
    assert said and said[0][0] == "svdesk cannot start" and f"{damaged} is damaged" in said[0][1]


def test_damaged_error_survives_the_helper_process(tmp_path):
    import pickle

    error = DamagedDatabaseError("x.sqlite is damaged", tmp_path / "x.sqlite", None)
    assert str(pickle.loads(pickle.dumps(error))) == "x.sqlite is damaged"
