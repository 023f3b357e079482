"""Scoring, one panel member at a time: declare conflicts, then one bid and one question at a time.

The screen is bound to the person signed in (`Desk.signed_in`): it shows their worklist and their
scores only, and saves as them. Switch person… asks the next person's passphrase; with no evaluator
signed in it says so and offers Sign in….

Keyboard: digits choose a score, Ctrl+Enter saves and moves to the next item left to score,
Alt+Left / Alt+Right move without saving. Each save is one transaction; nothing is kept unsaved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import rationales, reads, scoring
from svdesk.app.errors import SvdeskError
from svdesk.app.identity import SignedIn
from svdesk.app.scoring import PledgeItem, ProxyScore, ScoringItem
from svdesk.ui import palette
from svdesk.ui.bid_documents import BidEvidence, insert_citation
from svdesk.ui.declaration_form import DeclarationForm
from svdesk.ui.declaration_form import html as _html
from svdesk.ui.document_reader import CiteRequest
from svdesk.ui.long_list import LongList
from svdesk.ui.models import RowsModel
from svdesk.ui.pledge_review_page import PledgeReviewPage
from svdesk.ui.rationale_flags_panel import LiveFlags
from svdesk.ui.score_choice import ScoreChoice
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen
from svdesk.ui.sign_in import SignInDialog, next_after, open_sign_in, person_text
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
        self.scorer: str | None = None  # whose worklist is shown: the evaluator signed in
        self.evaluators: list[str] = []  # the tender's, as last read
        self.sign_in_dialog: SignInDialog | None = None
        self.proxy_pending: dict[tuple[str, str], ProxyScore] = {}  # the scorer's scores entered for them, unconfirmed

        self.who = QLabel(objectName="scoringWho")
        self.switch = QPushButton("S&witch person\u2026", objectName="switchPerson")
        self.switch.setToolTip("The next evaluator signs in with their own passphrase")
        self.switch.clicked.connect(lambda: self.switch_person())
        self.progress = QProgressBar(objectName="scoringProgress")
        self.progress.setFormat("%v of %m scored")
        self.progress.setAccessibleName("Scoring progress")
        # The bid beside the score (issue 18): the documents answering this question, and "Cite".
        self.evidence = BidEvidence()
        self.evidence.cite_requested.connect(self.cite)
        self.show_evidence = QPushButton("Bid &documents", objectName="showBidDocuments", checkable=True)
        self.show_evidence.setChecked(True)
        self.show_evidence.setToolTip("Show or hide the reader of this bid's documents beside the form")
        self.show_evidence.toggled.connect(self.evidence.setVisible)
        top = QHBoxLayout()
        top.addWidget(self.who)
        top.addWidget(self.switch)
        top.addWidget(self.progress, 1)
        top.addWidget(self.show_evidence)

        # Scores the officer entered for the member (paper form, offline pack): said until they confirm them.
        self.proxy_banner = QFrame(objectName="proxyBanner")
        palette.follow(self.proxy_banner, lambda: palette.banner_style(palette.PROXY_BANNER, "QFrame#proxyBanner", 0))
        self.proxy_text = QLabel(objectName="proxyBannerText", wordWrap=True)
        self.proxy_confirm = QPushButton("Confirm", objectName="confirmProxyScores")
        self.proxy_confirm.setToolTip("Accept the scores entered for you as your own (each is recorded as confirmed)")
        self.proxy_confirm.clicked.connect(lambda: self.confirm_proxy())
        banner = QHBoxLayout(self.proxy_banner)
        banner.addWidget(self.proxy_text, 1)
        banner.addWidget(self.proxy_confirm)
        self.proxy_banner.hide()

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
        self.rationale.setTabChangesFocus(True)  # Tab leaves the box: a keyboard user is never stuck in it
        self.rationale.setPlaceholderText(
            "Why this score? Cite the bid's own evidence (section, page, named commitments) - not other bids."
        )
        self.rationale_flags = LiveFlags(self.rationale)  # the rationale check, as the member writes
        self.choice.changed.connect(self.rationale_flags.timer.start)  # the length rule follows the score
        self.writing: rationales.Writing | None = None  # the scorer's rationales, read once shown
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
        cv.addWidget(self.rationale_flags)
        cv.addWidget(self.message)
        cv.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(card)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(scroll)
        split.addWidget(self.evidence)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setCollapsible(1, False)
        self.split = split
        self._split_sized = False  # the proportions are set once the screen knows its width

        self.pages = QStackedWidget()
        self.blocked = QLabel(objectName="scoringBlocked", wordWrap=True)
        self.blocked.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.sign_in_button = QPushButton("&Sign in\u2026", objectName="scoringSignIn")
        self.sign_in_button.clicked.connect(lambda: self.switch_person())
        blocked_page = QWidget()
        bp = QVBoxLayout(blocked_page)
        bp.addWidget(self.blocked)
        bp.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignLeft)
        bp.addStretch(1)
        self.pages.addWidget(blocked_page)  # 0: nothing to score / not open / no evaluator signed in
        self.pages.addWidget(self.declarations)  # 1
        self.pledge_page = PledgeReviewPage()
        self.pledge_model, self.pledges = self.pledge_page.model, self.pledge_page.table
        self.review_accept, self.review_reduce, self.review_reject = self.pledge_page.buttons()
        self.review_accept.clicked.connect(lambda: self.review("accept"))
        self.review_reduce.clicked.connect(lambda: self.review("reduce"))
        self.review_reject.clicked.connect(lambda: self.review("reject"))
        self.modes = QTabWidget(objectName="scoringModes")
        self.modes.addTab(split, "Questions")
        self.modes.addTab(self.pledge_page, "Pledges")
        self.modes.currentChanged.connect(lambda _i: self._fill_pledges_if_shown())
        self.pages.addWidget(self.modes)  # 2
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.proxy_banner)
        layout.addWidget(self.pages, 1)

        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.save_and_next)
        QShortcut(QKeySequence("Alt+Left"), self, activated=lambda: self.go(self.index - 1))
        QShortcut(QKeySequence("Alt+Right"), self, activated=lambda: self.go(self.index + 1))
        for digit in range(10):
            QShortcut(QKeySequence(str(digit)), self.choice, activated=lambda d=digit: self.choice.choose_index(d))
            QShortcut(QKeySequence(f"Alt+{digit}"), self, activated=lambda d=digit: self.choice.choose_index(d))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._split_sized:
            QTimer.singleShot(0, self._size_split)  # once laid out: the width is the window's, not a default

    def _size_split(self) -> None:
        width = self.split.width()
        if self._split_sized or width < 600:
            return
        # the form keeps the room its question and buttons need; the bid's documents have the rest
        self._split_sized = True
        jump = min(260, max(160, width // 7))
        reader = max(420, int((width - jump) * 0.45))
        self.split.setSizes([jump, width - jump - reader, reader])

    # --- loading ------------------------------------------------------------------------------------

    def load(self) -> None:
        """The worklist (or the declarations) of the evaluator signed in; or why there is none."""
        self.load_member()

    def catch_up(self) -> None:
        """The record moved (another member's work, or this member's own): nothing is read again."""

    def signed_in_changed(self) -> None:
        """Another person (or no one): nothing of the last one's stays on screen; the new one's
        worklist is read now if the screen is showing, else when it is next shown."""
        self._block("")
        self.scorer = None
        if self.isVisible():
            self.load_member()
        else:
            self.mark_stale()

    def _show_who(self, person: SignedIn | None) -> None:
        self.who.setText(f"Scoring as <b>{_html(person_text(person))}</b>" if person is not None else "Not signed in")
        self.switch.setVisible(person is not None)  # with no one signed in, the page offers Sign in…
        self.switch.setEnabled(self.reference is not None)

    def load_member(self) -> None:
        person = self.person
        self.scorer = None
        self.writing = None
        self._show_who(person)
        if self.reference is None:
            self._block("No tender.")
            return
        self.evaluators = scoring.evaluators(self.db, self.reference)
        if not self.evaluators:
            self._block("No evaluators on this tender's panel yet.")
            return
        if person is None:
            self._block(
                "No one is signed in. Scoring shows only the signed-in evaluator's own worklist and "
                "scores: sign in with your own passphrase.",
                sign_in=True,
            )
            return
        if person.member not in self.evaluators:
            self._declare_only(person)
            return
        name = self.scorer = person.member
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
        self._show_proxy(name)
        self.pages.setCurrentIndex(2)
        self.pledges_stale = True
        self._fill_pledges_if_shown()
        self._fill_jump()
        first_left = next((i for i, it in enumerate(items) if not it.done), 0)
        self.go(first_left)
        if not self.editable:
            self.message.setText("Read only: " + (status.locked or f"the tender is in {status.label}."))

    def _declare_only(self, person: SignedIn) -> None:
        """A member who does not score but signs (the chair, a moderator) declares here too, for
        every bidder, before sign-off; then, as for the officer, the screen says that only evaluators score."""
        assert self.reference is not None
        views = [] if person.role == "officer" else reads.declarations(self.db, self.reference, person.member)
        if any(not d.declared for d in views) and self.locked() is None:
            self.scorer = person.member  # whose declarations are shown
            self.declarations.set_bidders(
                person.member, [(d.bidder, d.conflict if d.declared else None, d.details) for d in views]
            )
            self.pages.setCurrentIndex(1)
            return
        declared = " They have declared for every bidder." if views and all(d.declared for d in views) else ""
        self._block(
            f"{person_text(person)} is signed in: only evaluators score, each signed in as themselves.{declared} "
            "An evaluator signs in to score.",
            sign_in=True,
        )

    def _block(self, text: str, sign_in: bool = False) -> None:
        """Nothing to score, and why; nothing of anyone's work stays on screen."""
        self.items, self.index = [], -1
        self.proxy_pending = {}
        self.proxy_banner.hide()
        self.pledge_items = []
        self.pledge_page.show_pledges([], editable=False)
        self.pledges_stale = True
        self.jump_rows = []
        self.jump_model.set_rows([], self._jump_text)
        self.declarations.set_bidders("", [])
        self.rationale.setPlainText("")
        self.rationale_flags.follow(None)
        self.evidence.forget()
        self.choice.set_value(None)
        self.blocked.setText(text)
        self.sign_in_button.setVisible(sign_in)
        self.pages.setCurrentIndex(0)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.hide()  # nothing is being scored

    def switch_person(self) -> SignInDialog | None:
        """The next person signs in with their own passphrase (the one signed in now stays until
        then): the next evaluator is offered first; the chair and the moderators sign in here too, to
        declare their conflicts of interest."""
        if self.reference is None:
            return None
        evaluators = self.evaluators or scoring.evaluators(self.db, self.reference)
        person = self.person
        self.sign_in_dialog = open_sign_in(
            self,
            self.desk,
            self.reference,
            member=next_after(evaluators, person.member if person is not None else None),
            purpose="Scoring shows only your own worklist and scores.",
        )
        return self.sign_in_dialog

    def _acting(self, member: str) -> SignedIn | None:
        """The person signed in, if it is `member` (whose work is shown); else None, and says so."""
        person = self.person
        if person is None or person.member != member:
            self.message.setText(f"Sign in as {member} to change {member}'s scores; nothing was saved.")
            return None
        return person

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
        self.progress.show()

    def _jump_position(self, rows: list[int]) -> dict[int, int]:
        if self._positions_of is not rows:
            self._positions_of, self._positions = rows, {item: row for row, item in enumerate(rows)}
        return self._positions

    def _jump_text(self, i: int) -> tuple[str]:
        it = self.items[i]
        mark = "\u270e" if (it.bidder, it.question) in self.proxy_pending else "\u2714" if it.done else "\u25cb"
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
        self.rationale_flags.follow(self._checker(it.bidder, it.question))
        self.evidence.follow(self.db, self.reference)
        self.evidence.show_item(it.bidder, it.question, self.scorer)
        self.evidence.set_cite_enabled(self.editable)
        self.save_next.setEnabled(self.editable)
        if self.editable:
            self.message.setText(self._proxy_note(it))
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.items) - 1)
        self._fill_jump()

    def cite(self, request: CiteRequest) -> bool:
        """The reader's "Cite": the reference goes into the rationale at the cursor, saved with it."""
        if not self.editable or not 0 <= self.index < len(self.items):
            self.message.setText("Scoring is not open for you here: the pages can be read but not cited.")
            return False
        try:
            insert_citation(self.rationale, request)
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"Cited {request.title}, p. {request.page}.")
        return True

    def _checker(self, bidder: str, question: str) -> Callable[[str], list[rationales.Flag]] | None:
        """The rationale check of the scorer's text for this item, with what it needs read once."""
        member = self.scorer
        if member is None or self.reference is None:
            return None
        if self.writing is None or self.writing.writer != member:
            try:
                self.writing = rationales.writing(self.db, self.reference, member)
            except SvdeskError:
                return None
        writing = self.writing
        return lambda text: rationales.check_text(writing, bidder, question, text, self.choice.value())

    def _read_rationale(self, it: ScoringItem) -> None:
        member = self.scorer
        if member is None:
            return
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
        person = self._acting(self.scorer) if self.scorer is not None else None
        if person is None:
            self.declarations.message.setText("Sign in as yourself to declare; nothing was saved.")
            return
        try:
            scoring.declare(self.db, person, self.reference, person.member, answers)
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
        member = self.scorer
        if member is None or not self._write(it, score, text, member):
            return False
        self.message.setText(f"Saved {it.question} for {it.bidder}.")
        # undone only by the same person, signed in; a first score is withdrawn into "not yet scored"
        undo = (
            (lambda: self._withdraw(it, member))
            if before is None
            else (lambda: self._write(it, before, before_text, member, refresh=True))
        )
        self.desk.undo_stack.push(
            EditCommand(
                f"{member}'s score of {it.question} for {it.bidder}",
                undo=undo,
                redo=lambda: self._write(it, score, text, member, refresh=True),
            )
        )
        return True

    def _withdraw(self, it: ScoringItem, member: str) -> bool:
        """Undo of a first score: withdrawn (in the log, with why), the item not yet scored again."""
        person = self._acting(member)
        if person is None:
            return False
        try:
            scoring.withdraw_score(
                self.db,
                person,
                self.reference,
                member,
                it.bidder,
                it.question,
                "undone (Edit \u2192 Undo) by the member who gave it",
                expected_version=it.version,
            )
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return False
        it.score, it.rationale, it.version = None, "", 0
        self.writing = None  # the rationale check reads the member's writing again
        self.progressed.emit()
        if self.scorer == member and 0 <= self.index < len(self.items) and self.items[self.index] is it:
            self.go(self.index)
            self.message.setText(f"Withdrew {member}'s score of {it.question} for {it.bidder}: not yet scored.")
        return True

    def _write(self, it: ScoringItem, score: float, text: str, member: str, refresh: bool = False) -> bool:
        """Save one of `member`'s scores as them (one transaction), if they are the person signed in;
        an undo or redo saves through here too."""
        person = self._acting(member)
        if person is None:
            return False
        try:
            saved = scoring.set_score(
                self.db,
                person,
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
        if self.writing is not None and self.writing.writer == member:
            self.writing.note(it.bidder, it.question, text)
        self.progressed.emit()  # the Stages list counts it ("Scoring 7/12") once the run pauses
        if (it.bidder, it.question) in self.proxy_pending:  # saving it themselves confirmed it
            self._show_proxy(member)
        if refresh and self.scorer == member and 0 <= self.index < len(self.items) and self.items[self.index] is it:
            self.go(self.index)
        return True

    # --- scores entered for the member by proxy -------------------------------------------------------

    def _show_proxy(self, member: str) -> None:
        """The banner over the worklist while some of `member`'s scores entered for them by proxy
        are not confirmed: how many, by whom, from what; Confirm accepts them as theirs."""
        try:
            pending = [p for p in scoring.proxy_scores(self.db, self.reference, member) if not p.confirmed]
        except SvdeskError:
            pending = []
        self.proxy_pending = {(p.bidder, p.question): p for p in pending}
        if not pending:
            self.proxy_banner.hide()
            return
        groups: dict[tuple[str, str], int] = {}
        for p in pending:
            groups[(p.entered_by, p.source)] = groups.get((p.entered_by, p.source), 0) + 1
        total = len(pending)
        were = "was" if total == 1 else "were"
        if len(groups) == 1:
            ((by, source),) = groups
            said = f"{total} of your scores {were} entered for you by {_html(by)} from {_html(source)}."
        else:
            parts = "; ".join(f"{n} by {_html(by)} from {_html(source)}" for (by, source), n in groups.items())
            said = f"{total} of your scores {were} entered for you: {parts}."
        self.proxy_text.setText(
            f"<b>{said}</b> Review them (marked ✎ in the list) and Confirm, or change any that is not "
            "what you gave: until you confirm them, the reports say they were entered by proxy."
        )
        self.proxy_confirm.setEnabled(self.locked() is None)
        self.proxy_banner.show()

    def _proxy_note(self, it: ScoringItem) -> str:
        p = self.proxy_pending.get((it.bidder, it.question))
        if p is None:
            return ""
        return f"Entered for you by {p.entered_by} from {p.source}; not yet confirmed by you."

    def confirm_proxy(self) -> bool:
        """The member signed in accepts every score entered for them, not yet confirmed, as theirs."""
        person = self._acting(self.scorer) if self.scorer is not None else None
        if person is None or not self.proxy_pending:
            return False
        count = len(self.proxy_pending)
        done = self.edit(
            lambda: scoring.confirm_proxy_scores(self.db, person, self.reference, person.member),
            f"Confirmed {count} score{'' if count == 1 else 's'} entered for you as your own.",
        )
        if done is None:
            return False
        self._show_proxy(person.member)
        self._fill_jump()
        return True

    def _fill_pledges_if_shown(self) -> None:
        """A member's 12,000 pledges on a framework are read when the Pledges tab is opened, not before."""
        if self.modes.currentIndex() == 1 and self.pledges_stale and self.reference is not None:
            self._fill_pledges()

    def _fill_pledges(self) -> None:
        self.pledges_stale = False
        name = self.scorer
        if name is None:
            return
        self.pledge_items = scoring.member_pledges(self.db, self.reference, name)
        self.pledge_page.show_pledges(self.pledge_items, self.editable)

    def review(self, decision: str, quantity: float | None = None, reason: str | None = None) -> bool:
        row = self.pledges.currentIndex().row()
        if not self.editable or not 0 <= row < len(self.pledge_items):
            self.message.setText("Select a pledge to review first.")
            return False
        p = self.pledge_items[row]
        person = self._acting(self.scorer) if self.scorer is not None else None
        if person is None:
            return False
        if decision == "reduce" and quantity is None:
            quantity = self.pledge_page.ask_quantity(p)
            if quantity is None:
                return False
        if decision != "accept" and reason is None:
            reason = self.pledge_page.ask_reason()
            if reason is None:
                return False
        before = (p.decision, p.accepted, p.reason)
        member, bidder, ref, why = person.member, p.bidder, p.ref, reason or ""
        if not self._review_as(member, bidder, ref, (decision, quantity, why)):
            return False
        # undone by the member only; a first review is withdrawn into "not yet reviewed" (on the record)
        self.desk.undo_stack.push(
            EditCommand(
                f"{member}'s review of {ref} for {bidder}",
                undo=lambda: self._review_as(member, bidder, ref, before),
                redo=lambda: self._review_as(member, bidder, ref, (decision, quantity, why)),
            )
        )
        return True

    def _review_as(self, member: str, bidder: str, ref: str, view: tuple[str | None, float | None, str]) -> bool:
        """Save `member`'s view (decision, quantity, reason) of one pledge as them; a decision of None
        withdraws their review. The review, an undo and a redo all save through here."""
        person = self._acting(member)
        if person is None:
            return False
        decision, quantity, reason = view
        try:
            if decision is None:
                scoring.withdraw_review(
                    self.db, person, self.reference, member, bidder, ref, "undone (Edit \u2192 Undo) by the member"
                )
            else:
                scoring.review_pledge(self.db, person, self.reference, member, bidder, ref, decision, quantity, reason)
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return False
        if self.scorer == member:
            self._fill_pledges()
            rows = [i for i, q in enumerate(self.pledge_items) if (q.bidder, q.ref) == (bidder, ref)]
            if rows:
                self.pledges.selectRow(rows[0])
        if decision is None:
            self.message.setText(f"Withdrew {member}'s review of {ref} for {bidder}: not yet reviewed.")
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
