"""Bids & pledges: bidders and prices, the pledge grid (measures x bidders) with live £, the
pledge-sheet import with a preview, and the panel's verification of each pledge."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import parties
from svdesk.app import pledges as pl
from svdesk.app.errors import SvdeskError
from svdesk.app.pledges import ImportStatus, PledgeCell, PledgeGrid, PledgeImport, PledgeImportPlan, PledgeSheet
from svdesk.ui import file_dialogs, palette
from svdesk.ui.background import Worker, run_with_progress
from svdesk.ui.detail_fields import parties_locked
from svdesk.ui.documents_panel import DocumentsPanel
from svdesk.ui.money_box import MoneyBox
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen
from svdesk.ui.supplier_details import SupplierDetails
from svdesk.ui.undo import EditCommand

Index = QModelIndex | QPersistentModelIndex
STATUS_COLOURS = {
    ImportStatus.MISMATCH: palette.MISMATCH,
    ImportStatus.NOT_IN_TENDER: palette.NOT_IN_TENDER,
    ImportStatus.BLANK: palette.BLANK,
    ImportStatus.ADDED: palette.ADDED,
}


def _money(value: float) -> str:
    return f"£{value:,.2f}"


class PledgeGridModel(QAbstractTableModel):
    """Measures (rows) x bidders (columns), then totals and the price; quantities and prices editable.

    A model, not a QTableWidget: a framework's 200 bids x 60 measures would be 12,000 item objects.
    """

    TOTAL_ROWS = ("Pledged £", "Accepted £", "Accepted, % of price", "Price (edit)")
    edited = Signal(int, int, str)  # row, column, text typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: PledgeGrid | None = None
        self.editable = False
        self._totals: list[tuple[float, float]] = []

    def set_grid(self, grid: PledgeGrid, editable: bool) -> None:
        """Show `grid`. The same measures and bidders (a value saved): the cells change in place, so
        the current cell and an open editor survive; a reset under an open editor lost both (issue 17)."""
        old = self.grid
        same_shape = (
            old is not None
            and [m.ref for m in old.measures] == [m.ref for m in grid.measures]
            and [b for b, _ in old.bidders] == [b for b, _ in grid.bidders]
        )
        if not same_shape:
            self.beginResetModel()
        self.grid, self.editable = grid, editable
        self._totals = [grid.totals(name) for name, _price in grid.bidders]
        if not same_shape:
            self.endResetModel()
        elif self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.measures) + len(self.TOTAL_ROWS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.bidders)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.grid is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            name, price = self.grid.bidders[section]
            return f"{name}\n{_money(price)}"
        n = len(self.grid.measures)
        if section < n:
            m = self.grid.measures[section]
            return f"{m.ref} ({m.unit}, £{m.proxy_value:,.6g})"
        return self.TOTAL_ROWS[section - n]

    def cell(self, row: int, column: int) -> PledgeCell | None:
        assert self.grid is not None
        if row >= len(self.grid.measures):
            return None
        return self.grid.cells.get((self.grid.measures[row].ref, self.grid.bidders[column][0]))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.grid is None:
            return None
        r, c = index.row(), index.column()
        n = len(self.grid.measures)
        name, price = self.grid.bidders[c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if r >= n:
            pledged, accepted = self._totals[c]
            values = (
                _money(pledged),
                _money(accepted),
                f"{accepted / price * 100:.1f}%" if price else "",
                f"{price:.2f}",
            )
            return values[r - n] if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole) else None
        cell = self.cell(r, c)
        if role == Qt.ItemDataRole.EditRole:
            return "" if cell is None else f"{cell.quantity:g}"
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{cell.quantity:g}" if cell.accepted is None else f"{cell.quantity:g} \u2192 {cell.accepted:g}"
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{cell.quantity:g} \u00d7 £{cell.proxy:,.6g} = {_money(cell.pledged_value)}"
            if cell.accepted is not None:
                tip += f"\nAccepted {cell.accepted:g} = {_money(cell.accepted_value)}: {cell.reason}"
            return tip
        if role == Qt.ItemDataRole.BackgroundRole and cell.accepted is not None:
            return palette.brush(palette.ADJUSTED)
        if role == Qt.ItemDataRole.ForegroundRole and cell.accepted is not None:
            return palette.brush(palette.FILL_TEXT)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self.grid is None or not self.editable:
            return base
        n = len(self.grid.measures)
        if index.row() < n or index.row() == n + 3:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self.edited.emit(index.row(), index.column(), str(value))
        return True


class PledgeTable(QTableView):
    """The pledge grid: Enter saves the value and moves down the column, as in a spreadsheet, so a
    column of pledges is typed value, Enter, value, Enter."""

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:  # noqa: N802 - Qt's
        super().closeEditor(editor, hint)
        if hint != QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter; not Tab, Escape or a click away
            return
        index = self.currentIndex()
        below = index.sibling(index.row() + 1, index.column())
        if below.isValid() and below.flags() & Qt.ItemFlag.ItemIsEditable:
            self.setCurrentIndex(below)


class PledgePreview(QDialog):
    """What an import would write, row by row, before anything is written; with `sheet`, also which
    sheet was read (and whether it is hidden), the rows with an answer that are not imported, and
    the reader's notes."""

    def __init__(self, plan: PledgeImportPlan, parent: QWidget | None = None, sheet: PledgeSheet | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import pledges for {plan.bidder}")
        table = QTableWidget(len(plan.rows), 7, objectName="importPreview")
        table.setAccessibleName("Pledge sheet rows and what happens to each")
        table.setHorizontalHeaderLabels(["Row", "Ref", "Answer", "Proxy", "Value", "Sheet says", "Status"])
        for r, row in enumerate(plan.rows):
            values = (
                str(row.row),
                row.ref,
                "" if row.answer is None else f"{row.answer:,.6g}",
                "" if row.proxy_value is None else f"{row.proxy_value:,.6g}",
                "" if row.value is None else _money(row.value),
                "" if row.stated_value is None else _money(row.stated_value),
                ImportStatus(row.status).label + (f": {row.message}" if row.message else ""),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row.status in STATUS_COLOURS:
                    item.setBackground(palette.brush(STATUS_COLOURS[row.status]))
                    item.setForeground(palette.brush(palette.FILL_TEXT))
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        counts = ", ".join(f"{v} {ImportStatus(k).label}" for k, v in sorted(plan.counts().items()))
        stated = f"; the sheet states {_money(plan.stated_total)}" if plan.stated_total is not None else ""
        read = escape(sheet.read_from if sheet is not None else f"sheet {plan.sheet!r}", quote=False)
        summary = QLabel(
            f"{escape(Path(plan.file).name, quote=False)}: {read}, header on row {plan.header_row}: {counts}.<br>"
            f"<b>Total value {_money(plan.total_value)}</b> (answer \u00d7 the tender's proxy){stated}. "
            "Nothing is written until you choose Import.",
            wordWrap=True,
            objectName="importSummary",
        )
        said = [] if sheet is None else [f"Not imported: {r}" for r in sheet.reported] + list(sheet.notes)
        self.notes = QLabel("<br>".join(escape(s, quote=False) for s in said), wordWrap=True, objectName="importNotes")
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setVisible(bool(said))
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.notes)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        self.resize(980, 520)


class BidsScreen(TenderScreen):
    refresh_policy = Refresh.WHEN_CHANGED  # a framework's grid is 12,000 cells: read when the record moved

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.grid_data: PledgeGrid | None = None
        self.worker: Worker | None = None
        self.new_name = QLineEdit(objectName="newBidderName")
        self.new_name.setPlaceholderText("Bidder's name")
        self.new_name.setAccessibleName("New bidder's name")
        self.new_price = MoneyBox("newBidderPrice", "New bidder's price")
        self.new_price.refused.connect(lambda said: self.show_message(said, error=True))
        self.add = QPushButton("Register bid", objectName="addBidder")
        self.add.setToolTip("Add the bidder named here with its price; recorded in the audit log")
        self.add.clicked.connect(self.add_bidder)
        self.import_button = QPushButton("Import pledge sheet…", objectName="importPledges")
        self.import_button.clicked.connect(self.choose_sheet)
        top = QHBoxLayout()
        top.addWidget(self.new_name, 2)
        top.addWidget(self.new_price, 1)
        top.addWidget(self.add)
        top.addStretch(1)
        top.addWidget(self.import_button)

        self.grid_model = PledgeGridModel(self)
        self.grid_model.edited.connect(self._cell_edited)
        self.grid = PledgeTable(objectName="pledgeGrid")
        self.grid.setAccessibleName("Pledges: measures by bidders")
        self.grid.setModel(self.grid_model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verify_accept = QPushButton("Accept as pledged", objectName="acceptPledge")
        self.verify_reduce = QPushButton("Reduce to…", objectName="reducePledge")
        self.verify_reject = QPushButton("Reject", objectName="rejectPledge")
        self.verify_accept.setToolTip("Accept the selected pledge at the quantity pledged")
        self.verify_reduce.setToolTip("Accept less than pledged, with a reason kept in the record")
        self.verify_reject.setToolTip("Accept none of the pledge (quantity 0), with a reason kept in the record")
        self.verify_accept.clicked.connect(lambda: self.verify("accept"))
        self.verify_reduce.clicked.connect(lambda: self.verify("reduce"))
        self.verify_reject.clicked.connect(lambda: self.verify("reject"))
        verify = QHBoxLayout()
        verify.addWidget(QLabel("Selected pledge:"))
        for b in (self.verify_accept, self.verify_reduce, self.verify_reject):
            verify.addWidget(b)
        verify.addStretch(1)
        self.supplier_details = SupplierDetails(self)  # the bidder of the grid's current column
        self.grid.selectionModel().currentChanged.connect(self._column_chosen)
        pledges = QWidget()
        pv = QVBoxLayout(pledges)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.grid, 1)
        pv.addLayout(verify)
        pv.addWidget(self.supplier_details)
        # the bids' response documents (issue 18) on a tab of their own: the pledge grid keeps its room
        self.documents = DocumentsPanel(self)
        self.sections = QTabWidget(objectName="bidsSections")
        self.sections.addTab(pledges, "Pl&edges and suppliers")
        self.sections.addTab(self.documents, "Bid doc&uments")
        self.sections.setTabToolTip(1, "Each bidder's response documents, and which pages answer each question")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.sections, 1)
        layout.addWidget(self.message)

    def load(self) -> None:
        if self.reference is None:
            return
        self.supplier_details.flush()  # what was typed and not yet left is saved before it is read again
        g, self.loaded_version = pl.pledge_grid_versioned(self.db, self.reference)
        self.grid_data = g
        locked = self.locked()
        self.grid_model.set_grid(g, editable=locked is None)
        if len(g.bidders) <= 40:  # measuring every cell of a huge grid is what makes it slow
            self.grid.resizeColumnsToContents()
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if locked
            else QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        for w in (self.add, self.import_button, self.verify_accept, self.verify_reduce, self.verify_reject):
            w.setEnabled(locked is None)
        # completed after sign-off too, until the award decision (svdesk.app.parties)
        details_locked = parties_locked(self.db, self.reference)
        self.supplier_details.set_suppliers(parties.suppliers(self.db, self.reference), details_locked)
        self.documents.load()
        if locked:
            still = "" if details_locked else ". The suppliers' details can still be completed until the award"
            self.show_message(f"Read only: {locked}{still}")

    def _column_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        g = self.grid_data
        if g is not None and current.isValid() and current.column() < len(g.bidders):
            self.supplier_details.choose(g.bidders[current.column()][0])

    def _cell_edited(self, row: int, column: int, typed: str) -> None:
        if self.grid_data is None:
            return
        g = self.grid_data
        bidder = g.bidders[column][0]
        text = typed.strip().replace(",", "").replace("£", "")
        try:
            value = float(text) if text else None
        except ValueError:
            self.show_message(f"{text!r} is not a number; nothing was saved.", error=True)
            self.reload()
            return
        if row == len(g.measures) + 3:
            if value is not None:
                price = value
                self.edit(
                    lambda: pl.update_bidder(self.db, self.actor, self.reference, bidder, price=price),
                    f"Price of {bidder} saved.",
                )
        elif row < len(g.measures):
            ref = g.measures[row].ref
            old = g.cells.get((ref, bidder))
            before = old.quantity if old is not None else None
            if self._set_pledge(bidder, ref, value):
                self.desk.undo_stack.push(
                    EditCommand(
                        f"pledge of {bidder} against {ref}",
                        undo=lambda: self._set_pledge(bidder, ref, before, refresh=True),
                        redo=lambda: self._set_pledge(bidder, ref, value, refresh=True),
                    )
                )
        self.reload()

    def _set_pledge(self, bidder: str, ref: str, value: float | None, refresh: bool = False) -> bool:
        ok = self.edit(
            lambda: pl.set_pledge(self.db, self.actor, self.reference, bidder, ref, value),
            f"Pledge of {bidder} against {ref} saved.",
        )
        if refresh:
            self.reload()
        return bool(ok)

    def add_bidder(self) -> None:
        name, price = self.new_name.text().strip(), self.new_price.value()
        if self.edit(lambda: pl.add_bidder(self.db, self.actor, self.reference, name, price), f"Registered {name}."):
            self.new_name.clear()
            self.new_price.setValue(0)
        self.reload()

    def _selected(self) -> tuple[str, str] | None:
        g = self.grid_data
        index = self.grid.currentIndex()
        if g is None or not index.isValid() or index.row() >= len(g.measures):
            self.show_message("Select a pledge in the grid first.", error=True)
            return None
        return g.bidders[index.column()][0], g.measures[index.row()].ref

    def verify(self, how: str, quantity: float | None = None, reason: str | None = None) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        bidder, ref = chosen
        if how == "accept":
            self.edit(
                lambda: pl.adjust_pledge(self.db, self.actor, self.reference, bidder, ref, None, ""), f"{ref} accepted."
            )
            self.reload()
            return
        if how == "reduce" and quantity is None:
            cell = self.grid_data.cells.get((ref, bidder)) if self.grid_data is not None else None
            current = 0.0 if cell is None else (cell.quantity if cell.accepted is None else cell.accepted)
            quantity, ok = QInputDialog.getDouble(
                self, f"Reduce {ref} for {bidder}", "Accepted quantity:", current, 0, 1e12, 4
            )
            if not ok:
                return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "Reason", "Why (deliverability, relevance, double counting, evidence)?"
            )
            if not ok:
                return
        accepted = 0.0 if how == "reject" else quantity
        why = reason
        self.edit(
            lambda: pl.adjust_pledge(self.db, self.actor, self.reference, bidder, ref, accepted, why),
            f"{ref} for {bidder}: accepted {accepted:g}.",
        )
        self.reload()

    def choose_sheet(self) -> None:
        path, _ = file_dialogs.get_open_file_name(self, "Import a pledge sheet", str(Path.home()), "Excel (*.xlsx)")
        if not path or self.grid_data is None:
            return
        names = [b for b, _ in self.grid_data.bidders]
        ask = QInputDialog(self, objectName="whoseSheet")
        ask.setWindowTitle("Whose pledge sheet?")
        ask.setLabelText("Bidder:")
        ask.setComboBoxItems(names)
        ask.setComboBoxEditable(False)
        ask.setMinimumWidth(360)  # the title in full, not "Whose… heet?" (issue 17)
        if ask.exec() == QDialog.DialogCode.Accepted:
            self.read_in_background(Path(path), ask.textValue())

    def read_in_background(self, path: Path, bidder: str) -> Worker:
        """Parse (in a sandboxed child process) without freezing the window, then preview and import."""
        reference, db = self.reference, self.db

        def job() -> PledgeImport:
            return pl.preview_pledge_import(db, reference, bidder, pl.read_sheet(path))

        def failed(message: str) -> None:
            self.show_message(f"{message}\nNothing was imported.", error=True)

        def done(preview: PledgeImport) -> None:
            self._confirm_and_apply(preview)

        self.worker = run_with_progress(self, f"Reading {path.name}…", job, done, failed)
        return self.worker

    def import_sheet(
        self,
        path: Path,
        bidder: str,
        add_measures: bool = False,
        confirm: Callable[[PledgeImportPlan], bool] | None = None,
    ) -> bool:
        """Preview, then (if confirmed) write the whole sheet in one transaction."""
        try:
            preview = pl.preview_pledge_import(self.db, self.reference, bidder, pl.read_sheet(path), add_measures)
        except SvdeskError as exc:
            self.show_message(f"{exc}\nNothing was imported.", error=True)
            return False
        return self._confirm_and_apply(preview, confirm)

    def _confirm_and_apply(
        self, preview: PledgeImport, confirm: Callable[[PledgeImportPlan], bool] | None = None
    ) -> bool:
        plan = preview.plan
        confirm = confirm or (lambda p: PledgePreview(p, self, preview.sheet).exec() == QDialog.DialogCode.Accepted)
        if not confirm(plan):
            self.show_message("Import cancelled; nothing was written.")
            return False
        ok = self.edit(
            lambda: pl.apply_pledge_import(self.db, self.actor, self.reference, preview),
            _imported(plan),
        )
        self.reload()
        return bool(ok)


def _imported(plan: PledgeImportPlan) -> str:
    """What the import wrote, in pledges (not the sheet's rows: blanks and totals write nothing)."""
    n, rows = plan.pledges(), len(plan.rows)
    skipped = "" if rows == n else f" ({rows} rows read, {rows - n} without a pledge to write)"
    return f"Imported {n} pledge{'' if n == 1 else 's'} for {plan.bidder}{skipped}: {_money(plan.total_value)}."
