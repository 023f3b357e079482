"""Availability (issue 14): reading while someone writes, a busy database said plainly, scoring packs
imported in linear time at any size svdesk writes, and members signing at once on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

from benchmarks import pack_import as bench
from svdesk.app import packs, reads, signoff
from svdesk.app.database import open_database, open_locked
from svdesk.app.errors import DatabaseLockedError
from svdesk.app.status import status_of
from svdesk.app.unit import ATTEMPTS, in_transaction, look
from svdesk.cli import main
from svdesk.model.demo import load_demo
from tests.keys import DEMO_PANEL, officer, signed_in

REF = "CWAC-2026-0142"
BUSY_TIMEOUT_S = 5.0  # SQLite's busy_timeout svdesk sets: a read that waited for the writer takes this long

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()  # until the test is done (or 60 s: it never outlives a broken test)
conn.execute("ROLLBACK")
"""


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo.sqlite"
    db = open_database(path)
    load_demo(db)
    db.dispose()
    return path


class WriteLockHeld:
    """Another process (plain sqlite3, not svdesk) in a write transaction on the file until `release`."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "held"
        self.since = time.monotonic()

    @property
    def holding(self) -> bool:
        return self.proc.poll() is None

    def release(self) -> float:
        held = time.monotonic() - self.since
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(60)
        return held


def _timed(capsys, *argv: str) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    code = main(list(argv))
    took = time.perf_counter() - started
    out = capsys.readouterr()
    return code, out.out, out.err, took


def test_reads_go_on_while_another_process_writes_and_a_write_says_who_holds_it(demo_file, tmp_path, capsys):
    db = str(demo_file)
    holder = WriteLockHeld(demo_file)
    try:
        took = {}
        for argv in (
            ("status",),
            ("results", "--json"),
            ("verify",),
            ("report", "--kind", "evaluation", "--out", str(tmp_path / "e.pdf")),
            ("dump", "--out", str(tmp_path / "d.json")),
            ("export", "--out", str(tmp_path / "w.xlsx")),
        ):
            code, out, err, seconds = _timed(capsys, "--db", db, *argv)
            assert code == 0, (argv, err)
            assert seconds < BUSY_TIMEOUT_S, f"{argv} waited for the writer ({seconds:.1f} s)"
            assert holder.holding
            took[argv[0]] = seconds
        assert json.loads(_timed(capsys, "--db", db, "results", "--json")[1])["tender"] == REF
        # a write waits for the lock as long as SQLite's busy timeout, then says who has it
        code, out, err, seconds = _timed(capsys, "--db", db, "advance", "reopen", "--reason", "a late clarification")
        assert holder.holding
        time.sleep(max(0.0, 8 - (time.monotonic() - holder.since)))  # a write transaction of 8 s
        assert _timed(capsys, "--db", db, "status")[0] == 0 and holder.holding
        held_for = holder.release()
    finally:
        holder.release()
    assert code == 2 and out == ""
    assert err.startswith("svdesk: the database is busy: process ")
    assert f"process {holder.proc.pid} " in err and "sqlite3" in err and "nothing was done" in err
    assert "Traceback" not in err and "OperationalError" not in err
    assert seconds >= BUSY_TIMEOUT_S - 0.5 and held_for >= 8
    # nothing was written by the refused write; once the writer has gone it goes through
    code, out, err, _ = _timed(capsys, "--db", db, "advance", "reopen", "--reason", "a late clarification")
    assert code == 0, err


def test_the_window_opens_and_reads_while_another_process_writes(demo_file, qtbot):
    from svdesk.ui import app as gui

    holder = WriteLockHeld(demo_file)
    try:
        started = time.perf_counter()
        window, code = gui.start_gui(str(demo_file))
        took = time.perf_counter() - started
        assert code == 0 and window is not None
        qtbot.addWidget(window)
        assert REF in window.heading.text()
        assert took < BUSY_TIMEOUT_S and holder.holding
        window.opened.close()
    finally:
        holder.release()


def test_a_reader_only_reads_and_opening_a_database_writes_nothing(demo_file):
    """`db.reader()` on SQLite: a plain (deferred) BEGIN and no statement that writes; opening an
    existing database (the catalogue looked for, not written again) is reads only too."""
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()).upper())

    event.listen(Engine, "before_cursor_execute", seen)  # every engine: opening's own too
    try:
        opened = open_locked(demo_file)  # as the window opens a database
        try:
            db = opened.db
            look(db, REF, lambda s, t: status_of(db, s, t))
            reads.results_json(db, REF)
            signoff.verify_record(db, REF)
            signoff.signoff_view(db, REF)
        finally:
            opened.close()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    begins = [s for s in statements if s.startswith("BEGIN")]
    assert begins and set(begins) == {"BEGIN"}  # never BEGIN IMMEDIATE: the write lock is not taken
    writing = {"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"}
    assert [s for s in statements if s.split()[0] in writing] == []


# --- scoring packs at size -------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_25000_row_pack_svdesk_exports_imports_back_signed_and_verified(tmp_path):
    """5,000 bidders x 5 questions: over the old 20,000-row limit, and hours of one-by-one saving."""
    db_path = bench.build(tmp_path, bidders=5_000, questions=5)
    blank = bench.export(db_path, tmp_path / "pack.xlsx")
    filled = tmp_path / "filled.xlsx"
    assert bench.fill(blank, filled) == 25_000 - 5  # the first bidder's five scores were in already
    result = bench.import_timed(db_path, filled)
    assert result["rows"] == 25_000 and result["written"] == 25_000 - 5
    assert result["import_s"] < 30, result
    db = open_database(db_path)
    try:
        report = signoff.verify_record(db, bench.REFERENCE)
        assert report.ok, report.problems
        signed = report.as_dict()["entry_signatures"]["signed"]
        assert signed >= 24_995 + 2  # each score its own signed entry, with the pack's issue and import
        assert look(db, bench.REFERENCE, lambda s, t: len(reads_scores(s, t))) == 25_000
    finally:
        db.dispose()


def reads_scores(session, tender):
    from svdesk.model.services.tenders import scores_visible_to

    return scores_visible_to(session, tender, bench.EVALUATOR, bench.EVALUATOR)


def test_a_pack_imported_by_the_officer_enters_every_score_by_proxy_in_one_batch(tmp_path):
    """2,000 rows by the officer: each score its own entry and its proxy entry, signed by her; the record verifies."""
    from svdesk.app import identity
    from svdesk.model.services.proxy_entries import proxy_scores

    db_path = bench.build(tmp_path, bidders=400, questions=5)
    blank = bench.export(db_path, tmp_path / "pack.xlsx")
    bench.fill(blank, tmp_path / "filled.xlsx", score=4)
    pack = packs.read_scoring_pack(tmp_path / "filled.xlsx")
    db = open_database(db_path)
    try:
        by_officer = identity.sign_in(db, bench.REFERENCE, bench.OFFICER, bench.passphrase(bench.OFFICER))
        started = time.perf_counter()
        done = packs.import_pack(db, by_officer, bench.REFERENCE, pack)
        took = time.perf_counter() - started
        assert done.outcome is not None and len(done.outcome.written) == 1_995
        assert done.outcome.proxy_source == f"offline pack {pack.sha256}"
        proxied = look(db, bench.REFERENCE, lambda s, t: proxy_scores(s, t, bench.EVALUATOR))
        assert len(proxied) == 1_995 and {p.entered_by for p in proxied} == {bench.OFFICER}
        assert all(p.score == 4 and not p.confirmed for p in proxied)
        report = signoff.verify_record(db, bench.REFERENCE)
        assert report.ok, report.problems
        assert took < 20, took
    finally:
        db.dispose()


# --- PostgreSQL: signing at once, and what is retried -------------------------------------------------------


@pytest.fixture
def pg_demo(pg_server):
    db = open_database(pg_server.new_database())
    load_demo(db)
    yield db
    db.dispose()


def test_four_members_sign_at_once_on_postgresql_ten_rounds(pg_demo):
    db = pg_demo
    members = {m: signed_in(db, REF, m) for m in DEMO_PANEL}
    the_officer = officer(db, REF)
    for round_ in range(10):
        barrier = threading.Barrier(len(members))
        failed: dict[str, str] = {}

        def sign(member: str, barrier: threading.Barrier = barrier, failed: dict[str, str] = failed) -> None:
            barrier.wait()
            try:
                signoff.sign(db, members[member], REF, members[member])
            except Exception as exc:  # any failure fails the round, named
                failed[member] = f"{type(exc).__name__}: {exc}"

        threads = [threading.Thread(target=sign, args=(m,)) for m in members]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert failed == {}, f"round {round_ + 1}: {failed}"
        view = signoff.signoff_view(db, REF)
        assert view.status.value.value == "signed_off" and view.unsigned == [], f"round {round_ + 1}"
        assert signoff.verify_record(db, REF).ok
        signoff.reopen(db, the_officer, REF, f"round {round_ + 1} done: sign again")


def test_only_what_postgresql_says_is_safe_to_retry_is_retried(pg_server):
    db = open_database(pg_server.new_database())
    try:
        # a real deadlock: two transactions take two locks in opposite orders; the one the server
        # aborts is run again and succeeds
        attempts: dict[str, int] = {"a": 0, "b": 0}
        barrier = threading.Barrier(2)
        results: dict[str, object] = {}

        def work(name: str, first: int, second: int):
            def run(session):
                attempts[name] += 1
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": first})
                if attempts[name] == 1:
                    barrier.wait(10)
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": second})
                return name

            try:
                results[name] = in_transaction(db, run)
            except Exception as exc:
                results[name] = exc

        threads = [threading.Thread(target=work, args=("a", 1, 2)), threading.Thread(target=work, args=("b", 2, 1))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert results == {"a": "a", "b": "b"}
        assert sorted(attempts.values()) == [1, 2]  # exactly one was aborted, and run once more

        # a deadlock every time: at most ATTEMPTS tries, then said plainly, nothing committed
        tries = []

        def always_deadlocked(session):
            tries.append(1)
            session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'stand-in' USING ERRCODE = '40P01'; END $$"))

        with pytest.raises(DatabaseLockedError) as busy:
            in_transaction(db, always_deadlocked)
        assert len(tries) == ATTEMPTS == 3
        message = str(busy.value)
        assert message.startswith("the database is busy: other people were saving") and "deadlock" in message
        assert "nothing was saved" in message and "40P01" in message

        # an error the server does not call transient is not retried
        tries.clear()

        def cancelled(session):
            tries.append(1)
            session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'stand-in' USING ERRCODE = '57014'; END $$"))

        with pytest.raises(Exception) as other:
            in_transaction(db, cancelled)
        assert len(tries) == 1 and not isinstance(other.value, DatabaseLockedError)
    finally:
        db.dispose()
