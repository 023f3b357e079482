"""Starting the desktop app: one QApplication, the database, the main window."""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from svdesk import __version__
from svdesk.app.errors import SvdeskError

if TYPE_CHECKING:
    from svdesk.ui.main_window import MainWindow


def _install_excepthook() -> None:
    """An unexpected error shows a message the user can act on, never a silent crash or a traceback."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        detail = "".join(traceback.format_exception(kind, exc, tb))
        print(detail, file=sys.stderr)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "svdesk: something went wrong",
            f"{exc}\n\nYour saved work is safe: every change is saved as you make it.",
        )
        box.setDetailedText(detail)
        box.exec()

    sys.excepthook = hook


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName("svdesk")
    QCoreApplication.setApplicationName("svdesk")
    QCoreApplication.setApplicationVersion(__version__)
    return app  # type: ignore[return-value]


def first_paint(target: str | None) -> QMainWindow:
    """A bare window where the main window will be, shown before the database layer is even imported.

    Importing SQLAlchemy and svdesk's model takes most of a second; with this the user sees svdesk
    open at once instead of wondering whether the double-click worked.
    """
    window = QMainWindow()
    window.setWindowTitle("svdesk")
    from svdesk.ui.window_geometry import restore_window_geometry

    restore_window_geometry(window, QSettings().value("mainWindow/geometry"))
    label = QLabel(f"Opening {target or 'your svdesk database'}\u2026")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    window.show()
    QApplication.processEvents()  # paint it now: the imports below keep the event loop busy
    return window


def start_gui(db_target: str | None = None, demo: bool = False) -> tuple[MainWindow | None, int]:
    """The first paint, then the database and the main window: (window, 0); (None, exit code) if not."""
    # Importing SQLAlchemy and the model and building the window create some half a million objects
    # that live as long as the app and hold no garbage; the cycle collector, running over them again
    # and again as they are made, cost about a sixth of the start-up. Collect nothing until the
    # window is up, then freeze what exists so later collections (on every click) skip it.
    with start_up_without_gc():
        return _start_gui(db_target, demo)


@contextmanager
def start_up_without_gc() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def demo_database_path() -> Path:
    """Where `svdesk --demo` keeps the demo: a database of its own beside the user's, never among
    their own tenders (delete the file to start the demo afresh)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("svdesk", appauthor=False)) / "demo.sqlite"


def _start_gui(db_target: str | None, demo: bool) -> tuple[MainWindow | None, int]:
    if demo and db_target is None:
        db_target = str(demo_database_path())
    first = first_paint(db_target)
    from svdesk.app.evaluation_files import load_demo
    from svdesk.ui.main_window import MainWindow
    from svdesk.ui.opening import open_for_gui

    try:
        opened = open_for_gui(first, db_target)
        if opened is None:
            return None, 0
        reference = load_demo(opened.db) if demo and not opened.db.read_only else None
    except SvdeskError as exc:
        QMessageBox.critical(first, "svdesk cannot start", str(exc))
        return None, 2
    finally:
        first.hide()
    window = MainWindow(opened, QSettings())
    if reference:
        window.refresh_tenders(select=reference)
    window.show()
    first.deleteLater()
    return window, 0


def run_gui(db_target: str | None = None, demo: bool = False) -> int:
    app = create_application()
    _install_excepthook()
    window, code = start_gui(db_target, demo)
    if window is None:
        return code
    code = app.exec()
    window.opened.close()  # every edit is already committed; this releases the database and its lock
    from svdesk.helper_process import stop_helper
    from svdesk.ui.background import wait_for_quiet_workers

    stop_helper()  # a verification still running is of no use now
    wait_for_quiet_workers()  # a database closed in the background finishes writing its log back
    # PySide6 6.12 on Python 3.11 can crash in the interpreter's final garbage collection after a large
    # tender has been shown ("none_dealloc"). Nothing is left to save, so leave without that pass.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
