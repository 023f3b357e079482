"""Where the main window opens: its saved geometry when that is still sensible on this screen.

Qt alone (no svdesk or SQLAlchemy import): the first window svdesk shows, before the database layer
is imported, uses it too (`svdesk.ui.app`).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QWidget


def restore_window_geometry(window: QWidget, saved: object) -> None:
    """The saved geometry if it is still a sensible one on this screen, else most of the screen
    (what a panel on a projector wants). A geometry saved small (by a window closed before it was
    laid out, or on a smaller screen) is not brought back: the window opened at 760x593 on a
    1920x1080 screen after one session."""
    available = window.screen().availableGeometry()
    if isinstance(saved, QByteArray | bytes) and window.restoreGeometry(saved):
        size = window.frameGeometry()
        on_screen = available.intersects(size)
        big_enough = size.width() >= available.width() * 0.5 and size.height() >= available.height() * 0.5
        # a geometry saved smaller than the window can be comes back as its minimum size: not one
        # anybody chose (how the window came to open at 760x593 on a 1920x1080 screen)
        at_minimum = window.width() <= window.minimumWidth() + 8 and window.height() <= window.minimumHeight() + 8
        if on_screen and big_enough and not at_minimum:
            return
    width, height = int(available.width() * 0.95), int(available.height() * 0.92)
    window.setGeometry(
        available.x() + (available.width() - width) // 2,
        available.y() + (available.height() - height) // 2,
        width,
        height,
    )
