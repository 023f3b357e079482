"""How long each everyday action on the large tender keeps the event loop busy.

python -m benchmarks.ui_actions WORKDIR   -> one JSON line: each action's seconds, the slowest, peak MB

Each action is what a click or a key press does, run the way Qt would run it, followed by the
events it posted. Work handed to a worker thread does not count: the window stays responsive
while it runs. The database is a copy, because some actions save.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.measure import peak_mb

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _timed(app, action: Callable[[], object]) -> tuple[float, float]:
    """(the click, its answer): how long the action itself kept the event loop, and how long showing
    the answer of the work it handed to a thread or the helper process did (0 if it handed none)."""
    from svdesk.ui.background import wait_for_quiet_workers

    started = time.perf_counter()
    action()
    app.processEvents()  # what the action posted (layout, repaint) is part of the wait
    app.processEvents()
    elapsed = time.perf_counter() - started
    # Work handed elsewhere (verifying, signing, a backup) finishes before the next click, as it
    # would at a person's pace; its answer is then shown, which is event-loop time of its own.
    wait_for_quiet_workers()
    started = time.perf_counter()
    app.processEvents()
    app.processEvents()
    return elapsed, time.perf_counter() - started


def run(work: Path) -> dict:
    from PySide6.QtCore import QSettings

    from svdesk.ui.app import create_application, start_up_without_gc
    from svdesk.ui.main_window import MainWindow
    from svdesk.ui.opening import open_for_gui

    home = Path(tempfile.mkdtemp(prefix="svdesk-ui-bench-"))
    db_path = home / "large.sqlite"
    shutil.copy(work / "large.sqlite", db_path)
    app = create_application()
    settings = QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)
    times: dict[str, float] = {}
    holder: dict[str, MainWindow] = {}

    def open_window() -> None:
        holder["w"] = MainWindow(open_for_gui(None, str(db_path)), settings)
        holder["w"].resize(1366, 768)
        holder["w"].show()

    # Start-up, as svdesk starts (its own figure, the cold start); not an action in the event loop.
    with start_up_without_gc():
        startup, _ = _timed(app, open_window)
    w = holder["w"]
    m = w.moderation

    def act(name: str, action: Callable[[], object]) -> None:
        times[name], answer = _timed(app, action)
        if answer > 0.002:
            times[f"{name}: its answer shown"] = answer

    for index in range(w.tabs.count()):
        act(f"show the {w.tabs.tabText(index).replace('&&', '&')} tab", lambda i=index: w.tabs.setCurrentIndex(i))
    act("show the Moderation tab again", lambda: w.tabs.setCurrentWidget(m))
    far = m.model.index(min(57, m.model.rowCount() - 1), min(11, m.model.columnCount() - 1))
    act("moderation: select another cell", lambda: m.grid.setCurrentIndex(far))
    act("moderation: change the spread threshold", lambda: m.threshold.setValue(m.threshold.value() + 1))

    def save_consensus() -> None:
        cell = m.model.cell(m.grid.currentIndex())
        points = m.model.grid.scale.points
        m.choice.set_value(points[1] if cell.consensus != points[1] else points[2])
        m.rationale.setPlainText("Benchmark: the panel agreed on section 2's evidence of local hires.")
        assert m.save_consensus(), m.message.text()

    act("moderation: save a consensus score", save_consensus)
    act("moderation: undo it", w.undo_stack.undo)
    act("moderation: show the Pledges tab", lambda: m.modes.setCurrentIndex(1))
    act("scoring: show the Scoring tab", lambda: w.tabs.setCurrentWidget(w.scoring))
    act("scoring: choose another evaluator", lambda: w.scoring.member.setCurrentIndex(2))
    act("scoring: next item", lambda: w.scoring.go(1))
    act("scoring: only what is left", lambda: w.scoring.only_left.setChecked(True))
    act("scoring: everything again", lambda: w.scoring.only_left.setChecked(False))
    act("scoring: show the Pledges tab", lambda: w.scoring.modes.setCurrentIndex(1))
    act("history: show the History tab", lambda: w.tabs.setCurrentWidget(w.history))
    act(
        "history: filter by one bid",
        lambda: w.history.bidder_filter.setCurrentIndex(3),
    )
    act("history: and one question", lambda: w.history.question_filter.setCurrentIndex(2))
    act("results: show the Results tab", lambda: w.tabs.setCurrentWidget(w.results_box))
    act("sign-off: verify the record", w.verify_now)
    act("File > Back up now", w.back_up_now)

    def sign() -> None:
        w.signoff.signer.setCurrentIndex(0)
        assert w.signoff.step("sign"), w.signoff.message.text()

    act("sign-off: a member signs", sign)
    act("reselect the tender", lambda: w.refresh_tenders())
    second = home / "second.sqlite"
    shutil.copy(work / "large.sqlite", second)
    act("File > Open database: another large database", lambda: w.open_database_path(str(second)))
    peak = peak_mb()
    w.opened.close()
    shutil.rmtree(home, ignore_errors=True)
    slowest = max(times, key=times.__getitem__)
    return {"seconds": times[slowest], "slowest": slowest, "peak_mb": peak, "actions": times, "start_up_s": startup}


if __name__ == "__main__":
    result = run(Path(sys.argv[1]))
    print(json.dumps(result))
    sys.stdout.flush()
    from svdesk.helper_process import stop_helper

    stop_helper()
    os._exit(0)  # as svdesk itself leaves (see svdesk.ui.app)
