"""Two small painted charts for the Results screen (QPainter: no QtCharts dependency)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#1f4e78", "#2e8b57", "#d98c1f", "#8e5ea2", "#c0504d", "#4bacc6", "#9bbb59", "#7f7f7f")


class StackedBars(QWidget):
    """Horizontal stacked bars: one bar per row label, one colour per series."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.rows: list[tuple[str, list[float]]] = []
        self.series: list[str] = []
        self.maximum = 0.0
        self.unit = ""
        self.totals: list[float] | None = None
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(title)

    def set_data(
        self,
        series: list[str],
        rows: list[tuple[str, list[float]]],
        maximum: float | None = None,
        unit: str = "",
        totals: list[float] | None = None,
    ) -> None:
        """`totals`, one a row, is what each bar's end says: the total as the results table shows it
        (the parts' sum can round otherwise: 74.33 beside a table's 74.34, issue 17)."""
        self.series, self.rows, self.unit, self.totals = series, rows, unit, totals
        self.maximum = maximum or max((sum(v) for _, v in rows), default=0.0) or 1.0
        self.setMinimumHeight(60 + 24 * len(rows) + 20 * len(series))  # room for a legend one entry a line
        self.setAccessibleDescription(
            "; ".join(
                f"{label}: " + ", ".join(f"{s} {v:,.2f}" for s, v in zip(series, values, strict=False))
                for label, values in rows
            )
        )
        self.update()

    def total_text(self, row: int) -> str:
        """What the end of bar `row` says."""
        total = self.totals[row] if self.totals is not None else sum(self.rows[row][1])
        return f"{self.unit}{total:,.0f}" if self.unit else f"{total:.2f}"

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        p.setPen(text)
        font = p.font()
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(0, 0, self.width(), 20), Qt.AlignmentFlag.AlignLeft, self.title)
        font.setBold(False)
        p.setFont(font)
        label_w = min(220.0, self.width() * 0.3)
        bar_x, bar_w = label_w + 8, max(self.width() - label_w - 90, 10)
        y = 26.0
        for row, (label, values) in enumerate(self.rows):
            p.setPen(text)
            shown = p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, int(label_w))
            p.drawText(QRectF(0, y, label_w, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            x = bar_x
            for i, v in enumerate(values):
                w = bar_w * max(v, 0.0) / self.maximum
                p.fillRect(QRectF(x, y + 2, w, 14), QColor(PALETTE[i % len(PALETTE)]))
                x += w
            p.drawText(QRectF(x + 4, y, 90, 18), Qt.AlignmentFlag.AlignVCenter, self.total_text(row))
            y += 24
        x, y = bar_x, y + 6
        for i, name in enumerate(self.series):
            if x + 110 > self.width():
                x, y = bar_x, y + 20
            p.fillRect(QRectF(x, y + 4, 10, 10), QColor(PALETTE[i % len(PALETTE)]))
            p.setPen(text)
            short = name.split(":")[0]
            p.drawText(QRectF(x + 14, y, 96, 18), Qt.AlignmentFlag.AlignVCenter, short)
            x += 110
        p.end()
