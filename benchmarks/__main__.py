"""`make bench`: build the large tender, measure each figure in its own process, print one table.

    python -m benchmarks [--runs N] [--bidders N] [--work DIR]

Each figure is the median of N runs, each run a fresh process (so peak memory is per figure).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {  # the targets, seconds
    "cold start, empty database": 0.6,
    "cold start, large database": 0.6,
    "moderation grid (large)": 0.05,
    "slowest UI action (large)": 0.1,
    "results after one edit (large)": 0.3,
    "evaluation PDF (large)": 5.0,
    "evaluation workbook (large)": 5.0,
    "award justification PDF (large)": 2.0,  # from the record as read (issue 16)
    "history, newest 2,000 (logged)": 0.1,  # UI actions: the event loop's 100 ms
    "history of one bid (logged)": 0.1,
}
# The cold-start target, 0.6 s where Qt alone needs 0.12 s, as a ratio to Qt alone measured in the
# same run: machines differ (this one's speed has varied by 2x between sessions), the ratio less.
COLD_START_RATIO = 0.6 / 0.12


def prepare(work: Path, bidders: int) -> None:
    from benchmarks.generate import large_tender, pledge_sheet
    from svdesk.model.evaluation_file import parse_document, write_evaluation
    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services.catalogue import measures_by_ref

    # An installed svdesk (a wheel, the bundle) starts from compiled bytecode; so does the bench,
    # whatever PYTHONDONTWRITEBYTECODE says (compileall only rewrites what changed).
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "svdesk", quiet=1)
    if (work / "large.sqlite").exists():
        return
    doc = large_tender(bidders=bidders)
    (work / "large.json").write_text(json.dumps(doc), encoding="utf-8")
    db = open_svdesk_database(work / "large.sqlite")
    with db.transaction() as s:
        write_evaluation(s, parse_document(doc, measures_by_ref(s)), "bench")
    db.dispose()
    pledge_sheet(work / "pledges.xlsx", rows=max(100, bidders * 50))


def child(args: list[str], env: dict | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", *args], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


QT_ALONE = (
    "import os, time\n"
    "spawned = float(os.environ['SVDESK_BENCH_SPAWNED'])\n"
    "from PySide6.QtWidgets import QApplication, QLabel, QMainWindow\n"
    "app = QApplication([])\n"
    "window = QMainWindow(); window.setCentralWidget(QLabel('svdesk')); window.resize(1300, 700); window.show()\n"
    "app.processEvents()\n"
    "import json; from benchmarks.measure import peak_mb\n"
    "print(json.dumps({'seconds': time.time() - spawned, 'peak_mb': peak_mb()}))\n"
    "import sys; sys.stdout.flush(); os._exit(0)\n"
)


def _spawn_timed(code: str, home: Path) -> dict:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "c"),
        "XDG_DATA_HOME": str(home / "d"),
        "SVDESK_BENCH_SPAWNED": repr(time.time()),
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def qt_alone(home: Path) -> dict:
    """The floor under any cold start: Python, Qt's import and one bare window shown."""
    return _spawn_timed(QT_ALONE, home)


def cold_start(db: Path, home: Path) -> dict:
    """Process start to the main window shown and usable (offscreen), as a user double-clicking waits.

    Also noted: when the first window is painted (before the database layer is imported).
    Both are wall-clock times from the moment this process spawned the child.
    """
    code = (
        "import os, time\n"
        "from benchmarks.measure import peak_mb\n"
        "spawned = float(os.environ['SVDESK_BENCH_SPAWNED'])\n"
        "from svdesk.ui import app as gui\n"
        "painted = {}\n"
        "first_paint = gui.first_paint\n"
        "def timed_first_paint(target):\n"
        "    w = first_paint(target); painted['at'] = time.time() - spawned; return w\n"
        "gui.first_paint = timed_first_paint\n"
        "application = gui.create_application()\n"
        f"window, _ = gui.start_gui({str(db)!r})\n"
        "application.processEvents()\n"
        "usable = time.time() - spawned\n"
        "assert window.tenders_model.rowCount() >= 0\n"
        "import json; print(json.dumps({'seconds': usable, 'first_paint_s': painted['at'], "
        "'peak_mb': peak_mb()}))\n"
        "window.opened.close()\n"
        "import sys; sys.stdout.flush(); os._exit(0)\n"  # as svdesk itself leaves
    )
    return _spawn_timed(code, home)


def pack_import(work: Path, rows: int) -> dict:
    """A member's offline scoring pack of `rows` rows (8,000 at the default size), exported, filled in
    and imported back (benchmarks/pack_import.py; `python -m benchmarks.pack_import` for other sizes)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.pack_import", "--json", "--rows", str(rows), "--work", str(work / "packs")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def documents_figure(figure: str, work: Path, *args: str) -> dict:
    """Bid documents (benchmarks/documents.py): the reader's renderer, and the store beside the database."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.documents", figure, str(work), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ui_actions(work: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.ui_actions", str(work)], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    (work / "ui_actions.json").write_text(json.dumps(result, indent=1), encoding="utf-8")  # every action's time
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--logged", action="store_true", help="also a tender scored through svdesk (its full log)")
    parser.add_argument("--document-mb", type=int, default=20, help="each bid's documents, in MB (issue 18)")
    parser.add_argument("--pdf-pages", type=int, default=300, help="the bid PDF the reader opens")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="svdesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    prepare(work, args.bidders)
    print(
        f"large tender: {args.bidders} bidders x 60 measures x 40 questions x 10 evaluators, built in "
        f"{time.perf_counter() - started:.1f} s in {work}"
    )
    empty = work / "empty.sqlite"
    figures = {
        "Qt alone (the floor)": lambda: qt_alone(work / "home"),
        "cold start, empty database": lambda: cold_start(empty, work / "home"),
        "cold start, large database": lambda: cold_start(work / "large.sqlite", work / "home"),
        "moderation grid (large)": lambda: child(["grid", str(work)]),
        "slowest UI action (large)": lambda: ui_actions(work),
        "results after one edit (large)": lambda: child(["recompute", str(work)]),
        "evaluation PDF (large)": lambda: child(["pdf", str(work)]),
        "evaluation workbook (large)": lambda: child(["workbook", str(work)]),
        "award justification PDF (large)": lambda: child(["award", str(work)]),
        "pledge sheet import": lambda: child(["pledge_import", str(work)]),
        "load evaluation file (large)": lambda: child(["load", str(work)]),
        "dump evaluation file (large)": lambda: child(["dump", str(work)]),
        "scoring pack import": lambda: pack_import(work, rows=args.bidders * 40),
        "bid PDF in the reader (300 pages)": lambda: documents_figure("reader", work, "--pages", str(args.pdf_pages)),
        "back up, a bid's documents each": lambda: documents_figure(
            "store", work, "--document-mb", str(args.document_mb)
        ),
    }
    if args.logged:
        from benchmarks.logged import build_logged

        started = time.perf_counter()
        build_logged(work / "logged.sqlite", args.bidders)
        print(f"logged tender (every score a logged change) ready in {time.perf_counter() - started:.0f} s")
        figures |= {
            "history, newest 2,000 (logged)": lambda: child(["logged:history", str(work)]),
            "history of one bid (logged)": lambda: child(["logged:history_bid", str(work)]),
            "verify in the helper (logged)": lambda: child(["logged:verify", str(work)]),
        }
    rows = []
    floor = None
    for name, run in figures.items():
        results = [run() for _ in range(args.runs)]
        seconds = statistics.median(r["seconds"] for r in results)
        peak = max(r["peak_mb"] for r in results)
        note = ""
        if name.startswith("Qt alone"):
            floor = seconds
            note = "Python, Qt's import and one bare window shown"
        if "first_paint_s" in results[0]:
            paint = statistics.median(r["first_paint_s"] for r in results)
            ratio = seconds / floor
            verdict = "holds" if ratio <= COLD_START_RATIO else "MISSED"
            note = f"{ratio:.1f} x Qt alone (<= {COLD_START_RATIO:.1f}: {verdict}); painted at {paint * 1000:.0f} ms; "
        if "cell_refresh_s" in results[0]:
            cell = statistics.median(r["cell_refresh_s"] for r in results)
            again = statistics.median(r["consensus_refresh_s"] for r in results)
            note = f"one cell after an edit {cell * 1000:.1f} ms; after others' consensus {again * 1000:.1f} ms; "
        if "slowest" in results[0]:
            note = f"{results[0]['slowest']}; "
        if "changes" in results[0]:
            note = f"{results[0]['changes']:,} changes in the log; {results[0]['rows']:,} rows shown; "
        if "rows_per_s" in results[0]:
            rate = statistics.median(r["rows_per_s"] for r in results)
            note = f"{rate:,.0f} rows/s ({results[0]['rows']:,} rows, every score a signed audit entry)"
        if "page_turn_s" in results[0]:
            turn = statistics.median(r["page_turn_s"] for r in results)
            search = statistics.median(r["search_s"] for r in results)
            holds = seconds <= 0.5 and turn <= 0.1 and search <= 1.0
            note = (
                f"first page {seconds * 1000:.0f} ms (<= 500), a page turned {turn * 1000:.0f} ms (<= 100), "
                f"search of {results[0]['pages']} pages {search * 1000:.0f} ms (<= 1000): "
                f"{'holds' if holds else 'MISSED'}"
            )
        if "backup_floor_s" in results[0]:
            r0 = results[0]
            ratio = seconds / max(r0["backup_floor_s"], 1e-6)
            opened = r0["open_s"] / max(r0["open_floor_s"], 1e-6)
            note = (
                f"{r0['documents']} documents, {r0['stored_mb']:,.0f} MB beside a "
                f"{r0['database_mb']:,.0f} MB database: "
                f"backup {ratio:.2f} x, open {opened:.2f} x the same database without them (floor)"
            )
        if "ratio" in results[0]:
            ratio = statistics.median(r["ratio"] for r in results)
            note = f"{ratio:.2f} x bare openpyxl ({results[0]['rows']} rows; target <= 1.5)"
        elif name in TARGETS:
            note += f"target <= {TARGETS[name]:g} s: {'holds' if seconds <= TARGETS[name] else 'MISSED'}"
        rows.append((name, seconds, peak, note))
    print(f"\n{'figure':<34} {'median':>10} {'peak MB':>9}  note")
    for name, seconds, peak, note in rows:
        print(f"{name:<34} {seconds * 1000:>8.0f}ms {peak:>9.0f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
