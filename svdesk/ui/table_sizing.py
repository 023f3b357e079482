"""Column widths from the texts themselves, measured once with font metrics.

`QHeaderView.ResizeToContents` asks the delegate for a size hint of every sampled cell, each a
dozen `data()` calls, again on every layout pass; on a framework's 200 bids that was tens of
thousands of calls per refresh. Measuring the formatted strings directly gives the same widths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView

CELL_PADDING = 14  # the style's text margins on both sides, and a little air
HEADER_PADDING = 22  # room for the sort indicator and the header's margins


def fit_columns(view: QTableView, column_texts: Callable[[int], Sequence[str]]) -> None:
    """Size each column of `view` to its widest text and its header, whichever is wider."""
    model = view.model()
    header = view.horizontalHeader()
    header_metrics = header.fontMetrics()
    plain = view.fontMetrics()
    for column in range(model.columnCount()):
        font = model.data(model.index(0, column), Qt.ItemDataRole.FontRole) if model.rowCount() else None
        metrics = QFontMetrics(font) if isinstance(font, QFont) else plain
        widest = max((metrics.horizontalAdvance(text) for text in column_texts(column)), default=0)
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        titled = header_metrics.horizontalAdvance(title) + HEADER_PADDING
        header.resizeSection(column, max(widest + CELL_PADDING, titled))
