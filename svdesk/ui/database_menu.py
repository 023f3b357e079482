"""The File menu's database actions: open, new, a shared server, recent files, back up, restore.

A collaborator of the main window, not a mixin: it holds the database open now (and those still
closing in the background) and says when another is open (`opened_another`); the window then shows
it. It talks to the use-case layer (`svdesk.app.database`), never to the database itself.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMenu, QMessageBox

from svdesk.app import database
from svdesk.app.database import Database, OpenDatabase, database_url
from svdesk.app.errors import SvdeskError
from svdesk.ui import file_dialogs
from svdesk.ui.background import Worker, run_in_process, run_quietly
from svdesk.ui.confirm_box import ask
from svdesk.ui.opening import open_for_gui

MAX_RECENT = 8


class DatabaseMenu(QObject):
    opened_another = Signal()  # `opened` is now another database: show it from its home
    restored = Signal()  # the database's content was replaced from a backup

    def __init__(self, window: QMainWindow, opened: OpenDatabase, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.opened = opened
        self.settings = settings
        self.closing: dict[str, Worker] = {}  # databases being closed in the background, by URL
        self.recent_menu: QMenu | None = None
        self.backing_up: object | None = None  # the helper-process job, while it runs
        self.restore_confirm: QMessageBox | None = None  # the question asked before a restore

    @property
    def db(self) -> Database:
        return self.opened.db

    def show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self.window, title, message)

    def populate(self, menu: QMenu) -> None:
        """The database entries of the File menu."""
        from PySide6.QtGui import QAction, QKeySequence

        menu.addAction(
            QAction(
                "&Open database…", self.window, shortcut=QKeySequence.StandardKey.Open, triggered=self.choose_database
            )
        )
        menu.addAction(QAction("New &database…", self.window, triggered=self.choose_new_database))
        menu.addAction(QAction("Open &shared (PostgreSQL) database…", self.window, triggered=self.choose_server))
        self.recent_menu = menu.addMenu("Open &recent")

    def populate_backups(self, menu: QMenu) -> None:
        from PySide6.QtGui import QAction

        menu.addAction(QAction("&Back up now", self.window, triggered=self.back_up_now))
        menu.addAction(QAction("Re&store from backup…", self.window, triggered=self.restore_backup))

    def refresh_recent_menu(self) -> None:
        if self.recent_menu is None:
            return
        self.recent_menu.clear()
        for path in self._recent():
            self.recent_menu.addAction(path, partial(self.open_database_path, path))
        self.recent_menu.setEnabled(bool(self._recent()))

    def _recent(self) -> list[str]:
        value = self.settings.value("recentDatabases", [])
        if isinstance(value, str):  # QSettings gives one remembered path back as a string
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def remember(self, path: str) -> None:
        recent = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue("recentDatabases", recent[:MAX_RECENT])

    # --- database ---------------------------------------------------------------------------------

    def choose_database(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self.window, "Open svdesk database", str(Path.home()), "svdesk databases (*.sqlite *.db);;All files (*)"
        )
        if path:
            self.open_database_path(path)

    def choose_new_database(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self.window, "New svdesk database", str(Path.home() / "svdesk.sqlite"), "svdesk databases (*.sqlite)"
        )
        if path:
            if Path(path).exists():
                self.show_error("New database", f"{path} already exists; use Open database to open it.")
                return
            self.open_database_path(path)  # opening a new path creates and migrates it

    def choose_server(self) -> None:
        url, ok = QInputDialog.getText(
            self.window,
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
            opened = open_for_gui(self.window, path)
        except SvdeskError as exc:
            self.show_error("Cannot open the database", str(exc))
            return
        if opened is None:
            return
        old = self.opened
        self.opened = opened
        # Closing SQLite writes its log back into the file (a checkpoint, then fsync): I/O that took
        # a fifth of this action on a framework. It runs in a thread while the new database is shown.
        url = old.db.url
        closer = self.closing[url] = run_quietly(old.close, _ignore, _ignore)
        closer.finished.connect(lambda: self.closing.pop(url) if self.closing.get(url) is closer else None)
        self.opened_another.emit()

    def back_up_now(self) -> None:
        """Copied and checked in the helper process, behind a busy bar: the window never freezes."""
        if self.db.path is None:
            self.show_error("Back up", "Backups here are of database files; use the server's own (pg_dump).")
            return
        self.backing_up = run_in_process(
            database.back_up_in_own_connection,
            self.db.url,
            on_done=self._backed_up,
            on_failed=self._backup_failed,
            progress=(self.window, "Backing up the database…"),
        )

    def _backed_up(self, path: Path) -> None:
        self.window.statusBar().showMessage(f"Backed up to {path}", 8000)

    def _backup_failed(self, message: str) -> None:
        self.show_error("Backup failed", message)

    def restore_backup(self) -> None:
        if self.db.path is None:
            self.show_error("Restore", "Restoring is for database files; use the server's backups.")
            return
        folder = database.backup_folder(self.db)
        path, _ = file_dialogs.get_open_file_name(self.window, "Restore from backup", str(folder), "Backups (*.sqlite)")
        if not path:
            return
        chosen = Path(path)
        made = {b.path.name: b for b in database.list_backups(self.db)}.get(chosen.name)
        when = f", made {made.created:%A %-d %B %Y at %H:%M} ({made.label})" if made is not None else ""
        self.restore_confirm = ask(
            self.window,
            "restoreConfirm",
            "Restore from backup?",
            f"Replace the whole database with the backup {chosen.name}{when}?",
            f"Every tender in {self.db.path.name} goes back to how it was in the backup: what was saved since "
            "is replaced (the current content is kept as a backup first, and named when done). Everyone "
            "signs in again. A tender with signatures in force that the backup would change is refused.",
            "Restore",
            lambda yes: self._restore(chosen) if yes else None,
            destructive=True,
        )

    def _restore(self, path: Path) -> None:
        try:
            safety = database.restore(self.db, path)
        except SvdeskError as exc:
            self.show_error("Restore failed", f"{exc}\n\nNothing was changed.")
            return
        self.window.statusBar().showMessage(f"Restored; the previous content is in {safety}", 10000)
        self.restored.emit()


def _ignore(_answer: object) -> None:
    """Closing a database answers nothing worth showing; a failure to close loses nothing saved."""
