"""The moderation grid's table model: bids by questions, each cell the members' scores and the
consensus, flagged when their spread reaches the threshold. Only the cells on screen are formatted,
and their marks are read as they are first shown (a framework's grid has 8,000 cells)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from svdesk.app.moderation import GridCell, ModerationGrid
from svdesk.ui import palette

Index = QModelIndex | QPersistentModelIndex
CellRole = Qt.ItemDataRole.UserRole + 1


class ModerationGridModel(QAbstractTableModel):
    """Rows are bids, columns questions; each cell a GridCell (CellRole).

    Only the cells on screen are ever formatted: a framework's grid has 8,000 of them.
    """

    ROWS_PER_READ = 60  # bids whose marks are read at once, when the first of them is shown

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid: ModerationGrid | None = None
        # reads the marks of these bids into the grid (the grid is read without them: a third of it)
        self.marks_loader: Callable[[list[str]], None] | None = None

    def set_grid(self, grid: ModerationGrid | None) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def set_threshold(self, threshold: float) -> None:
        """Flags change, the scores do not: repaint, nothing is read again."""
        if self.grid is not None:
            self.grid.threshold = threshold
            self.cells_changed()

    def cells_changed(self) -> None:
        """The grid's cells changed in place: every cell is repainted, nothing is rebuilt."""
        if self.grid is not None and self.grid.cells:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def replace_cell(self, cell: GridCell) -> None:
        assert self.grid is not None
        self.grid.cells[(cell.bidder, cell.question)] = cell
        row = self.grid.bidders.index(cell.bidder)
        column = [code for code, _ in self.grid.questions].index(cell.question)
        self.dataChanged.emit(self.index(row, column), self.index(row, column))

    def _read_marks(self, row: int) -> None:
        if self.grid is None or self.marks_loader is None:
            return
        start = row - row % self.ROWS_PER_READ
        self.marks_loader(self.grid.bidders[start : start + self.ROWS_PER_READ])

    def widest_text(self) -> str:
        """A cell's longest possible text, to size the columns without measuring every cell."""
        if self.grid is None:
            return ""
        most = max((c.count for c in self.grid.cells.values()), default=0)
        point = max((f"{p:g}" for p in self.grid.scale.points), key=len, default="5")
        return " \u00b7 ".join([point] * max(most, 1)) + f"  \u2192 {point}"

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.bidders)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.questions)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.grid is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                self.grid.bidders[section]
                if orientation == Qt.Orientation.Vertical
                else self.grid.questions[section][0]
            )
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return self.grid.questions[section][1]
        return None

    def cell(self, index: Index) -> GridCell:
        """The cell at `index`, its marks read (with its neighbours') if they were not yet."""
        assert self.grid is not None
        cell = self.grid.cell(self.grid.bidders[index.row()], self.grid.questions[index.column()][0])
        if cell.packed is None:
            self._read_marks(index.row())
        return cell

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.grid is None:
            return None
        c = self.cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if c.packed is None:  # could not be read: the cell still shows its spread and consensus
                return "\u2026" + (f"  \u2192 {c.consensus:g}" if c.consensus is not None else "")
            marks = " \u00b7 ".join(f"{m:g}" for m in c.marks) or "no scores"
            agreed = f"  \u2192 {c.consensus:g}" if c.consensus is not None else ""
            return marks + agreed
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            fill = palette.AGREED if c.consensus is not None else palette.HIGH_SPREAD if self.grid.flagged(c) else None
            if fill is None:  # the palette's own base and text
                return None
            return palette.brush(fill if role == Qt.ItemDataRole.BackgroundRole else palette.FILL_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole:
            flag = f"spread {c.spread:g}" + (" (high)" if self.grid.flagged(c) else "")
            return f"{c.bidder}, {c.question}: {flag}" + (
                f"; agreed {c.consensus:g}" if c.consensus is not None else "; no consensus yet"
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{c.bidder} {c.question}: scores {self.data(index)}"
        if role == CellRole:
            return c
        return None
