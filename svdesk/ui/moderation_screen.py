"""Moderation: the grid of bids x questions showing where the panel disagrees, and the consensus entry.

Each cell shows the individual scores and, once agreed, the consensus; a cell whose spread reaches
the threshold is flagged. Selecting a cell shows every member's score and rationale side by side,
the mean as a suggestion, and the consensus score and rationale (required). Ctrl+Enter saves.

Anyone may look at the grid (it is shown on the meeting room's projector); recording the consensus
needs a panel member signed in (a moderator, the chair or an evaluator; not the procurement
officer), and it is recorded as theirs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
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

from svdesk.app import moderation, panel, rationales, reads
from svdesk.app.errors import SvdeskError
from svdesk.app.identity import SignedIn
from svdesk.app.moderation import CellDetail, GridCell, PledgeReconciliation, TenderStatus
from svdesk.app.reader import readable
from svdesk.app.reads import RecordVersion
from svdesk.app.unit import Outcome
from svdesk.ui import palette
from svdesk.ui.bid_documents import BidEvidence, CitationLinks, insert_citation
from svdesk.ui.document_reader import CiteRequest
from svdesk.ui.fitted_scroll import FittedScroll
from svdesk.ui.meeting_panel import MeetingPanel
from svdesk.ui.models import RowsModel
from svdesk.ui.moderation_grid import CellRole, ModerationGridModel
from svdesk.ui.rationale_flags_panel import LiveFlags
from svdesk.ui.score_choice import ScoreChoice
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen
from svdesk.ui.sign_in import SignInDialog, open_sign_in, person_text
from svdesk.ui.undo import EditCommand

__all__ = ["CellRole", "ModerationGridModel", "ModerationScreen"]

GRID_ROWS = 3  # bids the grid always shows (the rest scroll)
GRID_FIT_ROWS = 6  # bids it is first sized to show, when there are that many
MEMBER_ROWS = 3  # members' scores always shown
DETAIL_MIN_WIDTH = 360  # the consensus form beside the reader


class ModerationScreen(TenderScreen):
    """Read whole for another tender; when the record moved, only what changed is read again (the
    consensus scores alone, when nothing else changed), keeping the cell selected."""

    refresh_policy = Refresh.WHEN_CHANGED

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.open_for_edits = False  # the tender is in moderation, unlocked, the database writable
        self.sign_in_dialog: SignInDialog | None = None
        self.detail: CellDetail | None = None  # the selected cell, read when it is selected
        self.pledges_version: RecordVersion | None = None  # the record as the Pledges tab shows it
        self.pledge_rows: list[PledgeReconciliation] = []
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
        self.threshold.setToolTip("A cell whose members' scores differ by at least this much is flagged high spread")
        self.threshold.valueChanged.connect(self._threshold_changed)
        self.summary = QLabel(objectName="moderationSummary", wordWrap=True)  # never wider than the window
        self.sign_in_button = QPushButton("&Sign in to record the consensus\u2026", objectName="moderationSignIn")
        self.sign_in_button.clicked.connect(lambda: self.ask_sign_in())
        self.sign_in_button.hide()
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.sign_in_button)
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
        # Each member's citations open their page in the reader beside (issue 18).
        self.citation_links = CitationLinks()
        self.citation_links.hide()
        self.evidence = BidEvidence()
        self.evidence.cite_requested.connect(self.cite)
        self.citation_links.opened.connect(self.evidence.open_citation)
        self.suggestion = QLabel(objectName="meanSuggestion", wordWrap=True)
        self.choice = ScoreChoice()
        self.choice.setObjectName("consensusChoice")
        self.rationale = QPlainTextEdit(objectName="consensusRationale")
        self.rationale.setAccessibleName("Consensus rationale")
        self.rationale.setTabChangesFocus(True)  # Tab leaves the box: a keyboard user is never stuck in it
        self.rationale.setPlaceholderText("The panel's reason, citing this bid's own evidence.")
        self.rationale_flags = LiveFlags(self.rationale)  # the rationale check, as the panel writes
        self.choice.changed.connect(self.rationale_flags.timer.start)  # the length rule follows the score
        self.writing: rationales.Writing | None = None  # what the check needs, read once shown
        self.message = QLabel(objectName="moderationMessage", wordWrap=True)
        self.save = QPushButton("Save consensus  (Ctrl+Enter)", objectName="saveConsensus")
        self.save.clicked.connect(self.save_consensus)
        detail = QWidget()
        dv = QVBoxLayout(detail)
        dv.addWidget(self.cell_title)
        dv.addWidget(self.members, 2)
        dv.addWidget(self.citation_links)
        dv.addWidget(self.suggestion)
        dv.addWidget(QLabel("<b>Consensus score</b>"))
        dv.addWidget(self.choice)
        dv.addWidget(QLabel("<b>Consensus rationale</b> (required)"))
        dv.addWidget(self.rationale, 1)
        dv.addWidget(self.rationale_flags)
        dv.addWidget(self.message)
        dv.addWidget(self.save, 0, Qt.AlignmentFlag.AlignRight)
        self.rationale.setMinimumHeight(4 * self.rationale.fontMetrics().lineSpacing() + 12)
        # The detail scrolls when the rationale check's warning and a long member's table need more
        # than the screen's height, rather than squeezing the grid, the table and the warning (H3).
        self.detail_area = FittedScroll(detail, "moderationDetail")
        self.detail_area.setMinimumWidth(DETAIL_MIN_WIDTH)
        beside = QSplitter(objectName="moderationBeside")
        beside.addWidget(self.detail_area)
        beside.addWidget(self.evidence)
        beside.setStretchFactor(0, 3)  # the form wider than the reader: rationales wrap less
        beside.setStretchFactor(1, 2)
        beside.setSizes([600, 400])
        beside.setCollapsible(0, False)
        self.split = split = QSplitter(Qt.Orientation.Vertical, objectName="moderationSplit")
        split.addWidget(self.grid)
        split.addWidget(beside)
        split.setCollapsible(0, False)
        split.setCollapsible(1, False)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 500])
        self._keep_rows(self.grid, GRID_ROWS)
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
        self.meeting_panel = MeetingPanel(self)  # the meeting the consensus is agreed in
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.meeting_panel)
        layout.addWidget(self.modes, 1)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.save_consensus)
        for digit in range(10):
            QShortcut(QKeySequence(f"Alt+{digit}"), self, activated=lambda d=digit: self.choice.choose_index(d))

    def load(self) -> None:
        """Another tender (or the first showing): the threshold from its scale, the grid read whole."""
        self.pledges_version = None
        self.meeting_panel.load()
        self.refresh(first=True)
        self.refresh_pledges_if_shown()

    def catch_up(self) -> None:
        """The record moved since the grid was read: what changed is read again, the selection kept."""
        self.meeting_panel.load()
        self.refresh(keep_selection=True)
        self.refresh_pledges_if_shown()

    def refresh(self, keep_selection: bool = False, first: bool = False) -> None:
        """Read the grid (without the members' marks: those of the rows shown are read as shown).

        `first`: for another tender, with the threshold at two fifths of its scale; else at the
        threshold chosen. `keep_selection`: the same cell stays selected; when only consensus
        scores changed since the grid was read, only they are read again."""
        self.writing = None  # other rationales may have changed: read again when next checked
        if keep_selection and self._refresh_consensus_only():
            return
        current = self.grid.currentIndex()
        position = (current.row(), current.column()) if keep_selection and current.isValid() else None
        grid = None
        if self.reference is not None:
            try:
                view = moderation.grid_view(self.db, self.reference, None if first else self.threshold.value())
            except SvdeskError as exc:
                problem = str(exc)
            else:
                problem = view.refused or ""
                self.open_for_edits = view.editable
                if first:
                    self.threshold.blockSignals(True)
                    self.threshold.setMaximum(view.scale_max)
                    self.threshold.setSingleStep(view.scale_step)
                    self.threshold.setValue(moderation.default_threshold(view.scale_max))
                    self.threshold.blockSignals(False)
                grid = view.grid
            if grid is None:
                self.summary.setText(problem.capitalize() + ".")
                self.model.set_grid(None)
                self._clear()
                return
            grid.threshold = self.threshold.value()  # as the box shows it (to its one decimal)
        self.model.set_grid(grid)
        if grid is None:
            self.summary.setText("")
            self._clear()
            return
        self._show_summary()
        self.grid.horizontalHeader().setDefaultSectionSize(
            self.grid.fontMetrics().horizontalAdvance(self.model.widest_text()) + 16
        )
        if first:  # the grid as high as its bids (up to a few), the rest to the cell's detail
            fit = self._rows_height(self.grid, min(max(self.model.rowCount(), GRID_ROWS), GRID_FIT_ROWS))
            total = max(sum(self.split.sizes()), fit + 400)
            self.split.setSizes([fit, total - fit])
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
            moderation.load_marks(self.db, self.reference, grid, bidders)
        except SvdeskError:
            return  # the cells show their spread and consensus; the next refresh reads them again

    def _refresh_consensus_only(self) -> bool:
        """Shown again after someone saved consensus scores: only those are read again."""
        grid, since = self.model.grid, self.loaded_version
        if grid is None or since is None or self.reference is None:
            return False
        try:
            status = moderation.refresh_consensus(self.db, self.reference, grid, since)
        except SvdeskError:
            return False
        if status is None:
            return False
        self.open_for_edits = status.open_for(TenderStatus.MODERATION)
        self.model.cells_changed()
        self._show_summary()
        self.show_cell(self.grid.currentIndex())
        return True

    # --- who records the consensus ------------------------------------------------------------------

    @property
    def moderator(self) -> SignedIn | None:
        """The panel member signed in, who records the consensus (None: no one, or the officer)."""
        person = self.person
        return person if person is not None and person.role != "officer" else None

    @property
    def editable(self) -> bool:
        return self.open_for_edits and self.moderator is not None

    def ask_sign_in(self) -> SignInDialog | None:
        """A panel member signs in, to record the consensus as theirs."""
        members = None
        if self.reference is not None:
            members = [m.name for m in panel.members(self.db, self.reference) if m.role != "officer"]
        self.sign_in_dialog = open_sign_in(
            self, self.desk, self.reference, only=members, purpose="The consensus is recorded under your name."
        )
        return self.sign_in_dialog

    def signed_in_changed(self) -> None:
        """Someone signed in or out: who may record the consensus changed (what is shown has not)."""
        if self.model.grid is None:
            self._show_who()
            return
        self._show_summary()
        self.show_cell(self.grid.currentIndex())
        for b in (self.pledge_accept, self.pledge_set):
            b.setEnabled(self.editable)

    def _show_who(self) -> None:
        self.sign_in_button.setVisible(self.open_for_edits and self.moderator is None)
        person = self.person
        if person is not None and self.moderator is None:
            self.sign_in_button.setToolTip(f"{person_text(person)} does not moderate: a panel member signs in")
        else:
            self.sign_in_button.setToolTip("")

    def _show_summary(self) -> None:
        grid = self.model.grid
        self._show_who()
        if grid is None:
            return
        moderator = self.moderator
        if not self.open_for_edits:
            who = "  \u00b7  read only"
        elif moderator is None:
            who = "  \u00b7  sign in as a panel member to record the consensus"
        else:
            who = f"  \u00b7  recording as {_html(person_text(moderator))}"
        self.summary.setText(
            f"<b>{grid.done} of {len(grid.cells)}</b> agreed; {grid.to_discuss} high-spread item(s) still to discuss"
            + who
        )

    def _threshold_changed(self, value: float) -> None:
        self.model.set_threshold(value)
        self._show_summary()

    def _clear(self) -> None:
        self.cell_title.setText("")
        self.members.setRowCount(0)
        self.suggestion.setText("")
        self.rationale.setPlainText("")
        self.rationale_flags.follow(None)
        self.citation_links.hide()
        self.evidence.forget()

    def show_cell(self, index: QModelIndex) -> None:
        self.detail = None
        if not index.isValid() or self.reference is None:
            self._clear()
            return
        c: GridCell = index.data(CellRole)
        grid = self.model.grid
        assert grid is not None
        try:
            d = self.detail = moderation.cell_detail(self.db, self.reference, c.bidder, c.question)
        except SvdeskError as exc:
            self._clear()
            self.message.setText(str(exc))
            return
        self.cell_title.setText(
            f"<b>{_html(d.bidder)}</b> \u2014 {_html(d.question)} {_html(d.title)}  (spread {d.spread:g})"
        )
        self.members.setRowCount(len(d.scores))
        for row, s in enumerate(d.scores):
            # a citation reads "(Method statement, p. 4)" here; its link is under the table
            for col, value in enumerate((s.member, f"{s.score:g}", readable(s.rationale))):
                item = QTableWidgetItem(value)
                item.setToolTip(value if col == 2 else "")
                self.members.setItem(row, col, item)
        self.citation_links.show_rationales([(s.member, s.rationale) for s in d.scores])
        self.evidence.follow(self.db, self.reference)
        moderator = self.moderator  # a quality evaluator sees no commercial document while prices are hidden
        self.evidence.show_item(d.bidder, d.question, moderator.member if moderator is not None else None)
        self.evidence.set_cite_enabled(self.editable)
        self.members.resizeColumnToContents(0)
        self.members.resizeColumnToContents(1)
        self.members.resizeRowsToContents()  # rationales wrap in the stretched last column
        self._keep_rows(self.members, MEMBER_ROWS)
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
        self.rationale_flags.follow(self._checker(d.bidder, d.question))
        self.save.setEnabled(self.editable)
        self.message.setText("")

    @classmethod
    def _keep_rows(cls, table: QTableView, rows: int) -> None:
        """The table never shorter than its header and `rows` rows: at 1366 x 768 the grid showed 2
        of 3 bids and the members' table a row and a half."""
        table.setMinimumHeight(cls._rows_height(table, rows))

    @staticmethod
    def _rows_height(table: QTableView, rows: int) -> int:
        """The height of the header and the first `rows` rows (as they are now, else of the default
        height), with room for a wide table's horizontal scroll bar."""
        vertical = table.verticalHeader()
        heights = [vertical.sectionSize(r) for r in range(min(rows, table.model().rowCount()))]
        heights += [vertical.defaultSectionSize()] * (rows - len(heights))
        scroll = table.horizontalScrollBar().sizeHint().height()
        return table.horizontalHeader().sizeHint().height() + sum(heights) + scroll + 2 * table.frameWidth()

    def cite(self, request: CiteRequest) -> bool:
        """The reader's "Cite": the reference goes into the consensus rationale at the cursor."""
        if not self.editable or self.detail is None:
            self.message.setText("Moderation is not open for you here: the pages can be read but not cited.")
            return False
        try:
            insert_citation(self.rationale, request)
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"Cited {request.title}, p. {request.page}.")
        return True

    def _write(
        self, bidder: str, question: str, score: float, text: str, version: int | None = None
    ) -> Outcome[GridCell] | None:
        """Save one consensus score (one transaction) and show the cell afresh; None when refused."""
        moderator = self.moderator
        if moderator is None:
            self.message.setText("Sign in as a panel member to record the consensus; nothing was saved.")
            return None
        if version is None and self.model.grid is not None:  # an undo or redo: the row as it is now
            version = self.model.grid.cell(bidder, question).version
        try:
            saved = moderation.set_consensus(
                self.db,
                moderator,
                self.reference,
                bidder,
                question,
                score,
                text,
                expected_version=version,
                meeting=self.meeting_panel.current_id(),
            )
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return None
        # With the saved cell read afresh the grid shows the record after this edit: when the edit
        # is the only change since the grid was read, it need not be read whole when shown again.
        self.keep_current(saved)
        if self.writing is not None:
            self.writing.note(bidder, question, text)
        self.model.replace_cell(saved.value)
        self.progressed.emit()  # the Stages list and the results follow once the run of saves pauses
        self._show_summary()
        self.show_cell(self.grid.currentIndex())
        return saved

    def _checker(self, bidder: str, question: str) -> Callable[[str], list[rationales.Flag]] | None:
        """The rationale check of this cell's consensus text, with what it needs read once."""
        if self.writing is None and self.reference is not None:
            try:
                self.writing = rationales.writing(self.db, self.reference)
            except SvdeskError:
                return None
        writing = self.writing
        if writing is None:
            return None
        return lambda text: rationales.check_text(writing, bidder, question, text, self.choice.value())

    def refresh_pledges_if_shown(self) -> None:
        """The Pledges tab is read when it is opened, and again only if the record changed since."""
        if self.modes.currentIndex() != 1 or self.reference is None:
            return
        version: RecordVersion | None
        try:
            version = reads.version(self.db, self.reference)
        except SvdeskError:
            version = None
        if version is None or version != self.pledges_version:
            self.fill_pledges()

    def fill_pledges(self) -> None:
        self.pledge_rows = []
        self.pledges_version = None
        if self.reference is not None:
            try:
                self.pledge_rows, self.pledges_version = moderation.pledges_to_reconcile(self.db, self.reference)
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
        if not self.editable or not 0 <= row < len(self.pledge_rows):
            self.pledge_message.setText("Select a pledge first.")
            return False
        p = self.pledge_rows[row]
        if quantity == "ask":
            current = p.quantity if p.accepted_now is None else p.accepted_now  # opens at what stands now
            value, ok = QInputDialog.getDouble(
                self,
                f"{p.ref} for {p.bidder}",
                f"Accepted quantity (pledged {p.quantity:g}):",
                current,
                0,
                p.quantity,
                4,
            )
            if not ok:
                return False
            quantity = value
        accepted = None if quantity is None else float(quantity)
        if quantity is not None and reason is None:
            reason, ok = QInputDialog.getText(self, "Reason", "The panel's reason:")
            if not ok:
                return False
        moderator = self.moderator
        if moderator is None:
            self.pledge_message.setText("Sign in as a panel member to record the panel's view; nothing was saved.")
            return False
        try:
            moderation.adjust_pledge(self.db, moderator, self.reference, p.bidder, p.ref, accepted, reason or "")
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
        if c.consensus is not None:
            previous = (c.consensus, c.consensus_rationale)
            self.desk.undo_stack.push(
                EditCommand(
                    f"consensus of {c.question} for {c.bidder}",
                    undo=lambda: self._write(c.bidder, c.question, *previous) is not None,
                    redo=lambda: self._write(c.bidder, c.question, score, text) is not None,
                )
            )
        self.message.setText(
            " ".join(result.warnings) if result.warnings else f"Saved the consensus for {c.question}, {c.bidder}."
        )
        self.message.setStyleSheet(palette.text_style(palette.WARNING_TEXT) if result.warnings else "")
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
