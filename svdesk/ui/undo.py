"""Undo and redo of this session's edits (Ctrl+Z / Ctrl+Shift+Z).

An undo is itself an edit: it saves the previous value through the same service, so it is checked,
locked after sign-off and recorded in the audit log like any other change. Nothing is rewound.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand


class EditCommand(QUndoCommand):
    """A change already saved; undo/redo save the old/new value again. Each returns True on success."""

    def __init__(self, text: str, undo: Callable[[], bool], redo: Callable[[], bool]) -> None:
        super().__init__(text)
        self._undo, self._redo = undo, redo
        self._first = True

    def redo(self) -> None:
        if self._first:  # pushing the command: the edit is already saved
            self._first = False
            return
        if not self._redo():
            self.setObsolete(True)

    def undo(self) -> None:
        if not self._undo():
            self.setObsolete(True)
