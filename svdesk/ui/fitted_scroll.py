"""A scroll area that gives its content the whole area and scrolls only what does not fit at the
content's minimum size (issue H3: small screens, large fonts).

QScrollArea's own `widgetResizable` lays out content holding word-wrapped labels (height-for-width)
at its *preferred* height: a form whose minimum fits scrolled anyway, its tables and text boxes at
full size. Here the content is laid out at the area's size, never below its minimum for that width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FittedScroll(QScrollArea):
    """`content` fills the area; `sideways` / `upright`: whether it may scroll that way (if not, it
    takes the area's width or height, as a plain layout would)."""

    def __init__(self, content: QWidget, name: str, *, sideways: bool = True, upright: bool = True) -> None:
        super().__init__(objectName=name)
        self.sideways, self.upright = sideways, upright
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if sideways else _OFF)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if upright else _OFF)
        self.setWidget(content)
        content.installEventFilter(self)  # its minimum changed (another screen, a warning shown): fit again

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """The content's minimum in a direction that does not scroll; little in one that does."""
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        least = content.minimumSizeHint()
        return QSize(
            hint.width() if self.sideways else max(hint.width(), least.width()),
            hint.height() if self.upright else max(hint.height(), self._least_height(content, least.width())),
        )

    def fit(self) -> None:
        content = self.widget()
        if content is None:
            return
        area = self.contentsRect().size()
        width, height = area.width(), area.height()
        least_width = content.minimumSizeHint().width()
        if self.sideways and least_width > width:
            height -= self.horizontalScrollBar().sizeHint().height()
        if self.upright and self._least_height(content, max(width, least_width)) > height:
            width -= self.verticalScrollBar().sizeHint().width()
        if self.sideways:
            width = max(width, least_width)
        if self.upright:
            height = max(height, self._least_height(content, width))
        if content.size() != QSize(width, height):
            content.resize(width, height)

    @staticmethod
    def _least_height(content: QWidget, width: int) -> int:
        layout = content.layout()
        if layout is not None and layout.hasHeightForWidth():
            return layout.totalMinimumHeightForWidth(width)
        return content.minimumSizeHint().height()


_OFF = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
