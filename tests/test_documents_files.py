"""Bid documents in the record's files and checks (issue 18 part 4): the evaluation file lists the
documents and their hashes, the documents archive carries their bytes beside it (`svdesk documents
pack|unpack`), `svdesk verify` re-hashes every stored document, and the other reports print citation
tokens readably. Real SQLite files beside their document stores, a real PDF made with reportlab,
the real command line (in process, and once as its own process), and the reports read back with
pdftotext."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from svdesk.app import documents as app_docs
from svdesk.app import evaluation_files, reports
from svdesk.app.pdf_check import verify_pdf
from svdesk.cli import main
from svdesk.export.justification import key_sentence
from svdesk.model.citations import citation_token
from svdesk.model.entities import BidDocument, Tender
from svdesk.model.errors import ValidationError
from svdesk.model.services import documents, open_svdesk_database
from svdesk.model.services.tenders import get_tender
from svdesk.resources import resource_path
from tests.factory import minimal_doc, write_doc
from tests.hostile_pdfs import realistic_method_statement

REF = "CWAC-2026-0142"
WEAVER = "Weaver Valley Care Ltd"
DEMO = json.loads(resource_path("demo", "demo_evaluation.json").read_text(encoding="utf-8"))
LATE = "Clarification C3, accepted by the chair"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _source(folder: Path) -> tuple[Path, str, dict[int, str]]:
    """The demo with Weaver's method statement imported (answering Q1 on p. 4) and every Q1
    consensus citing p. 4 of it: the database file, the document's SHA-256, its phrase per page."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "Method statement.pdf"
    phrases = realistic_method_statement(pdf)
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    token = citation_token("Method statement", sha, 4, quote=phrases[4][:60])
    doc = copy.deepcopy(DEMO)
    for m in doc["moderated"]:
        if m["question"] == "Q1":
            m["rationale"] = f"The carbon plan is costed {token}. It lacks a named lead for the fleet change."
    path = folder / "source.sqlite"
    db = open_svdesk_database(path)
    try:
        evaluation_files.load(db, "Priya", write_doc(folder / "demo.json", doc))
        with db.transaction() as s:
            documents.import_documents(s, get_tender(s, REF), "Priya", WEAVER, [pdf], "Q1", (4, 4), reason=LATE)
    finally:
        db.dispose()
    return path, sha, phrases


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    return _source(tmp_path_factory.mktemp("documents-files"))


def _listed(db_path: Path) -> list[tuple[str, str, str, int, int | None, tuple]]:
    db = open_svdesk_database(db_path)
    try:
        return [
            (v.bidder, v.name, v.sha256, v.size, v.pages, tuple((p.question_code, p.first_page) for p in v.parts))
            for v in app_docs.documents(db, REF)
        ]
    finally:
        db.dispose()


def test_dump_then_unpack_and_load_into_a_new_database(capsys, source, tmp_path):
    db_path, sha, _ = source
    dumped, archive = tmp_path / "evaluation.json", tmp_path / "documents.zip"
    assert run(capsys, "dump", "--db", str(db_path), "--tender", REF, "--out", str(dumped))[0] == 0
    (entry,) = json.loads(dumped.read_text(encoding="utf-8"))["documents"]
    assert entry["sha256"] == sha and entry["bidder"] == WEAVER and entry["name"] == "Method statement.pdf"
    facts = (entry["title"], entry["pages"], entry["media"], entry["commercial"])
    assert facts == ("Method statement", 6, "pdf", False)
    assert entry["late_reason"] == LATE and entry["added_by"] == "Priya" and entry["added_at"]
    assert entry["parts"] == [{"question": "Q1", "first_page": 4, "last_page": 4}]

    code, out, err = run(capsys, "documents", "pack", "--db", str(db_path), "--tender", REF, "--out", str(archive))
    assert code == 0, err
    assert f"wrote 1 document of {REF}" in out
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == sorted(["manifest.json", f"documents/{sha}", f"documents/{sha}.text"])
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["reference"] == REF
    assert manifest["documents"][0] == {
        "bidder": WEAVER,
        "name": "Method statement.pdf",
        "sha256": sha,
        "size": entry["size"],
        "media": "pdf",
        "text": True,
    }

    target = tmp_path / "elsewhere.sqlite"
    code, out, err = run(capsys, "documents", "unpack", "--db", str(target), str(archive))
    assert code == 0, err
    assert "stored 1 document" in out and "matching its SHA-256" in out
    code, out, err = run(capsys, "load", "--db", str(target), str(dumped))
    assert code == 0, err
    assert "not in this database's document store" not in out

    assert _listed(target) == _listed(db_path)
    db = open_svdesk_database(target)
    try:
        there = app_docs.document_path(db, REF, sha)
        assert hashlib.sha256(there.read_bytes()).hexdigest() == sha
        assert Path(f"{target}.documents") in there.parents  # this database's own store
        assert "Environment" in app_docs.page_texts(db, REF, sha)[3]
        assert app_docs.verify_documents(db, REF) == []
    finally:
        db.dispose()
    code, out, err = run(capsys, "verify", "--db", str(target), "--tender", REF)
    assert code == 0, out + err
    # and the dump of the new database lists the same documents: the file round-trips
    again = tmp_path / "again.json"
    assert run(capsys, "dump", "--db", str(target), "--tender", REF, "--out", str(again))[0] == 0
    assert json.loads(again.read_text(encoding="utf-8"))["documents"] == [entry]


def test_a_load_without_the_archive_lists_the_documents_and_says_they_are_missing(capsys, source, tmp_path):
    db_path, sha, _ = source
    dumped, archive = tmp_path / "evaluation.json", tmp_path / "documents.zip"
    assert run(capsys, "dump", "--db", str(db_path), "--tender", REF, "--out", str(dumped))[0] == 0
    assert run(capsys, "documents", "pack", "--db", str(db_path), "--tender", REF, "--out", str(archive))[0] == 0

    target = tmp_path / "bare.sqlite"
    code, out, err = run(capsys, "load", "--db", str(target), str(dumped))
    assert code == 0, err
    assert "1 of the 1 bid documents the file lists is not in this database's document store" in out
    assert "svdesk documents unpack" in out and "Method statement.pdf" in out
    assert [row[2] for row in _listed(target)] == [sha]  # the record lists it all the same

    code, out, err = run(capsys, "verify", "--db", str(target), "--tender", REF)
    assert code == 2 and "DOES NOT VERIFY" in out
    assert f"bid document: {WEAVER}: the stored copy of" in out and "is missing from the document store" in out
    code, out, _ = run(capsys, "documents", "verify", "--db", str(target), "--tender", REF)
    assert code == 1 and "missing" in out

    assert run(capsys, "documents", "unpack", "--db", str(target), str(archive))[0] == 0  # after the load
    assert run(capsys, "verify", "--db", str(target), "--tender", REF)[0] == 0
    assert run(capsys, "documents", "verify", "--db", str(target), "--tender", REF)[0] == 0


def _rewritten(archive: Path, out: Path, change) -> Path:
    """A copy of `archive` with its members passed through `change(name, data) -> [(name, data)]`."""
    with zipfile.ZipFile(archive) as z, zipfile.ZipFile(out, "w") as w:
        for name in z.namelist():
            for new_name, data in change(name, z.read(name)):
                w.writestr(new_name, data)
    return out


def _store_files(db_path: Path) -> list[Path]:
    store = Path(f"{db_path}.documents")
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []


def test_a_tampered_or_hostile_archive_is_refused_and_nothing_is_stored(capsys, source, tmp_path):
    db_path, sha, _ = source
    archive = tmp_path / "documents.zip"
    assert run(capsys, "documents", "pack", "--db", str(db_path), "--tender", REF, "--out", str(archive))[0] == 0
    target = tmp_path / "target.sqlite"
    open_svdesk_database(target).dispose()
    member = f"documents/{sha}"

    def flip(name: str, data: bytes) -> list[tuple[str, bytes]]:  # the same length, one byte changed
        if name == member:
            at = len(data) // 2
            return [(name, data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])]
        return [(name, data)]

    unpack = ("documents", "unpack", "--db", str(target))
    code, out, err = run(capsys, *unpack, str(_rewritten(archive, tmp_path / "t.zip", flip)))
    assert code == 2 and "Traceback" not in err
    assert f"{member}: does not match its SHA-256" in err and "nothing was stored" in err
    assert _store_files(target) == []

    def slip(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [(name, data), ("../../evil.sh", b"#!/bin/sh\n")] if name == "manifest.json" else [(name, data)]

    code, _, err = run(capsys, *unpack, str(_rewritten(archive, tmp_path / "s.zip", slip)))
    assert code == 2 and "../../evil.sh: is not one the manifest names" in err
    assert not (tmp_path.parent / "evil.sh").exists() and _store_files(target) == []

    def bomb(name: str, data: bytes) -> list[tuple[str, bytes]]:  # more bytes than the manifest says
        return [(name, data + b"\0" * 5_000_000 if name == member else data)]

    code, _, err = run(capsys, *unpack, str(_rewritten(archive, tmp_path / "b.zip", bomb)))
    assert code == 2 and f"{member}: holds more bytes, not the" in err
    assert _store_files(target) == []

    not_zip = tmp_path / "n.zip"
    not_zip.write_text("<html>a portal's error page</html>")
    code, _, err = run(capsys, *unpack, str(not_zip))
    assert code == 2 and "not a documents archive (a zip file)" in err and "Traceback" not in err

    # the archive as packed still unpacks (the refusals were of the changes, not of the archive)
    assert run(capsys, "documents", "unpack", "--db", str(target), str(archive))[0] == 0
    assert [p.name for p in _store_files(target)] == sorted([sha, f"{sha}.text"])


def test_the_file_s_documents_are_checked_as_an_import_checks_them(tmp_path):
    doc = minimal_doc()
    good = {
        "bidder": "Acme Roads",
        "name": "Plan.pdf",
        "sha256": "ab" * 32,
        "size": 1000,
        "pages": 3,
        "media": "pdf",
        "parts": [{"question": "Q1", "first_page": 2, "last_page": 3}],
    }
    doc["documents"] = [
        good,
        {**good, "name": "Again.pdf"},  # the same bytes twice
        {**good, "sha256": "cd" * 32, "bidder": "Nobody Ltd"},
        {**good, "sha256": "ef" * 32, "name": "Chart.png", "media": "other", "pages": None},  # pages of no PDF
        {**good, "sha256": "12" * 32, "name": "Short.pdf", "parts": [{**good["parts"][0], "last_page": 9}]},
        {**good, "sha256": "ABC"},
    ]
    db = open_svdesk_database(tmp_path / "checked.sqlite")
    try:
        with pytest.raises(ValidationError) as refused:
            evaluation_files.load(db, "Priya", write_doc(tmp_path / "bad.json", doc))
        said = str(refused.value)
        assert "documents[1].sha256: the same file as documents[0]" in said
        assert "documents[2].bidder: unknown bidder" in said
        assert "documents[3].parts[0]: 'Chart.png' is not a PDF, so it cannot be cited by page" in said
        assert "documents[4].parts[0].last_page: 9 is not between 1 and 3" in said
        assert "documents[5].sha256: expected a SHA-256" in said
        with db.reader() as s:  # nothing written
            assert s.scalar(select(func.count()).select_from(Tender)) == 0
            assert s.scalar(select(func.count()).select_from(BidDocument)) == 0
    finally:
        db.dispose()


def test_verify_reports_an_altered_stored_document(tmp_path):
    """The real command, in a process of its own: the altered document named, exit 2, no traceback."""
    db_path, sha, _ = _source(tmp_path / "alter")
    argv = [sys.executable, "-m", "svdesk", "verify", "--db", str(db_path), "--tender", REF]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    stored = Path(f"{db_path}.documents") / sha[:2] / sha
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes() + b"\n% a page added behind the app's back\n")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180)
    assert done.returncode == 2
    assert "DOES NOT VERIFY" in done.stdout
    assert f"bid document: {WEAVER}: the stored copy of" in done.stdout
    assert "no longer matches its SHA-256" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is required")
def test_the_award_and_evaluation_reports_print_citations_readably(source, tmp_path):
    db_path, sha, _ = source
    db = open_svdesk_database(db_path)
    try:
        for kind in ("award", "evaluation"):
            (pdf,) = reports.write_report(db, REF, kind, tmp_path / f"{kind}.pdf", marking="OFFICIAL")
            done = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True)
            printed = re.sub(r"\s+", " ", done.stdout)
            assert "The carbon plan is costed (Method statement, p. 4)" in printed, kind
            assert f"(SHA-256 {sha[:16]}\u2026)" in printed, kind  # the reference listed under it
            assert not re.search(r"#[0-9a-f]{16}", printed), kind  # no raw token
        # the award report carries the evaluation file, documents listed: it still verifies on its
        # own (a scratch load holds no document's bytes, and is not asked to)
        check = verify_pdf(tmp_path / "award.pdf")
        assert check.ok, check.problems
    finally:
        db.dispose()


def test_the_key_sentence_reads_a_citation_as_a_reader_would():
    token = citation_token("Method statement", "3f" * 32, 4, quote="electric pool cars")
    words = f"The carbon plan is costed {token}. It lacks a named lead for the fleet change."
    assert key_sentence(words, stronger=True) == "The carbon plan is costed (Method statement, p. 4)."
    assert key_sentence(words, stronger=False) == "It lacks a named lead for the fleet change."
    assert "#" not in key_sentence(("padding " * 40) + token, stronger=True)
