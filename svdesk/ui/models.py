"""Table and list models over plain service results (no ORM objects reach a view)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from svdesk.app.reads import BidderResult, Stage, TenderStatus, TenderSummary
from svdesk.ui import palette

ObjectRole = Qt.ItemDataRole.UserRole + 1  # the domain object behind a row
Index = QModelIndex | QPersistentModelIndex


class TenderListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TenderSummary] = []

    def set_tenders(self, rows: list[TenderSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{t.reference}\n{t.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{t.reference}: {t.title}\nStatus: {TenderStatus(t.status).label}\n"
                f"{t.bidders} bids, {t.questions} questions, {t.panel} panel members"
            )
        if role == ObjectRole:
            return t
        return None

    def row_of(self, reference: str) -> int:
        return next((i for i, t in enumerate(self._rows) if t.reference == reference), -1)


class StageListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._stages: list[Stage] = []

    def set_stages(self, stages: list[Stage]) -> None:
        self.beginResetModel()
        self._stages = list(stages)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._stages)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        s = self._stages[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "\u2714" if s.complete else "\u25cb"
            return f"{mark}  {s.summary}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return palette.brush(palette.OK_TEXT if s.complete else palette.MUTED_TEXT)
        if role == ObjectRole:
            return s
        return None


class ResultsTableModel(QAbstractTableModel):
    (
        COL_RANK,
        COL_BIDDER,
        COL_PRICE,
        COL_PLEDGED,
        COL_ACCEPTED,
        COL_PRICE_PTS,
        COL_QUALITY,
        COL_SV_QUANT,
        COL_SV_QUAL,
        COL_TOTAL,
    ) = range(10)
    HEADERS = (
        "Rank",
        "Bidder",
        "Price",
        "Pledged SV",
        "Accepted SV",
        "Price pts",
        "Quality",
        "SV pledges",
        "SV answers",
        "Total",
    )
    NUMERIC = {COL_PRICE, COL_PLEDGED, COL_ACCEPTED, COL_PRICE_PTS, COL_QUALITY, COL_SV_QUANT, COL_SV_QUAL, COL_TOTAL}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BidderResult] = []
        self._texts: list[tuple[str, ...]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_results(self, rows: list[BidderResult]) -> None:
        # Texts are formatted once here: a view asks data() for every role of every cell on each
        # layout and paint pass, which on a framework's 200 bids was tens of thousands of calls.
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = [tuple(self._display(r, col) for col in range(len(self.HEADERS))) for r in self._rows]
        self.endResetModel()

    def column_texts(self, column: int) -> list[str]:
        return [texts[column] for texts in self._texts]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return {
                self.COL_PRICE_PTS: "Price points: lowest price / bid price x price weight",
                self.COL_SV_QUANT: "Points for accepted pledged social value",
                self.COL_SV_QUAL: "Points for the social value questions",
            }.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][col]
        r = self._rows[row]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and r.excluded:
            return palette.brush(palette.ERROR_TEXT)
        if role == Qt.ItemDataRole.FontRole and col == self.COL_TOTAL:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and r.excluded:
            return "Disqualified: " + "; ".join(r.exclusion_reasons)
        if role == ObjectRole:
            return r
        return None

    def _display(self, r: BidderResult, col: int) -> str:
        def money(v: float) -> str:
            return f"£{v:,.2f}"

        def pts(v: float | None) -> str:
            return "\u2013" if v is None else f"{v:.2f}"

        match col:
            case self.COL_RANK:
                return "Disqualified" if r.excluded else f"{r.rank}{'=' if r.tied else ''}"
            case self.COL_BIDDER:
                return r.name
            case self.COL_PRICE:
                return money(r.price)
            case self.COL_PLEDGED:
                return money(r.pledged_value)
            case self.COL_ACCEPTED:
                return money(r.accepted_value)
            case self.COL_PRICE_PTS:
                return pts(r.price_score)
            case self.COL_QUALITY:
                return pts(r.quality_score)
            case self.COL_SV_QUANT:
                return pts(r.sv_quantitative_score)
            case self.COL_SV_QUAL:
                return pts(r.sv_qualitative_score)
            case self.COL_TOTAL:
                return pts(r.total)
        return ""


class RowsModel(QAbstractTableModel):
    """A read-only table of text rows: one model instead of thousands of item objects.

    Large tenders (12,000 pledges) would otherwise create tens of thousands of QTableWidgetItems.
    Rows can be any objects with a `formatter` giving their texts: only the rows on screen are
    ever formatted.
    """

    def __init__(self, headers: tuple[str, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: Sequence[Any] = []
        self.formatter: Callable[[Any], Sequence[str]] | None = None

    def set_rows(self, rows: Sequence[Any], formatter: Callable[[Any], Sequence[str]] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.formatter = formatter
        self.endResetModel()

    def rows_changed(self) -> None:
        """The row objects changed in place (e.g. an item was scored): repaint, nothing is rebuilt."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.headers) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column())
        return None

    def text(self, row: int, column: int) -> str:
        values = self.rows[row]
        return (self.formatter(values) if self.formatter else values)[column]
