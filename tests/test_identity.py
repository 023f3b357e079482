"""Members who prove who they are: enrolment, signing in with a passphrase (slowed after wrong
ones), re-enrolment, and sign-offs sealed with the member's key, checked by `verify`."""

import json
import pickle
import shutil
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from svdesk.app import identity, signoff
from svdesk.app.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.app.identity import NotEnrolled, SignedIn, SignInLocked, WrongPassphrase
from svdesk.cli import main
from svdesk.model import audit, state, state_encoding
from svdesk.model import identity as crypto
from svdesk.model.demo import load_demo
from svdesk.model.entities import AuditEntry, MemberKey, Signature, SignatureSeal
from svdesk.model.evaluation_file import parse_document, read_json_file, write_evaluation
from svdesk.model.services import identity as keys
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.keys import DEMO_PANEL, enrol, officer, passphrase_of, signed_in

REF = "CWAC-2026-0142"  # the demo: in moderation, every cell agreed; its members unenrolled
TOM = "Tom Ellis"


@pytest.fixture
def demo(database_target):
    db = open_svdesk_database(database_target)
    load_demo(db)
    yield db
    db.dispose()


def entries(db):
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def tom_key(db):
    with db.reader() as s:
        return s.scalars(select(MemberKey).order_by(MemberKey.id.desc())).first()


def verified(db, reference=REF):
    return signoff.verify_record(db, reference)


# --- enrolment ----------------------------------------------------------------------------------------


def test_enrol_makes_a_key_whose_public_half_alone_is_in_the_record(demo):
    before = entries(demo)
    key = identity.enrol(demo, TOM, REF, TOM, passphrase_of(TOM)).value
    assert (key.member, key.role, key.retired, key.reason) == (TOM, "evaluator", False, "")
    assert len(key.key_fingerprint) == 64 and key.shown_fingerprint == " ".join(
        key.key_fingerprint[i : i + 4] for i in (0, 4, 8, 12)
    )
    assert identity.enrolment(demo, REF) == [key]
    with demo.reader() as s:
        row = s.scalars(select(MemberKey)).one()
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert row.kdf == "scrypt n=32768 r=8 p=1" and len(row.salt) == 16 and row.failed_attempts == 0
    assert crypto.key_fingerprint(bytes.fromhex(row.public_key)) == key.key_fingerprint
    assert entries(demo) == before + 1 and entry.action == "key.enrol" and entry.actor == TOM
    recorded = json.loads(entry.after)
    assert recorded["public_key"] == row.public_key and recorded["key_fingerprint"] == key.key_fingerprint
    assert not {"sealed_private_key", "salt", "kdf", "failed_attempts", "locked_until"} & set(recorded)
    assert row.sealed_private_key.hex() not in entry.after
    assert verified(demo).ok  # verify replays the enrolment


def test_enrolment_is_refused_with_the_reason_and_nothing_written(demo):
    identity.enrol(demo, TOM, REF, TOM, passphrase_of(TOM))
    before = entries(demo)
    with pytest.raises(WorkflowError, match="Tom Ellis is already enrolled .*the officer re-enrols them with a reason"):
        identity.enrol(demo, TOM, REF, TOM, "another passphrase entirely")
    with pytest.raises(ValidationError, match="Gwen Roberts's passphrase must be at least 10 characters"):
        identity.enrol(demo, "Gwen Roberts", REF, "Gwen Roberts", "short")
    with pytest.raises(ValidationError, match="Gwen Roberts's passphrase must not be their name"):
        identity.enrol(demo, "Gwen Roberts", REF, "Gwen Roberts", "gwen roberts")
    with pytest.raises(NotFoundError, match="'Mallory' is not on the panel"):
        identity.enrol(demo, "Mallory", REF, "Mallory", passphrase_of("Mallory"))
    assert entries(demo) == before and [k.member for k in identity.enrolment(demo, REF)] == [TOM]
    assert identity.passphrase_problem("gwen roberts", "Gwen Roberts") and not identity.passphrase_problem(
        passphrase_of("Gwen Roberts"), "Gwen Roberts"
    )


# --- signing in -----------------------------------------------------------------------------------------


def test_sign_in_unseals_the_key_in_memory_only(demo):
    key = identity.enrol(demo, TOM, REF, TOM, passphrase_of(TOM)).value
    before = entries(demo)
    tom = identity.sign_in(demo, REF, TOM, passphrase_of(TOM))
    assert isinstance(tom, SignedIn) and (tom.member, tom.role, tom.reference) == (TOM, "evaluator", REF)
    assert tom.key_fingerprint == key.key_fingerprint and len(tom.private_key) == 32
    assert tom.private_key.hex() not in repr(tom)  # never shown in a log or a traceback
    assert pickle.loads(pickle.dumps(tom)) == tom  # plain values: it crosses to the helper process
    refused = WrongPassphrase(TOM, "After 3 wrong passphrases, try again in 1 s.")
    assert str(pickle.loads(pickle.dumps(refused))) == str(refused)  # and the refusal back from it
    assert entries(demo) == before  # signing in records nothing
    with pytest.raises(NotEnrolled, match="Gwen Roberts has not enrolled: they enrol first"):
        identity.sign_in(demo, REF, "Gwen Roberts", passphrase_of("Gwen Roberts"))


def test_a_wrong_passphrase_names_the_person_writes_nothing_and_is_slowed(demo, monkeypatch):
    identity.enrol(demo, TOM, REF, TOM, passphrase_of(TOM))
    now = keys.utc_now()
    monkeypatch.setattr(keys, "utc_now", lambda: now)
    before = entries(demo)
    for attempt in (1, 2):
        with pytest.raises(WrongPassphrase) as wrong:
            identity.sign_in(demo, REF, TOM, "not the passphrase at all")
        assert str(wrong.value) == "the passphrase for Tom Ellis is not right; nothing was done"
        assert tom_key(demo).failed_attempts == attempt and tom_key(demo).locked_until == ""
    with pytest.raises(WrongPassphrase, match=r"After 3 wrong passphrases, try again in 1 s \(at "):
        identity.sign_in(demo, REF, TOM, "not the passphrase at all")
    # slowed: even the right passphrase waits, and the wait is not counted as another attempt
    with pytest.raises(SignInLocked, match=r"Tom Ellis: 3 wrong passphrases in a row; try again in 1 s"):
        identity.sign_in(demo, REF, TOM, passphrase_of(TOM))
    assert tom_key(demo).failed_attempts == 3
    monkeypatch.setattr(keys, "utc_now", lambda: now + timedelta(seconds=2))
    with pytest.raises(WrongPassphrase, match="try again in 2 s"):
        identity.sign_in(demo, REF, TOM, "not the passphrase at all")
    assert tom_key(demo).failed_attempts == 4  # committed though the sign-in failed
    monkeypatch.setattr(keys, "utc_now", lambda: now + timedelta(seconds=5))
    assert identity.sign_in(demo, REF, TOM, passphrase_of(TOM)).member == TOM
    key = tom_key(demo)
    assert (key.failed_attempts, key.locked_until) == (0, "")  # the right passphrase resets the count
    assert entries(demo) == before  # nothing in the record, for any of it


def test_the_wait_doubles_up_to_fifteen_minutes():
    now = keys.utc_now()
    waits = [crypto.locked_until_after(n, now) for n in range(1, 20)]
    assert waits[:2] == [None, None]
    assert [(w - now).total_seconds() for w in waits[2:8]] == [1, 2, 4, 8, 16, 32]
    assert (waits[-1] - now) == timedelta(minutes=15) == (crypto.locked_until_after(10_000, now) - now)


def test_another_members_passphrase_does_not_open_a_key(demo):
    enrol(demo, REF, (TOM, "Gwen Roberts"))
    with pytest.raises(WrongPassphrase, match="the passphrase for Gwen Roberts is not right; nothing was done"):
        identity.sign_in(demo, REF, "Gwen Roberts", passphrase_of(TOM))
    assert identity.sign_in(demo, REF, TOM, passphrase_of(TOM)).member == TOM


# --- sealed signatures ----------------------------------------------------------------------------------


def test_a_signature_is_sealed_with_the_members_key_and_verify_checks_it(demo):
    tom = signed_in(demo, REF, TOM)
    signoff.sign(demo, TOM, REF, tom)
    report = verified(demo)
    assert report.ok, report.problems
    (sig,) = report.signatures
    assert sig["key_fingerprint"] == tom.key_fingerprint and sig["seal"] == "verifies" and sig["seal_verifies"]
    with demo.reader() as s:
        signature = s.scalars(select(Signature)).one()
        seal = s.scalars(select(SignatureSeal)).one()
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(2)).all()
    assert actions == ["signature.seal", "signature.add"] and seal.key_id == tom.key_id
    message = crypto.seal_message(REF, TOM, signature.fingerprint, signature.audit_head, signature.signed_at)
    assert crypto.seal_verifies(tom_key(demo).public_key, seal.seal, message)
    assert not crypto.seal_verifies(tom_key(demo).public_key, seal.seal, message.replace(b"Tom", b"Tim"))


def test_a_signing_key_must_be_the_members_own_current_key_of_this_tender(demo):
    tom, gwen = signed_in(demo, REF, TOM), signed_in(demo, REF, "Gwen Roberts")
    before = entries(demo)
    forged = [
        (SignedIn(TOM, "evaluator", REF, gwen.key_id, gwen.key_fingerprint, gwen.private_key), "is not Tom Ellis's"),
        (SignedIn(TOM, "evaluator", REF, tom.key_id, tom.key_fingerprint, gwen.private_key), "does not match the key"),
        (SignedIn(TOM, "evaluator", REF, tom.key_id, tom.key_fingerprint, bytes(32)), "does not match the key"),
        (SignedIn(TOM, "evaluator", "OTHER-1", tom.key_id, tom.key_fingerprint, tom.private_key), "not CWAC-2026-0142"),
    ]
    for signer, said in forged:
        with pytest.raises(WorkflowError, match=said):
            signoff.sign(demo, TOM, REF, signer)
    assert entries(demo) == before and signoff.signoff_view(demo, REF).signatures == []
    with pytest.raises(ValidationError, match="signed in with their passphrase"):
        signoff.advance(demo, TOM, REF, "sign")


def test_reenrolment_retires_the_old_key_and_what_it_signed_still_verifies(demo):
    tom = signed_in(demo, REF, TOM)
    signoff.sign(demo, TOM, REF, tom)
    before = entries(demo)
    with pytest.raises(ValidationError, match="enrolling Tom Ellis again needs a reason"):
        identity.reenrol(demo, "Priya", REF, TOM, "a brand new passphrase", "  ")
    with pytest.raises(WorkflowError, match="Gwen Roberts has not enrolled yet"):
        identity.reenrol(demo, "Priya", REF, "Gwen Roberts", "a brand new passphrase", "forgot it")
    assert entries(demo) == before
    new = identity.reenrol(demo, officer(demo, REF), REF, TOM, "a brand new passphrase", "forgot the passphrase").value
    assert new.reason == "forgot the passphrase" and not new.retired and new.key_fingerprint != tom.key_fingerprint
    old, current = [k for k in identity.enrolment(demo, REF) if k.member == TOM]
    assert (old.key_fingerprint, old.retired) == (tom.key_fingerprint, True) and current == new
    with demo.reader() as s:
        actions = s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(2)).all()
        reasons = s.scalars(select(AuditEntry.reason).order_by(AuditEntry.seq.desc()).limit(2)).all()
    assert actions == ["key.reenrol", "key.retire"] and set(reasons) == {"forgot the passphrase"}
    report = verified(demo)
    assert report.ok, report.problems
    assert report.signatures[0]["key_fingerprint"] == tom.key_fingerprint and report.signatures[0]["seal_verifies"]
    with pytest.raises(WrongPassphrase):
        identity.sign_in(demo, REF, TOM, passphrase_of(TOM))  # the old passphrase opens nothing now
    signoff.reopen(demo, officer(demo, REF), REF, "a late clarification")
    with pytest.raises(WorkflowError, match="was replaced when they were enrolled again"):
        signoff.sign(demo, TOM, REF, tom)  # signed in with the old key before the re-enrolment
    signoff.sign(demo, TOM, REF, identity.sign_in(demo, REF, TOM, "a brand new passphrase"))
    assert verified(demo).ok


def test_a_withdrawn_member_cannot_enrol_sign_in_or_sign(demo):
    from svdesk.app import panel

    enrol(demo, REF, (TOM,))
    tom = identity.sign_in(demo, REF, TOM, passphrase_of(TOM))
    for member in (TOM, "Gwen Roberts"):
        panel.withdraw_member(demo, officer(demo, REF), REF, member, "left the council")
    before = entries(demo)
    with pytest.raises(WorkflowError, match="Gwen Roberts was withdrawn from the panel .* cannot enrol"):
        identity.enrol(demo, "Gwen Roberts", REF, "Gwen Roberts", passphrase_of("Gwen Roberts"))
    with pytest.raises(WorkflowError, match="Tom Ellis was withdrawn from the panel .* cannot sign in"):
        identity.sign_in(demo, REF, TOM, passphrase_of(TOM))
    with pytest.raises(WorkflowError, match="Tom Ellis was withdrawn from the panel .* cannot sign"):
        signoff.sign(demo, TOM, REF, tom)
    assert entries(demo) == before


# --- tampering ------------------------------------------------------------------------------------------


def _sign_all(db, reference=REF):
    for member in DEMO_PANEL:
        signoff.sign(db, member, reference, signed_in(db, reference, member))


def _unlock_the_log(conn):
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        conn.execute(text("DROP TRIGGER audit_entry_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))


def test_a_seal_changed_with_sql_fails_verify_naming_the_member(demo):
    _sign_all(demo)
    with demo.engine.begin() as conn:
        sig_id = conn.execute(text("SELECT id FROM signature WHERE name = 'Gwen Roberts'")).scalar()
        seal = conn.execute(text("SELECT seal FROM signature_seal WHERE signature_id = :i"), {"i": sig_id}).scalar()
        forged = ("0" if seal[0] != "0" else "1") + seal[1:]
        conn.execute(text("UPDATE signature_seal SET seal = :s WHERE signature_id = :i"), {"s": forged, "i": sig_id})
    report = verified(demo)
    assert not report.ok
    assert any(
        p.startswith("signature of Gwen Roberts (") and "its seal does not verify with Gwen Roberts's key" in p
        for p in report.problems
    ), report.problems
    assert [s["seal"] for s in report.signatures] == ["verifies", "does not verify", "verifies", "verifies"]


def test_an_insider_who_rewrites_the_log_and_every_print_is_caught_by_the_seals(demo):
    """The attack of issue 13: a consensus score changed, its audit entry rewritten, every
    signature's fingerprint and audit head and every hash recomputed with svdesk's own functions.
    The chain, the replay and the fingerprints all agree again; only the members' keys could seal it."""
    from svdesk.model.services.tenders import set_moderated

    with demo.transaction() as s:
        set_moderated(s, get_tender(s, REF), "Alan Whitfield", "Dee Community Care CIC", "Q4", 3, "Section 6 plan.")
    _sign_all(demo)
    with demo.engine.begin() as conn:
        _unlock_the_log(conn)
        conn.execute(text("UPDATE moderated_score SET score = 5 WHERE score = 3 AND rationale = 'Section 6 plan.'"))
    with demo.transaction() as s:
        tender = get_tender(s, REF)
        fingerprint = state_encoding.encode_state(tender, state.read_record(s, tender)).fingerprint
        uid = tender.uid
    with demo.engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit_entry WHERE tender_uid = :u ORDER BY seq"), {"u": uid}).mappings()
        prev = audit.GENESIS
        for row in [dict(r) for r in rows]:
            after = json.loads(row["after"])
            if row["action"] == "moderated.set" and after.get("rationale") == "Section 6 plan.":
                after["score"] = 5.0
            if row["action"] == "signature.add":
                after["fingerprint"], after["audit_head"] = fingerprint, prev
                conn.execute(
                    text("UPDATE signature SET fingerprint = :f, audit_head = :h WHERE id = :i"),
                    {"f": fingerprint, "h": prev, "i": int(row["entity"].split("/")[1])},
                )
            row["after"], row["prev_hash"] = audit.canonical_json(after), prev
            row["hash"] = prev = audit.entry_hash(audit._hashed_fields(SimpleNamespace(**row)))
            conn.execute(
                text("UPDATE audit_entry SET after = :a, prev_hash = :p, hash = :h WHERE id = :i"),
                {"a": row["after"], "p": row["prev_hash"], "h": row["hash"], "i": row["id"]},
            )
    report = verified(demo)
    assert all(s["fingerprint_matches"] and s["audit_head_found"] for s in report.signatures)  # all forged well
    assert not report.ok
    for member in DEMO_PANEL:
        assert any(p.startswith(f"signature of {member} (") and "seal does not verify" in p for p in report.problems)
    # and the entries signed since the first enrolment: each signature covers a rewritten hash
    (entry,) = [p for p in report.problems if p.startswith("audit entry ")]
    assert "its signature does not verify with" in entry and "more entries after it" in entry
    assert len(report.problems) == 5, report.problems  # nothing else gives it away


def _second_demo(db, reference):
    data = read_json_file(resource_path("demo", "demo_evaluation.json"))
    data["tender"]["reference"] = reference
    with db.transaction() as s:
        write_evaluation(s, parse_document(data, measures_by_ref(s), source="copy"), "Priya", source="copy")


def test_a_seal_copied_from_another_tender_is_caught_and_signing_across_tenders_refused(demo):
    _second_demo(demo, "OTHER-1")
    other_tom = signed_in(demo, "OTHER-1", TOM)
    before = entries(demo)
    with pytest.raises(WorkflowError, match="Tom Ellis is signed in to tender OTHER-1, not CWAC-2026-0142"):
        signoff.sign(demo, TOM, REF, other_tom)
    assert entries(demo) == before
    signoff.sign(demo, TOM, "OTHER-1", other_tom)
    signoff.sign(demo, TOM, REF, signed_in(demo, REF, TOM))
    with demo.engine.begin() as conn:
        here, there = (
            conn.execute(
                text("SELECT s.id FROM signature s JOIN tender t ON s.tender_id = t.id WHERE t.reference = :r"),
                {"r": r},
            ).scalar()
            for r in (REF, "OTHER-1")
        )
        key_id, seal = conn.execute(
            text("SELECT key_id, seal FROM signature_seal WHERE signature_id = :i"), {"i": there}
        ).one()
        conn.execute(
            text("UPDATE signature_seal SET key_id = :k, seal = :s WHERE signature_id = :i"),
            {"k": key_id, "s": seal, "i": here},
        )
    report = verified(demo)
    assert not report.ok and report.signatures[0]["seal"] == "does not verify"
    assert any(
        p.startswith("signature of Tom Ellis (") and f"its seal names a key (#{key_id}) that is not one enrolled" in p
        for p in report.problems
    ), report.problems
    assert verified(demo, "OTHER-1").ok  # the other tender is as it was


# --- records signed before seals --------------------------------------------------------------------------


def test_a_record_signed_before_seals_verifies_and_says_it_is_unsealed(tmp_path, capsys):
    path = shutil.copy(Path(__file__).parent / "data" / "pre_shape_record.sqlite", tmp_path / "old.sqlite")
    db = open_svdesk_database(path)
    try:
        report = verified(db)
    finally:
        db.dispose()
    assert report.ok and report.signatures and {s["seal"] for s in report.signatures} == {"unsealed"}
    assert main(["verify", "--db", str(path), "--tender", REF]) == 0
    out = capsys.readouterr().out
    assert "VERIFIED" in out and f"ok; {identity.UNSEALED}" in out


def test_an_unsealed_signature_by_a_member_who_had_a_key_fails():
    class Sig:
        id, member_id, name, signed_at = 7, 3, TOM, "2026-12-01T10:00:00+00:00"
        fingerprint, audit_head = "f" * 64, "a" * 64

    made = crypto.make_key(TOM, passphrase_of(TOM))
    key = (1, 3, made.public_key, made.key_fingerprint, "2026-12-01T09:00:00+00:00", "", False)
    (check,) = keys.check_seals(REF, [Sig()], [key], [])
    assert check.state == "does not verify" and "not sealed, though Tom Ellis had enrolled a key" in check.problem
    later = (*key[:4], "2026-12-01T11:00:00+00:00", "", False)  # enrolled after signing: an older signature
    assert keys.check_seals(REF, [Sig()], [later], [])[0].state == "unsealed"
    assert keys.check_seals(REF, [Sig()], [later], [(7, 1, "00" * 64)])[0].problem.endswith(
        "enrolled later (2026-12-01T11:00:00+00:00)"
    )


# --- the command line -------------------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_file(tmp_path):
    db = open_svdesk_database(tmp_path / "cli.sqlite")
    load_demo(db)
    db.dispose()
    return str(tmp_path / "cli.sqlite")


def test_cli_enrol_sign_verify_and_reset(demo_file, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of(TOM))
    code, out, _ = run(capsys, "panel", "enrol", "--member", TOM, "--db", demo_file)
    assert code == 0 and out.startswith("enrolled Tom Ellis: key ")
    code, _, err = run(capsys, "panel", "enrol", "--member", TOM, "--db", demo_file)
    assert code == 2 and "already enrolled" in err
    monkeypatch.setenv("SVDESK_PASSPHRASE", "Tom Ellis")
    code, _, err = run(capsys, "panel", "enrol", "--member", "Gwen Roberts", "--db", demo_file, "--tender", REF)
    assert code == 2 and "must be at least 10 characters" in err
    # a wrong passphrase: exit 2, nothing written (no signature, no backup)
    monkeypatch.setenv("SVDESK_PASSPHRASE", "not Tom's passphrase")
    code, _, err = run(capsys, "advance", "sign", "--member", TOM, "--db", demo_file)
    assert code == 2 and "the passphrase for Tom Ellis is not right; nothing was done" in err
    assert not list((tmp_path / "backups").glob("*.pre-signoff.*"))
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of(TOM))
    code, out, _ = run(capsys, "advance", "sign", "--member", TOM, "--db", demo_file)
    assert code == 0 and "sign done" in out
    (signature,) = json.loads(run(capsys, "verify", "--db", demo_file, "--json")[1])["signatures"]
    key = identity.shown_fingerprint(signature["key_fingerprint"])
    code, out, _ = run(capsys, "verify", "--db", demo_file)
    assert code == 0 and "signed by Tom Ellis (evaluator) at " in out and f"ok; key {key}, seal verifies" in out
    # the officer resets a forgotten passphrase, signed in herself; the member chooses the new one
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of("Priya Shah"))
    code, out, _ = run(capsys, "panel", "enrol", "--member", "Priya Shah", "--db", demo_file)
    assert code == 0, out
    monkeypatch.setenv("SVDESK_NEW_PASSPHRASE", "Tom's new passphrase")
    code, _, err = run(capsys, "panel", "reset", "--member", TOM, "--reason", " ", "--db", demo_file)
    assert code == 2 and "needs --reason" in err
    code, _, err = run(capsys, "panel", "reset", "--member", TOM, "--reason", "forgot it", "--db", demo_file)
    assert code == 2 and "Say who you are with --as NAME" in err  # a change by nobody signed in
    reset = ("panel", "reset", "--member", TOM, "--reason", "forgot it", "--db", demo_file)
    code, out, err = run(capsys, *reset, "--as", "Priya Shah")
    assert code == 0 and f"the old key {key} is retired" in out, err
    code, out, _ = run(capsys, "verify", "--db", demo_file)
    assert code == 0 and f"ok; key {key}, seal verifies" in out  # the old signature, with the old key


class Terminal:
    def __init__(self, tty):
        self.tty = tty

    def isatty(self):
        return self.tty


def test_cli_without_a_passphrase_exits_2_and_writes_nothing(demo_file, capsys, monkeypatch):
    monkeypatch.delenv("SVDESK_PASSPHRASE", raising=False)
    monkeypatch.setattr(sys, "stdin", Terminal(False))  # a script, no terminal to ask at
    code, _, err = run(capsys, "panel", "enrol", "--member", TOM, "--db", demo_file)
    assert code == 2 and "no passphrase for Tom Ellis" in err and "SVDESK_PASSPHRASE" in err
    monkeypatch.setenv("SVDESK_PASSPHRASE", "")
    code, _, err = run(capsys, "advance", "sign", "--member", TOM, "--db", demo_file)
    assert code == 2 and "SVDESK_PASSPHRASE is empty" in err
    db = open_svdesk_database(demo_file)
    try:
        assert identity.enrolment(db, REF) == [] and signoff.signoff_view(db, REF).signatures == []
    finally:
        db.dispose()


def test_cli_asks_at_the_terminal_twice_for_a_new_passphrase(demo_file, capsys, monkeypatch):
    monkeypatch.delenv("SVDESK_PASSPHRASE", raising=False)
    monkeypatch.setattr(sys, "stdin", Terminal(True))
    typed = iter(["one passphrase here", "another one there"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    code, _, err = run(capsys, "panel", "enrol", "--member", TOM, "--db", demo_file)
    assert code == 2 and "the two passphrases for Tom Ellis differ" in err
    typed = iter(["one passphrase here", "one passphrase here"])
    assert run(capsys, "panel", "enrol", "--member", TOM, "--db", demo_file)[0] == 0
