""" "How robust is the recommendation": the box on the Results and Sign-off screens (issue 16 item 3).

The figures take half a second on a framework (200 bids x 40 questions x 10 members), so they are
weighed in the helper process (`run_in_process`), never on the event loop; only while the box is on
screen, with at most one request out at a time (a run of edits asks once more when it returns).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from svdesk.app import analysis
from svdesk.app.analysis import Robustness
from svdesk.ui import palette
from svdesk.ui.background import run_in_process

TITLE = "How robust is the recommendation"
WEIGHING = "Weighing the ranking\u2026"
KEY_FIGURES = ("Margin", "Smallest change to one consensus score", "Panel agreement")


class RobustnessBox(QGroupBox):
    """The summary in plain words and the key figures; every figure behind "Show every figure"."""

    weighed = Signal()  # an answer (or a failure) is on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent, objectName="robustnessBox")
        self.summary = QLabel(objectName="robustnessSummary", wordWrap=True)
        self.key = QLabel(objectName="robustnessKey", wordWrap=True)
        self.details = QLabel(objectName="robustnessFigures", wordWrap=True)
        for label in (self.summary, self.key, self.details):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.hide()
        self.more = QPushButton("Show every figure", objectName="robustnessMore", checkable=True)
        self.more.toggled.connect(self._show_details)
        self.more.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.key)
        layout.addWidget(self.details)
        layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        self.robustness: Robustness | None = None  # as last shown
        self._wanted: tuple[str, str] | None = None  # the database URL and tender to weigh
        self._stale = False  # asked for while hidden: weighed when shown
        self._out = False  # a request is with the helper process
        self._again = False  # the record changed while it was

    def request(self, url: str, reference: str | None) -> None:
        """Weigh the tender again (the record changed); None: clear."""
        if reference is None:
            self._wanted = None
            self.clear()
            return
        self._wanted = (url, reference)
        if self.isVisible():
            self._start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self._wanted is not None:
            # after this paint: at start-up the window is on screen before the helper is asked
            QTimer.singleShot(0, self._start_if_stale)

    def _start_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self._start()

    def clear(self) -> None:
        self.robustness = None
        self.summary.setText("")
        self.key.setText("")
        self.details.setText("")
        self.more.hide()

    def _start(self) -> None:
        self._stale = False
        if self._out:
            self._again = True
            return
        if self._wanted is None:
            return
        self._out, self._again = True, False
        if self.robustness is None:
            self.summary.setText(WEIGHING)
        run_in_process(
            analysis.robustness_in_own_connection, *self._wanted, on_done=self._arrived, on_failed=self._failed
        )

    def _arrived(self, found: Robustness) -> None:
        self._out = False
        if self._again:
            self._start()
            return
        self.show_robustness(found)
        self.weighed.emit()

    def _failed(self, message: str) -> None:
        self._out = False
        if self._again:
            self._start()
            return
        self.clear()
        self.summary.setText(f"The robustness of the ranking could not be weighed: {_html(message)}")
        self.weighed.emit()

    def show_robustness(self, found: Robustness) -> None:
        self.robustness = found
        said = _html(found.summary())
        colour = palette.hex_of(palette.OK_TEXT if found.holds else palette.WARNING_TEXT)
        self.summary.setText(f"<b style='color:{colour}'>{said}</b>")
        figures = analysis.figures(found)
        key = [(what, text) for what, text in figures if what in KEY_FIGURES]
        self.key.setText("<br>".join(f"<b>{_html(what)}:</b> {_html(text)}" for what, text in key))
        rest = [(what, text) for what, text in figures if what not in KEY_FIGURES]
        self.details.setText("<br>".join(f"<b>{_html(what)}:</b> {_html(text)}" for what, text in rest))
        self.more.setVisible(bool(rest))
        self.details.setVisible(bool(rest) and self.more.isChecked())

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.more.setText("Hide the other figures" if shown else "Show every figure")


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
