"""Bid documents at scale (issue 19's evidence figures), each run in its own process.

python -m benchmarks.documents reader WORKDIR [--pages 300]
    A bidder's 300-page PDF in the reader's sandboxed renderer: to the first page shown (the child
    pre-warmed, as the reader starts it when it is built), a page turned (median of 20), and a search
    of every page. Targets: 0.5 s, 100 ms, 1 s.

Prints one JSON line, like benchmarks.measure.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.documents")
    parser.add_argument("figure", choices=("reader",))
    parser.add_argument("work", type=Path)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(reader(args.work, args.pages)))


if __name__ == "__main__":
    main()
