"""`svdesk verify-pdf` (issue 15 item 6): an issued award report carries the evaluation file and a
supplier's assessment summary its proof; the document, its attachment and the record must agree."""

import dataclasses
import json
import shutil

import pytest
from pypdf import PdfReader, PdfWriter

from svdesk.app import moderation, reports, signoff
from svdesk.app.database import open_database
from svdesk.cli import main
from svdesk.export.assessment_summary import _assessment_summary
from svdesk.export.award_report import award_report
from svdesk.export.pdf_attachments import EVALUATION_ATTACHMENT, SUMMARY_PROOF_ATTACHMENT
from tests.keys import DEMO_PANEL, officer, signed_in

REF = "CWAC-2026-0142"
LOSER = "Sandstone Support Services"


@pytest.fixture
def signed(signed_db, tmp_path):
    """A copy of the signed-off demo (so a test may change it)."""
    path = tmp_path / "signed.sqlite"
    shutil.copyfile(signed_db, path)
    return path


def _award(db_path, out):
    assert main(["report", "--db", str(db_path), "--tender", REF, "--kind", "award", "--out", str(out)]) == 0
    return out


def _verify(capsys, pdf, db_path=None):
    capsys.readouterr()
    rc = main(["verify-pdf", str(pdf), *(["--db", str(db_path)] if db_path else [])])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


def test_a_fresh_award_report_verifies_with_and_without_the_database(signed, tmp_path, capsys):
    pdf = _award(signed, tmp_path / "award.pdf")
    dumped = tmp_path / "dump.json"
    assert main(["dump", "--db", str(signed), "--tender", REF, "--out", str(dumped)]) == 0
    assert PdfReader(pdf).attachments[EVALUATION_ATTACHMENT] == [dumped.read_bytes()]  # the whole file
    rc, said = _verify(capsys, pdf)
    assert rc == 0, said
    assert f"award report of tender {REF}: VERIFIED" in said
    assert "its 4 signatures each seal this content" in said
    rc, said = _verify(capsys, pdf, signed)
    assert rc == 0, said
    assert "still holds tender CWAC-2026-0142 as issued" in said


def _with_attachments(pdf, out, attachments):
    """The same pages with `attachments` (name -> bytes) in place of the document's own."""
    writer = PdfWriter()
    for page in PdfReader(pdf).pages:
        writer.add_page(page)
    for name, data in attachments.items():
        writer.add_attachment(name, data)
    writer.write(out)
    return out


def test_an_award_report_whose_attachment_was_replaced_fails_naming_it(signed, tmp_path, capsys):
    pdf = _award(signed, tmp_path / "award.pdf")
    data = json.loads(PdfReader(pdf).attachments[EVALUATION_ATTACHMENT][0])
    for m in data["moderated"]:  # a consensus lowered after the panel signed
        if m["bidder"] == "Weaver Valley Care Ltd":
            m["score"] = max(0, m["score"] - 1)
            break
    else:
        pytest.fail("the demo's file has no consensus for Weaver Valley Care Ltd")
    altered = json.dumps(data, indent=1).encode()
    rc, said = _verify(capsys, _with_attachments(pdf, tmp_path / "altered.pdf", {EVALUATION_ATTACHMENT: altered}))
    assert rc == 2
    assert "DOES NOT VERIFY" in said and "altered attachment: svdesk-evaluation.json does not load" in said
    assert "the file's content is not what Tom Ellis signed" in said
    # and one with no attachment at all
    rc, said = _verify(capsys, _with_attachments(pdf, tmp_path / "bare.pdf", {}))
    assert rc == 2 and "attachment missing" in said


def test_an_award_report_whose_printed_fingerprint_was_altered_fails(signed, tmp_path, capsys):
    """A forger reprints the report with another fingerprint around the genuine evaluation file."""
    genuine = _award(signed, tmp_path / "award.pdf")
    attached = PdfReader(genuine).attachments[EVALUATION_ATTACHMENT][0]
    db = open_database(signed)
    try:
        data = reports.report_data(db, REF)
    finally:
        db.dispose()
    forged_data = dataclasses.replace(data, fingerprint="0123456789abcdef" * 4)
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(award_report(forged_data, evaluation_file=attached))
    rc, said = _verify(capsys, forged)
    assert rc == 2
    assert "altered printed fingerprint" in said and "prints 0123456789abcdef" in said


def test_against_a_database_changed_since_the_report_it_fails_naming_it(signed, tmp_path, capsys):
    pdf = _award(signed, tmp_path / "award.pdf")
    db = open_database(signed)
    try:
        signoff.reopen(db, officer(db, REF), REF, "a late clarification from the bidder")
        member = signed_in(db, REF, DEMO_PANEL[0])
        moderation.set_consensus(db, member, REF, "Weaver Valley Care Ltd", "Q1", 2, "Re-read after clarification.")
    finally:
        db.dispose()
    rc, said = _verify(capsys, pdf)  # the document alone still proves what it printed
    assert rc == 0, said
    rc, said = _verify(capsys, pdf, signed)
    assert rc == 2
    assert "the database no longer holds the same record" in said and "changed since it was issued" in said


def test_a_supplier_summary_verifies_its_own_text_and_discloses_no_one_else(signed, tmp_path, capsys):
    pdf = tmp_path / "summary.pdf"
    argv = ["report", "--db", str(signed), "--tender", REF, "--kind", "summary", "--bidder", LOSER]
    assert main([*argv, "--out", str(pdf)]) == 0
    attachments = PdfReader(pdf).attachments
    assert EVALUATION_ATTACHMENT not in attachments  # every bid's scores and the evaluators: not for a supplier
    proof = attachments[SUMMARY_PROOF_ATTACHMENT][0].decode()
    for name in (*DEMO_PANEL, "Priya Shah", "Northgate Homecare Ltd", "Dee Community Care CIC"):
        assert name not in proof
    rc, said = _verify(capsys, pdf)
    assert rc == 0, said
    assert "the letter's text is the text it was issued with" in said
    rc, said = _verify(capsys, pdf, signed)
    assert rc == 0, said

    # the same proof around a letter that says something else
    db = open_database(signed)
    try:
        data = reports.report_data(db, REF)
    finally:
        db.dispose()
    changed = dataclasses.replace(data, title=data.title + " (amended)")
    unsealed = tmp_path / "unsealed.pdf"
    unsealed.write_bytes(_assessment_summary(changed, LOSER, "OFFICIAL", sealed=False))
    forged = _with_attachments(unsealed, tmp_path / "forged-summary.pdf", {SUMMARY_PROOF_ATTACHMENT: proof.encode()})
    rc, said = _verify(capsys, forged)
    assert rc == 2 and "altered text: the letter's text is not what it was issued with" in said
    # the genuine letter, its pages copied into another file with its own proof: still the letter it was
    copied = _with_attachments(pdf, tmp_path / "copied.pdf", {SUMMARY_PROOF_ATTACHMENT: proof.encode()})
    rc, said = _verify(capsys, copied)
    assert rc == 0, said
    # and a proof altered to claim another record
    altered = json.loads(proof)
    altered["fingerprint"] = "0123456789abcdef" * 4
    rc, said = _verify(
        capsys,
        _with_attachments(
            pdf, tmp_path / "altered-proof.pdf", {SUMMARY_PROOF_ATTACHMENT: json.dumps(altered).encode()}
        ),
    )
    assert rc == 2 and "altered printed fingerprint" in said
