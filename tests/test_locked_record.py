"""Nothing replaces a locked record (issue 13, item 4): a replacing load, a restore, a pledge-sheet or
scoring-pack import into a tender with signatures in force is refused until it is reopened with a
reason; a replaced tender's chain is kept and `verify` reports the replacement; the record's actor
is the person acting, never a name given on the command line."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from svdesk.app import evaluation_files, packs, pledges, signoff
from svdesk.app.database import back_up, list_backups, open_database, restore
from svdesk.app.errors import WorkflowError
from svdesk.cli import main
from svdesk.model import audit
from svdesk.model.entities import AuditEntry, Signature
from svdesk.model.kinds import ChangeKind
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.keys import DEMO_PANEL, officer, passphrase_of, sign
from tests.sheets import plain_workbook

REF = "CWAC-2026-0142"
DEMO = Path(resource_path("demo", "demo_evaluation.json"))
REOPEN = f'svdesk advance reopen --tender {REF} --reason "WHY"'


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def loaded(target):
    db = open_database(target)
    evaluation_files.load(db, "Priya", DEMO)
    return db


def signed_off(target):
    db = loaded(target)
    for member in DEMO_PANEL:
        sign(db, REF, member)
    return db


def chain(db) -> tuple[str, int, str]:
    """(tender uid, entries, head) of the tender as it stands."""
    with db.reader() as s:
        t = get_tender(s, REF)
        check = audit.verify_chain(s, t.uid)
        return t.uid, check.entries, check.head


def entries_of(db, uid: str) -> int:
    with db.reader() as s:
        return len(audit.read_entries(s, uid))


@pytest.fixture
def demo_file(tmp_path) -> Path:
    """The demo as a file of its own, with a changed title (what a replacing load would bring)."""
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data["tender"]["title"] = "Domiciliary care framework (re-issued)"
    path = tmp_path / "reissued.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- a replacing load --------------------------------------------------------------------------------


def test_a_replacing_load_over_a_signed_tender_is_refused_until_reopened(database_target, demo_file):
    db = signed_off(database_target)
    try:
        before = chain(db)
        with pytest.raises(WorkflowError) as refused:
            evaluation_files.load(db, "Priya", demo_file, replace=True)
        message = str(refused.value)
        assert message.startswith(f"Loading reissued.json in place of tender {REF} is refused: ")
        assert "the tender is signed off and locked (signed by Tom Ellis, Gwen Roberts" in message
        assert f"Reopen it with a reason first ({REOPEN}, or Reopen on the Sign-off screen)" in message
        assert message.endswith("nothing was written")
        assert chain(db) == before  # the same tender, the same chain: nothing written
        assert not [b for b in list_backups(db) if b.label == "pre-load"]  # refused before the backup

        signoff.reopen(db, officer(db, REF), REF, "The specification was re-issued")
        evaluation_files.load(db, "Priya", demo_file, replace=True)
        uid, entries, head = before
        assert chain(db)[0] != uid
        assert entries_of(db, uid) == entries + 5  # the old chain is kept whole, the reopening with it
        report = signoff.verify_record(db, REF)
        assert report.ok, report.problems
        (replaced,) = report.replaced
        assert replaced["tender_uid"] == uid and replaced["entries"] == entries + 5 and replaced["chain_intact"]
        assert replaced["replaced_by"] == "Priya" and replaced["source"] == "reissued.json"
        assert replaced["replaced_at"][:4].isdigit() and not replaced["problem"]
        assert report.as_dict()["replaced"] == [replaced]
    finally:
        db.dispose()


def test_one_signature_in_force_is_enough_to_refuse(database_target, demo_file):
    db = loaded(database_target)
    try:
        sign(db, REF, "Tom Ellis")
        with pytest.raises(WorkflowError, match=r"the tender has signatures in force \(Tom Ellis\)"):
            evaluation_files.load(db, "Priya", demo_file, replace=True)
    finally:
        db.dispose()


def test_a_kept_chain_that_changed_after_the_replacement_is_named(tmp_path, demo_file):
    db = loaded(tmp_path / "k.sqlite")
    try:
        old_uid = chain(db)[0]
        evaluation_files.load(db, "Priya", demo_file, replace=True)
        with db.transaction() as s:  # an entry appended to the kept chain after it was replaced
            audit.record(s, old_uid, "mallory", ChangeKind.TENDER_DETAILS, "tender/1", None, {"title": "x"})
        report = signoff.verify_record(db, REF)
        assert not report.ok
        assert any("its kept chain has changed since it was replaced" in p for p in report.problems)
    finally:
        db.dispose()


def test_the_command_line_refuses_the_load_and_verify_names_the_replacement(capsys, tmp_path, demo_file, monkeypatch):
    path = tmp_path / "c.sqlite"
    signed_off(path).dispose()
    code, _, err = run(capsys, "load", str(demo_file), "--replace", "--db", str(path))
    assert code == 2
    assert f"svdesk: Loading reissued.json in place of tender {REF} is refused" in err and REOPEN in err
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of("Priya Shah"))
    code, _, err = run(capsys, "advance", "reopen", "--reason", "Re-issued", "--db", str(path), "--as", "Priya Shah")
    assert code == 0, err
    assert run(capsys, "load", str(demo_file), "--replace", "--db", str(path))[0] == 0
    code, out, _ = run(capsys, "verify", "--db", str(path))
    assert code == 0 and "VERIFIED" in out
    assert f"by {getpass.getuser()} at " in out and "from reissued.json" in out and "replaced an earlier tender" in out
    code, out, _ = run(capsys, "verify", "--json", "--db", str(path))
    (replaced,) = json.loads(out)["replaced"]
    assert replaced["replaced_by"] == getpass.getuser() and replaced["chain_intact"]


# --- restore -----------------------------------------------------------------------------------------


def test_a_restore_that_would_change_a_signed_tender_is_refused(tmp_path):
    db = loaded(tmp_path / "r.sqlite")
    try:
        earlier = back_up(db, "before-signing")
        for member in DEMO_PANEL:
            sign(db, REF, member)
        held = chain(db)
        with pytest.raises(WorkflowError) as refused:
            restore(db, earlier)
        message = str(refused.value)
        assert message.startswith(f"restoring {earlier.name} is refused: it would change or lose a tender")
        assert f"tender {REF} is signed off and locked" in message and "the backup holds it as it was at" in message
        assert f"Reopen the tender with a reason first ({REOPEN}), then restore" in message
        assert message.endswith("Nothing was changed")
        assert chain(db) == held and not [b for b in list_backups(db) if b.label == "pre-restore"]

        restore(db, back_up(db, "after-signing"))  # a backup that holds the tender as it is: allowed
        assert chain(db) == held

        signoff.reopen(db, officer(db, REF), REF, "Restoring the copy from before the signatures")
        restore(db, earlier)
        with db.reader() as s:
            assert not s.query(Signature).count()
    finally:
        db.dispose()


def test_a_backup_without_the_signed_tender_is_refused_naming_it(capsys, tmp_path):
    path = tmp_path / "e.sqlite"
    db = open_database(path)
    empty = back_up(db, "empty")
    db.dispose()
    signed_off(path).dispose()
    code, _, err = run(capsys, "backup", "restore", str(empty), "--db", str(path))
    assert code == 2 and f"tender {REF} is signed off and locked" in err and "the backup does not hold it" in err


# --- bulk writes -------------------------------------------------------------------------------------


def test_pledge_sheet_and_scoring_pack_imports_into_a_signed_tender_are_refused(database_target, tmp_path):
    db = loaded(database_target)
    try:
        pack = packs.read_scoring_pack(packs.export_pack(db, "Priya", REF, "Tom Ellis", tmp_path / "tom.xlsx"))
        sheet = pledges.read_sheet(plain_workbook(tmp_path / "sheet.xlsx"))
        preview = pledges.preview_pledge_import(db, REF, "Sandstone Support Services", sheet)
        sign(db, REF, "Tom Ellis")
        before = chain(db)
        with pytest.raises(WorkflowError) as refused:
            pledges.apply_pledge_import(db, "Priya", REF, preview)
        assert str(refused.value).startswith(f"Importing a pledge sheet into tender {REF} is refused: the tender")
        assert REOPEN in str(refused.value)
        with pytest.raises(WorkflowError, match=f"Importing a scoring pack into tender {REF} is refused"):
            packs.import_pack(db, "Priya", REF, pack, keep="pack")
        assert chain(db) == before
        assert not [b for b in list_backups(db) if b.label in ("pre-import", "pre-pack-import")]
    finally:
        db.dispose()


# --- who acts ----------------------------------------------------------------------------------------


def test_a_name_given_on_the_command_line_is_never_the_actor(capsys, tmp_path):
    path = tmp_path / "a.sqlite"
    loaded(path).dispose()
    db = open_database(path)
    before = chain(db)
    db.dispose()
    code, _, err = run(capsys, "--actor", "mallory", "advance", "reopen", "--reason", "x", "--db", str(path))
    assert code == 2 and "--actor is no longer accepted" in err
    code, _, err = run(capsys, "advance", "reopen", "--actor", "mallory", "--reason", "x", "--db", str(path))
    assert code == 2 and "never a name given on the command line" in err
    db = open_database(path)
    try:
        assert chain(db) == before  # nothing was written
    finally:
        db.dispose()
    assert run(capsys, "advance", "reopen", "--reason", "A late clarification", "--db", str(path))[0] == 0
    db = open_database(path)
    try:
        with db.reader() as s:
            last = s.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
            assert last is not None and last.actor == getpass.getuser()
    finally:
        db.dispose()


def test_the_sign_off_screen_says_what_the_tender_replaced(qtbot, tmp_path, demo_file):
    from svdesk.ui.record_views import RecordPanel

    db = loaded(tmp_path / "g.sqlite")
    try:
        evaluation_files.load(db, "Priya", demo_file, replace=True)
        report = signoff.verify_record(db, REF)
    finally:
        db.dispose()
    panel = RecordPanel()
    qtbot.addWidget(panel)
    panel.show_verification(report.fingerprint, report.audit_head, report.entries, report.problems, report.replaced)
    text = panel.verified.text()
    assert text.startswith("Verified") and "Replaced an earlier tender by Priya at " in text
    assert f"from reissued.json; its {report.replaced[0]['entries']} audit entries are kept." in text
