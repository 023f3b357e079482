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


BENCH_PASSPHRASE = "the benchmark's own passphrase"


def _enrol_the_first_signer(db_path: Path) -> tuple[str, str, str]:
    """The large tender's members are unenrolled, as loaded: the first to sign enrols, and so do the
    first and the third evaluator (the window is signed in as the first; the third switches in).
    Their names: (the signer, the first evaluator, the third)."""
    from svdesk.app import identity, scoring, signoff
    from svdesk.app.database import open_database

    db = open_database(db_path)
    try:
        member = signoff.signoff_view(db, None).unsigned[0]
        evaluators = scoring.evaluators(db, None)
        first, third = evaluators[0], evaluators[min(2, len(evaluators) - 1)]
        for name in dict.fromkeys((member, first, third)):
            identity.enrol(db, "benchmark", None, name, BENCH_PASSPHRASE)
    finally:
        db.dispose()
    return member, first, third


def run(work: Path) -> dict:
    from PySide6.QtCore import QSettings

    from svdesk.ui.app import create_application, start_up_without_gc
    from svdesk.ui.main_window import MainWindow
    from svdesk.ui.opening import open_for_gui

    home = Path(tempfile.mkdtemp(prefix="svdesk-ui-bench-"))
    db_path = home / "large.sqlite"
    shutil.copy(work / "large.sqlite", db_path)
    signer_name, first_evaluator, third_evaluator = _enrol_the_first_signer(db_path)
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
    # People sign in before they click (the key derivation, a few tenths of a second, runs on a
    # thread while the window paints): the clicks measured are what they do once signed in.
    from svdesk.app import identity

    w.desk.sign_in(identity.sign_in(w.db, None, first_evaluator, BENCH_PASSPHRASE))
    third = identity.sign_in(w.db, None, third_evaluator, BENCH_PASSPHRASE)

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
    act("scoring: another evaluator signed in (switch person)", lambda: w.desk.sign_in(third))
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

    # The member signed in before (the key derivation, off the event loop): the click is the signing itself.
    signer = identity.sign_in(w.db, None, signer_name, BENCH_PASSPHRASE)

    def sign() -> None:
        assert w.signoff.sign_as(signer), w.signoff.message.text()

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
