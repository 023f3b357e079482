"""Opening a database from the GUI: the one-instance lock, read-only when someone else has it or
the file cannot be written, and the newest good backup offered when the file is damaged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from svdesk.app import database
from svdesk.app.database import (
    DamagedDatabaseError,
    DatabaseInUse,
    DatabaseReadOnlyError,
    OpenDatabase,
    RecordLostError,
    open_locked,
    open_read_only,
)
from svdesk.app.errors import SvdeskError

__all__ = ["OpenDatabase", "open_for_gui"]


def open_for_gui(parent: QWidget | None, target: str | Path | None) -> OpenDatabase | None:
    """Open with the lock; if another instance holds it, or the file cannot be written, offer
    read-only; if it is damaged and a good backup exists, offer to restore that. None if the user
    cancels.

    Raises SvdeskError for a database that cannot be opened at all (the caller shows it).
    """
    try:
        return open_locked(target)
    except DatabaseInUse as in_use:
        if not _yes(
            parent,
            "Database in use",
            f"{in_use.path} is open in svdesk by {in_use.holder}.\n\nOpen it read-only? You can look at "
            "everything and print reports, but not change anything.",
            QMessageBox.StandardButton.Open,
        ):
            return None
        # under the name the holder uses: its write-ahead log, under that name, holds what they saved
        return open_read_only(in_use.other_name or in_use.path, f"in use by {in_use.holder}")
    except DatabaseReadOnlyError as unwritable:
        if unwritable.path is None or not _yes(
            parent,
            "Read-only database",
            f"{unwritable}\n\nOpen it read-only? You can look at everything and print reports, but not change "
            "anything.",
            QMessageBox.StandardButton.Open,
        ):
            return None
        return open_read_only(unwritable.path, "the file or its folder is read-only")
    except RecordLostError as lost:
        return _after_a_loss(parent, lost)
    except DamagedDatabaseError as damaged:
        if damaged.backup is None or damaged.path is None:
            raise
        if not _yes(
            parent,
            "The database is damaged",
            f"{damaged}\n\nRestore {damaged.backup.name} now? What the file holds now is kept: a damaged file "
            "beside it, else as a pre-restore backup.",
            QMessageBox.StandardButton.Yes,
        ):
            return None
        return _restore(damaged.path, damaged.backup)


def _after_a_loss(parent: QWidget | None, lost: RecordLostError) -> OpenDatabase | None:
    """The file lost changes svdesk committed: open nothing yet, to look first (the default, and
    Esc), carry on with the record as the file holds it, or restore the newest good backup. The
    backup may hold far fewer entries than the record it would replace, so the box says how many
    each holds, and restoring takes a click on its own button (Enter never restores)."""
    if lost.path is None:
        raise lost
    box = QMessageBox(QMessageBox.Icon.Warning, "Changes were lost", str(lost), QMessageBox.StandardButton.NoButton)
    if parent is not None:
        box.setParent(parent, box.windowFlags())
    box.setObjectName("changesLost")
    look = box.addButton("Look first (open nothing)", QMessageBox.ButtonRole.RejectRole)
    look.setObjectName("changesLostLook")
    carry_on = box.addButton("Carry on with the file as it is", QMessageBox.ButtonRole.AcceptRole)
    carry_on.setObjectName("changesLostCarryOn")
    restore = None
    if lost.backup is not None:
        restore = box.addButton(f"Restore {lost.backup.name}", QMessageBox.ButtonRole.DestructiveRole)
        restore.setObjectName("changesLostRestore")
        restore.setAutoDefault(False)
    box.setDefaultButton(look)
    box.setEscapeButton(look)
    box.setInformativeText(_loss_counts(lost))
    box.exec()
    answer = box.clickedButton()
    box.deleteLater()
    if restore is not None and answer is restore and lost.backup is not None:
        return _restore(lost.path, lost.backup)
    if answer is carry_on:
        database.carry_on_as_it_is(lost.path)
        return open_locked(lost.path)
    return None


def _loss_counts(lost: RecordLostError) -> str:
    """How many entries of the record the file holds, and the backup (what restoring would leave)."""
    held = "an unknown number of" if lost.held is None else f"{lost.held:,}"
    said = f"The file holds {held} entries of the record now."
    if lost.backup is None:
        return said + " There is no good backup to restore."
    kept = "an unknown number of" if lost.backup_entries is None else f"{lost.backup_entries:,}"
    said += f" The backup {lost.backup.name} holds {kept}: restoring replaces the file's record with it"
    if lost.backup_entries is not None and lost.held is not None and lost.backup_entries < lost.held:
        said += f", {lost.held - lost.backup_entries:,} fewer entries"
    return said + "."


def _yes(parent: QWidget | None, title: str, text: str, accept: QMessageBox.StandardButton) -> bool:
    answer = QMessageBox.question(parent, title, text, accept | QMessageBox.StandardButton.Cancel, accept)
    return bool(answer == accept)


def _restore(path: Path, backup: Path) -> OpenDatabase:
    """Restore `backup` into `path` (a damaged or empty file is set aside first) and open it."""
    opened = open_locked(path, restoring=True)
    try:
        database.restore(opened.db, backup)
    except SvdeskError:
        opened.close()
        raise
    return opened
