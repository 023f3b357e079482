"""The score scale as a row of labelled choices, chosen by mouse or by digit keys."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QRadioButton, QSizePolicy, QWidget

from svdesk.app.scoring import ScaleView


class ScoreChoice(QWidget):
    """Radio buttons "0 Unacceptable" ... "5 Excellent"; digit N picks the N-th point of the scale.

    One row when there is room; in rows of equal columns when the form is narrow (the bid's
    documents beside it on a 1366-pixel screen), so the form never scrolls sideways."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(lambda _id: self.changed.emit())
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._columns = 0  # how many buttons a row holds now
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.points: list[float] = []
        self._labels: list[tuple[float, str]] | None = None  # the scale the buttons show

    def set_scale(self, scale: ScaleView) -> None:
        labels = [(p, scale.descriptors.get(p, "")) for p in scale.points]
        if labels == self._labels:
            return  # same scale: keep the buttons (rebuilding on every cell would flicker)
        self._labels = labels
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QRadioButton):  # the stretch after them has no widget
                self.group.removeButton(widget)
                widget.deleteLater()
        self.points = [p for p, _ in labels]
        for i, (point, label) in enumerate(labels):
            button = QRadioButton(f"{point:g}  {label}".strip())
            button.setAccessibleName(f"Score {point:g} {label}".strip())
            button.setToolTip(f"Alt+{i} chooses it" if i < 10 else "")
            self.group.addButton(button, i)
        self._columns = 0
        self._reflow(self.width())

    def _widest(self) -> int:
        return max((b.sizeHint().width() for b in self.group.buttons()), default=0) + self._layout.spacing()

    def _reflow(self, width: int) -> None:
        buttons = self.group.buttons()
        if not buttons:
            return
        columns = len(buttons) if width <= 0 else max(1, min(len(buttons), width // max(1, self._widest())))
        if sum(b.sizeHint().width() + self._layout.spacing() for b in buttons) <= width:
            columns = len(buttons)  # all in one row, each as wide as its own words
        if columns == self._columns:
            return
        self._columns = columns
        for button in buttons:
            self._layout.removeWidget(button)
        for i, button in enumerate(buttons):
            self._layout.addWidget(button, i // columns, i % columns)
        for column in range(len(buttons) + 1):
            self._layout.setColumnStretch(column, 0)
        self._layout.setColumnStretch(columns, 1)  # the room left over goes after the last column
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._reflow(event.size().width())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self._widest()), hint.height())

    def value(self) -> float | None:
        index = self.group.checkedId()
        return self.points[index] if index >= 0 else None

    def set_value(self, value: float | None) -> None:
        self.group.setExclusive(False)
        for button in self.group.buttons():
            button.setChecked(False)
        self.group.setExclusive(True)
        if value is not None and value in self.points:
            self.group.button(self.points.index(value)).setChecked(True)

    def choose_index(self, index: int) -> bool:
        if 0 <= index < len(self.points):
            self.group.button(index).setChecked(True)
            self.changed.emit()
            return True
        return False

    def set_read_only(self, read_only: bool) -> None:
        for button in self.group.buttons():
            button.setEnabled(not read_only)
