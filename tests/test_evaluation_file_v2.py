"""The signed evaluation file (`svdesk-evaluation/2`, issue 13 item 8): a dump carries the members'
details and public keys, the signatures in force with their seals and the source database's chain;
a load verifies every signature (the content fingerprint, the key, the seal) before anything is kept,
and `verify` in the new database accepts the carried signatures, said as carried. A version-1 file
still loads, marked unsigned. On SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from svdesk.app import evaluation_files, identity, panel, signoff
from svdesk.app.errors import NotSignedIn, WorkflowError
from svdesk.model import audit
from svdesk.model.entities import AuditEntry, MemberKey, Tender, TenderStatus
from svdesk.model.errors import ValidationError
from svdesk.model.identity import NotEnrolled, shown_fingerprint
from svdesk.model.services import open_svdesk_database
from svdesk.model.services.carried_signatures import UNSIGNED_V1, loaded_from
from svdesk.model.services.entry_signatures import check_entry_signatures
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.factory import minimal_doc, write_doc
from tests.keys import DEMO_PANEL, OFFICER, officer_of, passphrase_of, sign

REF = "CWAC-2026-0142"  # the demo
TOM, GWEN = "Tom Ellis", "Gwen Roberts"
DEMO = Path(resource_path("demo", "demo_evaluation.json"))
KEY_FIELDS = {"member", "public_key", "key_fingerprint", "enrolled_at", "reason", "retired"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def source(request, tmp_path_factory):
    """The demo, Tom's email set, signed off by the whole panel (each enrolled, with the officer),
    and dumped as `signed.json`: (database, the dump's text, its path, the demo's officer)."""
    folder = tmp_path_factory.mktemp("signed-source")
    if request.param == "sqlite":
        target: object = folder / "source.sqlite"
    else:
        target = request.getfixturevalue("pg_server").new_database()
    db = open_svdesk_database(target)
    evaluation_files.load(db, OFFICER, DEMO)
    panel.set_email(db, OFFICER, REF, TOM, "tom.ellis@example.org")  # before anyone enrols: unsigned
    for member in DEMO_PANEL:
        sign(db, REF, member)
    out = folder / "signed.json"
    evaluation_files.dump(db, REF, out)
    yield SimpleNamespace(
        db=db, text=out.read_text(encoding="utf-8"), path=out, backend=request.param, officer=officer_of(db, REF)
    )
    db.dispose()


@pytest.fixture
def fresh(source, request, tmp_path):
    """An empty database on the same backend as the source."""
    if source.backend == "sqlite":
        target: object = tmp_path / "fresh.sqlite"
    else:
        target = request.getfixturevalue("pg_server").new_database()
    db = open_svdesk_database(target)
    yield db
    db.dispose()


def signed_doc(source) -> dict:
    return copy.deepcopy(json.loads(source.text))


def tenders(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(Tender)) or 0


def refused(db, path: Path) -> str:
    """Loading `path` is refused and writes nothing; the message."""
    with pytest.raises(ValidationError) as info:
        evaluation_files.load(db, OFFICER, path)
    assert tenders(db) == 0
    return str(info.value)


# --- the dump -------------------------------------------------------------------------------------------


def test_dump_is_version_2_with_public_keys_signatures_and_the_source_chain(source):
    doc = json.loads(source.text)
    assert doc["format"] == "svdesk-evaluation/2"
    for secret in ("salt", "sealed", "kdf", "failed_attempts", "locked_until"):
        assert secret not in source.text
    assert {k["member"] for k in doc["keys"]} == {source.officer, *DEMO_PANEL}
    for key in doc["keys"]:
        assert set(key) == KEY_FIELDS and key["retired"] is False
        assert hashlib.sha256(bytes.fromhex(key["public_key"])).hexdigest() == key["key_fingerprint"]
    report = signoff.verify_record(source.db, REF)
    assert report.ok, report.problems
    assert [s["member"] for s in doc["signatures"]] == list(DEMO_PANEL)
    for sig, verified in zip(doc["signatures"], report.signatures, strict=True):
        assert sig["fingerprint"] == report.fingerprint and len(sig["seal"]) == 128
        assert sig["key_fingerprint"] == verified["key_fingerprint"] and sig["audit_head"] == verified["audit_head"]
    members = {m["name"]: m for m in doc["panel"]}
    assert members[TOM]["email"] == "tom.ellis@example.org" and members[TOM]["withdrawn"] is False
    assert "email" not in members[GWEN]  # no details recorded for her: none written
    record = doc["record"]
    assert (record["audit_head"], record["entries"]) == (report.audit_head, report.entries)
    # the head ties the file to the log kept in the source database
    anchored = signoff.verify_record(source.db, REF, expect_head=record["audit_head"])
    assert anchored.ok and anchored.anchor["found_at"] == record["entries"]


# --- a signed file loaded elsewhere -----------------------------------------------------------------------


def test_a_signed_file_loads_into_a_fresh_database_and_its_signatures_are_carried(source, fresh, tmp_path):
    loaded = evaluation_files.load(fresh, OFFICER, source.path)
    assert (loaded.format, loaded.signatures, loaded.keys) == ("svdesk-evaluation/2", 4, 5)
    with fresh.reader() as s:
        assert get_tender(s, REF).status == TenderStatus.SIGNED_OFF
        keys = list(s.scalars(select(MemberKey)))
        assert len(keys) == 5 and all(k.sealed_private_key == b"" and k.salt == b"" for k in keys)
    report = signoff.verify_record(fresh, REF)
    assert report.ok, report.problems
    assert report.fingerprint == signoff.verify_record(source.db, REF).fingerprint
    for sig in report.signatures:
        assert sig["carried"].startswith("carried from signed.json: signed in another database (head ")
        assert sig["audit_head"][:16] in sig["carried"]
        assert sig["audit_head_in_this_chain"] is False and sig["audit_head_found"] is True
        assert sig["seal"] == "verifies" and sig["fingerprint_matches"]
    said = report.as_dict()["loaded_from"]
    assert said["signed"] is True and said["version"] == 2 and said["file"] == "signed.json"
    assert said["source_record"] == json.loads(source.text)["record"]
    assert report.entry_signatures is not None and report.entry_signatures.problem == ""
    # dumped again, it is the same file but for the chain it now comes from
    again = tmp_path / "again.json"
    evaluation_files.dump(fresh, REF, again)
    first, second = json.loads(source.text), json.loads(again.read_text(encoding="utf-8"))
    assert second.pop("record")["tender_uid"] != first.pop("record")["tender_uid"]
    assert second == first


def test_a_key_that_came_with_the_file_signs_nothing_until_its_member_is_enrolled_again(source, fresh):
    evaluation_files.load(fresh, OFFICER, source.path)
    with pytest.raises(
        NotEnrolled,
        match=f"{TOM}'s key came with an evaluation file: it verifies what {TOM} signed; "
        f"to act in this database the officer enrols {TOM} again",
    ):
        identity.sign_in(fresh, REF, TOM, passphrase_of(TOM))
    with pytest.raises(NotSignedIn):  # the carried keys are in force: nothing is recorded unsigned
        signoff.reopen(fresh, OFFICER, REF, "Q4 to be looked at again")
    with pytest.raises(WorkflowError, match="came with an evaluation file"):
        identity.enrol(fresh, OFFICER, REF, TOM, passphrase_of(TOM))

    # nobody here can sign: the officer's own new key signs her enrolment again
    officer = source.officer
    identity.reenrol(fresh, OFFICER, REF, officer, passphrase_of(officer), "Enrolled in this database after the load")
    priya = identity.sign_in(fresh, REF, officer, passphrase_of(officer))
    identity.reenrol(fresh, priya, REF, TOM, passphrase_of(TOM), "Enrolled in this database after the load")
    tom = identity.sign_in(fresh, REF, TOM, passphrase_of(TOM))
    report = signoff.verify_record(fresh, REF)
    assert report.ok, report.problems  # the retired carried keys still verify what they sealed
    assert all(sig["carried"] and sig["seal"] == "verifies" for sig in report.signatures)

    signoff.reopen(fresh, priya, REF, "Q4 to be looked at again")
    signoff.sign(fresh, tom, REF, tom)
    report = signoff.verify_record(fresh, REF)
    assert report.ok, report.problems
    [mine] = report.signatures
    assert mine["name"] == TOM and mine["carried"] == "" and mine["audit_head_in_this_chain"] is True


def test_the_snapshot_is_unsigned_and_every_entry_after_it_must_be_signed(source, fresh):
    evaluation_files.load(fresh, OFFICER, source.path)
    with fresh.reader() as s:
        uid = get_tender(s, REF).uid
        entries = audit.read_entries(s, uid)
    assert [(e.seq, e.action, e.signature) for e in entries] == [(1, "tender.load", "")]
    assert check_entry_signatures(entries, uid).problem == ""
    unsigned = SimpleNamespace(
        seq=2, at="2026-03-01T10:00:00", actor=OFFICER, action="tender.update", entity="tender/1",
        before="null", after="null", reason="", prev_hash=entries[0].hash, hash="0" * 64, signed_by="", signature="",
    )  # fmt: skip
    problem = check_entry_signatures([*entries, unsigned], uid).problem
    assert "audit entry 2" in problem and "not signed, though the tender's panel had enrolled keys" in problem


def test_a_missing_audit_head_that_the_load_did_not_carry_stays_a_problem(source, fresh):
    evaluation_files.load(fresh, OFFICER, source.path)
    with fresh.engine.begin() as conn:  # behind the app's back: Gwen's signature now names another head
        conn.execute(text("UPDATE signature SET audit_head = :h WHERE name = :n"), {"h": "ab" * 32, "n": GWEN})
    report = signoff.verify_record(fresh, REF)
    gwen = next(s for s in report.signatures if s["name"] == GWEN)
    assert gwen["carried"] == "" and gwen["audit_head_found"] is False
    assert any(f"signature of {GWEN}: the audit entry it signed (abababab" in p for p in report.problems)
    assert all(s["carried"] for s in report.signatures if s["name"] != GWEN)


# --- refused: nothing written, the file, the signature and its member named -------------------------------


def test_an_edited_score_is_refused_naming_every_signer_and_the_fingerprint(source, fresh, tmp_path):
    doc = signed_doc(source)
    score = doc["scores"][0]
    score["score"] = 1 if score["score"] != 1 else 2
    message = refused(fresh, write_doc(tmp_path / "edited.json", doc))
    for i, member in enumerate(DEMO_PANEL):
        assert f"edited.json: signatures[{i}] ({member}): the file's content is not what {member} signed" in message
    assert "(fingerprint " in message and " now " in message


def test_an_edited_seal_is_refused_naming_its_member(source, fresh, tmp_path):
    doc = signed_doc(source)
    sig = doc["signatures"][1]
    sig["seal"] = sig["seal"][:-1] + ("0" if sig["seal"][-1] != "0" else "1")
    message = refused(fresh, write_doc(tmp_path / "seal.json", doc))
    shown = shown_fingerprint(sig["key_fingerprint"])
    assert f"seal.json: signatures[1] ({GWEN}): its seal does not verify with the key {shown}" in message
    assert "signatures[0]" not in message


def _first_key_of(doc: dict, member: str) -> dict:
    return next(k for k in doc["keys"] if k["member"] == member)


def _tom_signature(doc: dict) -> dict:
    return next(s for s in doc["signatures"] if s["member"] == TOM)


BAD = [
    (
        "a sealed private half in a key",
        lambda d: d["keys"][0].update(sealed_private_key="00", salt="00"),
        "keys[0]: unknown keys 'sealed_private_key', 'salt'",
    ),
    (
        "a key fingerprint that is not its key's",
        lambda d: _first_key_of(d, TOM).update(key_fingerprint="0" * 64),
        "is not the SHA-256 of its public key",
    ),
    (
        "a signature with a key not in the file",
        lambda d: _tom_signature(d).update(key_fingerprint="1" * 64),
        f"({TOM}): its key 1111 1111 1111 1111 is not one of {TOM}'s keys in the file's 'keys'",
    ),
    (
        "a key enrolled after the signature",
        lambda d: _first_key_of(d, TOM).update(enrolled_at="2099-01-01T00:00:00+00:00"),
        f"({TOM}): sealed with the key",
    ),
    (
        "a signature moved to another role",
        lambda d: _tom_signature(d).update(role="chair"),
        f"({TOM}).role: {TOM} is on the panel as evaluator, not 'chair'",
    ),
    (
        "an unsealed signature",
        lambda d: _tom_signature(d).update(seal="", key_fingerprint=""),
        f"({TOM}): {TOM}'s signature is not sealed",
    ),
    (
        "a signature of someone not on the panel",
        lambda d: _tom_signature(d).update(member="Mallory"),
        "signatures[0].member: unknown panel member 'Mallory'",
    ),
    (
        "a format of the future",
        lambda d: d.update(format="svdesk-evaluation/3"),
        "format: expected 'svdesk-evaluation/1' or 'svdesk-evaluation/2', found 'svdesk-evaluation/3'",
    ),
    (
        "keys in a version-1 file",
        lambda d: d.update(format="svdesk-evaluation/1"),
        "(document): unknown keys 'keys', 'signatures', 'record'",
    ),
    (
        "a record head that is not a hash",
        lambda d: d["record"].update(audit_head="HEAD"),
        "record.audit_head: expected an audit head (lower-case hex), found 'HEAD'",
    ),
]


@pytest.mark.parametrize("name,mutate,message", BAD, ids=[b[0] for b in BAD])
def test_bad_version_2_input_is_refused_naming_the_file_and_the_place(source, fresh, tmp_path, name, mutate, message):
    doc = signed_doc(source)
    mutate(doc)
    path = write_doc(tmp_path / "bad.json", doc)
    said = refused(fresh, path)
    assert message in said and str(path) in said


# --- unsigned files ------------------------------------------------------------------------------------------


def test_a_version_1_file_still_loads_and_is_marked_unsigned(fresh):
    loaded = evaluation_files.load(fresh, OFFICER, DEMO)
    assert (loaded.format, loaded.signatures, loaded.keys) == ("svdesk-evaluation/1", 0, 0)
    report = signoff.verify_record(fresh, REF)
    assert report.ok, report.problems
    said = report.as_dict()["loaded_from"]
    assert said["said"] == UNSIGNED_V1 == "loaded from an unsigned evaluation file (version 1)"
    assert (said["format"], said["signed"], said["file"]) == ("svdesk-evaluation/1", False, DEMO.name)
    with fresh.reader() as s:
        tender = get_tender(s, REF)
        after = json.loads(s.scalar(select(AuditEntry.after).where(AuditEntry.tender_uid == tender.uid)))
        assert loaded_from(s, tender).said == UNSIGNED_V1  # read alone, without the log in hand
    assert (after["source_format"], after["source_signed"]) == ("svdesk-evaluation/1", False)
    assert list(after)[0] == "source" and list(after)[-1] == "state"  # the entry still starts with its source


def test_a_version_2_file_without_signatures_keeps_the_members_details(fresh, tmp_path):
    doc = minimal_doc()
    doc["format"] = "svdesk-evaluation/2"
    doc["panel"][0].update(email="tom@example.org", withdrawn=False, withdrawal_reason="", withdrawn_at="")
    doc["panel"][1].update(
        email="", withdrawn=True, withdrawal_reason="Left the council", withdrawn_at="2026-02-01T09:00:00+00:00"
    )
    doc["scores"] = [s for s in doc["scores"] if s["evaluator"] != "Gwen"]
    evaluation_files.load(fresh, OFFICER, write_doc(tmp_path / "details.json", doc))
    report = signoff.verify_record(fresh, "T-001")
    assert report.ok, report.problems
    assert report.loaded_from is not None and report.loaded_from["said"] == (
        "loaded from an evaluation file (version 2) that carries no signatures"
    )
    out = tmp_path / "out.json"
    evaluation_files.dump(fresh, "T-001", out)
    dumped = json.loads(out.read_text(encoding="utf-8"))
    assert dumped["panel"] == doc["panel"]
    assert (dumped["keys"], dumped["signatures"]) == ([], [])
    withdrawn = {m.name: m.withdrawn for m in panel.panel_rows(fresh, "T-001")}
    assert withdrawn == {"Tom": False, "Gwen": True, "Alan": False}


def test_a_withdrawal_needs_its_reason(fresh, tmp_path):
    doc = minimal_doc()
    doc["format"] = "svdesk-evaluation/2"
    doc["panel"][2].update(withdrawn=True, withdrawn_at="2026-02-01T09:00:00+00:00")
    assert "panel[2].withdrawal_reason: must not be empty" in refused(fresh, write_doc(tmp_path / "w.json", doc))


# --- scores entered by proxy travel with the file (part of the signed content) ------------------------------

WEAVER = "Weaver Valley Care Ltd"
PAPER = {TOM: "paper form signed by Tom Ellis, dated 3 Dec", GWEN: "paper form signed by Gwen Roberts, dated 4 Dec"}
PROXY_FIELDS = ["member", "bidder", "question", "entered_by", "source", "entered_at", "confirmed_at"]


def _backend_database(backend: str, request, path: Path):
    target = path if backend == "sqlite" else request.getfixturevalue("pg_server").new_database()
    return open_svdesk_database(target)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def proxied(request, tmp_path_factory):
    """The demo without Tom's and Gwen's scores of Q1 for Weaver Valley: the officer reopens it to
    scoring and types both in from their paper forms, Tom confirms his (Gwen's stays unconfirmed),
    and the whole panel signs it off; dumped as `proxied.json`."""
    from svdesk.app import scoring
    from tests.keys import officer, signed_in

    folder = tmp_path_factory.mktemp("proxied-source")
    doc = json.loads(DEMO.read_text(encoding="utf-8"))
    gone = [s for s in doc["scores"] if s["evaluator"] in PAPER and (s["bidder"], s["question"]) == (WEAVER, "Q1")]
    assert len(gone) == 2
    doc["scores"] = [s for s in doc["scores"] if s not in gone]
    db = _backend_database(request.param, request, folder / "source.sqlite")
    evaluation_files.load(db, OFFICER, write_doc(folder / "paper.json", doc))
    priya = officer(db, REF)
    signoff.reopen(db, priya, REF, "Two members scored Q1 for Weaver Valley on paper")
    for score in gone:
        member = score["evaluator"]
        scoring.enter_by_proxy(db, priya, REF, member, WEAVER, "Q1", score["score"], score["rationale"], PAPER[member])
    scoring.confirm_proxy_scores(db, signed_in(db, REF, TOM), REF, TOM)
    signoff.open_moderation(db, priya, REF)
    for member in DEMO_PANEL:
        sign(db, REF, member)
    out = folder / "proxied.json"
    evaluation_files.dump(db, REF, out)
    yield SimpleNamespace(db=db, text=out.read_text(encoding="utf-8"), path=out, backend=request.param)
    db.dispose()


@pytest.fixture
def fresh_for_proxied(proxied, request, tmp_path):
    db = _backend_database(proxied.backend, request, tmp_path / "fresh.sqlite")
    yield db
    db.dispose()


def test_the_dump_carries_each_score_entered_by_proxy_as_fingerprinted(proxied):
    from svdesk.app import scoring

    rows = json.loads(proxied.text)["proxy_entries"]
    assert [list(r) for r in rows] == [PROXY_FIELDS, PROXY_FIELDS]
    by_member = {r["member"]: r for r in rows}
    held = {p.member: p for p in scoring.proxy_scores(proxied.db, REF)}
    assert set(by_member) == set(held) == {TOM, GWEN}
    for member, row in by_member.items():
        p = held[member]
        assert (row["bidder"], row["question"], row["source"]) == (WEAVER, "Q1", PAPER[member])
        assert (row["entered_by"], row["entered_at"], row["confirmed_at"]) == (
            p.entered_by,
            p.entered_at,
            p.confirmed_at,
        )
    assert by_member[TOM]["confirmed_at"] != "" and by_member[GWEN]["confirmed_at"] == ""
    assert by_member[TOM]["entered_by"] == officer_of(proxied.db, REF)


def test_a_signed_tender_with_proxy_entered_scores_loads_elsewhere_and_verifies(proxied, fresh_for_proxied, tmp_path):
    from svdesk.app import scoring

    fresh = fresh_for_proxied
    loaded = evaluation_files.load(fresh, OFFICER, proxied.path)
    assert (loaded.format, loaded.signatures) == ("svdesk-evaluation/2", 4)
    report = signoff.verify_record(fresh, REF)
    assert report.ok, report.problems
    assert report.fingerprint == signoff.verify_record(proxied.db, REF).fingerprint
    assert all(sig["carried"] and sig["seal"] == "verifies" and sig["fingerprint_matches"] for sig in report.signatures)
    with fresh.reader() as s:
        assert get_tender(s, REF).status == TenderStatus.SIGNED_OFF
    assert scoring.proxy_scores(fresh, REF) == scoring.proxy_scores(proxied.db, REF)
    again = tmp_path / "again.json"
    evaluation_files.dump(fresh, REF, again)
    first, second = json.loads(proxied.text), json.loads(again.read_text(encoding="utf-8"))
    first.pop("record"), second.pop("record")
    assert second == first


def test_an_unsigned_load_keeps_the_scores_entered_by_proxy(proxied, fresh_for_proxied, tmp_path):
    from svdesk.app import scoring

    doc = json.loads(proxied.text)
    doc["signatures"], doc["keys"] = [], []
    evaluation_files.load(fresh_for_proxied, OFFICER, write_doc(tmp_path / "unsigned.json", doc))
    report = signoff.verify_record(fresh_for_proxied, REF)
    assert report.ok, report.problems
    assert report.fingerprint == signoff.verify_record(proxied.db, REF).fingerprint  # nothing dropped
    assert scoring.proxy_scores(fresh_for_proxied, REF) == scoring.proxy_scores(proxied.db, REF)


def test_a_proxy_entry_taken_out_or_confirmed_in_the_file_is_not_what_the_panel_signed(
    proxied, fresh_for_proxied, tmp_path
):
    for name, mutate in (
        ("gone.json", lambda d: d.pop("proxy_entries")),  # the scores would pass as the members' own
        ("confirmed.json", lambda d: d["proxy_entries"][1].update(confirmed_at=d["proxy_entries"][0]["confirmed_at"])),
    ):
        doc = signed_doc(proxied)
        mutate(doc)
        message = refused(fresh_for_proxied, write_doc(tmp_path / name, doc))
        assert f"{name}: signatures[0] ({TOM}): the file's content is not what {TOM} signed" in message


def _proxy_of(doc: dict, member: str) -> dict:
    return next(p for p in doc["proxy_entries"] if p["member"] == member)


def _drop_score(doc: dict) -> None:
    doc["scores"] = [s for s in doc["scores"] if (s["evaluator"], s["bidder"], s["question"]) != (GWEN, WEAVER, "Q1")]


BAD_PROXY = [
    (
        "an unknown member",
        lambda d: _proxy_of(d, GWEN).update(member="Mallory"),
        ".member: unknown panel member 'Mallory'",
    ),
    (
        "an unknown bidder",
        lambda d: _proxy_of(d, GWEN).update(bidder="Nobody Ltd"),
        ".bidder: unknown bidder 'Nobody Ltd'",
    ),
    ("an unknown question", lambda d: _proxy_of(d, GWEN).update(question="Q9"), ".question: unknown question 'Q9'"),
    (
        "a proxy row for a score the file does not have",
        _drop_score,
        f"proxy_entries[1]: the file has no score of Q1 for {WEAVER} by {GWEN} for it to be entered by proxy",
    ),
    (
        "the same score entered twice",
        lambda d: d["proxy_entries"].append(dict(_proxy_of(d, GWEN))),
        f"proxy_entries[2]: {GWEN}'s score of Q1 for {WEAVER} is entered by proxy twice",
    ),
    ("no source", lambda d: _proxy_of(d, GWEN).update(source=" "), "proxy_entries[1].source: must not be empty"),
    (
        "a time that is not one",
        lambda d: _proxy_of(d, GWEN).update(entered_at="yesterday"),
        "proxy_entries[1].entered_at: 'yesterday' is not a date and time (ISO 8601)",
    ),
    (
        "a member's own score as a proxy entry",
        lambda d: _proxy_of(d, GWEN).update(entered_by=GWEN),
        f"proxy_entries[1].entered_by: {GWEN}'s own scores are theirs, not entered by proxy",
    ),
    ("an unknown field", lambda d: _proxy_of(d, GWEN).update(score=3), "proxy_entries[1]: unknown key 'score'"),
    (
        "proxy entries in a version-1 file",
        lambda d: [d.update(format="svdesk-evaluation/1"), [d.pop(k) for k in ("keys", "signatures", "record")]],
        "(document): unknown key 'proxy_entries'",
    ),
]


@pytest.mark.parametrize("name,mutate,message", BAD_PROXY, ids=[b[0] for b in BAD_PROXY])
def test_bad_proxy_entries_are_refused_naming_the_file_and_the_field(
    proxied, fresh_for_proxied, tmp_path, name, mutate, message
):
    doc = signed_doc(proxied)
    mutate(doc)
    path = write_doc(tmp_path / "bad.json", doc)
    said = refused(fresh_for_proxied, path)
    assert message in said and str(path) in said, said
