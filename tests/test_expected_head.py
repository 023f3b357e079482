"""`svdesk verify --expect-head`: the audit head an issued document prints anchors the record, so a
log cut back together with the rows it created (a signature, its seal) no longer passes."""

import pytest
from sqlalchemy import text

from svdesk.app import signoff
from svdesk.app.errors import ValidationError
from svdesk.cli import main
from svdesk.model.demo import load_demo
from svdesk.model.services import open_svdesk_database
from tests.keys import enrol, signed_in

REF = "CWAC-2026-0142"


@pytest.fixture
def demo(database_target):
    db = open_svdesk_database(database_target)
    load_demo(db)
    yield db
    db.dispose()


def _unlock_the_log(conn):
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))


def _sign(db, member):
    signoff.sign(db, member, REF, signed_in(db, REF, member))


def test_a_tail_cut_with_the_rows_it_made_passes_alone_and_fails_against_the_printed_head(demo):
    enrol(demo, REF, ("Tom Ellis", "Gwen Roberts"))
    _sign(demo, "Tom Ellis")
    before = signoff.verify_record(demo, REF)
    _sign(demo, "Gwen Roberts")  # a document is issued now: it prints this head
    printed = signoff.verify_record(demo, REF).audit_head
    # the insider removes Gwen's signature, its seal and every entry written since the earlier head
    with demo.engine.begin() as conn:
        _unlock_the_log(conn)
        uid = conn.execute(text("SELECT uid FROM tender WHERE reference = :r"), {"r": REF}).scalar()
        conn.execute(
            text("DELETE FROM audit_entry WHERE tender_uid = :u AND seq > :n"), {"u": uid, "n": before.entries}
        )
        sig = conn.execute(text("SELECT id FROM signature WHERE name = 'Gwen Roberts'")).scalar()
        conn.execute(text("DELETE FROM signature_seal WHERE signature_id = :i"), {"i": sig})
        conn.execute(text("DELETE FROM signature WHERE id = :i"), {"i": sig})
    cut = signoff.verify_record(demo, REF)
    assert cut.ok and cut.audit_head == before.audit_head  # a shorter chain is still a valid chain
    anchored = signoff.verify_record(demo, REF, expect_head=printed)
    assert not anchored.ok
    assert any("is not on this tender's audit chain: the log has been cut back" in p for p in anchored.problems)
    assert anchored.as_dict()["expected_head"]["found_at"] is None


def test_an_earlier_head_is_found_with_the_changes_since(demo):
    first = signoff.verify_record(demo, REF).audit_head
    _sign(demo, "Tom Ellis")
    report = signoff.verify_record(demo, REF, expect_head=first[:16])  # the first 16 digits suffice
    assert report.ok
    assert report.anchor == {"expected": first[:16], "found_at": 1, "since": report.entries - 1}


def test_a_head_that_is_not_hex_is_refused(demo):
    with pytest.raises(ValidationError, match="16 to 64 hex digits"):
        signoff.verify_record(demo, REF, expect_head="not-a-head")


def test_the_command_line_says_where_the_head_is_or_that_it_is_missing(demo, database_target, capsys):
    head = signoff.verify_record(demo, REF).audit_head
    assert main(["verify", "--db", str(database_target), "--tender", REF, "--expect-head", head]) == 0
    assert "expected head " + head[:16] + "…: entry 1 of the chain; the head now" in capsys.readouterr().out
    missing = "ab" * 32
    assert main(["verify", "--db", str(database_target), "--tender", REF, "--expect-head", missing]) == 2
    assert "is not on this tender's audit chain" in capsys.readouterr().out
    assert main(["verify", "--db", str(database_target), "--tender", REF, "--expect-head", "xyz"]) == 2
    assert "16 to 64 hex digits" in capsys.readouterr().err
