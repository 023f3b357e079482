"""File dialogs that never open a file they list: opening the database file would lose its commits.

SQLite keeps its locks as POSIX record locks, which belong to the process: when any code in the
process closes any descriptor of the database file, every lock the process holds on it is dropped
(https://www.sqlite.org/howtocorrupt.html, section 2.2). Qt's file dialog reads the first bytes of
each file it lists to guess its type and icon, so listing the database's own folder dropped the
app's locks; the helper process (verifying, signing) then believed itself the file's last user,
and on closing checkpointed and deleted the write-ahead log the app was still writing to: every
later "saved" edit went into a deleted file. Found trying the app by hand (issue 17), and
reproduced in tests/test_file_dialog_locks.py.

So every dialog here is Qt's own (a desktop's native dialog may sniff files in this process too),
with an icon provider that names a file's type by its extension and never reads it. Windows locks
by handle and is not affected: its native dialog is kept there.

The functions have the shapes of QFileDialog's static ones; tests replace them here.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QWidget

_NATIVE_IS_SAFE = sys.platform == "win32"


class _NameOnlyIcons(QAbstractFileIconProvider):
    """A folder or a file, and the file's type from its name: nothing is opened to find out."""

    def icon(self, which: QFileInfo | QAbstractFileIconProvider.IconType) -> QIcon:
        if isinstance(which, QFileInfo):
            kind = (
                QAbstractFileIconProvider.IconType.Folder if which.isDir() else QAbstractFileIconProvider.IconType.File
            )
            return super().icon(kind)
        return super().icon(which)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        return f"{info.suffix().upper()} file" if info.suffix() else "File"


_ICONS = _NameOnlyIcons()  # one for the app's life: a dialog holds it without owning it


def _dialog(parent: QWidget | None, caption: str, folder: str, name_filter: str) -> QFileDialog:
    dialog = QFileDialog(parent, caption, folder, name_filter)
    if not _NATIVE_IS_SAFE:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setIconProvider(_ICONS)
    return dialog


def _run(dialog: QFileDialog) -> list[str]:
    chosen = dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
    dialog.deleteLater()
    return chosen


def get_open_file_name(
    parent: QWidget | None = None, caption: str = "", folder: str = "", name_filter: str = ""
) -> tuple[str, str]:
    dialog = _dialog(parent, caption, folder, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    chosen = _run(dialog)
    return (chosen[0], dialog.selectedNameFilter()) if chosen else ("", "")


def get_open_file_names(
    parent: QWidget | None = None, caption: str = "", folder: str = "", name_filter: str = ""
) -> tuple[list[str], str]:
    dialog = _dialog(parent, caption, folder, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    chosen = _run(dialog)
    return (chosen, dialog.selectedNameFilter()) if chosen else ([], "")


def get_save_file_name(
    parent: QWidget | None = None, caption: str = "", folder: str = "", name_filter: str = ""
) -> tuple[str, str]:
    dialog = _dialog(parent, caption, folder, name_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    chosen = _run(dialog)
    return (chosen[0], dialog.selectedNameFilter()) if chosen else ("", "")


def get_existing_directory(parent: QWidget | None = None, caption: str = "", folder: str = "") -> str:
    dialog = _dialog(parent, caption, folder, "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    chosen = _run(dialog)
    return chosen[0] if chosen else ""
