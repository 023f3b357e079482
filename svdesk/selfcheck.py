"""`svdesk --self-check`: prove an installation (or a bundle) works end to end, step by step.

Opens a temporary database, runs the migrations, loads the demo evaluation, computes and
verifies results, writes a PDF and a workbook and reads them back, and builds the main window
(offscreen when no display is set). Prints one line per step; exit 0 only if every step passed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO


def run_self_check(out: TextIO = sys.stdout) -> int:
    from svdesk import __version__

    print(f"svdesk {__version__} self-check ({'bundle' if getattr(sys, 'frozen', False) else 'source'})", file=out)
    folder = Path(tempfile.mkdtemp(prefix="svdesk-selfcheck-"))
    context: dict[str, object] = {}
    failures = 0

    def step(name: str, action: Callable[[], str]) -> None:
        nonlocal failures
        started = time.perf_counter()
        try:
            detail = action()
            print(f"  ok    {name}: {detail} ({(time.perf_counter() - started) * 1000:.0f} ms)", file=out)
        except Exception as exc:  # report every step, never stop at a traceback
            failures += 1
            print(f"  FAIL  {name}: {type(exc).__name__}: {exc}", file=out)
            traceback.print_exc(limit=3, file=sys.stderr)

    def open_db() -> str:
        from svdesk.app.database import open_database, schema_revision

        context["db"] = db = open_database(folder / "selfcheck.sqlite")
        return f"{folder / 'selfcheck.sqlite'} at schema {schema_revision(db)}"

    def demo() -> str:
        from svdesk.app.evaluation_files import load_demo

        context["ref"] = load_demo(context["db"])  # type: ignore[arg-type]
        return str(context["ref"])

    def results() -> str:
        from svdesk.app.reads import results_json

        doc: dict[str, Any] = results_json(context["db"], None)  # type: ignore[arg-type]
        first = doc["bidders"][0]
        if first["name"] != "Weaver Valley Care Ltd" or first["total"] != 86.03:
            raise AssertionError(f"unexpected ranking: {first['name']} {first['total']}")
        return f"{first['name']} ranks first with {first['total']:.2f}"

    def verify() -> str:
        from svdesk.app.reports import report_data

        context["data"] = data = report_data(context["db"], None)  # type: ignore[arg-type]
        if not data.verified:
            raise AssertionError("; ".join(data.verify_problems))
        return f"record verifies, fingerprint {data.fingerprint[:16]}"

    def helper_process() -> str:
        # the desktop app verifies in a helper process: in a bundle that is the executable started again
        from svdesk.app.signoff import verify_in_own_connection
        from svdesk.helper_process import submit

        url, reference = context["db"].url, context["data"].reference  # type: ignore[attr-defined]
        report = submit(verify_in_own_connection, url, reference).result(timeout=120)
        if report.problems or report.fingerprint != context["data"].fingerprint:  # type: ignore[attr-defined]
            raise AssertionError(f"the helper process verified otherwise: {report.problems}")
        return f"the helper process verifies the same fingerprint {report.fingerprint[:16]}"

    def pdf() -> str:
        from svdesk.app.reports import write_report

        [path] = write_report(context["db"], None, "evaluation", folder / "evaluation.pdf")  # type: ignore[arg-type]
        head = path.read_bytes()[:5]
        if head != b"%PDF-":
            raise AssertionError("not a PDF")
        return f"{path.name}, {path.stat().st_size // 1024} KB"

    def xlsx() -> str:
        import openpyxl

        from svdesk.app.reports import write_workbook

        path = write_workbook(context["db"], None, folder / "evaluation.xlsx")  # type: ignore[arg-type]
        sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
        return f"{path.name}, sheets {', '.join(sheets)}"

    def gui() -> str:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QSettings

        from svdesk.ui.app import create_application
        from svdesk.ui.main_window import MainWindow

        app = create_application()
        settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(context["db"], settings)  # type: ignore[arg-type]
        window.show()
        app.processEvents()
        rows = window.results_model.rowCount()
        window.close()
        return f"main window built on {app.platformName()}, {rows} bids shown"

    for name, action in (
        ("database and migrations", open_db),
        ("demo evaluation", demo),
        ("results", results),
        ("verification", verify),
        ("verification in a helper process", helper_process),
        ("PDF report", pdf),
        ("workbook", xlsx),
        ("desktop window", gui),
    ):
        step(name, action)
    db = context.get("db")
    if db is not None:
        db.dispose()  # type: ignore[attr-defined]
    print(f"self-check {'passed' if not failures else f'FAILED ({failures} step(s))'}", file=out)
    return 0 if not failures else 1
