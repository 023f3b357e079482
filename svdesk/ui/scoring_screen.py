"""Scoring, one panel member at a time: declare conflicts, then one bid and one question at a time.

Keyboard: digits choose a score, Ctrl+Enter saves and moves to the next item left to score,
Alt+Left / Alt+Right move without saving. Each save is one transaction; nothing is kept unsaved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import scoring
from svdesk.app.errors import SvdeskError
from svdesk.app.scoring import PledgeItem, ScoringItem
from svdesk.ui.declaration_form import DeclarationForm
from svdesk.ui.declaration_form import html as _html
from svdesk.ui.long_list import LongList
from svdesk.ui.models import RowsModel
from svdesk.ui.score_choice import ScoreChoice
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen
from svdesk.ui.undo import EditCommand


class ScoringScreen(TenderScreen):
    """Read when the tender (or the database) changes, not when the record moves: what a member
    is scoring is theirs alone, and re-reading 8,000 items would move them off the one they are on."""

    refresh_policy = Refresh.WHEN_CHANGED

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.items: list[ScoringItem] = []
        self.index = -1
        self.editable = False
        self.pledge_items: list[PledgeItem] = []
        self.pledges_stale = True  # the Pledges tab is read when it is opened
        self._positions_of: list[int] | None = None  # the jump list's rows, and each item's row in it
        self._positions: dict[int, int] = {}

        self.member = QComboBox(objectName="scoringMember")
        self.member.setAccessibleName("Panel member scoring")
        self.member.currentIndexChanged.connect(lambda _i: self.load_member())
        self.progress = QProgressBar(objectName="scoringProgress")
        self.progress.setFormat("%v of %m scored")
        self.progress.setAccessibleName("Scoring progress")
        top = QHBoxLayout()
        top.addWidget(QLabel("Scoring as"))
        top.addWidget(self.member, 1)
        top.addWidget(self.progress, 2)

        self.declarations = DeclarationForm()
        self.declarations.save_button.clicked.connect(self.save_declarations)

        self.jump_model = RowsModel(("Item",), self)
        self.jump_rows: list[int] = []  # list row -> item index
        self.jump = LongList(objectName="scoringJumpList")  # a framework's worklist has 8,000 items
        self.jump.setAccessibleName("Bids and questions to score")
        self.jump.setModel(self.jump_model)
        self.jump.selectionModel().currentChanged.connect(lambda cur, _prev: self._jump_to(cur.row()))
        self.only_left = QCheckBox("Only what is left", objectName="onlyLeft")
        self.only_left.toggled.connect(lambda _on: self._fill_jump())
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.only_left)
        lv.addWidget(self.jump, 1)

        self.bid_label = QLabel(objectName="scoringBid")
        font = self.bid_label.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.bid_label.setFont(font)
        self.question_label = QLabel(objectName="scoringQuestion", wordWrap=True)
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guidance = QLabel(objectName="scoringGuidance", wordWrap=True)
        self.guidance.setStyleSheet("QLabel { background: palette(alternate-base); padding: 6px; }")
        self.choice = ScoreChoice()
        self.choice.setObjectName("scoreChoice")
        self.rationale = QPlainTextEdit(objectName="scoringRationale")
        self.rationale.setAccessibleName("Rationale")
        self.rationale.setPlaceholderText(
            "Why this score? Cite the bid's own evidence (section, page, named commitments) - not other bids."
        )
        self.message = QLabel(objectName="scoringMessage", wordWrap=True)
        self.previous = QPushButton("\u2190 Previous", objectName="previousItem")
        self.save_next = QPushButton("Save and next  (Ctrl+Enter)", objectName="saveNext")
        self.next = QPushButton("Next \u2192", objectName="nextItem")
        self.previous.clicked.connect(lambda: self.go(self.index - 1))
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        self.save_next.clicked.connect(self.save_and_next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous)
        buttons.addStretch(1)
        buttons.addWidget(self.save_next)
        buttons.addWidget(self.next)
        card = QWidget()
        cv = QVBoxLayout(card)
        cv.addWidget(self.bid_label)
        cv.addWidget(self.question_label)
        cv.addWidget(self.guidance)
        cv.addWidget(QLabel("<b>Score</b>"))
        cv.addWidget(self.choice)
        cv.addWidget(QLabel("<b>Rationale</b> (required)"))
        cv.addWidget(self.rationale, 1)
        cv.addWidget(self.message)
        cv.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(card)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(scroll)
        split.setStretchFactor(1, 1)
        split.setSizes([280, 800])

        self.pages = QStackedWidget()
        self.blocked = QLabel(objectName="scoringBlocked", wordWrap=True)
        self.blocked.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.pages.addWidget(self.blocked)  # 0: nothing to score / not open
        self.pages.addWidget(self.declarations)  # 1
        self.pledge_model = RowsModel(("Bid", "Ref", "Measure", "Unit", "Quantity", "Value", "Your view"), self)
        self.pledges = QTableView(objectName="pledgeReviews")
        self.pledges.setAccessibleName("Pledges to review")
        self.pledges.setModel(self.pledge_model)
        self.pledges.verticalHeader().setVisible(False)
        self.pledges.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pledges.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pledges.horizontalHeader().setStretchLastSection(True)
        self.review_accept = QPushButton("Accept", objectName="reviewAccept")
        self.review_reduce = QPushButton("Reduce to…", objectName="reviewReduce")
        self.review_reject = QPushButton("Reject…", objectName="reviewReject")
        self.review_accept.clicked.connect(lambda: self.review("accept"))
        self.review_reduce.clicked.connect(lambda: self.review("reduce"))
        self.review_reject.clicked.connect(lambda: self.review("reject"))
        review_buttons = QHBoxLayout()
        review_buttons.addWidget(QLabel("Your view of the selected pledge:"))
        for b in (self.review_accept, self.review_reduce, self.review_reject):
            review_buttons.addWidget(b)
        review_buttons.addStretch(1)
        pledge_page = QWidget()
        pv = QVBoxLayout(pledge_page)
        pv.addWidget(
            QLabel(
                "Each pledge with its measure, unit, quantity and £. Accept it, reduce it to what the "
                "evidence supports, or reject it, with a reason (deliverability, relevance, double "
                "counting, evidence). The panel reconciles the views in moderation.",
                wordWrap=True,
            )
        )
        pv.addWidget(self.pledges, 1)
        pv.addLayout(review_buttons)
        self.modes = QTabWidget(objectName="scoringModes")
        self.modes.addTab(split, "Questions")
        self.modes.addTab(pledge_page, "Pledges")
        self.modes.currentChanged.connect(lambda _i: self._fill_pledges_if_shown())
        self.pages.addWidget(self.modes)  # 2
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.save_and_next)
        QShortcut(QKeySequence("Alt+Left"), self, activated=lambda: self.go(self.index - 1))
        QShortcut(QKeySequence("Alt+Right"), self, activated=lambda: self.go(self.index + 1))
        for digit in range(10):
            QShortcut(QKeySequence(str(digit)), self.choice, activated=lambda d=digit: self.choice.choose_index(d))
            QShortcut(QKeySequence(f"Alt+{digit}"), self, activated=lambda d=digit: self.choice.choose_index(d))

    # --- loading ------------------------------------------------------------------------------------

    def load(self) -> None:
        """The tender's evaluators, then the first one's worklist (or their declarations)."""
        self.member.blockSignals(True)
        self.member.clear()
        if self.reference is not None:
            for name in scoring.evaluators(self.db, self.reference):
                self.member.addItem(f"{name} (evaluator)", name)
        self.member.blockSignals(False)
        self.load_member()

    def catch_up(self) -> None:
        """The record moved (another member's work, or this member's own): nothing is read again."""

    def load_member(self) -> None:
        name = self.member.currentData()
        if self.reference is None or name is None:
            self._block("No evaluators on this tender's panel yet.")
            return
        work = scoring.worklist(self.db, self.reference, name)
        self.choice.set_scale(work.scale)
        self.editable = work.editable
        status = work.status
        if status.value == "draft":
            self._block("Scoring has not opened yet: the officer opens it once the tender is set up.")
            return
        if work.items is None:
            if not self.editable:
                self._block(f"{name} has not declared conflicts of interest; scoring is closed.")
                return
            self.declarations.set_bidders(
                name, [(d.bidder, d.conflict if d.declared else None, d.details) for d in work.declarations]
            )
            self.pages.setCurrentIndex(1)
            return
        items = self.items = work.items
        self.pages.setCurrentIndex(2)
        self.pledges_stale = True
        self._fill_pledges_if_shown()
        self._fill_jump()
        first_left = next((i for i, it in enumerate(items) if not it.done), 0)
        self.go(first_left)
        if not self.editable:
            self.message.setText("Read only: " + (status.locked or f"the tender is in {status.label}."))

    def _block(self, text: str) -> None:
        self.items, self.index = [], -1
        self.blocked.setText(text)
        self.pages.setCurrentIndex(0)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)

    def _fill_jump(self) -> None:
        # rows are indexes into the worklist, formatted only when shown: a framework's worklist
        # has 8,000 items and this runs on every step
        only_left = self.only_left.isChecked()
        rows = [i for i, it in enumerate(self.items) if not (only_left and it.done and i != self.index)]
        selection = self.jump.selectionModel()
        selection.blockSignals(True)
        if rows == self.jump_rows and self.jump_model.formatter is not None:
            self.jump_model.rows_changed()
        else:
            self.jump_rows = rows
            self.jump_model.set_rows(rows, self._jump_text)
        position = self._jump_position(self.jump_rows).get(self.index)
        if position is not None:
            self.jump.setCurrentIndex(self.jump_model.index(position, 0))
        selection.blockSignals(False)
        done = sum(1 for it in self.items if it.done)
        self.progress.setRange(0, max(len(self.items), 1))
        self.progress.setValue(done)

    def _jump_position(self, rows: list[int]) -> dict[int, int]:
        if self._positions_of is not rows:
            self._positions_of, self._positions = rows, {item: row for row, item in enumerate(rows)}
        return self._positions

    def _jump_text(self, i: int) -> tuple[str]:
        it = self.items[i]
        mark = "\u2714" if it.done else "\u25cb"
        return (f"{mark} {it.bidder} \u2014 {it.question} {it.title}".strip(),)

    def _jump_to(self, row: int) -> None:
        if 0 <= row < len(self.jump_rows) and self.jump_rows[row] != self.index:
            self.go(self.jump_rows[row])

    def go(self, index: int) -> None:
        if not self.items:
            return
        index = max(0, min(index, len(self.items) - 1))
        self.index = index
        it = self.items[index]
        if it.rationale is None:
            self._read_rationale(it)
        self.bid_label.setText(f"{it.bidder}")
        heading = f"<b>{_html(it.question)} {_html(it.title)}</b>"
        if it.minimum_score is not None:
            heading += f"  (minimum score {it.minimum_score:g})"
        self.question_label.setText(f"{heading}<br>{_html(it.text)}")
        self.guidance.setText(f"<b>Guidance for evaluators:</b> {_html(it.guidance)}" if it.guidance else "")
        self.guidance.setVisible(bool(it.guidance))
        self.choice.set_value(it.score)
        self.choice.set_read_only(not self.editable)
        self.rationale.setPlainText(it.rationale or "")
        self.rationale.setReadOnly(not self.editable)
        self.save_next.setEnabled(self.editable)
        if self.editable:
            self.message.setText("")
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.items) - 1)
        self._fill_jump()

    def _read_rationale(self, it: ScoringItem) -> None:
        member = self.member.currentData()
        try:
            fresh = scoring.own_score(self.db, self.reference, member, it.bidder, it.question)
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return
        it.score, it.rationale, it.version = fresh.score, fresh.rationale, fresh.version

    # --- saving ---------------------------------------------------------------------------------------

    def save_declarations(self) -> None:
        answers, missing = self.declarations.answers()
        if missing:
            self.declarations.message.setText("Declare for every bidder first: " + ", ".join(missing))
            return
        member = self.member.currentData()
        try:
            scoring.declare(self.db, self.actor, self.reference, member, answers)
        except SvdeskError as exc:
            self.declarations.message.setText(str(exc))
            return
        self.load_member()

    def save_current(self) -> bool:
        if not self.editable or self.index < 0:
            return False
        it = self.items[self.index]
        score, text = self.choice.value(), self.rationale.toPlainText().strip()
        if score is None:
            self.message.setText("Choose a score (or press its digit) before moving on.")
            return False
        if not text:
            self.message.setText("Write a rationale that cites the bid's own evidence before moving on.")
            self.rationale.setFocus()
            return False
        if (score, text) == (it.score, it.rationale):
            return True
        before, before_text = it.score, it.rationale or ""
        if not self._write(it, score, text):
            return False
        self.message.setText(f"Saved {it.question} for {it.bidder}.")
        if before is not None:
            self.desk.undo_stack.push(
                EditCommand(
                    f"score of {it.question} for {it.bidder}",
                    undo=lambda: self._write(it, before, before_text, refresh=True),
                    redo=lambda: self._write(it, score, text, refresh=True),
                )
            )
        return True

    def _write(self, it: ScoringItem, score: float, text: str, refresh: bool = False) -> bool:
        """Save one score (one transaction); an undo or redo saves through here too."""
        member = self.member.currentData()
        try:
            saved = scoring.set_score(
                self.db,
                self.actor,
                self.reference,
                member,
                it.bidder,
                it.question,
                score,
                text,
                expected_version=it.version,
            )
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return False
        it.score, it.rationale, it.version = score, text, saved.value
        if refresh and 0 <= self.index < len(self.items) and self.items[self.index] is it:
            self.go(self.index)
        return True

    def _fill_pledges_if_shown(self) -> None:
        """A member's 12,000 pledges on a framework are read when the Pledges tab is opened, not before."""
        if self.modes.currentIndex() == 1 and self.pledges_stale and self.reference is not None:
            self._fill_pledges()

    def _fill_pledges(self) -> None:
        self.pledges_stale = False
        name = self.member.currentData()
        self.pledge_items = scoring.member_pledges(self.db, self.reference, name)
        self.pledge_model.set_rows(self.pledge_items, _pledge_texts)  # formatted when shown: 12,000 on a framework
        if len(self.pledge_items) <= 500:
            self.pledges.resizeColumnsToContents()
        self.pledges.setColumnWidth(2, 300)
        for b in (self.review_accept, self.review_reduce, self.review_reject):
            b.setEnabled(self.editable)

    def review(self, decision: str, quantity: float | None = None, reason: str | None = None) -> bool:
        row = self.pledges.currentIndex().row()
        if not self.editable or not 0 <= row < len(self.pledge_items):
            self.message.setText("Select a pledge to review first.")
            return False
        p = self.pledge_items[row]
        if decision == "reduce" and quantity is None:
            quantity, ok = QInputDialog.getDouble(
                self,
                f"Reduce {p.ref} for {p.bidder}",
                f"Quantity you would accept (pledged {p.quantity:g}):",
                0,
                0,
                p.quantity,
                4,
            )
            if not ok:
                return False
        if decision != "accept" and reason is None:
            reason, ok = QInputDialog.getItem(
                self, "Reason", "Why?", ["Deliverability: ", "Relevance: ", "Double counting: ", "Evidence: "], 3, True
            )
            if not ok:
                return False
        try:
            scoring.review_pledge(
                self.db,
                self.actor,
                self.reference,
                self.member.currentData(),
                p.bidder,
                p.ref,
                decision,
                quantity,
                reason or "",
            )
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return False
        self._fill_pledges()
        self.pledges.selectRow(row)
        return True

    def save_and_next(self) -> None:
        if not self.save_current():
            return
        left = [i for i, it in enumerate(self.items) if not it.done]
        after = [i for i in left if i > self.index] or left
        if after:
            self.go(after[0])
        else:
            self._fill_jump()
            self.message.setText(
                "Everything is scored. Thank you: the officer can open moderation once every member has finished."
            )


def _pledge_texts(p: PledgeItem) -> tuple[str, ...]:
    view = {"accept": "accepted", "reject": "rejected", "reduce": f"reduced to {p.accepted or 0:g}"}.get(
        p.decision or "", "\u2013 not reviewed"
    )
    if p.reason:
        view += f": {p.reason}"
    return (p.bidder, p.ref, p.description, p.unit, f"{p.quantity:,.6g}", f"£{p.value:,.2f}", view)
