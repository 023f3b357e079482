"""Proxy entry, honestly recorded (issue 13 item 6): members score on paper and the officer types the
scores in, or imports their offline pack. Allowed only as an explicit entry "entered by the officer
from <source>", signed by the officer; the member later confirms them (signed in), or the reports
say plainly that they were entered by proxy."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from svdesk.app import measures, packs, panel, pledges, questions, reports, scoring, setup, signoff
from svdesk.app.database import open_database
from svdesk.app.errors import ValidationError, WorkflowError
from svdesk.cli import main
from svdesk.model.entities import AuditEntry
from tests.keys import OFFICER, officer, passphrase_of, signed_in

REF = "PX-1"
TOM, GWEN, SAM = "Tom Ellis", "Gwen Roberts", "Sam Okafor"
BIDDERS = ("Acme Roads", "Brightway Ltd")
ACME, BRIGHT = BIDDERS
PAPER = "paper form signed by Tom Ellis, dated 3 Dec"
WHY = "Section 2 names the recruitment lead and a week-by-week plan."

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")


@pytest.fixture
def db(database_target):
    """Scoring open; Tom and Gwen have declared (no conflicts), Sam has not; Priya is the officer,
    enrolled, so every change from here on is signed by whoever makes it."""
    database = open_database(database_target)
    setup.create_tender(database, OFFICER, REF, "Highways", 400_000)
    measures.add_measure(database, OFFICER, REF, "NT1")
    questions.save_question(database, OFFICER, REF, "Q1", section="quality", text="Your method?", weight=100)
    questions.save_question(database, OFFICER, REF, "SV1", section="social_value", text="Social value?", weight=100)
    for bidder in BIDDERS:
        pledges.add_bidder(database, OFFICER, REF, bidder, 350_000)
    for name, role in ((TOM, "evaluator"), (GWEN, "evaluator"), (SAM, "evaluator"), ("Alan Whitfield", "chair")):
        panel.add_member(database, OFFICER, REF, name, role)
    signoff.open_scoring(database, OFFICER, REF)
    for member in (TOM, GWEN):
        scoring.declare(database, member, REF, member, [(b, False, "") for b in BIDDERS])
    officer(database, REF)  # Priya joins as the officer and enrols
    yield database
    database.dispose()


def entries(db) -> list[AuditEntry]:
    with db.reader() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def held(db, member: str, bidder: str, question: str) -> tuple[float | None, str | None]:
    one = scoring.own_score(db, REF, member, bidder, question)
    return one.score, one.rationale


def verified(db) -> None:
    report = signoff.verify_record(db, REF)
    assert report.ok, report.problems


def pdf_text(db, kind: str, out: Path) -> str:
    (path,) = reports.write_report(db, REF, kind, out)
    shown = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(shown.split())  # lines wrapped where the page wrapped them: compared as one line


def test_proxy_entry_is_refused_without_a_source_by_anyone_but_the_officer_and_by_a_name_alone(db):
    priya = officer(db, REF)
    gwen = signed_in(db, REF, GWEN)
    tom = signed_in(db, REF, TOM)
    before = [e.hash for e in entries(db)]
    for blank in ("", "   \n "):
        with pytest.raises(ValidationError, match="say where the scores come from"):
            scoring.enter_by_proxy(db, priya, REF, TOM, ACME, "Q1", 3, WHY, blank)
    with pytest.raises(WorkflowError, match="Gwen Roberts is signed in as evaluator: only the procurement officer"):
        scoring.enter_by_proxy(db, gwen, REF, TOM, ACME, "Q1", 3, WHY, PAPER)
    with pytest.raises(WorkflowError, match="Priya is not signed in: the officer signs in"):
        scoring.enter_by_proxy(db, OFFICER, REF, TOM, ACME, "Q1", 3, WHY, PAPER)
    with pytest.raises(WorkflowError, match="only the procurement officer"):
        scoring.enter_by_proxy(db, tom, REF, TOM, ACME, "Q1", 3, WHY, PAPER)  # his own are not by proxy
    with pytest.raises(WorkflowError, match="Sam Okafor must declare any conflict of interest for every bidder"):
        scoring.enter_by_proxy(db, priya, REF, SAM, ACME, "Q1", 3, WHY, "paper form signed by Sam")
    with pytest.raises(WorkflowError, match="Priya is signed in, and scoring is Tom Ellis's own to do"):
        scoring.set_score(db, priya, REF, TOM, ACME, "Q1", 3, WHY)  # only as an explicit proxy entry
    with pytest.raises(ValidationError, match="6 is above the scale maximum 5"):
        scoring.enter_by_proxy(db, priya, REF, TOM, ACME, "Q1", 6, WHY, PAPER)
    assert [e.hash for e in entries(db)] == before  # nothing written
    assert scoring.proxy_scores(db, REF) == []
    verified(db)


def test_a_proxy_entry_is_saved_as_the_members_score_and_audited_as_the_officers(db):
    priya = officer(db, REF)
    saved = scoring.enter_by_proxy(db, priya, REF, TOM, ACME, "Q1", 3, WHY, f"  {PAPER} ")
    assert saved.value == 1 and held(db, TOM, ACME, "Q1") == (3.0, WHY)
    score_entry, proxy_entry = entries(db)[-2:]
    assert (score_entry.action, score_entry.actor, score_entry.reason) == (
        "score.set",
        OFFICER,
        f"entered by proxy from {PAPER}",
    )
    assert (proxy_entry.action, proxy_entry.actor) == ("proxy.enter", OFFICER)
    assert f"entered for {TOM} from {PAPER}" in proxy_entry.reason
    assert {score_entry.signed_by, proxy_entry.signed_by} == {priya.key_fingerprint}  # signed by the officer
    (listed,) = scoring.proxy_scores(db, REF)
    assert (listed.member, listed.bidder, listed.question, listed.score) == (TOM, ACME, "Q1", 3.0)
    assert (listed.source, listed.entered_by, listed.confirmed_at, listed.confirmed) == (PAPER, OFFICER, "", False)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", listed.entered_at)
    assert scoring.proxy_scores(db, REF, GWEN) == [] and len(scoring.proxy_scores(db, REF, TOM)) == 1
    verified(db)

    # a typing slip, corrected by the officer from the same form: still the officer's, still unconfirmed
    scoring.enter_by_proxy(db, priya, REF, TOM, ACME, "Q1", 4, WHY, PAPER)
    assert held(db, TOM, ACME, "Q1") == (4.0, WHY) and not scoring.proxy_scores(db, REF, TOM)[0].confirmed
    # a score Tom saved himself is his: never overwritten by proxy
    tom = signed_in(db, REF, TOM)
    scoring.set_score(db, tom, REF, TOM, BRIGHT, "Q1", 2, "Only two staff named in section 2.")
    with pytest.raises(WorkflowError, match="was saved by Tom Ellis themselves: only they change it"):
        scoring.enter_by_proxy(db, priya, REF, TOM, BRIGHT, "Q1", 5, WHY, PAPER)
    assert held(db, TOM, BRIGHT, "Q1") == (2.0, "Only two staff named in section 2.")
    verified(db)


@needs_pdftotext
def test_the_reports_say_entered_by_proxy_until_the_member_confirms(db, tmp_path):
    priya = officer(db, REF)
    for bidder in BIDDERS:
        scoring.enter_by_proxy(db, priya, REF, TOM, bidder, "Q1", 3, WHY, PAPER)
    unconfirmed = f"2 of this member's scores were entered by proxy by Priya from {PAPER}; not confirmed by the member"
    for kind in ("evaluation", "moderation"):
        text = pdf_text(db, kind, tmp_path / f"{kind}.pdf")
        assert "Scores entered by proxy" in text and f"{TOM}: {unconfirmed}." in text, kind
        assert f"{GWEN}: " + "1 of this" not in text and f"{GWEN}: 2 of this" not in text  # hers are her own
    assert "Tom Ellis (entered by proxy, not confirmed)" in pdf_text(db, "moderation", tmp_path / "m.pdf")

    gwen, tom = signed_in(db, REF, GWEN), signed_in(db, REF, TOM)
    before = [e.hash for e in entries(db)]
    with pytest.raises(WorkflowError, match="Gwen Roberts is signed in, and confirming .* is Tom Ellis's own"):
        scoring.confirm_proxy_scores(db, gwen, REF, TOM)
    with pytest.raises(WorkflowError, match="Priya is signed in, and confirming"):
        scoring.confirm_proxy_scores(db, priya, REF, TOM)
    with pytest.raises(WorkflowError, match="Tom Ellis signs in"):
        scoring.confirm_proxy_scores(db, TOM, REF, TOM)
    assert [e.hash for e in entries(db)] == before

    assert scoring.confirm_proxy_scores(db, tom, REF, TOM).value == 2
    confirmations = entries(db)[-2:]
    assert [(e.action, e.actor, e.signed_by) for e in confirmations] == [
        ("proxy.confirm", TOM, tom.key_fingerprint)
    ] * 2
    assert all(p.confirmed for p in scoring.proxy_scores(db, REF, TOM))
    assert scoring.confirm_proxy_scores(db, tom, REF, TOM).value == 0  # nothing left to confirm
    when = datetime.fromisoformat(scoring.proxy_scores(db, REF, TOM)[0].confirmed_at)
    shown_day = f"{when.day} {when:%B %Y}"  # "3 December 2026"
    for kind in ("evaluation", "moderation"):
        text = pdf_text(db, kind, tmp_path / f"{kind}-confirmed.pdf")
        assert f"{TOM}: 2 of this member's scores were entered by proxy by Priya from {PAPER}; " in text
        assert f"confirmed by the member on {shown_day}." in text and "not confirmed" not in text
    verified(db)


def test_a_member_changing_a_score_entered_for_them_confirms_that_one(db):
    priya = officer(db, REF)
    for bidder in BIDDERS:
        scoring.enter_by_proxy(db, priya, REF, TOM, bidder, "SV1", 2, WHY, PAPER)
    tom = signed_in(db, REF, TOM)
    scoring.set_score(db, tom, REF, TOM, BRIGHT, "SV1", 3, "On reflection, the plan in section 4 is credible.")
    state = {p.bidder: p.confirmed for p in scoring.proxy_scores(db, REF, TOM)}
    assert state == {ACME: False, BRIGHT: True}
    assert entries(db)[-1].action == "proxy.confirm" and entries(db)[-1].actor == TOM
    # once confirmed, his: the officer cannot enter it again by proxy
    with pytest.raises(WorkflowError, match="was confirmed by Tom Ellis themselves"):
        scoring.enter_by_proxy(db, priya, REF, TOM, BRIGHT, "SV1", 1, WHY, PAPER)
    verified(db)


def _pack(db, actor, path: Path, member: str = TOM, score: int = 3) -> Path:
    packs.export_pack(db, actor, REF, member, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Scores"]
    for row in range(2, ws.max_row + 1):
        ws.cell(row, 4).value, ws.cell(row, 5).value = score, f"{WHY} (row {row})"
    wb.save(path)
    return path


def test_a_pack_imported_by_the_officer_is_entered_by_proxy_from_the_files_sha256(db, tmp_path):
    priya = officer(db, REF)
    path = _pack(db, priya, tmp_path / "tom.xlsx")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    pack = packs.read_scoring_pack(path)
    gwen = signed_in(db, REF, GWEN)
    with pytest.raises(WorkflowError, match="Gwen Roberts is signed in, and Tom Ellis's scoring pack is imported by"):
        packs.import_pack(db, gwen, REF, pack)
    preview = packs.import_pack(db, priya, REF, pack, dry_run=True)
    assert preview.plan.sha256 == sha and preview.plan.as_dict()["sha256"] == sha
    done = packs.import_pack(db, priya, REF, pack)
    assert done.outcome is not None and len(done.outcome.written) == 4
    assert done.outcome.proxy_source == f"offline pack {sha}"
    listed = scoring.proxy_scores(db, REF, TOM)
    assert len(listed) == 4 and {(p.source, p.entered_by, p.confirmed) for p in listed} == {
        (f"offline pack {sha}", OFFICER, False)
    }
    written = [e for e in entries(db) if e.action == "score.set"]
    assert len(written) == 4 and all(
        e.actor == OFFICER and e.reason == f"entered by proxy from offline pack {sha}" for e in written
    )
    verified(db)

    # Tom imports a pack of his own: his scores, not by proxy, and the ones it changes are confirmed
    tom = signed_in(db, REF, TOM)
    mine = _pack(db, tom, tmp_path / "tom-own.xlsx", score=4)
    own = packs.import_pack(db, tom, REF, packs.read_scoring_pack(mine), keep="pack")
    assert own.outcome is not None and own.outcome.proxy_source == "" and len(own.outcome.written) == 4
    assert all(p.confirmed for p in scoring.proxy_scores(db, REF, TOM))
    assert [e.reason for e in entries(db) if e.action == "score.set"][-4:] == [""] * 4
    verified(db)


def test_the_command_line_imports_the_officers_pack_by_proxy(db, tmp_path, capsys, monkeypatch, database_target):
    path = _pack(db, officer(db, REF), tmp_path / "tom.xlsx")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setenv("SVDESK_PASSPHRASE", passphrase_of(OFFICER))
    code = main(["pack", "import", str(path), "--tender", REF, "--db", str(database_target), "--as", OFFICER])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"entered by proxy from offline pack {sha}: {TOM} confirms them, signed in" in out
    assert len(scoring.proxy_scores(db, REF, TOM)) == 4
