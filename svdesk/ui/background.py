"""Long work (reports, workbooks) off the event loop, with a progress dialog that never freezes."""

from __future__ import annotations

import atexit
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from svdesk.model.errors import SvdeskError


class Worker(QThread):
    """Runs `fn` in a thread; `done(result)` or `failed(message)` arrive back on the GUI thread."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fn = fn

    def run(self) -> None:
        try:
            self.done.emit(self.fn())
        except SvdeskError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # shown to the user as a message, never as a traceback
            self.failed.emit(f"{type(exc).__name__}: {exc}")


def run_with_progress(
    parent: QWidget, label: str, fn: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[str], None]
) -> Worker:
    dialog = QProgressDialog(label, None, 0, 0, parent)  # busy bar: reportlab gives no progress to report
    dialog.setWindowTitle("svdesk")
    dialog.setMinimumDuration(400)  # quick jobs never flash a dialog
    worker = Worker(fn, parent)

    def finish() -> None:
        dialog.reset()
        dialog.deleteLater()

    worker.done.connect(lambda result: (finish(), on_done(result)))
    worker.failed.connect(lambda message: (finish(), on_failed(message)))
    worker.finished.connect(worker.deleteLater)
    worker.start()
    return worker


_unowned: set[Worker] = set()  # quiet workers belong to no widget: a closed screen must not kill one


def run_quietly(fn: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[str], None]) -> Worker:
    """Background work whose screen shows its own progress (no dialog), e.g. verifying the record.

    Pass bound methods of a QObject as callbacks: Qt then drops the call if that object is gone.
    """
    worker = Worker(fn)
    _unowned.add(worker)
    worker.done.connect(on_done)
    worker.failed.connect(on_failed)
    worker.finished.connect(lambda: _unowned.discard(worker))
    worker.start()
    return worker


@atexit.register
def wait_for_quiet_workers() -> None:
    for worker in list(_unowned):
        worker.wait()
