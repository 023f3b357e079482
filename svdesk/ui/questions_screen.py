"""Questions: quality and social-value questions, each with its live share of the total points."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import questions as qs
from svdesk.app.questions import QuestionView
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen


class QuestionsScreen(TenderScreen):
    refresh_policy = Refresh.ALWAYS  # small, and may show what svdesk refused

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.table = QTableWidget(0, 6, objectName="questionsTable")
        self.table.setAccessibleName("Questions")
        self.table.setHorizontalHeaderLabels(["Q", "Section", "Title", "Weight", "Share of total", "Minimum"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.code = QLineEdit(objectName="questionCode")
        self.code.setAccessibleName("Question id")
        self.code.setToolTip("A short id the reports and the history use, e.g. Q1 or SV2")
        self.section = QComboBox(objectName="questionSection")
        self.section.setAccessibleName("Section")
        self.section.setToolTip("Quality questions share the quality weight; social value ones, the social value one")
        self.section.addItem("Quality", "quality")
        self.section.addItem("Social value", "social_value")
        self.title = QLineEdit(objectName="questionTitle")
        self.title.setAccessibleName("Question title")
        self.text = QPlainTextEdit(objectName="questionText")
        self.text.setAccessibleName("Question text")
        self.guidance = QPlainTextEdit(objectName="questionGuidance")
        self.guidance.setAccessibleName("Guidance for evaluators")
        self.guidance.setToolTip("Shown to each evaluator beside the question as they score")
        for box in (self.text, self.guidance):
            box.setTabChangesFocus(True)  # Tab moves on, as in every other field; a tab character is never wanted
        self.weight = QDoubleSpinBox(objectName="questionWeight")
        self.weight.setAccessibleName("Weight within its section")
        self.weight.setRange(0, 1000)
        self.weight.setToolTip("Relative to the other questions in its section; the list shows its share of the total")
        self.has_minimum = QCheckBox("Minimum score", objectName="hasMinimum")
        self.minimum = QDoubleSpinBox(objectName="questionMinimum")
        self.minimum.setAccessibleName("Minimum score")
        self.has_minimum.setToolTip("A bid scoring below the minimum on this question is disqualified")
        self.has_minimum.toggled.connect(self.minimum.setEnabled)
        self.minimum.setEnabled(False)
        form = QFormLayout()
        form.addRow("Id", self.code)
        form.addRow("Section", self.section)
        form.addRow("Title", self.title)
        form.addRow("Question", self.text)
        form.addRow("Guidance", self.guidance)
        form.addRow("Weight", self.weight)
        minimum = QHBoxLayout()
        minimum.addWidget(self.has_minimum)
        minimum.addWidget(self.minimum)
        minimum.addStretch(1)
        form.addRow("", minimum)
        self.save = QPushButton("Save question", objectName="saveQuestion")
        self.new = QPushButton("New question", objectName="newQuestion")
        self.remove = QPushButton("Remove", objectName="removeQuestion")
        self.save.setToolTip("Save this question, its weight and minimum score; recorded in the audit log")
        self.new.setToolTip("Clear the form to write a new question (nothing is saved until Save question)")
        self.remove.setToolTip("Remove the selected question from the tender; recorded in the audit log")
        self.save.clicked.connect(self.save_question)
        self.new.clicked.connect(self.new_question)
        self.remove.clicked.connect(self.remove_question)
        buttons = QHBoxLayout()
        for b in (self.new, self.save, self.remove):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.views: list[QuestionView] = []

    def load(self) -> None:
        if self.reference is None:
            return
        view = qs.questions_view(self.db, self.reference)
        self.views = view.questions
        self.minimum.setRange(0, view.scale_max)
        self.table.setRowCount(len(self.views))
        for r, q in enumerate(self.views):
            values = (
                q.code,
                "Quality" if q.section == "quality" else "Social value",
                q.title or q.text[:80],
                f"{q.weight:g}",
                f"{q.code} = {q.share_of_total:.1f}% of total",
                "" if q.minimum_score is None else f"{q.minimum_score:g}",
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        locked = self.locked()
        for w in (self.save, self.new, self.remove):
            w.setEnabled(locked is None)
        if locked:
            self.show_message(f"Read only: {locked}")

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.views):
            return
        q = self.views[row]
        self.code.setText(q.code)
        self.section.setCurrentIndex(self.section.findData(q.section))
        self.title.setText(q.title)
        self.text.setPlainText(q.text)
        self.guidance.setPlainText(q.guidance)
        self.weight.setValue(q.weight)
        self.has_minimum.setChecked(q.minimum_score is not None)
        self.minimum.setValue(q.minimum_score or 0)

    def new_question(self) -> None:
        self.table.clearSelection()
        n = len(self.views) + 1
        self.code.setText(f"Q{n}")
        for w in (self.title,):
            w.clear()
        self.text.clear()
        self.guidance.clear()
        self.weight.setValue(10)
        self.has_minimum.setChecked(False)
        self.code.setFocus()

    def save_question(self) -> None:
        code = self.code.text().strip()
        self.edit(
            lambda: qs.save_question(
                self.db,
                self.actor,
                self.reference,
                code,
                section=self.section.currentData(),
                text=self.text.toPlainText(),
                weight=self.weight.value(),
                title=self.title.text(),
                guidance=self.guidance.toPlainText(),
                minimum_score=self.minimum.value() if self.has_minimum.isChecked() else None,
            ),
            f"Saved {code}.",
        )
        self.reload()

    def remove_question(self) -> None:
        code = self.code.text().strip()
        if code:
            self.edit(lambda: qs.remove_question(self.db, self.actor, self.reference, code), f"Removed {code}.")
            self.reload()
