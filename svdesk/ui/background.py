"""Long work (reports, workbooks) off the event loop, with a progress dialog that never freezes."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from svdesk.app.errors import SvdeskError
from svdesk.helper_process import submit

if TYPE_CHECKING:
    from concurrent.futures import Future


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


def busy_dialog(parent: QWidget, label: str) -> QProgressDialog:
    """A window-modal busy bar, shown only if the work takes more than 0.4 s (quick jobs never flash one)."""
    dialog = QProgressDialog(label, None, 0, 0, parent)  # busy: reportlab and SQLite give no progress to report
    dialog.setWindowTitle("svdesk")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    return dialog


def run_with_progress(
    parent: QWidget, label: str, fn: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[str], None]
) -> Worker:
    dialog = busy_dialog(parent, label)
    worker = Worker(fn, parent)

    def finish() -> None:
        dialog.reset()
        dialog.deleteLater()

    def succeeded(result: Any) -> None:
        finish()
        on_done(result)

    def failed(message: str) -> None:
        finish()
        on_failed(message)

    worker.done.connect(succeeded)
    worker.failed.connect(failed)
    worker.finished.connect(worker.deleteLater)
    worker.start()
    return worker


_unowned: set[Worker] = set()  # quiet workers belong to no widget: a closed screen must not kill one


def run_quietly(fn: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[str], None]) -> Worker:
    """Background work whose screen shows its own progress (no dialog), e.g. closing a database.

    Pass bound methods of a QObject as callbacks: Qt then drops the call if that object is gone.
    """
    worker = Worker(fn)
    _unowned.add(worker)
    worker.done.connect(on_done)
    worker.failed.connect(on_failed)
    worker.finished.connect(lambda: _unowned.discard(worker))
    worker.start()
    return worker


class _Arrival(QObject):
    """Carries a process's answer to the GUI thread (a signal emitted elsewhere is queued to it).

    Held in `_arrivals` until its answer has been delivered there: dropped when the executor's thread
    lets go of it, it would be destroyed in that thread with its answer still queued.
    """

    done = Signal(object)
    failed = Signal(str)

    def delivered(self, *_answer: Any) -> None:  # connected last, so it runs after every receiver
        _arrivals.discard(self)
        self.deleteLater()


_arrivals: set[_Arrival] = set()


_pending: set[Future[Any]] = set()
_pending_lock = threading.Lock()


def run_in_process(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None],
    on_failed: Callable[[str], None],
    progress: tuple[QWidget, str] | None = None,
) -> Future[Any]:
    """`fn(*args)` in the helper process, for CPU-bound Python work (verifying the record).

    A thread would share the interpreter lock with the event loop: every repaint while it ran waited
    for the lock (a tab took 45 ms instead of 6). `fn` and its arguments and result must pickle.
    Pass bound methods of a QObject as callbacks: Qt then drops the call if that object is gone.
    """
    future = submit(fn, *args)  # first: if the helper cannot take it, no busy bar is left open
    arrival = _Arrival()
    arrival.done.connect(on_done)
    arrival.failed.connect(on_failed)
    if progress is not None:  # a busy bar while the user waits for the answer (signing, a backup)
        dialog = busy_dialog(*progress)

        def finish(*_answer: Any) -> None:
            dialog.reset()
            dialog.deleteLater()

        arrival.done.connect(finish)
        arrival.failed.connect(finish)
    arrival.done.connect(arrival.delivered)
    arrival.failed.connect(arrival.delivered)
    _arrivals.add(arrival)
    with _pending_lock:
        _pending.add(future)

    def finished(f: Future[Any]) -> None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            result = f.result()
        except SvdeskError as exc:
            arrival.failed.emit(str(exc))
        except BrokenProcessPool:
            arrival.failed.emit("the helper process stopped unexpectedly: try again (what is saved is shown as it is)")
        except Exception as exc:  # a message for the user, never a traceback
            arrival.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            arrival.done.emit(result)
        finally:
            with _pending_lock:
                _pending.discard(f)

    future.add_done_callback(finished)
    return future


@atexit.register
def wait_for_quiet_workers() -> None:
    """Wait for every background thread and helper-process job (tests, benchmarks, leaving)."""
    for worker in list(_unowned):
        worker.wait()
    if not _pending:
        return
    from concurrent.futures import wait as wait_for_futures

    while True:
        with _pending_lock:
            pending = list(_pending)
        if not pending:
            return
        wait_for_futures(pending)
        threading.Event().wait(0.001)  # the done-callback runs just after the future is resolved
