"""Enter paper scores…: the officer, signed in, types in a member's scores from their signed paper form.

Reached from the Panel screen's selected evaluator. The officer says where the scores come from
(e.g. "paper form signed by Tom Ellis, dated 3 Dec"), then for each item of the member's worklist
the score and rationale, as on the form. Each is saved at once, in its own transaction, as the
member's score, recorded as entered by proxy by the officer from that source (`scoring.enter_by_proxy`);
the member confirms them when next signed in, and until then the reports say they were entered by
proxy. A score the member saved or confirmed themselves is theirs: shown as such, never typed over.

Opened with `open()` (window-modal, not a nested event loop), as every dialog of svdesk.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import scoring
from svdesk.app.database import Database
from svdesk.app.errors import SvdeskError
from svdesk.app.identity import SignedIn
from svdesk.app.scoring import ScoringItem
from svdesk.ui.declaration_form import html
from svdesk.ui.score_choice import ScoreChoice


@dataclass
class _Item:
    item: ScoringItem
    state: str  # "" nothing yet | "proxy" entered by proxy, not confirmed | "own" the member's own


MARKS = {"": "\u25cb", "proxy": "\u270e", "own": "\u2714"}  # ○ to enter, ✎ entered by proxy, ✔ the member's


class ProxyEntryDialog(QDialog):
    """`person` (the officer, signed in) enters `member`'s scores of tender `reference` by proxy."""

    saved = Signal()  # a score was saved: the screen behind shows the member's progress again

    def __init__(
        self, db: Database, person: SignedIn, reference: str, member: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("proxyEntryDialog")
        self.setWindowTitle(f"Enter {member}'s paper scores")
        self.resize(900, 600)
        self.db, self.person, self.reference, self.member = db, person, reference, member
        self.items: list[_Item] = []
        self.index = -1
        self.editable = False

        self.intro = QLabel(
            f"Type in the scores <b>{html(member)}</b> gave on their signed paper form (or another record of "
            f"theirs). Each is saved at once as {html(member)}'s score, recorded as <b>entered by proxy</b> by "
            f"{html(person.member)} from the source below; the reports say so until {html(member)} signs in "
            "and confirms them.",
            objectName="proxyIntro",
            wordWrap=True,
        )
        self.source = QLineEdit(objectName="proxySource")
        self.source.setAccessibleName("Where the scores come from")
        self.source.setPlaceholderText(f"paper form signed by {member}, dated 3 Dec")
        source_row = QFormLayout()
        source_row.addRow("&Source (required)", self.source)

        self.list = QListWidget(objectName="proxyItems")
        self.list.setAccessibleName(f"{member}'s bids and questions")
        self.list.currentRowChanged.connect(self._picked)
        self.bid_label = QLabel(objectName="proxyBid")
        font = self.bid_label.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 2)
        self.bid_label.setFont(font)
        self.question_label = QLabel(objectName="proxyQuestion", wordWrap=True)
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choice = ScoreChoice()
        self.choice.setObjectName("proxyScore")
        self.rationale = QPlainTextEdit(objectName="proxyRationale")
        self.rationale.setAccessibleName("Rationale, as on the form")
        self.rationale.setTabChangesFocus(True)
        self.rationale.setPlaceholderText("The member's rationale, as written on the form")
        self.message = QLabel(objectName="proxyMessage", wordWrap=True)
        self.save_next = QPushButton("Save and next  (Ctrl+Enter)", objectName="proxySaveNext")
        self.save_next.clicked.connect(self.save_and_next)
        card = QWidget()
        cv = QVBoxLayout(card)
        cv.addWidget(self.bid_label)
        cv.addWidget(self.question_label)
        cv.addWidget(QLabel("<b>Score</b>"))
        cv.addWidget(self.choice)
        cv.addWidget(QLabel("<b>Rationale</b> (required)"))
        cv.addWidget(self.rationale, 1)
        cv.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_next)
        cv.addLayout(row)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(card)
        split.setStretchFactor(1, 1)
        split.setSizes([280, 600])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(source_row)
        layout.addWidget(split, 1)
        layout.addWidget(self.buttons)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.save_and_next)
        for digit in range(10):
            QShortcut(QKeySequence(f"Alt+{digit}"), self, activated=lambda d=digit: self.choice.choose_index(d))
        self.load()

    # --- reading ------------------------------------------------------------------------------------

    def load(self) -> None:
        """The member's worklist, each item marked: to enter, entered by proxy, or the member's own."""
        try:
            work = scoring.worklist(self.db, self.reference, self.member)
            entered = {(p.bidder, p.question): p for p in scoring.proxy_scores(self.db, self.reference, self.member)}
        except SvdeskError as exc:
            self._nothing(str(exc))
            return
        self.choice.set_scale(work.scale)
        if work.items is None:
            self._nothing(
                f"{self.member} has not declared conflicts of interest for every bidder yet: they declare "
                "first, signed in as themselves; no score can be entered for them before."
            )
            return
        if not work.editable:
            self._nothing("Scores are entered while scoring is open: " + (work.status.locked or work.status.label))
            return
        self.editable = True
        self.items = []
        for it in work.items:
            proxy = entered.get((it.bidder, it.question))
            state = "" if it.score is None else "proxy" if proxy is not None and not proxy.confirmed else "own"
            self.items.append(_Item(it, state))
        self.list.blockSignals(True)
        self.list.clear()
        for i in range(len(self.items)):
            self.list.addItem(self._row_text(i))
        self.list.blockSignals(False)
        first = next((i for i, x in enumerate(self.items) if not x.state), 0)
        self.go(first)

    def _nothing(self, why: str) -> None:
        self.editable = False
        self.items = []
        self.list.clear()
        for w in (self.source, self.choice, self.rationale, self.save_next):
            w.setEnabled(False)
        self.message.setText(why)

    def _row_text(self, i: int) -> str:
        x = self.items[i]
        score = "" if x.item.score is None or x.state == "own" else f"  ({x.item.score:g})"
        return f"{MARKS[x.state]} {x.item.bidder} \u2014 {x.item.question} {x.item.title}".rstrip() + score

    def _picked(self, row: int) -> None:
        if 0 <= row < len(self.items) and row != self.index:
            self.go(row)

    def go(self, index: int) -> None:
        if not self.items:
            return
        self.index = index = max(0, min(index, len(self.items) - 1))
        x = self.items[index]
        it = x.item
        self.list.blockSignals(True)
        self.list.setCurrentRow(index)
        self.list.blockSignals(False)
        self.bid_label.setText(it.bidder)
        self.question_label.setText(f"<b>{html(it.question)} {html(it.title)}</b><br>{html(it.text)}")
        own = x.state == "own"
        if x.state == "proxy" and it.rationale is None:
            try:
                fresh = scoring.own_score(self.db, self.reference, self.member, it.bidder, it.question)
                it.score, it.rationale = fresh.score, fresh.rationale
            except SvdeskError as exc:
                self.message.setText(str(exc))
        self.choice.set_value(None if own else it.score)
        self.choice.set_read_only(own)
        self.rationale.setPlainText("" if own else it.rationale or "")
        self.rationale.setReadOnly(own)
        self.save_next.setEnabled(not own)
        self.message.setText(
            f"{self.member} saved (or confirmed) this score themselves: it is theirs, and only they change it."
            if own
            else "Entered by proxy, not yet confirmed by the member: correct it here if it was typed wrongly."
            if x.state == "proxy"
            else ""
        )

    # --- saving ---------------------------------------------------------------------------------------

    def save_and_next(self) -> bool:
        """Save the item shown as the member's score, entered by proxy (one transaction); then the next to enter."""
        if not self.editable or not 0 <= self.index < len(self.items) or self.items[self.index].state == "own":
            return False
        x = self.items[self.index]
        score, text = self.choice.value(), self.rationale.toPlainText().strip()
        if not self.source.text().strip():
            self.message.setText("Say where the scores come from first (the Source above); nothing was saved.")
            self.source.setFocus()
            return False
        if score is None:
            self.message.setText("Choose the score on the form (or press Alt and its digit); nothing was saved.")
            return False
        if not text:
            self.message.setText("Type the rationale as written on the form; nothing was saved.")
            self.rationale.setFocus()
            return False
        try:
            scoring.enter_by_proxy(
                self.db,
                self.person,
                self.reference,
                self.member,
                x.item.bidder,
                x.item.question,
                score,
                text,
                self.source.text(),
            )
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return False
        x.item.score, x.item.rationale, x.state = score, text, "proxy"
        self.list.item(self.index).setText(self._row_text(self.index))
        self.saved.emit()
        left = [i for i, y in enumerate(self.items) if not y.state]
        after = [i for i in left if i > self.index] or left
        done = f"Saved {x.item.question} for {x.item.bidder} as {self.member}'s, entered by proxy."
        if after:
            self.go(after[0])
            self.message.setText(done)
        else:
            self.message.setText(f"{done} Every item of {self.member}'s worklist has a score now.")
        return True
