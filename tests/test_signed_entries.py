"""Every audit entry signed by its actor's key (issue 13 item 3): once anyone on a tender enrols,
nothing is written unsigned, and `verify` names the first entry whose signature does not hold.

The tamper tests are the insider of issue 13: triggers dropped, a score edited, its entry rewritten
and every hash recomputed with svdesk's own functions."""

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from svdesk.app import moderation, panel, scoring, signoff
from svdesk.app.errors import NotSignedIn, WorkflowError
from svdesk.model import audit
from svdesk.model import identity as crypto
from svdesk.model.demo import load_demo
from svdesk.model.entities import AuditEntry
from svdesk.model.services import open_svdesk_database
from tests.keys import enrol, officer, passphrase_of, signed_in

OFFICER = "Priya Shah"  # the demo's procurement officer

REF = "CWAC-2026-0142"  # the demo: in moderation
TOM, CHAIR = "Tom Ellis", "Alan Whitfield"
BID, Q = "Dee Community Care CIC", "Q4"


@pytest.fixture
def demo(database_target):
    db = open_svdesk_database(database_target)
    load_demo(db)
    yield db
    db.dispose()


def log(db):
    with db.reader() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def hashes(db):
    return [e.hash for e in log(db)]


def verified(db):
    return signoff.verify_record(db, REF)


def _consensus(db, person, score, rationale="Section 6 sets out the plan, with named partners."):
    return moderation.set_consensus(db, person, REF, BID, Q, score, rationale)


def test_entries_before_anyone_enrols_are_unsigned_and_every_one_after_is_signed(demo):
    enrol(demo, REF)
    chair = signed_in(demo, REF, CHAIR)
    _consensus(demo, chair, 3)
    entries = log(demo)
    before = next(i for i, e in enumerate(entries) if e.action == "key.enrol")  # the officer's, the first
    assert before >= 1 and all(not e.signature for e in entries[:before])
    after = entries[before:]
    assert after and all(e.signature and len(e.signature) == 128 and e.signed_by for e in after)
    enrolment = [e for e in after if e.action == "key.enrol"]
    assert [e.actor for e in enrolment] == [OFFICER, *("Tom Ellis", "Gwen Roberts", "Sam Okafor", CHAIR)]
    for e in enrolment:  # each enrolment signed by the key it enrols
        assert e.signed_by == json.loads(e.after)["key_fingerprint"]
    last = entries[-1]
    assert (last.action, last.actor, last.signed_by) == ("moderated.set", CHAIR, chair.key_fingerprint)
    report = verified(demo)
    assert report.ok, report.problems
    signed = report.entry_signatures
    assert (signed.signed, signed.unsigned_before_enrolment) == (len(after), before)
    assert signed.signers[CHAIR] == 2 and report.as_dict()["entry_signatures"]["signed"] == len(after)


def test_a_change_by_a_name_alone_is_refused_once_anyone_has_enrolled(demo):
    signed_in(demo, REF, TOM)  # the officer and Tom enrol
    before = hashes(demo)
    with pytest.raises(NotSignedIn, match="Alan Whitfield must sign in"):
        _consensus(demo, CHAIR, 3)
    with pytest.raises(NotSignedIn, match="Priya must sign in"):  # a login name
        panel.set_email(demo, "Priya", REF, TOM, "tom.ellis@example.org")
    assert hashes(demo) == before  # nothing written
    assert verified(demo).ok


def test_a_person_signed_in_acts_only_as_themselves_and_only_on_their_tender(demo):
    tom = signed_in(demo, REF, TOM)
    before = hashes(demo)
    with pytest.raises(WorkflowError, match="Tom Ellis is signed in, and declaring is Gwen Roberts's own to do"):
        scoring.declare(demo, tom, REF, "Gwen Roberts", [(BID, False, "")])
    other = crypto.SignedIn(TOM, "evaluator", "OTHER-1", tom.key_id, tom.key_fingerprint, tom.private_key)
    with pytest.raises(WorkflowError, match="signed in to tender OTHER-1"):
        _consensus(demo, other, 3)
    forged = crypto.SignedIn(TOM, "evaluator", REF, tom.key_id, tom.key_fingerprint, bytes(32))
    with pytest.raises(WorkflowError, match="does not match the key enrolled for Tom Ellis"):
        _consensus(demo, forged, 3)
    assert hashes(demo) == before


def _unlock(conn):
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))


def _rewrite(db, change, *, strip_signatures=False):
    """The insider: `change(row)` edits entries (dicts); every hash from the first change on is
    recomputed with svdesk's own functions, so that the chain checks again."""
    uid = log(db)[0].tender_uid
    with db.engine.begin() as conn:
        _unlock(conn)
        rows = [
            dict(r)
            for r in conn.execute(
                text("SELECT * FROM audit_entry WHERE tender_uid = :u ORDER BY seq"), {"u": uid}
            ).mappings()
        ]
        prev = audit.GENESIS
        for row in rows:
            change(row)
            if strip_signatures:
                row["signed_by"], row["signature"] = "", ""
            row["prev_hash"] = prev
            row["hash"] = prev = audit.entry_hash(audit._hashed_fields(SimpleNamespace(**row)))
            conn.execute(
                text(
                    "UPDATE audit_entry SET after = :a, actor = :actor, prev_hash = :p, hash = :h, "
                    "signed_by = :sb, signature = :sig WHERE id = :i"
                ),
                {
                    "a": row["after"],
                    "actor": row["actor"],
                    "p": row["prev_hash"],
                    "h": row["hash"],
                    "sb": row["signed_by"],
                    "sig": row["signature"],
                    "i": row["id"],
                },
            )


def _score_3_to_5(row):
    after = json.loads(row["after"])
    if row["action"] == "moderated.set" and isinstance(after, dict) and after.get("score") == 3.0:
        after["score"] = 5.0
        row["after"] = audit.canonical_json(after)


def _edit_the_consensus_row(db):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE moderated_score SET score = 5 WHERE score = 3 AND rationale LIKE 'Section 6 sets%'"))


def test_an_insider_who_edits_a_score_and_rewrites_the_log_is_caught_naming_the_entry(demo):
    enrol(demo, REF)
    _consensus(demo, signed_in(demo, REF, CHAIR), 3)
    seq = log(demo)[-1].seq
    _consensus(demo, signed_in(demo, REF, CHAIR), 3, "Section 6 sets out the plan, and the partners' letters.")
    _edit_the_consensus_row(demo)
    _rewrite(demo, _score_3_to_5)
    report = verified(demo)
    assert not report.ok
    # the chain and the replay agree again: only the signature gives it away, at the edited entry
    (problem,) = report.problems
    assert problem.startswith(f"audit entry {seq} (moderated.set by {CHAIR}, ")
    assert "its signature does not verify with Alan Whitfield's key" in problem
    assert "(and 1 more entries after it)" in problem


def test_an_insider_who_strips_the_signatures_is_caught(demo):
    enrol(demo, REF)
    _consensus(demo, signed_in(demo, REF, CHAIR), 3)
    _edit_the_consensus_row(demo)
    _rewrite(demo, _score_3_to_5, strip_signatures=True)
    (problem,) = verified(demo).problems
    # the first entry after enrolment began (the officer's own enrolment carries the key it adds)
    assert "not signed, though the tender's panel had enrolled keys by then" in problem


def test_an_insider_who_signs_with_their_own_key_cannot_pass_as_another_member(demo):
    """Priya, the officer, holds her own passphrase: she rewrites the chair's entry and signs it,
    and every later one, with her key. The entries still name the chair, so her key does not fit;
    renaming the actor to herself shows the change as hers."""
    enrol(demo, REF)
    _consensus(demo, signed_in(demo, REF, CHAIR), 3)
    seq = log(demo)[-1].seq
    priya = officer(demo, REF)
    uid = log(demo)[0].tender_uid

    def resign(row):
        _score_3_to_5(row)
        if row["seq"] >= seq:
            row["signed_by"] = priya.key_fingerprint

    _edit_the_consensus_row(demo)
    _rewrite(demo, resign)
    with demo.engine.begin() as conn:  # her signatures over the new hashes
        for seq_, hash_ in conn.execute(text("SELECT seq, hash FROM audit_entry WHERE seq >= :s"), {"s": seq}).all():
            sig = crypto.make_seal(priya.private_key, audit.entry_message(uid, seq_, hash_))
            conn.execute(text("UPDATE audit_entry SET signature = :g WHERE seq = :s"), {"g": sig, "s": seq_})
    (problem,) = verified(demo).problems
    assert problem.startswith(f"audit entry {seq} (moderated.set by {CHAIR}")
    assert "which is not Alan Whitfield's" in problem


def test_a_retired_key_no_longer_signs_and_what_it_signed_still_verifies(demo):
    from svdesk.app import identity

    tom = signed_in(demo, REF, TOM)
    panel.set_email(demo, officer(demo, REF), REF, TOM, "tom.ellis@example.org")
    identity.reenrol(demo, officer(demo, REF), REF, TOM, "Tom's second passphrase", "forgot it")
    assert verified(demo).ok  # the declaration, signed with the old key, still verifies
    before = hashes(demo)
    with pytest.raises(WorkflowError, match="was replaced when they were enrolled again"):
        signoff.sign(demo, tom, REF, tom)
    assert hashes(demo) == before
    new_tom = identity.sign_in(demo, REF, TOM, "Tom's second passphrase")
    signoff.sign(demo, new_tom, REF, new_tom)
    assert verified(demo).ok


def test_the_cli_acts_as_the_person_named_by_as_signed_in(tmp_path, capsys, monkeypatch):
    from svdesk.cli import main

    path = tmp_path / "cli.sqlite"
    db = open_svdesk_database(path)
    load_demo(db)
    enrol(db, REF)
    db.dispose()
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of(OFFICER))
    assert main(["advance", "reopen", "--reason", "a late clarification", "--db", str(path)]) == 2
    assert "Say who you are with --as NAME" in capsys.readouterr().err
    monkeypatch.setenv("SVDESK_PASSPHRASE", "not her passphrase")
    assert main(["advance", "reopen", "--reason", "a late clarification", "--as", OFFICER, "--db", str(path)]) == 2
    assert "the passphrase for Priya Shah is not right" in capsys.readouterr().err
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of(OFFICER))
    assert main(["advance", "reopen", "--reason", "a late clarification", "--as", OFFICER, "--db", str(path)]) == 0
    capsys.readouterr()
    db = open_svdesk_database(path)
    last = log(db)[-1]
    assert (last.actor, bool(last.signature)) == (OFFICER, True)
    assert verified(db).ok
    db.dispose()
