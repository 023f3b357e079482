"""The user guide (F1): svdesk/data/guide/guide.html in a browser dialog, opened at the current screen.

The guide ships as package data, so it is there offline, in a wheel and in the bundle alike."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from svdesk.resources import resource_path
from svdesk.ui import palette

GUIDE = ("guide", "guide.html")
# the guide's section for each tab of the window, in the tabs' order (the stages, then History, Declarations)
TAB_ANCHORS = (
    "setup",
    "panel",
    "measures",
    "questions",
    "bids",
    "scoring",
    "moderation",
    "results",
    "signoff",
    "reports",
    "history",
    "declarations",
)


def anchor_for_tab(index: int) -> str:
    """The guide's section for the window's tab `index`; the journey for anything else."""
    return TAB_ANCHORS[index] if 0 <= index < len(TAB_ANCHORS) else "journey"


def guide_css(p: QPalette) -> str:
    """The guide's text, background and links in the colours of palette `p` (light or dark)."""
    roles = QPalette.ColorRole
    text, base, link = (p.color(r).name() for r in (roles.Text, roles.Base, roles.Link))
    return f"body {{ color: {text}; background-color: {base}; }} a {{ color: {link}; }}"


class GuideDialog(QDialog):
    """One window for the guide, kept open beside the app; F1 again moves it to another section."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("svdesk user guide")
        self.setObjectName("guideDialog")
        self.browser = QTextBrowser(objectName="guideBrowser")
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(False)  # the guide's links are its own sections
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)
        self.page = QUrl.fromLocalFile(str(resource_path(*GUIDE)))
        # the guide follows the palette chosen (View menu) or the desktop's: the HTML fixes its link
        # colour when it is read, so it is read again when the palette changes
        palette.follow(self.browser, self._style)

    def _style(self) -> str:
        p = QApplication.palette()
        self.browser.document().setDefaultStyleSheet(guide_css(p))
        if not self.browser.source().isEmpty():
            self.browser.reload()
        base, text = (p.color(r).name() for r in (QPalette.ColorRole.Base, QPalette.ColorRole.Text))
        return f"QTextBrowser {{ background-color: {base}; color: {text}; }}"

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:  # the desktop's palette changed
            self.browser.setStyleSheet(self._style())

    def show_section(self, anchor: str) -> None:
        url = QUrl(self.page)
        url.setFragment(anchor)
        self.browser.setSource(url)
        self.browser.scrollToAnchor(anchor)  # again: the first layout may come after setSource
        self.show()
        self.raise_()
        self.activateWindow()

    @property
    def anchor(self) -> str:
        return self.browser.source().fragment()


class UserGuide:
    """Help → User guide (F1), opened at the section of the tab `tabs` shows; one dialog, made when first asked for."""

    def __init__(self, window: QWidget, tabs: QTabWidget, help_menu: QMenu) -> None:
        self.window, self.tabs = window, tabs
        self.dialog: GuideDialog | None = None
        self.action = QAction("&User guide", window, shortcut=QKeySequence("F1"), triggered=self.show)
        self.action.setObjectName("userGuide")
        help_menu.addAction(self.action)

    def show(self) -> None:
        if self.dialog is None:
            self.dialog = GuideDialog(self.window)
        self.dialog.show_section(anchor_for_tab(self.tabs.currentIndex()))
