"""Passages of a bid's consensus explanation withheld from the other suppliers: the Sign-off screen's
list of them, the dialog where the officer selects the words to withhold, and the removal of one.

Regulation 31(3)(d) of the Procurement Regulations 2024 gives every losing supplier the winning
tender's scores and explanations, so the winner's are the ones usually withheld; the Procurement Act
2023 s.94(1)(b) allows withholding sensitive commercial information, and s.94(3) requires the
recipient to be told that it is withheld: the other suppliers' summaries show `parties.WITHHELD` in
its place (`parties.preview_withheld`). Withholding is possible until the award decision.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import award, moderation, parties, reads
from svdesk.app.parties import RedactionRow
from svdesk.app.unit import Outcome
from svdesk.ui import palette
from svdesk.ui.award_dialogs import FormDialog
from svdesk.ui.screen_base import TenderScreen

_HEADERS = ("Passage withheld", "Why, by whom, when (UTC)", "")


class RedactionDialog(QDialog):
    """Choose the supplier and criterion; select words of the panel's explanation; give the reason;
    Withhold selection. Stays open for the next passage; shows how the other suppliers will read it."""

    def __init__(self, panel: WithheldPanel, bidders: list[str], questions: list[str], winner: str) -> None:
        super().__init__(panel.owner)
        self.setObjectName("redactionDialog")
        self.setWindowTitle("Withhold a passage from the other suppliers")
        self.setMinimumSize(640, 560)
        self.panel = panel
        self.supplier = QComboBox(objectName="withholdSupplier")
        self.supplier.setAccessibleName("The supplier whose explanation is read")
        self.supplier.addItems(bidders)
        if winner in bidders:
            self.supplier.setCurrentText(winner)
        self.criterion = QComboBox(objectName="withholdCriterion")
        self.criterion.setAccessibleName("The criterion")
        self.criterion.addItems(questions)
        self.title = QLabel(objectName="withholdCriterionTitle", wordWrap=True)
        self.explanation = QPlainTextEdit(objectName="withholdExplanation", readOnly=True)
        self.explanation.setAccessibleName("The panel's consensus explanation: select the words to withhold")
        self.explanation.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.reason = QLineEdit(objectName="withholdReason")
        self.reason.setAccessibleName("Why the selected words are withheld")
        self.reason.setPlaceholderText("e.g. the bid's pricing method: a trade secret (s.94(2))")
        self.withhold = QPushButton("Withhold selection", objectName="withholdSelection")
        self.preview = QPlainTextEdit(objectName="withheldPreview", readOnly=True)
        self.preview.setAccessibleName("How the other suppliers' assessment summaries will read it")
        self.problem = QLabel(objectName="redactionDialogProblem", wordWrap=True)
        self.problem.setStyleSheet(palette.text_style(palette.ERROR_TEXT))
        self.said = QLabel(objectName="redactionDialogSaid", wordWrap=True)
        self.said.setStyleSheet(palette.text_style(palette.OK_TEXT))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        if close is not None:
            close.setObjectName("redactionDialogClose")
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "The winning bid's explanations go to every other supplier (reg 31(3)(d)). Select words "
                "whose disclosure would prejudice commercial interests (Procurement Act 2023 s.94), give "
                "the reason, and withhold them: the other suppliers read a mark in their place; this "
                "supplier's own summary and the internal reports keep them whole.",
                wordWrap=True,
            )
        )
        form.addRow("&Supplier", self.supplier)
        form.addRow("&Criterion", self.criterion)
        form.addRow("", self.title)
        form.addRow("The panel's &explanation", self.explanation)
        row = QHBoxLayout()
        row.addWidget(self.reason, 1)
        row.addWidget(self.withhold)
        reason_label = QLabel("&Reason")
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, row)
        form.addRow(self.problem)
        form.addRow(self.said)
        form.addRow("The other suppliers read", self.preview)
        form.addRow(buttons)
        self.supplier.currentTextChanged.connect(self.show_explanation)
        self.criterion.currentTextChanged.connect(self.show_explanation)
        self.withhold.clicked.connect(self.withhold_selection)
        self.explanation.selectionChanged.connect(self._enable)
        self.show_explanation()

    def chosen(self) -> tuple[str, str]:
        return self.supplier.currentText(), self.criterion.currentText()

    def show_explanation(self) -> None:
        bidder, question = self.chosen()
        if not bidder or not question:
            return
        owner = self.panel.owner
        cell = moderation.cell_detail(owner.db, owner.reference, bidder, question)
        self.title.setText(cell.title)
        self.explanation.setPlainText(cell.consensus_rationale)
        self.explanation.setPlaceholderText("The panel has agreed no explanation of this criterion yet.")
        self._mark_withheld([r.passage for r in self.panel.rows if (r.bidder, r.question) == (bidder, question)])
        self.preview.setPlainText(parties.preview_withheld(owner.db, owner.reference, bidder, question))
        self._enable()

    def _mark_withheld(self, passages: list[str]) -> None:
        """The passages already withheld, highlighted where they stand."""
        marks: list[QTextEdit.ExtraSelection] = []
        look = QTextCharFormat()
        look.setBackground(palette.colour(palette.WITHHELD))
        look.setForeground(palette.colour(palette.FILL_TEXT))
        document = self.explanation.document()
        for passage in passages:
            found = document.find(passage, 0, QTextDocument.FindFlag.FindCaseSensitively)
            while not found.isNull():
                mark = QTextEdit.ExtraSelection()
                mark.cursor, mark.format = found, look
                marks.append(mark)
                found = document.find(passage, found, QTextDocument.FindFlag.FindCaseSensitively)
        self.explanation.setExtraSelections(marks)

    def selection(self) -> str:
        # a selection across lines holds U+2029 for each line break: the explanation has "\n"
        return self.explanation.textCursor().selectedText().replace("\u2029", "\n").strip()

    def _enable(self) -> None:
        self.withhold.setEnabled(bool(self.selection()))

    def withhold_selection(self) -> bool:
        bidder, question = self.chosen()
        passage = self.selection()
        refused = self.panel.withhold(bidder, question, passage, self.reason.text().strip())
        self.problem.setText(refused or "")
        self.said.setText("" if refused else f"Withheld \u201c{_short(passage)}\u201d from the other suppliers.")
        if refused is None:
            self.reason.clear()
            self.show_explanation()
            cursor = self.explanation.textCursor()
            cursor.clearSelection()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self.explanation.setTextCursor(cursor)
        return refused is None


class RemoveRedactionDialog(FormDialog):
    def __init__(self, row: RedactionRow, parent: QWidget | None = None) -> None:
        super().__init__("Stop withholding a passage", "removeRedactionDialog", parent)
        self.row = row
        self.form.addRow(
            QLabel(
                f"The other suppliers will read this passage of the explanation of {row.question} for "
                f"{row.bidder} again:\n\n\u201c{row.passage}\u201d",
                wordWrap=True,
            )
        )
        self.reason = QLineEdit(objectName="removeWithheldReason")
        self.reason.setAccessibleName("Why the passage is no longer withheld")
        self.ok.setText("Remove")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        self.form.addRow("&Reason", self.reason)
        self.finish_form()


class WithheldPanel(QGroupBox):
    """The passages withheld, each with its reason, who and when, and Remove; "Withhold a passage…"."""

    def __init__(self, screen: TenderScreen, parent: QWidget | None = None) -> None:
        super().__init__("Withheld from the other suppliers (s.94)", parent)
        self.setObjectName("withheldBox")
        self.owner = screen
        self.rows: list[RedactionRow] = []
        self.may_change = False
        self.dialog: RedactionDialog | None = None
        self.remove_dialog: RemoveRedactionDialog | None = None
        self.summary = QLabel(objectName="withheldSummary", wordWrap=True)
        self.open_button = QPushButton("Withhold a passage\u2026", objectName="withholdButton")
        self.open_button.clicked.connect(self.open_dialog)
        self.table = QTableWidget(0, len(_HEADERS), objectName="withheldList")
        self.table.setAccessibleName("The passages withheld from the other suppliers")
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for stretched in (0, 1):  # the passage and its reason share the width, wrapped
            header.setSectionResizeMode(stretched, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 100)
        layout.addStretch(1)  # nothing withheld (the list hidden): the line stays at the top

    def show_rows(self, rows: list[RedactionRow], may_change: bool) -> None:
        self.rows, self.may_change = rows, may_change
        self.summary.setText(
            f"{len(rows)} passage{'s' if len(rows) != 1 else ''} withheld."
            if rows
            else "Nothing is withheld: the other suppliers read every explanation whole."
        )
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            when = row.made_at[:16].replace("T", " ")
            shown = (f"{row.question}, {row.bidder}: \u201c{row.passage}\u201d", f"{row.reason}\n{row.made_by}, {when}")
            for c, value in enumerate(shown):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value)
                self.table.setItem(r, c, cell)
            remove = QPushButton("Remove\u2026", objectName=f"removeWithheld{r}")
            remove.setAccessibleName(f"Stop withholding passage {r + 1}")
            remove.setEnabled(may_change)
            remove.clicked.connect(lambda _checked=False, row=row: self.open_remove_dialog(row))
            holder = QWidget()  # the button at its own size, not the row's height
            line = QHBoxLayout(holder)
            line.setContentsMargins(4, 2, 4, 2)
            line.addWidget(remove, 0, Qt.AlignmentFlag.AlignVCenter)
            self.table.setCellWidget(r, len(_HEADERS) - 1, holder)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(rows))
        self.open_button.setEnabled(may_change)
        if self.dialog is not None and self.dialog.isVisible() and not may_change:
            self.dialog.reject()  # awarded (or locked) meanwhile: nothing more may be withheld

    def remove_button(self, r: int) -> QPushButton:
        holder = self.table.cellWidget(r, len(_HEADERS) - 1)
        button = holder.findChild(QPushButton) if holder is not None else None
        assert isinstance(button, QPushButton)
        return button

    def open_dialog(self) -> RedactionDialog:
        """The supplier chosen first: the recommended winner, whose explanations go to the others."""
        s = self.owner
        choices = reads.tender_choices(s.db, s.reference)
        dialog = self.dialog = RedactionDialog(
            self, choices.bidders, choices.questions, award.recommendation(s.db, s.reference)
        )
        dialog.open()
        return dialog

    def withhold(self, bidder: str, question: str, passage: str, reason: str) -> str | None:
        s = self.owner
        return self._run(
            lambda: parties.redact(s.db, s.actor, s.reference, bidder, question, passage, reason),
            f"Withheld a passage of {question} for {bidder} from the other suppliers.",
        )

    def open_remove_dialog(self, row: RedactionRow) -> RemoveRedactionDialog:
        s = self.owner
        dialog = self.remove_dialog = RemoveRedactionDialog(row, s)
        dialog.submit = lambda: self._run(
            lambda: parties.remove_redaction(s.db, s.actor, s.reference, row.id, dialog.reason.text().strip()),
            f"The other suppliers read the passage of {row.question} for {row.bidder} again.",
        )
        dialog.open()
        return dialog

    def _run(self, call: Callable[[], Outcome[object]], done: str) -> str | None:
        saved = self.owner.edit(call, done) is not None
        self.owner.reload()
        return None if saved else self.owner.message.text()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
