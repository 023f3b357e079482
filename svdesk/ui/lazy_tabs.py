"""Tabs whose screens are built the first time they are needed: shown, or asked for by code.

The window opens on Results; importing and building the seven other stage screens before it could
be shown was a tenth of the cold start. A page holds a placeholder until its screen is built;
`currentWidget()` and `setCurrentWidget()` speak of the screens, not of their placeholders.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class LazyTabs(QTabWidget):
    built = Signal(QWidget)  # a screen was just built (before it is shown): wire it up

    def __init__(self, parent: QWidget | None = None, objectName: str = "") -> None:  # noqa: N803 - Qt's spelling
        super().__init__(parent)
        if objectName:
            self.setObjectName(objectName)
        self._factories: dict[int, Callable[[], QWidget]] = {}
        self._screens: dict[int, QWidget] = {}
        # connected first, so the screen exists before anyone else hears the tab changed
        self.currentChanged.connect(lambda index: self.screen_at(index) if index >= 0 else None)

    def add_lazy(self, factory: Callable[[], QWidget], title: str) -> int:
        page = QWidget()
        QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
        index = self.addTab(page, title)
        self._factories[index] = factory
        return index

    def screen_at(self, index: int) -> QWidget:
        """The screen of tab `index`, built now if it has not been."""
        if index in self._screens:
            return self._screens[index]
        page = self.widget(index)
        if page is None:
            raise IndexError(f"no tab {index}")
        factory = self._factories.pop(index, None)
        if factory is None:
            return page
        screen = factory()
        self._screens[index] = screen
        layout = page.layout()
        assert layout is not None  # every lazy page is made with its layout
        layout.addWidget(screen)
        self.built.emit(screen)
        return screen

    def built_screens(self) -> list[QWidget]:
        return list(self._screens.values())

    def is_built(self, index: int) -> bool:
        return index not in self._factories

    def currentWidget(self) -> QWidget:  # noqa: N802 - Qt's name
        index = self.currentIndex()
        return self.screen_at(index) if index >= 0 else None  # type: ignore[return-value]  # Qt's own None

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt's name
        for index, screen in self._screens.items():
            if screen is widget:
                self.setCurrentIndex(index)
                return
        super().setCurrentWidget(widget)
