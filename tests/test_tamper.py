"""Changes made behind the app's back with the sqlite3 shell are detected by `verify`, every time."""

import random
import sqlite3

import pytest

from svdesk.cli import main
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.tenders import get_tender
from svdesk.model.services.verify import verify_tender

REF = "CWAC-2026-0142"


def copy_of(src, dest):
    a, b = sqlite3.connect(src), sqlite3.connect(dest)
    a.backup(b)
    a.close()
    b.close()
    return dest


def shell(path, *statements):
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def verify(path):
    db = open_svdesk_database(path)
    try:
        with db.reader() as s:
            return verify_tender(s, get_tender(s, REF))
    finally:
        db.dispose()


UNLOCK = ("DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete")


def test_edited_score_is_named(signed_db, tmp_path, capsys):
    path = copy_of(signed_db, tmp_path / "t.sqlite")
    shell(path, "UPDATE score SET score = 5 WHERE id = (SELECT min(id) FROM score)")
    report = verify(path)
    assert not report.ok
    assert any(
        p.startswith("score/Weaver Valley Care Ltd/Q1/Tom Ellis: score: the database holds 5.0")
        for p in report.problems
    )
    assert any("content has changed since it was signed" in p for p in report.problems)
    code = main(["verify", "--db", str(path)])
    out = capsys.readouterr().out
    assert code == 2 and "DOES NOT VERIFY" in out and "Tom Ellis" in out


def test_deleted_audit_row_is_found(signed_db, tmp_path):
    path = copy_of(signed_db, tmp_path / "t.sqlite")
    shell(path, *UNLOCK, "DELETE FROM audit_entry WHERE seq = 2")
    report = verify(path)
    assert report.problems[0] == "audit entry 2: missing or out of order (found seq 3)"


def test_reordered_audit_rows_are_found(signed_db, tmp_path):
    path = copy_of(signed_db, tmp_path / "t.sqlite")
    shell(
        path,
        *UNLOCK,
        "UPDATE audit_entry SET id = -id WHERE seq IN (2, 3)",
        "UPDATE audit_entry SET id = (SELECT min(id) FROM audit_entry WHERE seq > 3) - 1 - (-id) % 2 WHERE id < 0",
    )
    report = verify(path)
    assert not report.ok and "audit entry 2" in report.problems[0]


def test_rewritten_audit_content_is_found(signed_db, tmp_path):
    path = copy_of(signed_db, tmp_path / "t.sqlite")
    shell(path, *UNLOCK, "UPDATE audit_entry SET actor = 'Mallory' WHERE seq = 2")
    report = verify(path)
    assert report.problems[0].startswith("audit entry 2 (moderated.set): content altered")


def test_the_database_refuses_audit_edits_without_the_shell_tricks(signed_db, tmp_path):
    path = copy_of(signed_db, tmp_path / "t.sqlite")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        shell(path, "DELETE FROM audit_entry WHERE seq = 2")
    assert verify(path).ok


TARGETS = [
    ("score", "score", "score + 1", "score/"),
    ("score", "rationale", "rationale || ' (edited)'", "score/"),
    ("moderated_score", "score", "score - 1", "moderated/"),
    ("moderated_score", "rationale", "'rewritten'", "moderated/"),
    ("pledge", "quantity", "quantity * 10", "pledge/"),
    ("pledge", "accepted_quantity", "COALESCE(accepted_quantity, quantity) + 0.5", "pledge/"),
    ("bidder", "price", "price - 1000", "bidder/"),
    ("bidder", "name", "name || ' Ltd'", "bidder/"),
    ("tender_measure", "proxy_value", "proxy_value * 2", "measure/"),
    ("question", "weight", "weight + 5", "question/"),
    ("question", "minimum_score", "COALESCE(minimum_score, 0) + 1", "question/"),
    ("declaration", "conflict", "1 - conflict", "declaration/"),
    ("tender", "weight_price", "weight_price + 1", "tender"),
    ("panel_member", "role", "CASE role WHEN 'chair' THEN 'evaluator' ELSE 'chair' END", "member/"),
    ("signature", "fingerprint", "'0000'", "signature/"),
]


def test_random_single_field_edits_are_all_detected(signed_db, tmp_path):
    """100 random edits across the record, each on a fresh copy: every one is detected."""
    rng = random.Random(20261122)
    detected = 0
    for trial in range(100):
        table, column, expr, prefix = rng.choice(TARGETS)
        path = copy_of(signed_db, tmp_path / f"r{trial}.sqlite")
        conn = sqlite3.connect(path)
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table}")]
        conn.close()
        row = rng.choice(ids)
        shell(path, f"UPDATE {table} SET {column} = {expr} WHERE id = {row}")
        report = verify(path)
        assert not report.ok, (table, column, row)
        if prefix != "signature/":
            assert any(p.startswith(prefix) for p in report.problems), (table, column, report.problems)
        detected += 1
    assert detected == 100


def test_deleted_and_inserted_rows_are_detected(signed_db, tmp_path):
    path = copy_of(signed_db, tmp_path / "d.sqlite")
    shell(path, "DELETE FROM moderated_score WHERE id = (SELECT max(id) FROM moderated_score)")
    assert any("recorded in the audit log but missing from the database" in p for p in verify(path).problems)
    path = copy_of(signed_db, tmp_path / "s.sqlite")
    # forge a score for the cell Sam could not score (his declared conflict)
    shell(
        path,
        "INSERT INTO score (member_id, bidder_id, question_id, score, rationale, updated_at, "
        "version) SELECT d.member_id, d.bidder_id, q.id, 5, 'forged', '2026-01-01', 1 FROM declaration d "
        "JOIN question q ON 1 = 1 WHERE d.conflict = 1 LIMIT 1",
    )
    report = verify(path)
    assert any("never recorded in the audit log" in p and "forged" in p for p in report.problems)
