"""Views of the record: the change history, the declarations of interest, the fingerprint and sign-off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import reads
from svdesk.app.reads import DeclarationView, HistoryRow
from svdesk.ui import palette
from svdesk.ui.screen_base import Desk, TenderScreen

Index = QModelIndex | QPersistentModelIndex

HISTORY_SHOWN = 2000  # changes listed when the history is not filtered


class _RowsModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class HistoryModel(_RowsModel):
    COL_SEQ, COL_AT, COL_WHO, COL_ACTION, COL_WHAT, COL_BEFORE, COL_AFTER, COL_REASON = range(8)
    HEADERS = ("#", "When (UTC)", "Who", "Change", "What", "Before", "After", "Reason")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r: HistoryRow = self._rows[index.row()]
        values = (r.seq, r.at, r.actor, r.action, r.what, r.before, r.after, r.reason)
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[index.column()]
            text = str(value)
            return text if len(text) <= 160 else text[:157] + "\u2026"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (self.COL_BEFORE, self.COL_AFTER):
            return str(values[index.column()])[:4000]
        return None


class DeclarationsModel(_RowsModel):
    HEADERS = ("Member", "Role", "Bidder", "Declaration")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d: DeclarationView = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = (
                "Not yet declared" if not d.declared else (f"CONFLICT: {d.details}" if d.conflict else "No conflict")
            )
            if d.outside_svdesk:
                state += " (recorded outside svdesk)"
            return (d.member, d.role, d.bidder, state)[index.column()]
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and (d.conflict or not d.declared):
            fill = palette.MISMATCH if d.conflict else palette.UNDECLARED
            return palette.brush(fill if role == Qt.ItemDataRole.BackgroundRole else palette.FILL_TEXT)
        return None


def _table(model: QAbstractTableModel, name: str, accessible: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    view.horizontalHeader().setResizeContentsPrecision(200)  # columns fitted to 200 rows, not all 2,000
    return view


class HistoryPanel(TenderScreen):
    """The whole change history, filterable by bid and question (a score's history)."""

    filter_changed = Signal(str, str)  # bidder, question ("" = all)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.model = HistoryModel(self)
        self.view = _table(self.model, "historyTable", "Change history")
        self.bidder_filter = QComboBox(objectName="historyBidder", accessibleName="Show changes for bid")
        self.question_filter = QComboBox(objectName="historyQuestion", accessibleName="Show changes for question")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show changes for bid"))
        bar.addWidget(self.bidder_filter, 2)
        bar.addWidget(QLabel("question"))
        bar.addWidget(self.question_filter, 1)
        bar.addStretch(1)
        self.shown = QLabel("", objectName="historyShown")
        self.shown.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.shown)
        layout.addWidget(self.view, 1)
        self.bidder_filter.currentIndexChanged.connect(self._emit)
        self.question_filter.currentIndexChanged.connect(self._emit)
        self.filter_changed.connect(lambda *_: self.read_rows())

    def show_tender(self, reference: str | None) -> None:
        super().show_tender(reference)
        if reference is None:
            self.set_choices([], [])
            self.set_rows([])
        else:  # the filters know the tender's bids and questions before the tab is first opened
            choices = reads.tender_choices(self.db, reference)
            self.set_choices(choices.bidders, choices.questions)

    def load(self) -> None:
        self.read_rows()

    def read_rows(self) -> None:
        if self.reference is None:
            return
        bidder = self.bidder_filter.currentData() or None
        question = self.question_filter.currentData() or None
        # A framework scored in svdesk logs some 100,000 changes: unfiltered, the newest are shown;
        # one bid's or one question's history is shown whole.
        newest = None if bidder or question else HISTORY_SHOWN
        page = reads.history(self.db, self.reference, bidder, question, newest=newest)
        self.set_rows(page.rows, page.total)

    def set_choices(self, bidders: list[str], questions: list[str]) -> None:
        for combo, items, everyone in (
            (self.bidder_filter, bidders, "All bids"),
            (self.question_filter, questions, "All questions"),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, "")
            for item in items:
                combo.addItem(item, item)
            combo.blockSignals(False)

    def _emit(self) -> None:
        self.filter_changed.emit(self.bidder_filter.currentData() or "", self.question_filter.currentData() or "")

    def set_rows(self, rows: list[HistoryRow], total: int | None = None) -> None:
        """`rows` of the `total` changes there are (the newest, when the log is long)."""
        total = len(rows) if total is None else total
        self.shown.setText(
            f"The newest {len(rows):,} of {total:,} changes. Choose a bid or a question to see its whole history."
            if total > len(rows)
            else ""
        )
        self.shown.setVisible(total > len(rows))
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()
        for col in (HistoryModel.COL_BEFORE, HistoryModel.COL_AFTER):
            self.view.setColumnWidth(col, min(self.view.columnWidth(col), 320))


class DeclarationsPanel(TenderScreen):
    """Every member's declaration for every bid, read when the tab is shown."""

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.model = DeclarationsModel(self)
        self.view = _table(self.model, "declarationsTable", "Declarations of interest")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

    def show_tender(self, reference: str | None) -> None:
        super().show_tender(reference)
        if reference is None:
            self.set_rows([])

    def load(self) -> None:
        if self.reference is not None:
            self.set_rows(reads.declarations(self.db, self.reference))

    def set_rows(self, rows: list[DeclarationView]) -> None:
        self.model.set_rows(rows)
        if len(rows) <= 500:  # measuring 2,000 rows of a framework is what makes it slow
            self.view.resizeColumnsToContents()
        conflicts = [r for r in rows if r.conflict]
        missing = [r for r in rows if not r.declared]
        text = f"{len(rows)} declarations expected; {len(conflicts)} conflict(s) declared"
        if missing:
            text += f"; {len(missing)} not yet made"
        outside = [r for r in rows if r.outside_svdesk]
        if outside:
            text += (
                f"; {len(outside)} came with the evaluation file this tender was loaded from and were recorded "
                "outside svdesk"
            )
        self.summary.setText(text + ".")


class RecordPanel(QWidget):
    """Fingerprint, audit head, verification and who has signed: what the PDFs print."""

    verify_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mono = QFont("DejaVu Sans Mono")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.lock_label = QLabel(objectName="lockLabel")
        self.lock_label.setWordWrap(True)
        self.fingerprint = QLabel(objectName="fingerprintLabel")
        self.audit_head = QLabel(objectName="auditHeadLabel")
        for label in (self.fingerprint, self.audit_head):
            label.setFont(mono)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verified = QLabel(objectName="verifiedLabel")
        self.verified.setWordWrap(True)
        self.signatures = QLabel(objectName="signaturesLabel")
        self.signatures.setWordWrap(True)
        self.verify_button = QPushButton("Verify the record now", objectName="verifyButton")
        self.verify_button.clicked.connect(self.verify_requested)
        form = QFormLayout()
        form.addRow("Evaluation fingerprint", self.fingerprint)
        form.addRow("Audit log head", self.audit_head)
        form.addRow("Verification", self.verified)
        form.addRow("Signatures", self.signatures)
        layout = QVBoxLayout(self)
        layout.addWidget(self.lock_label)
        layout.addLayout(form)
        layout.addWidget(self.verify_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def show_record(self, *, locked_reason: str | None, signatures: list[str], unsigned: list[str]) -> None:
        """What is known at once; the verification follows (show_verification) from a worker."""
        self.lock_label.setText(
            f"Locked: {locked_reason}"  # in words: the padlock glyph is missing from common fonts
            if locked_reason
            else "The tender is open: every change is saved at once and recorded in the audit log."
        )
        lines = signatures + [f"{name}: not signed" for name in unsigned]
        self.signatures.setText("<br>".join(_escape(s) for s in lines) or "none")

    def show_verifying(self) -> None:
        self.verify_button.setEnabled(False)
        self.verified.setText("Verifying the record\u2026 (the audit chain, the replay and each signature)")

    def show_verification(
        self,
        fingerprint: str,
        audit_head: str,
        entries: int,
        problems: list[str],
        replaced: Sequence[dict[str, Any]] = (),
    ) -> None:
        """`replaced`: the tenders this one replaced (`VerifyReport.replaced`), each said in a line."""
        self.verify_button.setEnabled(True)
        self.fingerprint.setText(fingerprint)
        self.audit_head.setText(f"{audit_head}  ({entries:,} {'entry' if entries == 1 else 'entries'})")
        if problems:
            red = palette.hex_of(palette.ERROR_TEXT)
            text = f"<b style='color:{red}'>Does not verify:</b><br>" + "<br>".join(_escape(p) for p in problems[:8])
        else:
            text = "Verified: the audit chain is intact and the content is exactly as recorded."
        for old in replaced:
            source = f" from {old['source']}" if old["source"] else ""
            when = str(old["replaced_at"])[:19].replace("T", " ")
            text += "<br>" + _escape(
                f"Replaced an earlier tender by {old['replaced_by']} at {when}{source}; "
                f"its {old['entries']} audit entries are kept."
            )
        self.verified.setText(text)

    def show_verification_failed(self, message: str) -> None:
        self.verify_button.setEnabled(True)
        red = palette.hex_of(palette.ERROR_TEXT)
        self.verified.setText(f"<b style='color:{red}'>Could not verify:</b> {_escape(message)}")


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
