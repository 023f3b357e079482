"""A tender scored through svdesk itself, so its audit log is as long as a real framework's.

The large tender of the main figures is loaded from an evaluation file: its log is one snapshot.
Scored click by click in the app, the same tender logs every score and consensus score: 88,000
changes at 200 bidders. This builds that tender through the services (minutes, once per work
folder) for the figures that grow with the log: the change history and verifying the record.

    python -m benchmarks --logged     (the figures are added to the table)
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.generate import large_tender


def build_logged(path: Path, bidders: int) -> None:
    from svdesk.model.evaluation_file import parse_document, write_evaluation
    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services import workflow as wf
    from svdesk.model.services.catalogue import measures_by_ref
    from svdesk.model.services.tenders import get_tender, set_moderated, set_score

    if path.exists():
        return
    partial = path.with_suffix(".building")
    doc = large_tender(bidders=bidders)
    scores, moderated = doc["scores"], doc["moderated"]
    doc["scores"], doc["moderated"] = [], []
    db = open_svdesk_database(partial)
    try:
        with db.transaction() as s:
            write_evaluation(s, parse_document(doc, measures_by_ref(s)), "bench")
        with db.transaction() as s:
            wf.open_scoring(s, get_tender(s), "bench")
        for start in range(0, len(scores), 2000):  # each a logged change, as a member saving a score
            with db.transaction() as s:
                tender = get_tender(s)
                for sc in scores[start : start + 2000]:
                    member, bidder, question = sc["evaluator"], sc["bidder"], sc["question"]
                    set_score(s, tender, member, bidder, question, sc["score"], sc["rationale"], actor=member)
        with db.transaction() as s:
            wf.open_moderation(s, get_tender(s), "bench")
        for start in range(0, len(moderated), 2000):
            with db.transaction() as s:
                tender = get_tender(s)
                for m in moderated[start : start + 2000]:
                    set_moderated(s, tender, "Chair", m["bidder"], m["question"], m["score"], m["rationale"])
    finally:
        db.dispose()
    for extra in partial.parent.glob(partial.name + "-*"):
        extra.unlink()
    partial.rename(path)


def measure_logged(name: str, work: Path) -> dict:
    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services.history import history_size, tender_history
    from svdesk.model.services.tenders import get_tender
    from svdesk.model.services.verify import verify_in_own_connection

    db = open_svdesk_database(work / "logged.sqlite")
    extra: dict = {}
    with db.reader() as s:
        tender = get_tender(s)
        extra["changes"] = history_size(s, tender)
        bidder = tender.bidders[len(tender.bidders) // 2].name
    started = time.perf_counter()
    if name == "history":  # the History tab unfiltered: the newest 2,000, and how many there are
        with db.reader() as s:
            tender = get_tender(s)
            rows = tender_history(s, tender, newest=2000)
            history_size(s, tender)
    elif name == "history_bid":  # one bid's whole history
        with db.reader() as s:
            rows = tender_history(s, get_tender(s), bidder)
    elif name == "verify":  # what the helper process does when Sign-off is shown
        report = verify_in_own_connection(db.url, "BENCH-1")
        rows = [report] if report.ok else []
    else:
        raise SystemExit(f"unknown measurement {name}")
    elapsed = time.perf_counter() - started
    db.dispose()
    return {"seconds": elapsed, "rows": len(rows), **extra}
