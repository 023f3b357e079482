"""Citations over a real tender (issue 18 parts 3-4): a bidder's PDF made with reportlab and imported
into the record, rationales citing it (a member's and the consensus), the rationale check flagging
the citations that do not check against the document's page texts, and the moderation report and
the assessment summaries printing each rationale readably with its references, read back from the
PDFs with pdftotext."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from svdesk.app import evaluation_files
from svdesk.export.reports import write_report
from svdesk.model.citations import citation_token
from svdesk.model.rationale import BAD_CITATION, NO_REFERENCE
from svdesk.model.services import documents, open_svdesk_database, rationale_check
from svdesk.model.services.report_data import report_data
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.factory import write_doc

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")
REF = "CWAC-2026-0142"
WEAVER = "Weaver Valley Care Ltd"
DEMO = json.loads(resource_path("demo", "demo_evaluation.json").read_text(encoding="utf-8"))
PAGES = [
    ["1. About us", "Weaver Valley Care has delivered home care in Cheshire since 2009."],
    ["2. Workforce", "We will create six posts for local people in Malpas and", "Tarporley, with travel time paid."],
    ["3. Training", "Every new starter completes the Care Certificate within twelve weeks."],
]
GOOD_QUOTE = "six posts for local people in Malpas and Tarporley"  # runs over a line end on p. 2
UNKNOWN = hashlib.sha256(b"a file the tender does not hold").hexdigest()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def method_statement(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    for lines in PAGES:
        y = 780.0
        for line in lines:
            canvas.drawString(72, y, line)
            y -= 16
        canvas.showPage()
    canvas.save()
    return path


def rationale(cell: dict, text: str) -> None:
    cell["rationale"] = text


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    """The demo with Weaver's method statement imported (a clarification after scoring opened) and
    rationales citing it: the consensus on Q1 rightly, on Q2 a page the document does not have, on Q3
    a document the tender does not hold; Tom Ellis's Q1 quoting words from the wrong page."""
    folder = tmp_path_factory.mktemp("citations")
    pdf = method_statement(folder / "Method statement.pdf")
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    good = citation_token("Method statement", sha, 2, quote=GOOD_QUOTE)
    doc = copy.deepcopy(DEMO)
    for m in doc["moderated"]:
        if m["bidder"] == WEAVER and m["question"] == "Q1":
            rationale(m, f"Local recruitment is firm {good}, and section 1.4 costs paid travel time for rural runs.")
        if m["bidder"] == WEAVER and m["question"] == "Q2":
            rationale(m, m["rationale"] + " Training is set out in " + citation_token("Method statement", sha, 9) + ".")
        if m["bidder"] == WEAVER and m["question"] == "Q3":
            rationale(m, m["rationale"] + " See " + citation_token("Rota plan", UNKNOWN, 1, quote="five workers") + ".")
    for s in doc["scores"]:
        if s["bidder"] == WEAVER and s["question"] == "Q1" and s["evaluator"] == "Tom Ellis":
            wrong = citation_token("Method statement", sha, 3, quote="six posts for local people")
            rationale(s, s["rationale"] + f" The posts {wrong} are not linked to any of the 14 FTE.")
    db = open_svdesk_database(folder / "c.sqlite")
    evaluation_files.load(db, "Priya", write_doc(folder / "cited.json", doc))
    with db.transaction() as s:
        tender = get_tender(s, REF)
        documents.import_documents(s, tender, "Priya", WEAVER, [pdf], reason="Clarification C3, accepted by the chair")
    yield db, sha, folder
    db.dispose()


def test_the_check_counts_good_citations_and_flags_bad_ones(cited):
    db, sha, _ = cited
    with db.reader() as s:
        found = {(f.question, f.member): f for f in rationale_check.flags(s, get_tender(s, REF)) if f.bidder == WEAVER}
    consensus = rationale_check.CONSENSUS
    assert ("Q1", consensus) not in found  # the quoted words are on p. 2, across a line end
    beyond = found[("Q2", consensus)]
    assert beyond.codes == (BAD_CITATION,)
    assert beyond.reasons == ("cites \u00abMethod statement\u00bb p. 9 but the document has 3 pages",)
    unknown = found[("Q3", consensus)]
    assert unknown.codes == (BAD_CITATION,) and f"#{UNKNOWN[:16]}" in unknown.reasons[0]
    member = found[("Q1", "Tom Ellis")]
    assert member.codes == (BAD_CITATION,)
    assert "\u201csix posts for local people\u201d are not on p. 3 of \u00abMethod statement\u00bb" in member.reasons[0]
    assert NO_REFERENCE not in {c for f in found.values() for c in f.codes}


def test_the_live_check_works_after_the_session_has_closed(cited):
    db, sha, _ = cited
    with db.reader() as s:
        writing = rationale_check.writing(s, get_tender(s, REF), "Tom Ellis")
    words = " with named coordinators and rotas published two weeks ahead for every rural run."
    wrong = "The plan " + citation_token("Method statement", sha, 3, quote="six posts for local people") + words
    right = "The plan " + citation_token("Method statement", sha, 2, quote="six posts for local people") + words
    assert [f.code for f in writing.check(WEAVER, "Q1", wrong, 3)] == [BAD_CITATION]
    assert writing.check(WEAVER, "Q1", right, 3) == []
    beyond = "The plan " + citation_token("Method statement", sha, 4) + words
    assert [f.code for f in writing.check(WEAVER, "Q1", beyond, 3)] == [BAD_CITATION]


def test_the_reports_print_readable_citations_and_their_references(cited):
    db, sha, folder = cited
    with db.reader() as s:
        data = report_data(s, get_tender(s, REF))
    (moderation,) = write_report(data, "moderation", folder / "moderation.pdf", marking="OFFICIAL")
    text = squash(pdf_text(moderation))
    short = sha[:16]
    assert "Local recruitment is firm (Method statement, p. 2), and section 1.4" in text
    assert f"Method statement, p. 2: \u2018{GOOD_QUOTE}\u2019 (SHA-256 {short}\u2026)" in text
    assert "References:" in text
    # the member's rationale, in the members' table, with its reference under it
    assert f"Method statement, p. 3: \u2018six posts for local people\u2019 (SHA-256 {short}\u2026)" in text
    assert "Method statement, p. 9 (SHA-256" in text
    assert f"#{short}" not in text  # no raw token is printed

    (summary,) = write_report(data, "summary", folder / "weaver.pdf", bidder=WEAVER, marking="OFFICIAL")
    letter = squash(pdf_text(summary))
    assert "Local recruitment is firm (Method statement, p. 2)" in letter
    assert f"References: \u2013 Method statement, p. 2: \u2018{GOOD_QUOTE}\u2019 (SHA-256 {short}\u2026)" in letter
    assert f"#{short}" not in letter
    # a member's rationale never reaches a supplier's letter
    assert "Method statement, p. 3" not in letter
