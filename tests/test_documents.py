"""The bidders' response documents in the record (issue 18): import, store, map, list, freeze, hide,
verify; on real SQLite files (and once on PostgreSQL), with real PDFs made by reportlab."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from svdesk.app import documents as app_docs
from svdesk.model import document_store
from svdesk.model.entities import AuditEntry, BidDocument, DocumentBlob, DocumentPart
from svdesk.model.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.model.evaluation_file import parse_document, write_evaluation
from svdesk.model.services import open_svdesk_database
from svdesk.model.services import workflow as wf
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.tenders import get_tender
from svdesk.model.services.verify import verify_tender
from tests.factory import minimal_doc

REF, ACME, ZOE = "T-001", "Acme Roads", "Zoë Łukasz Ó Súilleabháin Ltd"
OFFICER = "Priya"


def make_pdf(path: Path, pages: int = 5, heading: str = "Method statement") -> Path:
    """A bid document as a bidder sends one: numbered pages of text, made by reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(heading)
    for page in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 16)
        c.drawString(72, 770, f"{heading} - section {page}")
        c.setFont("Helvetica", 11)
        c.drawString(72, 740, f"Page {page}: we will employ 12 local apprentices in year {page}.")
        c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(path.with_name("plain-" + path.name), 2)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    with path.open("wb") as f:
        writer.write(f)
    return path


def _doc(hide_prices: bool = False) -> dict:
    doc = minimal_doc()
    doc["tender"]["hide_prices_from_quality"] = hide_prices
    doc["scores"], doc["moderated"] = [], []  # a tender still in draft: the documents come before scoring
    doc["panel"].append({"name": OFFICER, "role": "officer"})
    doc["declarations"] = [
        {"member": m, "bidder": b, "conflict": False} for m in ("Tom", "Gwen", "Alan") for b in (ACME, ZOE)
    ]
    return doc


def _load(db, doc: dict) -> None:
    with db.transaction() as s:
        write_evaluation(s, parse_document(json.loads(json.dumps(doc)), measures_by_ref(s)), OFFICER)


def _open_scoring(db) -> None:
    with db.transaction() as s:
        wf.open_scoring(s, get_tender(s, REF), OFFICER)


def _counts(db) -> tuple[int, int, int]:
    with db.reader() as s:
        return (
            s.scalar(select(func.count()).select_from(BidDocument)),
            s.scalar(select(func.count()).select_from(DocumentPart)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )


def _verified(db) -> None:
    with db.reader() as s:
        report = verify_tender(s, get_tender(s, REF))
    assert report.ok, report.problems


@pytest.fixture
def small(tmp_path):
    db = open_svdesk_database(tmp_path / "small.sqlite")
    _load(db, _doc(hide_prices=True))
    yield db
    db.dispose()


@pytest.fixture
def bid(tmp_path) -> Path:
    """Acme's folder as a portal exports it: a PDF, a spreadsheet, and a hidden file the portal left."""
    folder = tmp_path / "Acme Roads"
    folder.mkdir()
    make_pdf(folder / "Method_statement.pdf", 5)
    (folder / "Pricing schedule.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(200))
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    return folder


def test_a_folder_is_imported_stored_listed_and_audited(small, bid, tmp_path):
    views = app_docs.import_documents(small, OFFICER, REF, ACME, [bid]).value
    assert [v.name for v in views] == ["Method_statement.pdf", "Pricing schedule.xlsx"]  # sorted, hidden skipped
    pdf, sheet = views
    assert (pdf.title, pdf.pages, pdf.media, pdf.late_reason) == ("Method statement", 5, "pdf", None)
    assert (sheet.pages, sheet.media, sheet.citable) == (None, "other", False)
    assert pdf.size == (bid / "Method_statement.pdf").stat().st_size

    # stored content-addressed beside the database, read-only, with its page texts
    stored = Path(f"{small.path}.documents") / pdf.sha256[:2] / pdf.sha256
    assert stored.read_bytes() == (bid / "Method_statement.pdf").read_bytes()
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    texts = app_docs.page_texts(small, REF, pdf.sha256)
    assert len(texts) == 5 and "12 local apprentices in year 3" in texts[2]
    assert app_docs.page_texts(small, REF, sheet.sha256) == []
    assert app_docs.document_path(small, REF, pdf.sha256) == stored
    openable = app_docs.document_path(small, REF, sheet.sha256, openable=True)
    assert (
        openable.name == "Pricing schedule.xlsx"
        and openable.read_bytes() == (bid / "Pricing schedule.xlsx").read_bytes()
    )

    # the database holds no bytes of them: its backup stays small
    with small.reader() as s:
        assert s.scalar(select(func.count()).select_from(DocumentBlob)) == 0
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("document.%"))))
    assert actions == ["document.add", "document.add"]
    listed = app_docs.documents(small, REF)
    assert [(d.bidder, d.name) for d in listed] == [(ACME, "Method_statement.pdf"), (ACME, "Pricing schedule.xlsx")]
    assert app_docs.verify_documents(small, REF) == []
    _verified(small)


def test_parts_map_pages_or_the_whole_file(small, bid):
    pdf, sheet = app_docs.import_documents(small, OFFICER, REF, ACME, [bid]).value
    app_docs.set_part(small, OFFICER, REF, pdf.sha256, "Q1", (2, 4))
    app_docs.set_part(small, OFFICER, REF, "Pricing schedule.xlsx", "Q2")
    view = app_docs.set_part(small, OFFICER, REF, pdf.sha256[:12], "Q2", (5, 5)).value
    assert [(p.question_code, p.label) for p in view.parts] == [("Q1", "pages 2-4"), ("Q2", "page 5")]
    answers = app_docs.documents_for(small, REF, ACME, "Q2")
    assert sorted((a.document.name, a.first_page, a.last_page) for a in answers) == [
        ("Method_statement.pdf", 5, 5),
        ("Pricing schedule.xlsx", None, None),
    ]
    before = _counts(small)
    with pytest.raises(ValidationError, match="has 5 pages"):
        app_docs.set_part(small, OFFICER, REF, pdf.sha256, "Q1", (4, 6))
    with pytest.raises(ValidationError, match="not a page range"):
        app_docs.set_part(small, OFFICER, REF, pdf.sha256, "Q1", (0, 2))
    with pytest.raises(ValidationError, match="cannot be cited by page"):
        app_docs.set_part(small, OFFICER, REF, sheet.sha256, "Q1", (1, 1))
    with pytest.raises(NotFoundError):
        app_docs.set_part(small, OFFICER, REF, "No such file.pdf", "Q1")
    assert _counts(small) == before
    app_docs.remove_part(small, OFFICER, REF, pdf.sha256, "Q1")
    assert [p.question_code for p in app_docs.documents(small, REF)[0].parts] == ["Q2"]
    _verified(small)  # every mapping and unmapping replays from the log


def test_import_with_question_and_pages(small, tmp_path):
    path = make_pdf(tmp_path / "Social value plan.pdf", 8)
    (view,) = app_docs.import_documents(small, OFFICER, REF, ZOE, [path], question="SV1", pages=(3, 6)).value
    assert [(p.question_code, p.first_page, p.last_page) for p in view.parts] == [("SV1", 3, 6)]
    before = _counts(small)
    other = make_pdf(tmp_path / "Annex.pdf", 2)
    with pytest.raises(ValidationError, match="has 2 pages"):
        app_docs.import_documents(small, OFFICER, REF, ZOE, [other], question="SV1", pages=(1, 3))
    assert _counts(small) == before


def test_duplicates_are_refused_and_nothing_is_written(small, bid, tmp_path):
    app_docs.import_documents(small, OFFICER, REF, ACME, [bid / "Method_statement.pdf"])
    before = _counts(small)
    copy = tmp_path / "Method statement copy.pdf"
    copy.write_bytes((bid / "Method_statement.pdf").read_bytes())
    fresh = make_pdf(tmp_path / "Fresh.pdf", 1, "Fresh")
    with pytest.raises(ValidationError, match=r"already imported for Acme Roads") as exc:
        app_docs.import_documents(small, OFFICER, REF, ACME, [fresh, copy])
    assert "nothing was imported" in str(exc.value)
    with pytest.raises(ValidationError, match=r"same file as 'Method_statement.pdf' imported for Acme Roads"):
        app_docs.import_documents(small, OFFICER, REF, ZOE, [copy])
    with pytest.raises(ValidationError, match="is the same file as 'Fresh.pdf' in this import"):
        app_docs.import_documents(small, OFFICER, REF, ZOE, [fresh, _same(fresh, tmp_path / "Fresh again.pdf")])
    assert _counts(small) == before
    with small.reader() as s:
        assert s.scalar(select(func.count()).select_from(BidDocument).where(BidDocument.name == "Fresh.pdf")) == 0


def _same(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target


def test_files_that_are_not_what_they_say_are_refused(small, tmp_path):
    before = _counts(small)
    fake = tmp_path / "Method.pdf"
    fake.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    with pytest.raises(ValidationError, match=r"Method.pdf: is named .pdf but is not a PDF: it looks like a zip"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [fake])
    renamed = make_pdf(tmp_path / "Plan.docx", 1)
    with pytest.raises(ValidationError, match=r"Plan.docx: is named .docx but is a PDF"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [renamed])
    locked = encrypted_pdf(tmp_path / "Locked.pdf")
    with pytest.raises(ValidationError, match=r"Locked.pdf: is encrypted"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [locked])
    damaged = tmp_path / "Damaged.pdf"
    damaged.write_bytes(make_pdf(tmp_path / "whole.pdf", 3).read_bytes()[:600])
    with pytest.raises(ValidationError, match=r"Damaged.pdf: is damaged"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [damaged])
    program = tmp_path / "Setup.exe"
    program.write_bytes(b"MZ\x90\x00" + b"\0" * 60)
    with pytest.raises(ValidationError, match=r"Setup.exe: is a program"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [program])
    good = make_pdf(tmp_path / "Good.pdf", 1)
    with pytest.raises(ValidationError) as exc:  # one bad file refuses the import, and every problem is said
        app_docs.import_documents(small, OFFICER, REF, ACME, [good, fake, locked])
    assert "Method.pdf" in str(exc.value) and "Locked.pdf" in str(exc.value) and "Good.pdf" not in str(exc.value)
    with pytest.raises(ValidationError, match="no such file or folder"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [tmp_path / "missing.pdf"])
    assert _counts(small) == before
    assert not Path(f"{small.path}.documents").exists()  # no bytes stored either


def test_a_two_thousand_page_document_is_refused(small, tmp_path):
    big = make_pdf(tmp_path / "Everything.pdf", 2000, "Appendix")
    with pytest.raises(ValidationError, match=r"Everything.pdf: has 2,000 pages"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [big])


def test_after_scoring_opens_a_document_is_a_late_clarification_and_none_is_removed(small, bid, tmp_path):
    app_docs.import_documents(small, OFFICER, REF, ACME, [bid / "Method_statement.pdf"])
    app_docs.remove_document(small, OFFICER, REF, "Method_statement.pdf")  # before scoring: allowed
    assert app_docs.documents(small, REF) == []
    (view,) = app_docs.import_documents(small, OFFICER, REF, ACME, [bid / "Method_statement.pdf"]).value
    _open_scoring(small)
    before = _counts(small)
    late = make_pdf(tmp_path / "Clarification 1.pdf", 1, "Clarification")
    with pytest.raises(WorkflowError, match="give a reason"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [late])
    with pytest.raises(WorkflowError, match="cannot be removed: scoring"):
        app_docs.remove_document(small, OFFICER, REF, view.sha256)
    (tmp_path / "revised").mkdir()
    revised = make_pdf(tmp_path / "revised" / "Method_statement.pdf", 2)
    with pytest.raises(ValidationError, match="never a replacement"):
        app_docs.import_documents(small, OFFICER, REF, ACME, [revised], reason="revised")
    assert _counts(small) == before
    (added,) = app_docs.import_documents(
        small, OFFICER, REF, ACME, [late], reason="Clarification C3 answered on 12 January"
    ).value
    assert added.late_reason == "Clarification C3 answered on 12 January"
    with small.reader() as s:
        added_entries = select(AuditEntry).where(AuditEntry.action == "document.add")
        entry = s.scalars(added_entries.order_by(AuditEntry.seq.desc())).first()
    assert entry.reason == "Clarification C3 answered on 12 January"
    _verified(small)


def test_a_commercial_document_is_hidden_from_a_quality_evaluator_while_prices_are(small, bid):
    app_docs.import_documents(
        small, OFFICER, REF, ACME, [bid / "Pricing schedule.xlsx"], question="Q1", commercial=True
    )
    app_docs.import_documents(small, OFFICER, REF, ACME, [bid / "Method_statement.pdf"], question="Q1")
    _open_scoring(small)
    tom = [a.document.name for a in app_docs.documents_for(small, REF, ACME, "Q1", "Tom")]
    alan = [a.document.name for a in app_docs.documents_for(small, REF, ACME, "Q1", "Alan")]
    assert tom == ["Method_statement.pdf"]
    assert sorted(alan) == ["Method_statement.pdf", "Pricing schedule.xlsx"]
    assert [d.name for d in app_docs.documents(small, REF, "Tom")] == ["Method_statement.pdf"]


def test_a_document_altered_in_the_store_is_reported_and_never_served(small, bid):
    (pdf,) = app_docs.import_documents(small, OFFICER, REF, ACME, [bid / "Method_statement.pdf"]).value
    stored = Path(f"{small.path}.documents") / pdf.sha256[:2] / pdf.sha256
    os.chmod(stored, 0o644)
    data = bytearray(stored.read_bytes())
    data[-40] ^= 0x01
    stored.write_bytes(bytes(data))
    problems = app_docs.verify_documents(small, REF)
    assert len(problems) == 1 and "no longer matches its SHA-256" in problems[0] and ACME in problems[0]
    with pytest.raises(ValidationError, match="'Method_statement.pdf' no longer matches its SHA-256"):
        app_docs.document_path(small, REF, pdf.sha256)
    with pytest.raises(ValidationError, match="no longer matches"):
        app_docs.page_texts(small, REF, pdf.sha256)
    stored.unlink()
    assert "is missing from the document store" in app_docs.verify_documents(small, REF)[0]


def test_a_backup_holds_no_document_and_restored_still_finds_them(small, bid):
    from svdesk.app.database import back_up

    (pdf, _sheet) = app_docs.import_documents(small, OFFICER, REF, ACME, [bid]).value
    copy = back_up(small)
    assert copy.stat().st_size < 2_000_000
    app_docs.remove_document(small, OFFICER, REF, pdf.sha256)  # the row goes, the bytes stay
    assert (Path(f"{small.path}.documents") / pdf.sha256[:2] / pdf.sha256).exists()


def test_on_postgresql(pg_server, tmp_path):
    db = open_svdesk_database(pg_server.new_database())
    try:
        _load(db, _doc())
        path = make_pdf(tmp_path / "Method statement.pdf", 3)
        (view,) = app_docs.import_documents(db, OFFICER, REF, ACME, [path], question="Q1", pages=(2, 3)).value
        with db.reader() as s:
            assert s.scalar(select(func.count()).select_from(DocumentBlob).where(DocumentBlob.blob_key == view.sha256))
        local = app_docs.document_path(db, REF, view.sha256)
        assert local.read_bytes() == path.read_bytes()
        assert "year 2" in app_docs.page_texts(db, REF, view.sha256)[1]
        assert app_docs.verify_documents(db, REF) == []
        _verified(db)
        with db.transaction() as s:
            s.execute(
                text("UPDATE document_blobs SET data = :d WHERE blob_key = :k AND chunk = 0"),
                {"d": b"%PDF-1.4 tampered", "k": view.sha256},
            )
        assert "no longer matches" in app_docs.verify_documents(db, REF)[0]
        with pytest.raises(ValidationError, match="no longer matches"):
            app_docs.document_path(db, REF, view.sha256)
    finally:
        db.dispose()


def test_the_store_needs_a_database_file():
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from svdesk.model.errors import SvdeskError

    with Session(create_engine("sqlite://")) as s, pytest.raises(SvdeskError, match="in memory"):
        document_store.folder(s)
