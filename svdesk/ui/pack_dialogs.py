"""The preview of an offline scoring pack before it is imported: whose pack, for which tender, what
it would save, and each score that differs from what svdesk already holds, with the choice of which
stands. Nothing is written until Import; Cancel writes nothing.

Opened with `open()` (window-modal, not a nested event loop): the Panel screen imports on
`accepted`, and a test clicks the dialog's buttons as a user does.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.app.packs import PackExport, PackImportPlan

Keep = Literal["pack", "existing"]
CONFLICT_COLUMNS = ("Question", "Bidder", "Score held", "Rationale held", "Score in the pack", "Rationale in the pack")
RATIONALE_SHOWN = 300  # characters of a rationale in its cell (wrapped); the tooltip holds it whole
SCORE_COLUMNS = (2, 4)
RATIONALE_COLUMNS = (3, 5)


def _score(value: float | None) -> str:
    return "\u2014" if value is None else f"{value:g}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _rationale(text: str | None) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= RATIONALE_SHOWN else flat[: RATIONALE_SHOWN - 1] + "\u2026"


def counts_text(plan: PackImportPlan) -> str:
    """The plan's rows in words: "3 new scores, 1 unchanged, 1 in conflict, 2 left blank"."""
    counts = plan.counts()
    return (
        f"{_plural(counts['new'], 'new score', 'new scores')}, {counts['unchanged']} unchanged, "
        f"{counts['conflict']} in conflict, {counts['blank']} left blank"
    )


def export_message(member: str, done: PackExport) -> str:
    """What the Panel screen says once a pack is written: where, and where the bid documents' pages went."""
    said = f"Wrote {member}'s scoring pack to {done.workbook}."
    if done.documents is not None:
        said += f" The pages of the bid documents {member} needs (to cite them offline) are in {done.documents}."
    return said


def proxy_note(plan: PackImportPlan, importer: str) -> str:
    """Said when `importer` is not the pack's member: the scores become theirs entered by proxy
    (as the record will say), until the member confirms them; "" for the member's own import."""
    if not importer or importer == plan.member:
        return ""
    return (
        f"These scores will be recorded as entered by proxy by {importer} from this pack "
        f"(its SHA-256 {plan.sha256}); {plan.member} confirms them when they next sign in."
    )


class PackPreview(QDialog):
    """What importing `plan` (read from `path`) would do; `keep()` is the choice for its conflicts.
    `importer` is who imports it (the person signed in, or the login): someone other than the
    pack's member imports it by proxy, and the preview says so before anything is written."""

    def __init__(self, path: Path, plan: PackImportPlan, parent: QWidget | None = None, importer: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("packPreview")
        self.setWindowTitle(f"Import {plan.member}'s scoring pack")
        self.path = path
        self.plan = plan
        member, tender = escape(plan.member), escape(plan.tender)
        blank = " Blank rows change nothing." if plan.counts()["blank"] else ""
        self.summary = QLabel(
            f"<b>{escape(path.name)}</b>: the scoring pack of <b>{member}</b> for tender <b>{tender}</b>.<br>"
            f"{escape(counts_text(plan))}.{blank} Nothing is written until you choose Import.",
            objectName="packSummary",
            wordWrap=True,
        )
        self.summary.setToolTip(str(path))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        self.proxy_note: QLabel | None = None
        if note := proxy_note(plan, importer):
            self.proxy_note = QLabel(escape(note), objectName="packProxyNote", wordWrap=True)
            self.proxy_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the digest, to copy
            layout.addWidget(self.proxy_note)

        self.conflicts: QTableWidget | None = None
        self.keep_pack: QRadioButton | None = None
        self.keep_existing: QRadioButton | None = None
        self.choice = QButtonGroup(self)
        if plan.conflicts:
            layout.addWidget(self._conflict_table(plan), 1)
            layout.addWidget(self._choice_box())
        buttons = QDialogButtonBox()
        self.import_button: QPushButton = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importPack")
        self.import_button.setToolTip("Import the pack's scores as entered for its member; each is recorded in the log")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # A conflict is never settled by default: Import waits until one side is chosen.
        self.import_button.setEnabled(not plan.conflicts)
        self.choice.buttonToggled.connect(lambda *_: self.import_button.setEnabled(self.keep() is not None))
        if self.keep_pack is not None:  # the keyboard starts on the choice to make (focus does not choose)
            self.keep_pack.setFocus()
        else:
            self.import_button.setFocus()
        if self.conflicts is not None:
            self.resize(980, min(640, 300 + self.conflicts.verticalHeader().length()))
        else:
            self.resize(640, self.sizeHint().height())

    def _conflict_table(self, plan: PackImportPlan) -> QWidget:
        differ = "differs" if len(plan.conflicts) == 1 else "differ"
        box = QGroupBox(
            f"{_plural(len(plan.conflicts), 'score', 'scores')} in the pack {differ} from what svdesk holds "
            f"for {plan.member}",
            objectName="packConflictsBox",
        )
        table = self.conflicts = QTableWidget(len(plan.conflicts), len(CONFLICT_COLUMNS), objectName="packConflicts")
        table.setAccessibleName("Scores in the pack that differ from the scores held")
        table.setHorizontalHeaderLabels(list(CONFLICT_COLUMNS))
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(True)  # a rationale is what the choice is made on: shown, not cut to a line
        for r, row in enumerate(plan.conflicts):
            values = (
                (row.question, ""),
                (row.bidder, ""),
                (_score(row.existing_score), ""),
                (_rationale(row.existing_rationale), row.existing_rationale or ""),
                (_score(row.pack_score), ""),
                (_rationale(row.pack_rationale), row.pack_rationale),
            )
            for c, (shown, whole) in enumerate(values):
                item = QTableWidgetItem(shown)
                if whole:
                    item.setToolTip(whole)
                if c in SCORE_COLUMNS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                else:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        for c in range(len(CONFLICT_COLUMNS)):
            if c in RATIONALE_COLUMNS:  # the rationales share what width is left, wrapped
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        QVBoxLayout(box).addWidget(table)
        return box

    def _choice_box(self) -> QWidget:
        box = QGroupBox("For every score in conflict, choose which stands (then Import)", objectName="packChoice")
        self.keep_pack = QRadioButton("Keep the &pack's scores (they replace the scores held)", objectName="keepPack")
        self.keep_existing = QRadioButton(
            "Keep the &existing scores (the pack's other scores are still saved)", objectName="keepExisting"
        )
        column = QVBoxLayout(box)
        for button in (self.keep_pack, self.keep_existing):
            self.choice.addButton(button)
            column.addWidget(button)
        return box

    def keep(self) -> Keep | None:
        """The choice for the conflicts (None while there are none, or none is chosen yet)."""
        if self.keep_pack is not None and self.keep_pack.isChecked():
            return "pack"
        if self.keep_existing is not None and self.keep_existing.isChecked():
            return "existing"
        return None
