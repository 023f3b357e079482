"""The rationale check on screen (issue 16 item 2).

`LiveFlags`: under a rationale box (Moderation, Scoring), the flags on the text as it is written,
checked 300 ms after the typing pauses (the check is a pure function over what the screen read once,
`rationales.writing`: nothing is read from the database per keystroke).

`RationaleFlagsPanel`: on Sign-off, every flag still open (neither fixed nor overridden) and those
overridden, each with an "Override…" that asks for the reason; the award decision is refused while
any is open (`svdesk check` lists them too).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import rationales
from svdesk.app.rationales import Flag, FlaggedRationale
from svdesk.ui import palette
from svdesk.ui.screen_base import TenderScreen

DEBOUNCE_MS = 300


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class LiveFlags(QLabel):
    """The flags on the text of `editor`, shown as the panel writes. `check` is given the text and
    returns its flags; the screen sets it when it shows another rationale (None: nothing to check)."""

    def __init__(self, editor: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rationaleFlags")
        self.setWordWrap(True)
        self.setAccessibleName("What the rationale check finds in this rationale")
        self.editor = editor
        self.check: Callable[[str], list[Flag]] | None = None
        self.flags: list[Flag] = []
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        editor.textChanged.connect(self.timer.start)
        self.hide()

    def follow(self, check: Callable[[str], list[Flag]] | None) -> None:
        """Check another rationale (the cell or item just shown) from now on, at once."""
        self.check = check
        self.refresh()

    def refresh(self) -> None:
        self.timer.stop()
        text = self.editor.toPlainText()
        self.flags = self.check(text) if self.check is not None and text.strip() else []
        if not self.flags:
            self.setText("")
            self.hide()
            return
        lines = "".join(f"<li><b>{_html(f.label)}</b>: {_html(f.reason)}</li>" for f in self.flags)
        self.setText(
            f"<span style='color:{palette.hex_of(palette.WARNING_TEXT)}'>The rationale check flags this rationale "
            "(fix it, or the officer "
            f"overrides the flag with a reason before the award):</span><ul style='margin:0'>{lines}</ul>"
        )
        self.show()

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.flags]


_HEADERS = ("Bid", "Question", "Whose", "Why (the flag first)", "")


class RationaleFlagsPanel(QGroupBox):
    """Sign-off's list of flagged rationales: what is still open, each with Override…; what was
    overridden, with the reason, by whom and when."""

    def __init__(self, screen: TenderScreen, parent: QWidget | None = None) -> None:
        super().__init__("Rationales the check flags", parent)
        self.setObjectName("rationaleFlagsBox")
        self.owner = screen
        self.rows: list[tuple[FlaggedRationale, Flag]] = []
        self.may_change = False
        self.dialog: QInputDialog | None = None
        self.summary = QLabel(objectName="rationaleFlagsSummary", wordWrap=True)
        self.table = QTableWidget(0, len(_HEADERS), objectName="rationaleFlagsList")
        self.table.setAccessibleName("Flagged rationales: the bid, the question, whose, the flag and why")
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 100)
        layout.addStretch(1)

    def show_flags(self, flagged: list[FlaggedRationale], may_change: bool) -> None:
        self.may_change = may_change
        self.rows = [(r, f) for r in flagged for f in r.flags]
        still = sum(1 for r, f in self.rows if r.override_of(f.code) is None)
        done = len(self.rows) - still
        if not self.rows:
            self.summary.setText("The rationale check flags no rationale.")
        else:
            self.summary.setText(
                f"<b>{still} flag{'s' if still != 1 else ''} still open</b>"
                + (f", {done} overridden with a reason" if done else "")
                + ". Fix the rationale, or override the flag with the reason; the award decision is refused "
                "while any is open."
            )
        shown = self.rows[:500]  # a framework may flag thousands: the first 500, `svdesk check` lists all
        self.table.setRowCount(len(shown))
        for n, (r, flag) in enumerate(shown):
            made = r.override_of(flag.code)
            whose = "Consensus" if r.consensus else r.member
            why = flag.reason
            if made is not None:
                why += f"\nOverridden: {made.reason} ({made.made_by}, {made.made_at[:16].replace('T', ' ')})"
            elif flag.code in r.lapsed:
                why += "\n(overridden before; the text has changed since)"
            for c, value in enumerate((r.bidder, r.question, whose, why)):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value if c != 3 else f"{why}\n\n\u201c{r.text}\u201d")
                self.table.setItem(n, c, cell)
            button = QPushButton("Override\u2026", objectName=f"overrideFlag{n}")
            button.setAccessibleName(f"Override flag {n + 1} with a reason")
            button.setEnabled(may_change and made is None)
            button.clicked.connect(lambda _checked=False, n=n: self.override(n))
            holder = QWidget()
            line = QHBoxLayout(holder)
            line.setContentsMargins(4, 2, 4, 2)
            line.addWidget(button)
            self.table.setCellWidget(n, len(_HEADERS) - 1, holder)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(self.rows))

    def button(self, n: int) -> QPushButton:
        holder = self.table.cellWidget(n, len(_HEADERS) - 1)
        found = holder.findChild(QPushButton) if holder is not None else None
        assert isinstance(found, QPushButton)
        return found

    def override(self, n: int) -> QInputDialog | None:
        """Override… on row `n`: a dialog asks why the rationale stands as written; OK records it."""
        if not (self.may_change and 0 <= n < len(self.rows)):
            return None
        r, flag = self.rows[n]
        whose = "the consensus rationale" if r.consensus else f"{r.member}'s rationale"
        dialog = self.dialog = QInputDialog(self, objectName="overrideReasonDialog")
        dialog.setWindowTitle("Override a rationale flag")
        dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        dialog.setLabelText(
            f"{whose[0].upper()}{whose[1:]} of {r.question} for {r.bidder} is flagged \u201c{flag.label}\u201d: "
            f"{flag.reason}.\n\nWhy does it stand as written? (recorded in the audit log)"
        )
        dialog.setOkButtonText("Override")
        dialog.textValueSelected.connect(lambda reason: self.submit(n, reason))
        dialog.open()
        return dialog

    def submit(self, n: int, reason: str) -> bool:
        """Record the override of row `n`'s flag with `reason`; the screen is read again."""
        if not (self.may_change and 0 <= n < len(self.rows)):
            return False
        r, flag = self.rows[n]
        s = self.owner
        member = rationales.CONSENSUS if r.consensus else r.member
        done = s.edit(  # a refusal is shown, never raised
            lambda: rationales.override(s.db, s.actor, s.reference, r.bidder, r.question, member, flag.code, reason),
            f"Overrode \u201c{flag.label}\u201d on {r.question} for {r.bidder}.",
        )
        s.reload()
        return done is not None
