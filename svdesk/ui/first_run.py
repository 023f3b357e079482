"""The first-run checklist: on a database opened empty, the steps from a new tender to the award,
each ticked as the shown tender's stages say it is done (the window's stage list, `reads.standing`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from svdesk.app.reads import Stage
from svdesk.ui import palette
from svdesk.ui.models import ObjectRole

# (the step, the stage that says it is done ("" for the tender itself), how to do it)
STEPS = (
    ("New tender", "", "File \u2192 New tender\u2026 (Ctrl+N): reference, title and contract value"),
    ("Measures", "Measures", "Choose the National TOMs measures the tender values (Ctrl+3)"),
    ("Questions", "Questions", "The quality and social value questions, weights and minimum scores (Ctrl+4)"),
    ("Bids & pledges", "Bids & pledges", "The bidders, their prices and pledge sheets (Ctrl+5)"),
    ("Panel enrolled", "Panel", "Add the evaluators, moderators and chair; each enrols with a passphrase (Ctrl+2)"),
    ("Scoring", "Scoring", "Each evaluator, signed in, declares conflicts and scores every bid (Ctrl+6)"),
    ("Moderation", "Moderation", "A consensus score and rationale for every bid and question (Ctrl+7)"),
    ("Sign-off", "Sign-off", "Each member signs; the tender locks (Ctrl+9)"),
    ("Award", "Award", "Record the award decision on Sign-off; then the summaries, notice and standstill"),
    ("Reports", "Reports", "Reports menu: each report and every supplier's assessment summary, from the signed record"),
)


def _done(step_stage: str, stages: dict[str, Stage]) -> bool:
    if not stages:
        return False
    if step_stage == "":
        return True  # stages shown: a tender exists
    if step_stage == "Award":  # the Sign-off stage's summary says where the award stands
        signoff = stages.get("Sign-off")
        return signoff is not None and signoff.summary.startswith("Awarded")
    stage = stages.get(step_stage)
    return stage is not None and stage.complete


class FirstRunChecklist(QFrame):
    """Shown while the database it started on is open, until every step is ticked or it is hidden."""

    def __init__(
        self,
        tenders: QAbstractItemModel,
        stages: QAbstractItemModel,
        database_name: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, objectName="firstRunChecklist")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.tenders, self.stages, self.database_name = tenders, stages, database_name
        self.started_on: str | None = None  # the database that was empty when first shown
        self.dismissed = False
        title = QLabel("<b>Getting started</b> \u2014 the steps of a first evaluation (F1 opens the guide)")
        self.hide_button = QPushButton("Hide", objectName="hideChecklist")
        self.hide_button.setToolTip("Hide this checklist; the guide (F1) has the same steps")
        self.hide_button.clicked.connect(self.dismiss)
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.hide_button)
        self.items = [QLabel(objectName=f"checklistItem{i}", toolTip=how) for i, (_s, _st, how) in enumerate(STEPS)]
        self.shown_done = [False] * len(STEPS)
        for i, label in enumerate(self.items):  # a ticked step in the palette's "done" colour, light or dark
            palette.follow(label, partial(self._style, i))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        grid = QHBoxLayout()
        columns = [QVBoxLayout() for _ in range(3)]
        for i, label in enumerate(self.items):
            columns[i * 3 // len(self.items)].addWidget(label)
        for column in columns:
            column.addStretch(1)
            grid.addLayout(column, 1)
        layout.addLayout(grid)
        # only the tender list says whether the database is empty (the stages follow the tender shown)
        tenders.modelReset.connect(self._tenders_changed)
        tenders.rowsInserted.connect(self._tenders_changed)
        stages.modelReset.connect(self.refresh)
        self.refresh()

    def done(self) -> list[bool]:
        """Each step, ticked or not, for the tender shown."""
        stages: dict[str, Stage] = {}
        for row in range(self.stages.rowCount()):
            stage = self.stages.index(row, 0).data(ObjectRole)
            if isinstance(stage, Stage):
                stages[stage.name] = stage
        return [_done(stage_name, stages) for _step, stage_name, _how in STEPS]

    def _tenders_changed(self) -> None:
        if self.tenders.rowCount() == 0 and self.started_on != self.database_name():
            self.started_on, self.dismissed = self.database_name(), False  # an empty database: a first run
        self.refresh()

    def refresh(self) -> None:
        done = self.shown_done = self.done()
        for n, (label, (step, _stage, _how), ticked) in enumerate(zip(self.items, STEPS, done, strict=True), 1):
            mark = "\u2714" if ticked else "\u25cb"
            label.setText(f"{mark} {n}. {step}")
            label.setStyleSheet(self._style(n - 1))
            label.setAccessibleName(f"{step}: {'done' if ticked else 'to do'}")
        on_its_database = self.started_on is not None and self.started_on == self.database_name()
        self.setVisible(on_its_database and not self.dismissed and not all(done))

    def _style(self, step: int) -> str:
        return palette.text_style(palette.OK_TEXT) if self.shown_done[step] else ""

    def dismiss(self) -> None:
        self.dismissed = True
        self.setVisible(False)

    def ticked(self) -> list[str]:
        """The steps ticked, by their words (for the tests and the accessible text)."""
        return [step for (step, _stage, _how), ticked in zip(STEPS, self.done(), strict=True) if ticked]
