"""One measurement, run in its own process so its peak memory is its own.

python -m benchmarks.measure NAME WORKDIR     -> prints one JSON line {"seconds": .., "peak_mb": ..}
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def peak_mb() -> float:
    """This process's peak resident memory since it started.

    VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a child forked from the benchmark
    runner (which built the large tender, 300 MB) reported the runner's peak as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str, work: Path) -> dict:
    from svdesk.model.services import open_svdesk_database
    from svdesk.model.services.tenders import get_tender

    large = work / "large.sqlite"
    extra: dict = {}
    if name == "grid":
        from svdesk.model.services.panel_views import grid_cell, load_marks, moderation_grid

        db = open_svdesk_database(large)
        started = time.perf_counter()  # as the Moderation tab reads it: the grid, and the marks on screen
        with db.reader() as s:
            tender = get_tender(s, "BENCH-1")
            grid = moderation_grid(s, tender, marks=False)
            load_marks(s, tender, grid, grid.bidders[:60])  # ModerationGridModel.ROWS_PER_READ
        elapsed = time.perf_counter() - started
        extra["cells"] = len(grid.cells)
        # after a consensus is saved the screen reads that one cell again, not the grid
        started = time.perf_counter()
        with db.reader() as s:
            grid_cell(s, get_tender(s, "BENCH-1"), grid.bidders[-1], grid.questions[-1][0])
        extra["cell_refresh_s"] = time.perf_counter() - started
        # another member saved a consensus score: shown again, the grid reads the consensus column
        import shutil

        from svdesk.model.services.panel_views import refresh_consensus
        from svdesk.model.services.record_version import record_version
        from svdesk.model.services.tenders import set_moderated

        copy = work / f"grid-{os.getpid()}.sqlite"
        shutil.copy(large, copy)
        other = open_svdesk_database(copy)
        with other.reader() as s:
            read_at = record_version(s, get_tender(s, "BENCH-1"))
        with other.transaction() as s:
            set_moderated(s, get_tender(s, "BENCH-1"), "bench", grid.bidders[0], grid.questions[0][0], 1, "Section 1.")
        started = time.perf_counter()
        with other.reader() as s:
            assert refresh_consensus(s, get_tender(s, "BENCH-1"), grid, read_at)
        extra["consensus_refresh_s"] = time.perf_counter() - started
        other.dispose()
        for f in work.glob(copy.name + "*"):
            f.unlink()
    elif name == "recompute":
        from svdesk.model.services.results import tender_results
        from svdesk.model.services.tenders import set_moderated

        db = open_svdesk_database(large)
        with db.reader() as s:
            tender_results(s, get_tender(s, "BENCH-1"))  # warm
        started = time.perf_counter()
        with db.transaction() as s:
            set_moderated(
                s,
                get_tender(s, "BENCH-1"),
                "bench",
                "Bidder 001 Care Ltd",
                "Q2",
                3,
                f"Benchmark edit {time.time()}: section 2 evidence.",
            )
        with db.reader() as s:
            results = tender_results(s, get_tender(s, "BENCH-1"))
        elapsed = time.perf_counter() - started
        extra["bidders"] = len(results.bidders)
    elif name in ("pdf", "workbook"):
        from svdesk.export.evaluation_report import evaluation_report
        from svdesk.export.workbook import evaluation_workbook
        from svdesk.model.services.report_data import report_data

        db = open_svdesk_database(large)
        started = time.perf_counter()
        with db.reader() as s:
            data = report_data(s, get_tender(s, "BENCH-1"))
        extra["read_s"] = round(time.perf_counter() - started, 3)
        out = evaluation_report(data) if name == "pdf" else evaluation_workbook(data)
        elapsed = time.perf_counter() - started
        extra["kb"] = len(out) // 1024
    elif name == "award":
        from svdesk.export.award_report import award_report
        from svdesk.model.services.report_data import report_data

        db = open_svdesk_database(large)
        started = time.perf_counter()
        with db.reader() as s:
            data = report_data(s, get_tender(s, "BENCH-1"), analysed=True)  # with what the report prints
        extra["read_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()  # the justification itself: its argument, 199 comparison tables
        out = award_report(data)
        elapsed = time.perf_counter() - started
        extra["kb"] = len(out) // 1024
    elif name == "pledge_import":
        import openpyxl

        from svdesk.model.pledge_sheet import read_pledge_sheet

        sheet = work / "pledges.xlsx"
        started = time.perf_counter()
        wb = openpyxl.load_workbook(sheet, read_only=True, data_only=True)
        rows = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        bare = time.perf_counter() - started
        started = time.perf_counter()
        parsed = read_pledge_sheet(sheet)
        elapsed = time.perf_counter() - started
        extra.update(
            bare_openpyxl_s=round(bare, 3), ratio=round(elapsed / bare, 2), rows=rows, pledge_rows=len(parsed.rows)
        )
    elif name in ("load", "dump"):
        from svdesk.model.evaluation_file import dump_evaluation, read_evaluation_file, write_evaluation

        if name == "load":
            target = work / f"load-{os.getpid()}.sqlite"
            db = open_svdesk_database(target)
            started = time.perf_counter()
            with db.transaction() as s:
                write_evaluation(s, read_evaluation_file(s, work / "large.json"), "bench")
            elapsed = time.perf_counter() - started
            db.dispose()
            for f in work.glob(f"load-{os.getpid()}.sqlite*"):
                f.unlink()
        else:
            db = open_svdesk_database(large)
            started = time.perf_counter()
            with db.reader() as s:
                doc = dump_evaluation(s, get_tender(s, "BENCH-1"))
            (work / "dump.json").write_text(json.dumps(doc), encoding="utf-8")
            elapsed = time.perf_counter() - started
    else:
        raise SystemExit(f"unknown measurement {name}")
    return {"seconds": elapsed, "peak_mb": peak_mb(), **extra}


if __name__ == "__main__":
    if sys.argv[1].startswith("logged:"):
        from benchmarks.logged import measure_logged

        result = measure_logged(sys.argv[1].split(":", 1)[1], Path(sys.argv[2]))
        print(json.dumps({**result, "peak_mb": peak_mb()}))
    else:
        print(json.dumps(measure(sys.argv[1], Path(sys.argv[2]))))
