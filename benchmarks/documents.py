"""Bid documents at scale (issue 19's evidence figures), each run in its own process.

python -m benchmarks.documents reader WORKDIR [--pages 300]
    A bidder's 300-page PDF in the reader's sandboxed renderer: to the first page shown (the child
    pre-warmed, as the reader starts it when it is built), a page turned (median of 20), and a search
    of every page. Targets: 0.5 s, 100 ms, 1 s.

python -m benchmarks.documents store WORKDIR [--document-mb 20]
    The large tender with one document of 20 MB per bid (4 GB at 200 bids), imported once into a
    copy of its database: opening the database and backing it up, each against the same database
    without documents (the floor: the store beside the database keeps them out of both).

Prints one JSON line, like benchmarks.measure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from pathlib import Path

from benchmarks.measure import peak_mb

# an A4 page fitted to a 900-pixel-wide reader (a 1920 x 1080 screen, the reader beside the form)
READER_SCALE = 1.5


def long_bid_pdf(path: Path, pages: int) -> Path:
    """A text-heavy bid of `pages` pages (numbered sections on every page), built once."""
    if path.exists():
        return path
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    line = "The provider will recruit and train local residents, with evidence kept for the contract manager."
    for page in range(pages):
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(56, 790, f"Section {page + 1}: method statement")
        pdf.setFont("Helvetica", 10)
        for row in range(60):
            words = f"{page + 1}.{row + 1} {line}" + (" apprenticeships" if row == 30 else "")
            pdf.drawString(56, 760 - row * 12, words)
        pdf.showPage()
    pdf.save()
    return path


def reader(work: Path, pages: int) -> dict:
    from svdesk.model.pdf_renderer import PdfRenderer

    pdf = long_bid_pdf(work / f"bid-{pages}-pages.pdf", pages)
    renderer = PdfRenderer()
    renderer.start()
    renderer.open(long_bid_pdf(work / "bid-1-page.pdf", 1))  # the reader pre-warms its child when it is built
    began = time.perf_counter()
    renderer.open(pdf)
    renderer.render(0, READER_SCALE)
    first_page = time.perf_counter() - began
    turns = []
    for page in range(1, 21):
        began = time.perf_counter()
        renderer.render(page, READER_SCALE)
        turns.append(time.perf_counter() - began)
    began = time.perf_counter()
    hits = renderer.search("apprenticeships")
    search = time.perf_counter() - began
    renderer.close()
    return {
        "seconds": first_page,
        "first_page_s": first_page,
        "page_turn_s": statistics.median(turns),
        "search_s": search,
        "hits": len(hits),
        "pages": pages,
        "peak_mb": peak_mb(),
    }


def bulky_bid_pdf(path: Path, megabytes: int, seed: int) -> Path:
    """A short method statement carrying `megabytes` of incompressible appendix (an attached file),
    different for every bid, so each has a SHA-256 of its own."""
    from pypdf import PdfReader, PdfWriter

    base = long_bid_pdf(path.parent / "bid-4-pages.pdf", 4)
    writer = PdfWriter(clone_from=PdfReader(base))
    writer.add_attachment("appendix-photos.bin", seed.to_bytes(4, "big") + os.urandom(megabytes * 1024 * 1024))
    with path.open("wb") as out:
        writer.write(out)
    return path


def _with_documents(work: Path, megabytes: int) -> tuple[Path, dict]:
    """A copy of the large tender's database with one bulky document per bid (built once)."""
    from sqlalchemy import select

    from svdesk.app import documents
    from svdesk.app.database import open_database
    from svdesk.model.entities import Tender

    target = work / f"documents-{megabytes}mb.sqlite"
    facts = work / f"documents-{megabytes}mb.json"
    if target.exists() and facts.exists():
        return target, json.loads(facts.read_text(encoding="utf-8"))
    shutil.rmtree(work / f"{target.name}.documents", ignore_errors=True)
    shutil.copyfile(work / "large.sqlite", target)
    db = open_database(target)
    with db.transaction() as s:
        tender = s.scalars(select(Tender)).one()
        reference, bidders = tender.reference, [b.name for b in tender.bidders]
    began = time.perf_counter()
    scratch = work / "bulky"
    scratch.mkdir(exist_ok=True)
    for n, bidder in enumerate(bidders):
        pdf = bulky_bid_pdf(scratch / "Method statement.pdf", megabytes, n)
        documents.import_documents(db, "bench", reference, bidder, [pdf], reason="Bench: a bid's documents")
    imported = time.perf_counter() - began
    db.dispose()
    shutil.rmtree(scratch)
    store = work / f"{target.name}.documents"
    stored = sum(f.stat().st_size for f in store.rglob("*") if f.is_file())
    done = {"documents": len(bidders), "stored_mb": stored / 2**20, "import_s": imported}
    facts.write_text(json.dumps(done), encoding="utf-8")
    return target, done


def _open_and_back_up(path: Path, runs: int = 3) -> tuple[float, float]:
    from svdesk.app.database import back_up, open_database
    from svdesk.app.reads import list_tenders

    opened, backed = [], []
    for _ in range(runs):
        began = time.perf_counter()
        db = open_database(path)
        list_tenders(db)  # what the window reads first
        opened.append(time.perf_counter() - began)
        began = time.perf_counter()
        copy = back_up(db, "bench")
        backed.append(time.perf_counter() - began)
        copy.unlink()
        db.dispose()
    return statistics.median(opened), statistics.median(backed)


def store(work: Path, megabytes: int) -> dict:
    with_docs, facts = _with_documents(work, megabytes)
    floor_open, floor_backup = _open_and_back_up(work / "large.sqlite")
    docs_open, docs_backup = _open_and_back_up(with_docs)
    return {
        "seconds": docs_backup,
        "open_s": docs_open,
        "open_floor_s": floor_open,
        "backup_s": docs_backup,
        "backup_floor_s": floor_backup,
        "database_mb": with_docs.stat().st_size / 2**20,
        **facts,
        "peak_mb": peak_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.documents")
    parser.add_argument("figure", choices=("reader", "store"))
    parser.add_argument("work", type=Path)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--document-mb", type=int, default=20)
    args = parser.parse_args()
    result = reader(args.work, args.pages) if args.figure == "reader" else store(args.work, args.document_mb)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
