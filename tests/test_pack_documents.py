"""Offline packs carry the bid pages (issue 18 part 5): beside the workbook a zip of the pages each
document gives the member's questions, cut from a real reportlab PDF, with a Documents sheet that
holds both hashes and the citation to paste; nothing the member may not see goes in; a cited
rationale comes back from the pack into the record intact. Real SQLite, real files, no mocks."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from svdesk.app import documents as app_docs
from svdesk.app import packs
from svdesk.cli import main
from svdesk.model.citations import citation_problems, citation_token, citations
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.services import open_svdesk_database
from svdesk.model.services import workflow as wf
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.citation_lookup import document_lookup
from svdesk.model.services.tenders import get_tender, scores_visible_to
from tests.factory import minimal_doc
from tests.hostile_pdfs import realistic_method_statement

REF, ACME, ZOE = "T-001", "Acme Roads", "Zoë Łukasz Ó Súilleabháin Ltd"
OFFICER = "Priya"
HEADER = (
    "Bidder",
    "Question(s)",
    "Document",
    "Document SHA-256",
    "Pages carried",
    "File in the zip",
    "File SHA-256",
    "Cite as",
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def db(tmp_path):
    """Prices hidden from the quality evaluators (Tom, Gwen); Alan chairs. Acme's method statement
    (six pages) answers Q1 on pages 2-3 and Q2 on page 5; its pricing schedule (commercial) Q1 whole;
    Zoë's annex is imported but mapped to nothing."""
    doc = minimal_doc()
    doc["tender"]["hide_prices_from_quality"] = True
    doc["scores"], doc["moderated"] = [], []
    doc["panel"].append({"name": OFFICER, "role": "officer"})
    doc["declarations"] = [
        {"member": m, "bidder": b, "conflict": False} for m in ("Tom", "Gwen", "Alan") for b in (ACME, ZOE)
    ]
    database = open_svdesk_database(tmp_path / "packdocs.sqlite")
    with database.transaction() as s:
        write_evaluation(s, parse_document(json.loads(json.dumps(doc)), measures_by_ref(s)), OFFICER)
    folder = tmp_path / "bids"
    folder.mkdir()
    realistic_method_statement(folder / "Method_statement.pdf")
    (folder / "Pricing schedule.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(300))
    realistic_method_statement(folder / "Annex.pdf")
    (folder / "Annex.pdf").write_bytes((folder / "Annex.pdf").read_bytes() + b"\n% Zoe's copy\n")  # other bytes
    app_docs.import_documents(
        database, OFFICER, REF, ACME, [folder / "Method_statement.pdf"], question="Q1", pages=(2, 3)
    )
    app_docs.set_part(database, OFFICER, REF, "Method_statement.pdf", "Q2", (5, 5))
    app_docs.import_documents(
        database, OFFICER, REF, ACME, [folder / "Pricing schedule.xlsx"], question="Q1", commercial=True
    )
    app_docs.import_documents(database, OFFICER, REF, ZOE, [folder / "Annex.pdf"])
    with database.transaction() as s:
        wf.open_scoring(s, get_tender(s, REF), OFFICER)
    yield database
    database.dispose()


def sheet_rows(path: Path) -> list[tuple[object, ...]]:
    ws = openpyxl.load_workbook(path)["Documents"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == HEADER
    return rows[1:]


def test_the_pack_carries_the_mapped_pages_with_their_hashes(db, tmp_path):
    done = packs.export_member_pack(db, OFFICER, REF, "Tom", tmp_path / "tom.xlsx")
    assert done.workbook == tmp_path / "tom.xlsx"
    assert done.documents == tmp_path / "tom - bid documents.zip" and done.documents.is_file()
    original = (tmp_path / "bids" / "Method_statement.pdf").read_bytes()

    with zipfile.ZipFile(done.documents) as zf:
        names = zf.namelist()
        assert names == ["Acme Roads/Method statement pp. 2-3, 5.pdf", "index.json"]  # no annex: mapped to nothing
        cut = zf.read(names[0])
        index = json.loads(zf.read("index.json"))
    reader = PdfReader(io.BytesIO(cut))
    assert len(reader.pages) == 3  # pages 2, 3 and 5 of six
    assert "twelve apprenticeships for local residents" in reader.pages[0].extract_text()
    assert "mobilisation lead named Priya Shah" in reader.pages[1].extract_text()
    assert "volunteering hours with Dee food bank" in reader.pages[2].extract_text()
    assert "carbon reduction" not in "".join(p.extract_text() for p in reader.pages)  # page 4 left out
    assert reader.page_labels == ["2", "3", "5"]  # a reader shows the original's page numbers

    wb = openpyxl.load_workbook(done.workbook)
    assert wb.sheetnames == ["Instructions", "Questions", "Scores", "Documents", "Meta"]
    assert wb["Documents"].protection.sheet is True
    rows = sheet_rows(done.workbook)
    sha = _sha(original)
    assert rows == [
        (
            ACME,
            "Q1",
            "Method statement",
            sha,
            "pp. 2-3 (the file's pp. 1-2)",
            names[0],
            _sha(cut),
            citation_token("Method statement", sha, 2, 3),
        ),
        (
            ACME,
            "Q2",
            "Method statement",
            sha,
            "p. 5 (the file's p. 3)",
            names[0],
            _sha(cut),
            citation_token("Method statement", sha, 5),
        ),
    ]
    instructions = " ".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    assert "tom - bid documents.zip" in instructions and "Cite as" in instructions
    assert "original document's" in instructions and "original's page 3" in instructions

    (entry,) = index["files"]
    assert (index["tender"], index["member"], index["format"]) == (REF, "Tom", "svdesk-pack-documents/1")
    assert (entry["file"], entry["sha256"], entry["document_sha256"]) == (names[0], _sha(cut), sha)
    assert entry["original_pages"] == [2, 3, 5]
    assert [p["cite_as"] for p in entry["parts"]] == [rows[0][7], rows[1][7]]
    meta = {r[0]: r[1] for r in wb["Meta"].iter_rows(values_only=True)}
    assert index["pack_id"] == meta["pack_id"]  # the zip names the pack it belongs to


def test_the_cli_prints_the_documents_zip(db, tmp_path, capsys):
    out = tmp_path / "gwen.xlsx"
    assert main(["pack", "export", "--db", str(db.path), "--tender", REF, "--member", "Gwen", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"to {out}" in printed and str(tmp_path / "gwen - bid documents.zip") in printed


def test_a_quality_evaluator_gets_no_commercial_document_while_prices_are_hidden(db, tmp_path):
    tom = packs.export_member_pack(db, OFFICER, REF, "Tom", tmp_path / "tom.xlsx")
    alan = packs.export_member_pack(db, OFFICER, REF, "Alan", tmp_path / "alan.xlsx")
    assert tom.documents is not None and alan.documents is not None
    with zipfile.ZipFile(tom.documents) as zf:
        assert not any("Pricing" in n for n in zf.namelist())
        assert "Pricing" not in zf.read("index.json").decode()
    assert not any("Pricing" in str(v) for row in sheet_rows(tom.workbook) for v in row)

    # the chair sees prices: the schedule, not a PDF, is carried whole and cannot be cited by page
    schedule = (tmp_path / "bids" / "Pricing schedule.xlsx").read_bytes()
    with zipfile.ZipFile(alan.documents) as zf:
        assert zf.read("Acme Roads/Pricing schedule.xlsx") == schedule
    whole = [r for r in sheet_rows(alan.workbook) if r[2] == "Pricing schedule"]
    assert whole == [
        (
            ACME,
            "Q1",
            "Pricing schedule",
            _sha(schedule),
            "whole document (not a PDF)",
            "Acme Roads/Pricing schedule.xlsx",
            _sha(schedule),
            "(not a PDF: cite it by its title, not by page)",
        )
    ]


def test_a_pack_without_mapped_documents_has_no_zip(tmp_path):
    doc = minimal_doc()
    doc["scores"], doc["moderated"] = [], []
    doc["declarations"] = [{"member": "Tom", "bidder": b, "conflict": False} for b in (ACME, ZOE)]
    database = open_svdesk_database(tmp_path / "plain.sqlite")
    try:
        with database.transaction() as s:
            write_evaluation(s, parse_document(doc, measures_by_ref(s)), OFFICER)
            wf.open_scoring(s, get_tender(s, REF), OFFICER)
        done = packs.export_member_pack(database, OFFICER, REF, "Tom", tmp_path / "tom.xlsx")
    finally:
        database.dispose()
    assert done.documents is None and not (tmp_path / "tom - bid documents.zip").exists()
    assert openpyxl.load_workbook(done.workbook).sheetnames == ["Instructions", "Questions", "Scores", "Meta"]


def test_a_cited_rationale_round_trips_from_the_pack_into_the_record(db, tmp_path):
    done = packs.export_member_pack(db, OFFICER, REF, "Tom", tmp_path / "tom.xlsx")
    cite_q1, cite_q2 = (r[7] for r in sheet_rows(done.workbook))
    # the member pastes the Cite as cell and adds the words they rely on before the "#"
    quoted = cite_q1.replace(" #", ": “twelve apprenticeships for local residents” #")
    q1 = f"Strong local offer {quoted}, with a named mobilisation lead."
    q2 = f"-{cite_q2} volunteering is evidenced"  # a formula trigger first: neutralised, then restored
    wb = openpyxl.load_workbook(done.workbook)
    ws = wb["Scores"]
    rows = {(ws[f"A{r}"].value, ws[f"B{r}"].value): r for r in range(2, ws.max_row + 1)}
    for question, score, text in (("Q1", 4, q1), ("Q2", 3, q2)):
        ws[f"D{rows[(ACME, question)]}"].value = score
        ws[f"E{rows[(ACME, question)]}"].value = text
    wb.save(done.workbook)

    pack = packs.read_scoring_pack(done.workbook)
    imported = packs.import_pack(db, "Tom", REF, pack)
    assert sorted(imported.plan.counts().items()) == [("blank", 4), ("conflict", 0), ("new", 2), ("unchanged", 0)]
    with db.reader() as s:
        tender = get_tender(s, REF)
        held = {(v.bidder, v.question): v.rationale for v in scores_visible_to(s, tender, "Tom", "Tom")}
        lookup = document_lookup(s, tender)
        assert held[(ACME, "Q1")] == q1 and held[(ACME, "Q2")] == q2  # every “ ” # [ ] – as typed
        (c1,) = citations(held[(ACME, "Q1")])
        (c2,) = citations(held[(ACME, "Q2")])
        assert (c1.title, c1.first_page, c1.last_page, c1.quote) == (
            "Method statement",
            2,
            3,
            "twelve apprenticeships for local residents",
        )
        assert (c2.first_page, c2.last_page, c2.quote) == (5, 5, "")
        sha = _sha((tmp_path / "bids" / "Method_statement.pdf").read_bytes())
        assert c1.sha_prefix == c2.sha_prefix == sha[:16]
        assert citation_problems(q1, lookup) == [] and citation_problems(q2, lookup) == []  # the words are on p. 2


def test_the_panel_screen_says_where_the_documents_went(db, qtbot, tmp_path):
    from PySide6.QtGui import QUndoStack

    from svdesk.ui.panel_screen import PanelScreen
    from svdesk.ui.screen_base import Desk

    screen = PanelScreen(Desk(db, OFFICER, QUndoStack()))
    qtbot.addWidget(screen)
    screen.show_tender(REF)
    screen.bring_up_to_date(None)
    screen.show()
    screen.table.setCurrentCell([r.name for r in screen.rows].index("Tom"), 0)
    path = tmp_path / "tom.xlsx"
    screen.export_pack_to(path)
    qtbot.waitUntil(
        lambda: screen.message.text().startswith(("Wrote", "No scoring pack")) or "\n" in screen.message.text()
    )
    zip_path = tmp_path / "tom - bid documents.zip"
    assert screen.message.text() == (
        f"Wrote Tom's scoring pack to {path}. The pages of the bid documents Tom needs "
        f"(to cite them offline) are in {zip_path}."
    )
    assert zip_path.is_file()
