"""Confirmation before a step that is hard to take back: a signature, a reopening, a restore.

Each box is opened with `open()` (window-modal, no nested event loop), as the award decision's is
(svdesk/ui/award_dialogs.py): the answer arrives in `then(yes)`. The box and its two buttons carry
object names (`<name>`, `<name>` + the action's first word capitalised, `<name>Cancel`:
"signConfirm", "signConfirmSign", "signConfirmCancel") so a test clicks them as a person does.
Cancel is the default: Enter alone never signs, reopens or restores.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(
    parent: QWidget,
    name: str,
    title: str,
    text: str,
    detail: str,
    action: str,
    then: Callable[[bool], object],
    *,
    destructive: bool = False,
) -> QMessageBox:
    """Open the box; `then(True)` once `action` is clicked, `then(False)` on Cancel or Esc."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName(name)
    box.setInformativeText(detail)
    role = QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole
    yes = box.addButton(action, role)
    yes.setObjectName(name + "".join(w.capitalize() for w in action.split()[:1]))
    cancel = box.button(QMessageBox.StandardButton.Cancel)
    if cancel is not None:
        cancel.setObjectName(f"{name}Cancel")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.finished.connect(lambda _result: then(box.clickedButton() is yes))
    box.open()
    return box
