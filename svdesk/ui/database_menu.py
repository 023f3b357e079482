"""The File menu's database actions: open, new, a shared server, recent files, back up, restore.

Mixed into MainWindow (they open and replace the window's database); kept here so the window
module holds the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QStatusBar

from svdesk.model import backups
from svdesk.model.db import database_url
from svdesk.model.errors import SvdeskError
from svdesk.ui.background import Worker, run_in_process, run_quietly
from svdesk.ui.opening import OpenDatabase, open_for_gui

if TYPE_CHECKING:
    from svdesk.model.db import Database

MAX_RECENT = 8


class DatabaseMenu:
    # provided by the window this is mixed into
    opened: OpenDatabase
    settings: QSettings
    recent_menu: QMenu
    current_reference: str | None
    closing: dict[str, Worker]  # databases being closed in the background, by URL

    if TYPE_CHECKING:

        @property
        def db(self) -> Database: ...

        def _show_database(self) -> None: ...

        def show_error(self, title: str, message: str) -> None: ...

        def refresh_tenders(self, select: str | None = None) -> None: ...

        def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's name

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            self.recent_menu.addAction(path, lambda p=path: self.open_database_path(p))
        self.recent_menu.setEnabled(bool(self._recent()))

    def _recent(self) -> list[str]:
        value = self.settings.value("recentDatabases", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, path: str) -> None:
        recent = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue("recentDatabases", recent[:MAX_RECENT])

    # --- database ---------------------------------------------------------------------------------

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open svdesk database", str(Path.home()), "svdesk databases (*.sqlite *.db);;All files (*)"
        )
        if path:
            self.open_database_path(path)

    def choose_new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New svdesk database", str(Path.home() / "svdesk.sqlite"), "svdesk databases (*.sqlite)"
        )
        if path:
            if Path(path).exists():
                self.show_error("New database", f"{path} already exists; use Open database to open it.")
                return
            self.open_database_path(path)  # opening a new path creates and migrates it

    def choose_server(self) -> None:
        url, ok = QInputDialog.getText(
            self,
            "Open shared database",
            "PostgreSQL address, e.g. postgresql+psycopg://priya@dbserver/svdesk\n"
            "(the password, if any, is asked for by the server's own settings, e.g. ~/.pgpass)",
            text=str(self.settings.value("lastServer", "postgresql+psycopg://")),
        )
        if ok and url.strip():
            self.settings.setValue("lastServer", url.strip())
            self.open_database_path(url.strip())

    def open_database_path(self, path: str) -> None:
        if "://" not in path and self.db.path is not None and Path(path).resolve() == self.db.path.resolve():
            return
        closing = self.closing.pop(database_url(path), None)
        if closing is not None:  # this very database is still being closed: let it finish (and unlock)
            closing.wait()
        try:
            opened = open_for_gui(self, path)
        except SvdeskError as exc:
            self.show_error("Cannot open the database", str(exc))
            return
        if opened is None:
            return
        old = self.opened
        self.opened = opened
        self.current_reference = None
        # Closing SQLite writes its log back into the file (a checkpoint, then fsync): I/O that took
        # a fifth of this action on a framework. It runs in a thread while the new database is shown.
        url = old.db.url
        closer = self.closing[url] = run_quietly(old.close, _ignore, _ignore)
        closer.finished.connect(lambda: self.closing.pop(url) if self.closing.get(url) is closer else None)
        self._show_database()

    def back_up_now(self) -> None:
        """Copied and checked in the helper process, behind a busy bar: the window never freezes."""
        if self.db.path is None:
            self.show_error("Back up", "Backups here are of database files; use the server's own (pg_dump).")
            return
        self.backing_up = run_in_process(
            backups.backup_in_own_connection,
            self.db.url,
            on_done=self._backed_up,
            on_failed=self._backup_failed,
            progress=(self, "Backing up the database…"),  # type: ignore[arg-type]
        )

    def _backed_up(self, path: Path) -> None:
        self.statusBar().showMessage(f"Backed up to {path}", 8000)

    def _backup_failed(self, message: str) -> None:
        self.show_error("Backup failed", message)

    def restore_backup(self) -> None:
        if self.db.path is None:
            self.show_error("Restore", "Restoring is for database files; use the server's backups.")
            return
        folder = backups.backup_dir(self.db)
        path, _ = QFileDialog.getOpenFileName(self, "Restore from backup", str(folder), "Backups (*.sqlite)")
        if not path:
            return
        if (
            QMessageBox.question(
                self,
                "Restore from backup",
                f"Replace the whole database with\n{path}?\n\nThe current content is kept as a backup first.",
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        try:
            safety = backups.restore(self.db, Path(path))
        except SvdeskError as exc:
            self.show_error("Restore failed", f"{exc}\n\nNothing was changed.")
            return
        self.statusBar().showMessage(f"Restored; the previous content is in {safety}", 10000)
        self.refresh_tenders()

    # --- views ------------------------------------------------------------------------------------


def _ignore(_answer: object) -> None:
    """Closing a database answers nothing worth showing; a failure to close loses nothing saved."""
