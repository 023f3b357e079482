"""The user guide (F1): svdesk/data/guide/guide.html in a browser dialog, opened at the current screen.

The guide ships as package data, so it is there offline, in a wheel and in the bundle alike."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from svdesk.resources import resource_path

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
