"""Assessment summaries as regulation 31 of the Procurement Regulations 2024 asks (Procurement Act 2023
s.50(3)), and the internal award report's record of the award stage: real PDFs of a tender taken
through the app layer to its standstill, read back with pdftotext."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from svdesk.app import award, evaluation_files, parties, reports, signoff
from svdesk.app.database import open_database
from svdesk.app.pdf_check import verify_pdf
from svdesk.export.assessment_summary import assessment_summary
from svdesk.export.pdf_attachments import SUMMARY_PROOF_ATTACHMENT
from svdesk.model.services.redactions import WITHHELD
from svdesk.resources import resource_path
from tests.keys import DEMO_PANEL, officer, sign

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")
DEMO = Path(resource_path("demo", "demo_evaluation.json"))
REF = "CWAC-2026-0142"
WINNER, LOSER, OTHER_LOSER, DISQUALIFIED = (
    "Weaver Valley Care Ltd",
    "Northgate Homecare Ltd",
    "Dee Community Care CIC",
    "Sandstone Support Services",
)
AUTHORITY = "Borough of Testford Council"
ISSUED = date(2024, 12, 20)
# withheld from the winner's Q2 explanation (as it stands in the demo's consensus rationale)
SECRET = "learning from a financial abuse case applied in every branch"
REASON = "Names the bidder's internal investigation: commercially sensitive"
ADDRESS = {
    WINNER: "1 Weaver Way\nNorthwich\nCW9 1AA",
    LOSER: "2 Northgate Street\nChester\nCH1 2BB",
    OTHER_LOSER: "3 Dee Bank\nChester\nCH4 3CC",
    DISQUALIFIED: "4 Sandstone Road\nTarporley\nCW6 4DD",
}


def pdf_text(path: Path) -> str:
    """The text in the order it is drawn (-raw): a table's cells row by row, a wrapped cell whole."""
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


@pytest.fixture(scope="module")
def awarded(tmp_path_factory):
    """The demo with every party's details given, a passage withheld, signed off, awarded, its
    summaries sent and its notice published on Monday 23 December 2024 (a standstill over Christmas)."""
    folder = tmp_path_factory.mktemp("reg31")
    db = open_database(folder / "reg31.sqlite")
    evaluation_files.load(db, "Priya", DEMO)
    parties.set_authority(
        db,
        "Priya",
        name=AUTHORITY,
        address="Town Hall\nHigh Street\nTestford\nTF1 1AA",
        email="procurement@testford.example",
        identifier="GB-LAE-TFD",
        contact="Commissioning team, 01234 567890",
        name_evaluators=False,
    )
    for i, (bidder, address) in enumerate(ADDRESS.items(), start=1):
        slug = bidder.split()[0].lower()
        parties.set_supplier(
            db, "Priya", REF, bidder, address=address, email=f"tenders@{slug}.example", identifier=f"9900010{i}"
        )
    parties.set_procurement(
        db,
        "Priya",
        REF,
        criteria_published_at="https://www.find-tender.service.gov.uk/Notice/000123-2024 (tender notice, volume 2)",
        decision_maker="Director of Adult Social Care",
        delegated_authority="Scheme of delegation, para 4.3",
    )
    parties.redact(db, "Priya", REF, WINNER, "Q2", SECRET, REASON)
    for member in DEMO_PANEL:
        sign(db, REF, member)
    priya = officer(db, REF)
    signoff.award(db, priya, REF, decided_on=date(2024, 12, 16))
    award.summaries_sent(db, officer(db, REF), REF, ISSUED)
    award.notice_published(db, officer(db, REF), REF, date(2024, 12, 23))
    letters = reports.write_report(db, REF, "summary", folder / "summaries", issued_on=ISSUED)
    internal = {
        kind: reports.write_report(db, REF, kind, folder / f"{kind}.pdf", issued_on=ISSUED)[0]
        for kind in ("award", "evaluation", "moderation")
    }
    data = reports.report_data(db, REF, ISSUED)
    db.dispose()
    by_supplier = {name: squash(pdf_text(p)) for name, p in zip(data.bidders, letters, strict=True)}
    return {"data": data, "letters": dict(zip(data.bidders, letters, strict=True)), "text": by_supplier, **internal}


def _common_items(text: str, data) -> None:
    """What every letter holds: the authority, the date, the MAT's supplier and the award criteria."""
    assert AUTHORITY in text and "Town Hall High Street Testford TF1 1AA" in text
    assert "Date of issue: 20 December 2024" in text
    assert "section 50(3) of the Procurement Act 2023 and regulation 31" in text
    # (2)(a) to (c): the most advantageous tender's supplier
    assert f"(a) Supplier {WINNER}" in text
    assert "(b) Postal address 1 Weaver Way Northwich CW9 1AA" in text
    assert "(b) Email address tenders@weaver.example" in text
    assert "(c) Unique identifier 99000101" in text
    # (2)(d)(i): each criterion by its title, its points, how assessed and the scores available
    assert "regulation 31(2)(d)(i)" in text
    for q in data.questions:
        assert f"{q.code} {q.title}" in text, q.code
        assert f"{q.code} {q.code}" not in text
    assert "Q1 Recruitment, retention and workforce development 15.00" in text
    assert "scored 0 to 5 in steps of 1" in text and "divided by 5, times 15.00" in text
    assert "Minimum score 2: a tender scoring below it is disqualified" in text
    assert "5 Excellent" in text and "0 Unacceptable" in text  # the scores available
    # (2)(d)(ii): where the full criteria can be read
    assert "regulation 31(2)(d)(ii)" in text
    assert "https://www.find-tender.service.gov.uk/Notice/000123-2024" in text
    assert "Evaluation fingerprint " + data.fingerprint in text


def _discloses_nothing_else(text: str, supplier: str) -> None:
    for member in (*DEMO_PANEL, "Priya Shah"):
        assert member not in text, (supplier, member)  # the authority did not choose to name the panel
    assert not re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", text), supplier  # no time of signing
    for other in (LOSER, OTHER_LOSER, DISQUALIFIED):
        if other != supplier:
            assert other not in text and other.split()[0] not in text, (supplier, other)
            assert squash(ADDRESS[other]) not in text, (supplier, other)
    assert "OFFICIAL-SENSITIVE" not in text and "OFFICIAL" in text  # the supplier marking


def test_the_winners_letter_holds_every_item_of_31_2(awarded):
    data, text = awarded["data"], awarded["text"][WINNER]
    _common_items(text, data)
    _discloses_nothing_else(text, WINNER)
    assert f"For: {WINNER} 1 Weaver Way Northwich CW9 1AA" in text  # the recipient and its postal address
    assert "Your tender is the most advantageous tender, ranked 1st with 86.03 out of 100" in text
    # (2)(e): each criterion's score with its explanation, the sub-totals and total
    assert "regulation 31(2)(e)" in text
    assert "Q2 Safeguarding adults at risk 4 of 5 (Good) 12.00 15.00" in text
    assert "Price £2,310,000.00 38.01 40.00" in text
    assert "Total 86.03 100.00" in text and "Quality 40.00 50.00" in text
    assert SECRET in text and WITHHELD not in text  # its own explanation, whole
    assert "Why your tender was not" not in text


def test_a_losing_letter_holds_every_item_of_31_3(awarded):
    data, text = awarded["data"], awarded["text"][LOSER]
    _common_items(text, data)
    _discloses_nothing_else(text, LOSER)
    assert f"For: {LOSER} 2 Northgate Street Chester CH1 2BB" in text
    # (3)(b): its own scores and explanations
    assert "regulation 31(3)(b)" in text
    assert "Q2 Safeguarding adults at risk 3 of 5 (Satisfactory) 9.00 15.00" in text
    assert "reports concerns within one working day (B3)" in text
    assert "Total 81.35 100.00" in text
    # (3)(c): why not the MAT, by how many points and on which components
    assert "regulation 31(3)(c)" in text
    assert "4.68 points fewer than the most advantageous tender's 86.03" in text
    assert "Q2 Safeguarding adults at risk (3.00 fewer)" in text
    assert "Q2 Safeguarding adults at risk 9.00 12.00 \u22123.00" in text
    # (3)(d): the MAT's scores and explanations, the withheld passage marked (s.94)
    assert "regulation 31(3)(d)" in text
    assert "Total 86.03 100.00" in text
    assert "same-day reporting, annual refreshers with observed competency checks" in text
    assert SECRET not in text and WITHHELD in text
    assert "withheld as sensitive commercial information under section 94(1)(b)" in text
    assert "£2,310,000.00" not in text  # the MAT's price is not given


def test_a_disqualified_letter_says_so_and_why(awarded):
    data, text = awarded["data"], awarded["text"][DISQUALIFIED]
    _common_items(text, data)
    _discloses_nothing_else(text, DISQUALIFIED)
    assert "Your tender was disqualified: Q1 scored 1, below the minimum of 2." in text
    assert "Price: not scored (disqualified)" in text and "Not scored: your tender was disqualified" in text
    assert "earned \u2013" not in text and "\u2013 points" not in text
    # the Act's word in svdesk's own text (the panel's rationale may still say "excluded": its words)
    assert not re.search(r"tender (is|was) excluded|\bExcluded\b|not excluded", text)
    assert "regulation 31(3)(c)" in text and "could not be the most advantageous tender" in text
    assert "regulation 31(3)(d)" in text and WITHHELD in text and SECRET not in text


def test_the_markings_differ_and_the_internal_reports_name_the_panel(awarded):
    data = awarded["data"]
    assert data.authority.supplier_marking != data.authority.internal_marking
    for kind in ("award", "evaluation", "moderation"):
        text = squash(pdf_text(awarded[kind]))
        assert data.authority.internal_marking in text, kind
        assert DEMO_PANEL[0] in text, kind
    for supplier, text in awarded["text"].items():
        assert data.authority.internal_marking not in text, supplier


def test_the_award_report_records_the_award_stage_and_every_redaction(awarded):
    text = squash(pdf_text(awarded["award"]))
    assert f"Name {AUTHORITY}" in text and "Unique identifier GB-LAE-TFD" in text
    assert "Decided on 16 December 2024" in text
    assert "Decision-maker Director of Adult Social Care" in text
    assert "Delegated authority Scheme of delegation, para 4.3" in text
    assert f"Recommendation approved award to {WINNER}" in text
    assert "Assessment summaries sent 20 December 2024" in text
    assert "Contract award notice published 23 December 2024" in text
    # s.51: 8 working days beginning with Monday 23 December 2024; Christmas Day, Boxing Day, the
    # weekends, New Year's Day and 2 January (a bank holiday in Scotland) do not count
    assert "Standstill ends at the end of Tuesday 7 January 2025" in text
    assert "Contract may be entered into from Wednesday 8 January 2025" in text
    assert "Wednesday 25 December 2024 Christmas Day" in text
    assert re.search(r"Thursday 2 January 2025 .{0,40}Scotland", text)
    assert "Saturday 28 December 2024 Saturday" in text
    # the redaction: supplier, criterion, passage, reason, who and when
    assert "Passages withheld from the other suppliers' summaries" in text
    assert SECRET in text and REASON in text
    assert re.search(rf"{WINNER} Q2 Safeguarding adults at risk .*Priya", text)
    assert re.search(r"Priya[^,]*, 20\d\d-\d\d-\d\d \d\d:\d\d UTC", text)


def test_the_evaluation_and_moderation_reports_list_the_redaction(awarded):
    for kind in ("evaluation", "moderation"):
        text = squash(pdf_text(awarded[kind]))
        assert REASON in text and "Withheld" in text.replace("withheld", "Withheld"), kind


def test_a_letter_names_the_panel_only_when_the_authority_chooses(awarded, tmp_path):
    data = awarded["data"]
    naming = dataclasses.replace(data, authority=dataclasses.replace(data.authority, name_evaluators=True))
    path = tmp_path / "named.pdf"
    path.write_bytes(assessment_summary(naming, LOSER))
    text = squash(pdf_text(path))
    for member in DEMO_PANEL:
        assert member in text
    assert re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", text)  # and when each signed


def _with_attachment(pdf: Path, out: Path, name: str, data: bytes) -> Path:
    writer = PdfWriter()
    for page in PdfReader(pdf).pages:
        writer.add_page(page)
    writer.add_attachment(name, data)
    writer.write(out)
    return out


def test_every_letter_and_the_award_report_verify_and_an_altered_one_does_not(awarded, tmp_path):
    for supplier, path in awarded["letters"].items():
        check = verify_pdf(path)
        assert check.ok and check.kind == "assessment summary", (supplier, check.problems)
    check = verify_pdf(awarded["award"])
    assert check.ok and check.kind == "award report", check.problems
    letter = awarded["letters"][LOSER]
    proof = PdfReader(letter).attachments[SUMMARY_PROOF_ATTACHMENT][0]
    assert json.loads(proof)["supplier"] == LOSER and SECRET.encode() not in proof
    # the letter's pages with a winner's letter's proof, and a proof that claims other pages
    other = PdfReader(awarded["letters"][WINNER]).attachments[SUMMARY_PROOF_ATTACHMENT][0]
    swapped = verify_pdf(_with_attachment(letter, tmp_path / "swapped.pdf", SUMMARY_PROOF_ATTACHMENT, other))
    assert not swapped.ok and any("altered text" in p for p in swapped.problems)
    claimed = json.loads(proof)
    claimed["content_sha256"] = "0" * 64
    forged = _with_attachment(letter, tmp_path / "forged.pdf", SUMMARY_PROOF_ATTACHMENT, json.dumps(claimed).encode())
    assert any("altered text" in p for p in verify_pdf(forged).problems)
