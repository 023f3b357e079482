"""Starting the desktop app: one QApplication, the database, the main window."""

from __future__ import annotations

import os
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from svdesk import __version__
from svdesk.model.errors import SvdeskError


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


def run_gui(db_target: str | None = None, demo: bool = False) -> int:
    from svdesk.model.demo import load_demo
    from svdesk.ui.main_window import MainWindow
    from svdesk.ui.opening import open_for_gui

    app = create_application()
    _install_excepthook()
    try:
        opened = open_for_gui(None, db_target)
        if opened is None:
            return 0
        reference = load_demo(opened.db) if demo and not opened.db.read_only else None
    except SvdeskError as exc:
        QMessageBox.critical(None, "svdesk cannot start", str(exc))
        return 2
    window = MainWindow(opened, QSettings())
    if reference:
        window.refresh_tenders(select=reference)
    window.show()
    code = app.exec()
    window.opened.close()  # every edit is already committed; this releases the database and its lock
    # PySide6 6.12 on Python 3.11 can crash in the interpreter's final garbage collection after a large
    # tender has been shown ("none_dealloc"). Nothing is left to save, so leave without that pass.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
