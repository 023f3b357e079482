"""Moderation: the grid of bids x questions showing where the panel disagrees, and the consensus entry.

Each cell shows the individual scores and, once agreed, the consensus; a cell whose spread reaches
the threshold is flagged. Selecting a cell shows every member's score and rationale side by side,
the mean as a suggestion, and the consensus score and rationale (required). Ctrl+Enter saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from svdesk.model.errors import SvdeskError
from svdesk.model.services.panel_views import (
    CellDetail,
    GridCell,
    ModerationGrid,
    cell_detail,
    grid_cell,
    load_marks,
    moderation_grid,
    refresh_consensus,
)
from svdesk.model.services.pledge_reviews import PledgeReconciliation, pledges_to_reconcile
from svdesk.model.services.record_version import RecordVersion, record_version
from svdesk.model.services.tenders import adjust_pledge, get_tender, lock_reason, set_moderated
from svdesk.ui.models import RowsModel
from svdesk.ui.score_choice import ScoreChoice
from svdesk.ui.undo import EditCommand

if TYPE_CHECKING:
    from svdesk.model.db import Database

Index = QModelIndex | QPersistentModelIndex
FLAG, AGREED, NEUTRAL = QColor("#f8d7d3"), QColor("#dff0d8"), QColor("#ffffff")
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
        if role == Qt.ItemDataRole.BackgroundRole:
            if c.consensus is not None:
                return QBrush(AGREED)
            return QBrush(FLAG if self.grid.flagged(c) else NEUTRAL)
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


class ModerationScreen(QWidget):
    loaded_version: RecordVersion | None = None  # the record as the grid shows it (set by the window)
    pledges_version: RecordVersion | None = None  # the record as the Pledges tab shows it

    def __init__(self, db: Database, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.reference: str | None = None
        self.editable = False
        self.undo_stack = None  # set by the main window
        self.detail: CellDetail | None = None  # the selected cell, read when it is selected
        self.model = ModerationGridModel(self)
        self.model.marks_loader = self._read_marks
        self.grid = QTableView(objectName="moderationGrid")
        self.grid.setAccessibleName("Moderation grid: bids by questions")
        self.grid.setModel(self.model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Fixed sizes: measuring 8,000 cells to fit them took seconds on a framework's grid.
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid.selectionModel().currentChanged.connect(lambda cur, _prev: self.show_cell(cur))

        self.threshold = QDoubleSpinBox(objectName="spreadThreshold")
        self.threshold.setAccessibleName("Spread that flags a cell")
        self.threshold.setDecimals(1)
        self.threshold.setMinimum(0.1)
        self.threshold.valueChanged.connect(self._threshold_changed)
        self.summary = QLabel(objectName="moderationSummary")
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(QLabel("Flag a spread of"))
        bar.addWidget(self.threshold)
        bar.addWidget(QLabel("or more"))

        self.cell_title = QLabel(objectName="moderationCell", wordWrap=True)
        self.members = QTableWidget(0, 3, objectName="memberScores")
        self.members.setAccessibleName("Each member's score and rationale")
        self.members.setHorizontalHeaderLabels(["Member", "Score", "Rationale"])
        self.members.horizontalHeader().setStretchLastSection(True)
        self.members.verticalHeader().setVisible(False)
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.setWordWrap(True)
        self.suggestion = QLabel(objectName="meanSuggestion")
        self.choice = ScoreChoice()
        self.choice.setObjectName("consensusChoice")
        self.rationale = QPlainTextEdit(objectName="consensusRationale")
        self.rationale.setAccessibleName("Consensus rationale")
        self.rationale.setPlaceholderText("The panel's reason, citing this bid's own evidence.")
        self.message = QLabel(objectName="moderationMessage", wordWrap=True)
        self.save = QPushButton("Save consensus  (Ctrl+Enter)", objectName="saveConsensus")
        self.save.clicked.connect(self.save_consensus)
        detail = QWidget()
        dv = QVBoxLayout(detail)
        dv.addWidget(self.cell_title)
        dv.addWidget(self.members, 2)
        dv.addWidget(self.suggestion)
        dv.addWidget(QLabel("<b>Consensus score</b>"))
        dv.addWidget(self.choice)
        dv.addWidget(QLabel("<b>Consensus rationale</b> (required)"))
        dv.addWidget(self.rationale, 1)
        dv.addWidget(self.message)
        dv.addWidget(self.save, 0, Qt.AlignmentFlag.AlignRight)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.grid)
        split.addWidget(detail)
        split.setSizes([200, 500])
        self.pledge_model = RowsModel(("Bid", "Ref", "Pledged", "Members' views", "Accepted now"), self)
        self.pledge_table = QTableView(objectName="pledgeReconciliation")
        self.pledge_table.setAccessibleName("The panel's views of each pledge")
        self.pledge_table.setModel(self.pledge_model)
        self.pledge_table.verticalHeader().setVisible(False)
        self.pledge_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pledge_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pledge_table.setWordWrap(True)
        self.pledge_table.horizontalHeader().setStretchLastSection(True)
        self.pledge_accept = QPushButton("Accept as pledged", objectName="reconcileAccept")
        self.pledge_set = QPushButton("Set the accepted quantity…", objectName="reconcileSet")
        self.pledge_accept.clicked.connect(lambda: self.reconcile(None))
        self.pledge_set.clicked.connect(lambda: self.reconcile("ask"))
        self.pledge_message = QLabel(objectName="pledgeMessage", wordWrap=True)
        pledge_buttons = QHBoxLayout()
        pledge_buttons.addWidget(self.pledge_accept)
        pledge_buttons.addWidget(self.pledge_set)
        pledge_buttons.addStretch(1)
        pledge_page = QWidget()
        pv = QVBoxLayout(pledge_page)
        pv.addWidget(self.pledge_table, 1)
        pv.addLayout(pledge_buttons)
        pv.addWidget(self.pledge_message)
        self.modes = QTabWidget(objectName="moderationModes")
        self.modes.addTab(split, "Scores")
        self.modes.addTab(pledge_page, "Pledges")
        self.modes.currentChanged.connect(lambda _i: self.refresh_pledges_if_shown())
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.modes, 1)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.save_consensus)
        for digit in range(10):
            QShortcut(QKeySequence(f"Alt+{digit}"), self, activated=lambda d=digit: self.choice.choose_index(d))

    def set_tender(self, reference: str | None) -> None:
        self.reference = reference
        if reference is not None:
            with self.db.reader() as session:
                tender = get_tender(session, reference)
                self.threshold.blockSignals(True)
                self.threshold.setMaximum(tender.scale_max)
                self.threshold.setSingleStep(tender.scale_step)
                self.threshold.setValue(tender.scale_max * 0.4)
                self.threshold.blockSignals(False)
        self.pledges_version = None
        self.refresh()
        self.refresh_pledges_if_shown()

    def refresh(self, keep_selection: bool = False) -> None:
        if keep_selection and self._refresh_consensus_only():
            return
        current = self.grid.currentIndex()
        position = (current.row(), current.column()) if keep_selection and current.isValid() else None
        grid = None
        if self.reference is not None:
            try:
                with self.db.reader() as session:
                    tender = get_tender(session, self.reference)
                    grid = moderation_grid(session, tender, self.threshold.value(), marks=False)
                    locked = lock_reason(session, tender)
                    self.editable = tender.status.value == "moderation" and not locked and not self.db.read_only
            except SvdeskError as exc:
                self.summary.setText(str(exc).capitalize() + ".")
                self.model.set_grid(None)
                self._clear()
                return
        self.model.set_grid(grid)
        if grid is None:
            self.summary.setText("")
            self._clear()
            return
        self._show_summary()
        self.grid.horizontalHeader().setDefaultSectionSize(
            self.grid.fontMetrics().horizontalAdvance(self.model.widest_text()) + 16
        )
        if position is not None:
            self.grid.setCurrentIndex(self.model.index(*position))
        elif self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0, 0))

    def _read_marks(self, bidders: list[str]) -> None:
        """The members' scores of the cells about to be shown (the grid was read without them)."""
        grid = self.model.grid
        if grid is None or self.reference is None:
            return
        try:
            with self.db.reader() as session:
                load_marks(session, get_tender(session, self.reference), grid, bidders)
        except SvdeskError:
            return  # the cells show their spread and consensus; the next refresh reads them again

    def _refresh_consensus_only(self) -> bool:
        """Shown again after someone saved consensus scores: only those are read again."""
        grid, since = self.model.grid, self.loaded_version
        if grid is None or since is None or self.reference is None:
            return False
        try:
            with self.db.reader() as session:
                tender = get_tender(session, self.reference)
                if not refresh_consensus(session, tender, grid, since):
                    return False
                locked = lock_reason(session, tender)
                self.editable = tender.status.value == "moderation" and not locked and not self.db.read_only
        except SvdeskError:
            return False
        self.model.cells_changed()
        self._show_summary()
        self.show_cell(self.grid.currentIndex())
        return True

    def _show_summary(self) -> None:
        grid = self.model.grid
        if grid is None:
            return
        self.summary.setText(
            f"<b>{grid.done} of {len(grid.cells)}</b> agreed; {grid.to_discuss} high-spread "
            "item(s) still to discuss" + ("" if self.editable else "  \u00b7  read only")
        )

    def _threshold_changed(self, value: float) -> None:
        self.model.set_threshold(value)
        self._show_summary()

    def _clear(self) -> None:
        self.cell_title.setText("")
        self.members.setRowCount(0)
        self.suggestion.setText("")
        self.rationale.setPlainText("")

    def show_cell(self, index: QModelIndex) -> None:
        self.detail: CellDetail | None = None
        if not index.isValid() or self.reference is None:
            self._clear()
            return
        c: GridCell = index.data(CellRole)
        grid = self.model.grid
        assert grid is not None
        try:
            with self.db.reader() as session:
                d = self.detail = cell_detail(session, get_tender(session, self.reference), c.bidder, c.question)
        except SvdeskError as exc:
            self._clear()
            self.message.setText(str(exc))
            return
        self.cell_title.setText(
            f"<b>{_html(d.bidder)}</b> \u2014 {_html(d.question)} {_html(d.title)}  (spread {d.spread:g})"
        )
        self.members.setRowCount(len(d.scores))
        for row, s in enumerate(d.scores):
            for col, value in enumerate((s.member, f"{s.score:g}", s.rationale)):
                item = QTableWidgetItem(value)
                item.setToolTip(value if col == 2 else "")
                self.members.setItem(row, col, item)
        self.members.resizeColumnToContents(0)
        self.members.resizeColumnToContents(1)
        self.members.resizeRowsToContents()  # rationales wrap in the stretched last column
        mean = d.mean
        if mean is None:
            self.suggestion.setText("No individual scores for this cell.")
        else:
            nearest = min(grid.scale.points, key=lambda p: (abs(p - mean), -p))
            self.suggestion.setText(
                f"Mean of the panel's scores: {mean:.2f} \u2014 nearest point {nearest:g} "
                "(a suggestion: the panel decides)."
            )
        self.choice.set_scale(grid.scale)
        self.choice.set_value(d.consensus)
        self.choice.set_read_only(not self.editable)
        self.rationale.setPlainText(d.consensus_rationale)
        self.rationale.setReadOnly(not self.editable)
        self.save.setEnabled(self.editable)
        self.message.setText("")

    def _write(self, bidder: str, question: str, score: float, text: str, version: int | None = None):
        """Save one consensus score (one transaction) and show the cell afresh; None when refused."""
        if version is None and self.model.grid is not None:  # an undo or redo: the row as it is now
            version = self.model.grid.cell(bidder, question).version
        try:
            with self.db.transaction() as session:
                tender = get_tender(session, self.reference)
                before = record_version(session, tender)
                result = set_moderated(
                    session, tender, self.actor, bidder, question, score, text, expected_version=version
                )
                after = record_version(session, tender)
            # The grid on show was read at `before` and this edit is the only change since: with the
            # cell read afresh below it shows `after`, and need not be read whole when shown again.
            if before == self.loaded_version and after.follows(before):
                self.loaded_version = after
            with self.db.reader() as session:
                cell = grid_cell(session, get_tender(session, self.reference), bidder, question)
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return None
        self.model.replace_cell(cell)
        self._show_summary()
        self.show_cell(self.grid.currentIndex())
        return result

    def refresh_pledges_if_shown(self) -> None:
        """The Pledges tab is read when it is opened, and again only if the record changed since."""
        if self.modes.currentIndex() != 1 or self.reference is None:
            return
        try:
            with self.db.reader() as session:
                version = record_version(session, get_tender(session, self.reference))
        except SvdeskError:
            version = None
        if version is None or version != self.pledges_version:
            self.fill_pledges()

    def fill_pledges(self) -> None:
        self.pledge_rows = []
        self.pledges_version = None
        if self.reference is not None:
            try:
                with self.db.reader() as session:
                    tender = get_tender(session, self.reference)
                    self.pledges_version = record_version(session, tender)
                    self.pledge_rows = pledges_to_reconcile(session, tender)
            except SvdeskError as exc:
                self.pledge_message.setText(str(exc))
        self.pledge_model.set_rows(self.pledge_rows, _reconciliation_texts)  # formatted when shown
        if len(self.pledge_rows) <= 500:  # measuring every row is what makes a big table slow
            self.pledge_table.resizeColumnsToContents()
            self.pledge_table.resizeRowsToContents()
        self.pledge_table.setColumnWidth(3, 420)
        for b in (self.pledge_accept, self.pledge_set):
            b.setEnabled(self.editable)

    def reconcile(self, quantity: float | None | str, reason: str | None = None) -> bool:
        """Record the panel's agreed view of the selected pledge (the accepted quantity and why)."""
        row = self.pledge_table.currentIndex().row()
        if not self.editable or not 0 <= row < len(getattr(self, "pledge_rows", [])):
            self.pledge_message.setText("Select a pledge first.")
            return False
        p = self.pledge_rows[row]
        if quantity == "ask":
            value, ok = QInputDialog.getDouble(
                self, f"{p.ref} for {p.bidder}", "Accepted quantity:", 0, 0, p.quantity, 4
            )
            if not ok:
                return False
            quantity = value
        if quantity is not None and reason is None:
            reason, ok = QInputDialog.getText(self, "Reason", "The panel's reason:")
            if not ok:
                return False
        try:
            with self.db.transaction() as session:
                adjust_pledge(
                    session, get_tender(session, self.reference), self.actor, p.bidder, p.ref, quantity, reason or ""
                )
        except SvdeskError as exc:
            self.pledge_message.setText(str(exc))
            return False
        self.fill_pledges()
        self.pledge_table.selectRow(row)
        self.pledge_message.setText(f"Recorded the panel's view of {p.ref} for {p.bidder}.")
        return True

    def save_consensus(self) -> bool:
        index = self.grid.currentIndex()
        if not self.editable or not index.isValid():
            return False
        c = self.detail
        if c is None:
            return False
        score, text = self.choice.value(), self.rationale.toPlainText().strip()
        if score is None or not text:
            self.message.setText("Choose the consensus score and write the panel's rationale before saving.")
            return False
        result = self._write(c.bidder, c.question, score, text, c.version)
        if result is None:
            return False
        if self.undo_stack is not None and c.consensus is not None:
            previous = (c.consensus, c.consensus_rationale)
            self.undo_stack.push(
                EditCommand(
                    f"consensus of {c.question} for {c.bidder}",
                    undo=lambda: self._write(c.bidder, c.question, *previous) is not None,
                    redo=lambda: self._write(c.bidder, c.question, score, text) is not None,
                )
            )
        self.message.setText(
            " ".join(result.warnings) if result.warnings else f"Saved the consensus for {c.question}, {c.bidder}."
        )
        self.message.setStyleSheet("color: #8a5a00" if result.warnings else "")
        return True


def _reconciliation_texts(p: PledgeReconciliation) -> tuple[str, ...]:
    views = (
        "\n".join(
            f"{m}: {d}" + (f" to {q:g}" if d == "reduce" else "") + (f" ({why})" if why else "")
            for m, d, q, why in p.views
        )
        or "no views"
    )
    now = "as pledged" if p.accepted_now is None else f"{p.accepted_now:g}: {p.reason_now}"
    return (p.bidder, p.ref, f"{p.quantity:,.6g} {p.unit}", views, now)


def _html(value: str) -> str:
    return (value or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
