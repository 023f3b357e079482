"""Opening a database from the GUI: the one-instance lock, and read-only when someone else has it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from svdesk.app.database import DatabaseInUse, OpenDatabase, open_locked, open_read_only

__all__ = ["OpenDatabase", "open_for_gui"]


def open_for_gui(parent: QWidget | None, target: str | Path | None) -> OpenDatabase | None:
    """Open with the lock; if another instance holds it, offer read-only. None if the user cancels.

    Raises SvdeskError for a database that cannot be opened at all (the caller shows it).
    """
    try:
        return open_locked(target)
    except DatabaseInUse as in_use:
        answer = QMessageBox.question(
            parent,
            "Database in use",
            f"{in_use.path} is open in svdesk by {in_use.holder}.\n\nOpen it read-only? You can look at "
            "everything and print reports, but not change anything.",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Open,
        )
        if answer != QMessageBox.StandardButton.Open:
            return None
        return open_read_only(in_use.path, f"in use by {in_use.holder}")
