"""Named state colours with a light and a dark value, and the light/dark/system choice of palette.

The value used follows the application's QPalette (its window colour's lightness), so the flags stay
readable whether the desktop is light or dark, or the officer picks View > Palette. Every value has a
contrast of at least 4.5:1 (WCAG 2.1, 1.4.3) against what it sits on: text roles against the
palette's window and base colours, fill roles against the FILL_TEXT drawn on them (tests/test_palette.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup, QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QStyleFactory, QWidget

SETTING = "appearance/palette"  # system | light | dark
CHOICES = (("system", "Follow the &system"), ("light", "&Light palette"), ("dark", "&Dark palette"))


class Role(NamedTuple):
    name: str
    light: str
    dark: str
    fill: bool  # a background (text drawn on it is FILL_TEXT); otherwise a text colour


# text on the window or in a table
ERROR_TEXT = Role("error text", "#8a1c1c", "#ff8a80", False)
WARNING_TEXT = Role("warning text", "#8a5a00", "#ffcc66", False)
OK_TEXT = Role("done text", "#1b5e20", "#81c784", False)
MUTED_TEXT = Role("quiet text", "#505050", "#b8b8b8", False)
# cell and banner backgrounds
FILL_TEXT = Role("text on a fill", "#1a1a1a", "#f2f2f2", False)
HIGH_SPREAD = Role("high spread", "#f8d7d3", "#6b2b26", True)
AGREED = Role("agreed", "#dff0d8", "#24502a", True)
ADJUSTED = Role("adjusted", "#fff4e5", "#5a4214", True)  # a pledge accepted at another quantity
MISMATCH = Role("mismatch", "#fdecea", "#5c2a2a", True)  # also a declared conflict
NOT_IN_TENDER = Role("not in the tender", "#fff4e5", "#5a4214", True)
BLANK = Role("blank", "#f1f3f4", "#3a3d40", True)
ADDED = Role("added", "#e8f0fe", "#1f3a5f", True)
UNDECLARED = Role("undeclared", "#fff8e1", "#4d4220", True)
WITHHELD = Role("withheld passage", "#f3d9a4", "#6b5320", True)
LOCKED_BANNER = Role("locked banner", "#fff4e5", "#4d3a14", True)
PROXY_BANNER = Role("entered-for-you banner", "#fff4ce", "#4d4214", True)
BANNER_BORDER = Role("banner border", "#e0b070", "#a07830", True)  # a line, not behind text

ROLES = (
    ERROR_TEXT, WARNING_TEXT, OK_TEXT, MUTED_TEXT, FILL_TEXT, HIGH_SPREAD, AGREED, ADJUSTED, MISMATCH,
    NOT_IN_TENDER, BLANK, ADDED, UNDECLARED, WITHHELD, LOCKED_BANNER, PROXY_BANNER,
)  # fmt: skip


def is_dark(palette: QPalette | None = None) -> bool:
    """A dark theme is one whose window colour is dark (the desktop's, or the one chosen here)."""
    colour = (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Window)
    return colour.lightness() < 128


def hex_of(role: Role, dark: bool | None = None) -> str:
    return role.dark if (is_dark() if dark is None else dark) else role.light


def colour(role: Role) -> QColor:
    return QColor(hex_of(role))


def brush(role: Role) -> QBrush:
    return QBrush(colour(role))


def text_style(role: Role) -> str:
    """A label's style sheet for text in this role."""
    return f"color: {hex_of(role)}"


def banner_style(role: Role, selector: str = "QLabel", padding: int = 6) -> str:
    """A banner's style sheet: its fill, the text on it and a border."""
    return (
        f"{selector} {{ background: {hex_of(role)}; color: {hex_of(FILL_TEXT)}; "
        f"border: 1px solid {hex_of(BANNER_BORDER)}; border-radius: 4px; padding: {padding}px; }}"
    )


# ---- contrast (WCAG 2.1 relative luminance and contrast ratio) ----


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    q = QColor(hex_colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# ---- the palettes ----


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (the platform styles ignore most of a palette)."""
    p = QPalette()
    roles = QPalette.ColorRole
    for role, value in (
        (roles.Window, "#2b2b2b"),
        (roles.WindowText, "#e8e8e8"),
        (roles.Base, "#1f1f1f"),
        (roles.AlternateBase, "#2f2f2f"),
        (roles.Text, "#e8e8e8"),
        (roles.Button, "#353535"),
        (roles.ButtonText, "#e8e8e8"),
        (roles.BrightText, "#ff8a80"),
        (roles.Highlight, "#2a6fb0"),
        (roles.HighlightedText, "#ffffff"),
        (roles.ToolTipBase, "#2b2b2b"),
        (roles.ToolTipText, "#e8e8e8"),
        (roles.PlaceholderText, "#9a9a9a"),
        (roles.Link, "#8cc4ff"),
        (roles.LinkVisited, "#c9a0ff"),
        (roles.Light, "#505050"),
        (roles.Midlight, "#404040"),
        (roles.Mid, "#303030"),
        (roles.Dark, "#1a1a1a"),
        (roles.Shadow, "#000000"),
    ):
        p.setColor(role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#7a7a7a"))
    return p


_system: tuple[str, QPalette] | None = None  # the desktop's style and palette, as the app started
_restyled: list[tuple[weakref.ref[QWidget], Callable[[], str]]] = []


def follow(widget: QWidget, style: Callable[[], str]) -> None:
    """Give `widget` the style sheet `style()` now and again whenever the palette is changed here."""
    widget.setStyleSheet(style())
    _restyled.append((weakref.ref(widget), style))


def apply(choice: str) -> None:
    """Use the desktop's palette ("system"), Fusion's light one, or the dark one."""
    global _system
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system is None:
        _system = (app.style().name(), QPalette(app.palette()))
    if choice == "dark":
        app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(dark_palette())
    elif choice == "light":
        fusion = QStyleFactory.create("Fusion")
        app.setStyle(fusion)
        app.setPalette(fusion.standardPalette())
    else:
        app.setStyle(QStyleFactory.create(_system[0]) or app.style())
        app.setPalette(_system[1])
    alive = [(ref, style) for ref, style in _restyled if ref() is not None]
    _restyled[:] = alive
    for ref, style in alive:
        widget = ref()
        try:
            if widget is not None:
                widget.setStyleSheet(style())
        except RuntimeError:  # its window was closed and deleted: nothing left to restyle
            pass


def saved_choice(settings: QSettings) -> str:
    value = str(settings.value(SETTING, "system"))
    return value if value in {c for c, _ in CHOICES} else "system"


def add_view_menu(window: QMainWindow, settings: QSettings) -> QActionGroup:
    """View > Follow the system / Light palette / Dark palette, saved in `settings`; the saved one is applied."""
    menu = window.menuBar().addMenu("&View")
    group = QActionGroup(window)
    current = saved_choice(settings)
    for choice, label in CHOICES:
        action = QAction(label, window, checkable=True, checked=choice == current)
        action.setObjectName(f"palette_{choice}")
        action.setData(choice)
        group.addAction(action)
        menu.addAction(action)

    def chosen(action: QAction) -> None:
        settings.setValue(SETTING, action.data())
        apply(str(action.data()))

    group.triggered.connect(chosen)
    if current != "system":
        apply(current)
    return group
