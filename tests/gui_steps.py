"""What a person does at the window, as pytest-qt steps: click a button, a cell or a stage, retype a
field, choose in a combo box by keyboard, and answer the modal dialogs a click opens (a dialog run
with exec() blocks the click until it is closed, so it is answered from a timer, as it opens).

Nothing here sets a widget's value: every step is a mouse click or a key press."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QWidget,
)

QtBot = Any  # pytest-qt's qtbot (its methods are untyped)
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def click(qtbot: QtBot, widget: QWidget) -> None:
    """Click a button (or a check box) a person can see and use."""
    assert widget.isVisible(), f"{widget.objectName() or widget} is not shown"
    assert widget.isEnabled(), f"{widget.objectName() or widget} is disabled"
    qtbot.mouseClick(widget, LEFT)


def retype(qtbot: QtBot, widget: QWidget, text: str, enter: bool = False) -> None:
    """Select all in a line edit, spin box or text edit and type `text` over it (Enter after, if asked)."""
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    if text:
        qtbot.keyClicks(widget, text)
    else:
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    if enter:
        qtbot.keyClick(widget, Qt.Key.Key_Return)


_last_search: dict[int, float] = {}  # combo box -> when it was last typed into


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick the item whose text starts with `text` by typing it into the (closed) combo box, as a person
    does; nothing is typed when it is already chosen."""
    if combo.currentText().lower().startswith(text.lower()):
        return
    # letters typed within the keyboard interval of the last search would add to that search
    since = time.monotonic() - _last_search.get(id(combo), 0.0)
    interval = QApplication.keyboardInputInterval() / 1000 + 0.05
    if since < interval:
        qtbot.wait(int((interval - since) * 1000) + 1)
    qtbot.keyClicks(combo, text)
    _last_search[id(combo)] = time.monotonic()
    assert combo.currentText().lower().startswith(text.lower()), f"typing {text!r} chose {combo.currentText()!r}"


def click_cell(qtbot: QtBot, view: QAbstractItemView, index: QModelIndex) -> None:
    """Click the cell `index` of a table, list or tree, scrolled into view first (as with the wheel)."""
    assert index.isValid()
    view.scrollTo(index)
    qtbot.wait(10)  # the view lays out the rows it scrolled to
    rect = view.visualRect(index)
    viewport = view.viewport()
    assert rect.isValid() and viewport.rect().intersects(rect), f"row {index.row()} is not shown"
    at = QPoint(min(rect.left() + 10, viewport.width() - 5), rect.center().y())
    qtbot.mouseClick(viewport, LEFT, pos=at)
    assert view.currentIndex() == index, f"clicking row {index.row()} selected row {view.currentIndex().row()}"


def ok_button(dialog: QDialog) -> QWidget:
    """A standard dialog's OK (or its accepting button)."""
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None, f"{dialog.windowTitle()!r} has no buttons"
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    if button is None:
        button = next(b for b in box.buttons() if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole)
    return button


def child(dialog: QWidget, kind: type[Any]) -> Any:
    """The one widget of `kind` in a dialog (a QInputDialog's spin box or line edit)."""
    found = [w for w in dialog.findChildren(kind) if w.isVisible()]
    assert len(found) == 1, f"{dialog.windowTitle()!r} shows {len(found)} {kind.__name__}"
    return found[0]


def focus_back(qtbot: QtBot, window: QWidget | None) -> None:
    """On a desktop the window a dialog closed over is active again (its shortcuts work, its cells
    take keys); offscreen there is no window manager to do that, so it is done here."""
    QApplication.processEvents()  # the closed dialog's own deactivation arrives first
    if window is None or window.isActiveWindow() or QApplication.activeModalWidget() is not None:
        return
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


@contextmanager
def answering(
    qtbot: QtBot, *steps: tuple[type[QWidget], Callable[[Any], None]], timeout: int = 15_000
) -> Iterator[None]:
    """Answer the modal dialogs the block opens, in order: each step's `act(dialog)` runs once a
    visible modal dialog of its kind is open (from a timer: exec() does not return until it closes).

    On leaving the block, waits until every step has run. A step that fails closes its dialog (so
    the block never hangs) and its failure is raised here."""
    pending = list(steps)
    window = QApplication.activeWindow()  # the window the dialogs open over
    answered: list[QWidget] = []  # held, so a later dialog never takes an answered one's id
    errors: list[BaseException] = []
    timer = QTimer()
    timer.setInterval(20)
    started = time.monotonic()

    def poll() -> None:
        if not pending:
            timer.stop()
            return
        dialog = QApplication.activeModalWidget()
        kind, act = pending[0]
        if time.monotonic() - started > timeout / 1000:  # never hang on a dialog nobody answers
            timer.stop()
            shown = f"{type(dialog).__name__} {dialog.windowTitle()!r}" if dialog is not None else "none"
            errors.append(AssertionError(f"no {kind.__name__} opened in {timeout} ms (the modal dialog: {shown})"))
            pending.clear()
            if isinstance(dialog, QDialog):
                dialog.reject()
            return
        if not isinstance(dialog, kind) or not dialog.isVisible() or any(d is dialog for d in answered):
            return
        answered.append(dialog)
        pending.pop(0)
        try:
            act(dialog)
        except BaseException as exc:  # raised from the block, not lost in the event loop
            errors.append(exc)
            pending.clear()
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                dialog.close()

    timer.timeout.connect(poll)
    timer.start()
    try:
        yield
        qtbot.waitUntil(lambda: not pending or bool(errors), timeout=timeout + 1000)
    finally:
        timer.stop()
    focus_back(qtbot, window)
    if errors:
        raise errors[0]


def type_and_leave(qtbot: QtBot, field: QWidget, text: str) -> None:
    """Click into the field, type `text` over what it holds, and Tab out of it."""
    window = field.window()
    if not window.isActiveWindow():  # a dialog just shown may not be active yet on a busy machine
        window.activateWindow()
        with contextlib.suppress(Exception):  # the click below may still give it focus
            qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.mouseClick(field, LEFT, pos=field.rect().center())
    try:
        qtbot.waitUntil(field.hasFocus, timeout=2000)
    except Exception:
        raise AssertionError(f"{field.objectName()} took no focus") from None
    retype(qtbot, field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert not field.hasFocus(), f"Tab did not leave {field.objectName()}"


def type_lines(qtbot: QtBot, box: Any, lines: list[str]) -> None:
    """Type an address into a multi-line box, a line at a time, and Tab out of it."""
    qtbot.mouseClick(box.viewport(), LEFT)
    assert box.hasFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for n, line in enumerate(lines):
        if n:
            qtbot.keyClick(box, Qt.Key.Key_Return)
        qtbot.keyClicks(box, line)
    qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert not box.hasFocus() and "\t" not in box.toPlainText()


def answer_box(qtbot: QtBot, owner: Any, attribute: str, button: str) -> str:
    """Click `button` (an object name) of the confirmation box `owner.<attribute>` once it is shown
    (svdesk.ui.confirm_box: opened with open(), so the click that asked has returned already);
    what the box asked (its text and informative text)."""
    qtbot.waitUntil(lambda: getattr(owner, attribute, None) is not None and getattr(owner, attribute).isVisible())
    box = getattr(owner, attribute)
    found = box.findChild(QWidget, button)
    assert found is not None, f"{box.objectName()} has no {button}: {box.text()!r}"
    asked = f"{box.text()}\n{box.informativeText()}"
    click(qtbot, found)
    qtbot.waitUntil(lambda: not box.isVisible())
    return asked
