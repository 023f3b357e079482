"""Panel: who is on the tender's panel, their role and email, and how far each has got (scores given
of those expected, declarations made, the bidders they may not see, enrolled or not).

Add a member; edit the selected member's name, role and email below the table; remove one who has
done nothing yet, or withdraw one who has, with a reason kept in the record.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import identity, panel
from svdesk.app.panel import PanelRow
from svdesk.ui.panel_dialogs import AddMemberDialog, EnrolDialog, WithdrawDialog, role_choice
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen

COLUMNS = ("Name", "Role", "Email", "Scores given", "Declarations", "May not see", "Enrolled", "Status")
ENROLLED = COLUMNS.index("Enrolled")
ROLE_NAMES = {"evaluator": "Evaluator", "moderator": "Moderator", "chair": "Chair", "officer": "Officer"}


def scores_text(row: PanelRow) -> str:
    if row.role == "evaluator" and not row.withdrawn:
        return f"{row.scores_given} of {row.scores_expected}"
    return str(row.scores_given) if row.scores_given else "\u2014"  # who does not score


def status_text(row: PanelRow) -> str:
    if row.withdrawn:
        return f"Withdrawn {row.withdrawn_at[:10]}: {row.withdrawal_reason}"
    return "Signed" if row.signed else "Active"


class PanelScreen(TenderScreen):
    refresh_policy = Refresh.ALWAYS  # a handful of rows, and the form may show what svdesk refused

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.rows: list[PanelRow] = []
        self.add_dialog: AddMemberDialog | None = None
        self.withdraw_dialog: WithdrawDialog | None = None
        self.enrol_dialog: EnrolDialog | None = None
        self.enrol_buttons: dict[str, QPushButton] = {}  # a member not enrolled yet -> their row's Enrol… button
        self.lock: str | None = "no tender"  # why nothing can be edited now, as last read
        intro = QLabel(
            "Evaluators score the bids; the moderators and the chair agree the consensus; everyone but the "
            "procurement officer signs. A member who has done anything (a score, a declaration, a pledge "
            "review, a signature, an enrolment) is withdrawn with a reason, never removed.",
            wordWrap=True,
        )
        self.table = QTableWidget(0, len(COLUMNS), objectName="panelTable")
        self.table.setAccessibleName("Panel members")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the form, as everywhere else
        self.table.setWordWrap(False)  # a long withdrawal reason is elided; its tooltip holds it whole
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        self.add = QPushButton("&Add member…", objectName="addMember")
        self.add.clicked.connect(self.open_add_dialog)
        self.hint = QLabel(objectName="panelHint", wordWrap=True)
        top = QHBoxLayout()
        top.addWidget(self.add)
        top.addWidget(self.hint, 1)

        self.name = QLineEdit(objectName="memberName")
        self.name.setAccessibleName("Member's name")
        self.role = role_choice("memberRole", "Member's role")
        self.email = QLineEdit(objectName="memberEmail")
        self.email.setAccessibleName("Member's email")
        self.email.setPlaceholderText("name@council.gov.uk")
        self.save = QPushButton("&Save changes", objectName="saveMember")
        self.remove = QPushButton("&Remove", objectName="removeMember")
        self.withdraw = QPushButton("&Withdraw…", objectName="withdrawMember")
        self.enrol = QPushButton("E&nrol…", objectName="enrolMember")
        self.enrol.setToolTip("The member chooses their own passphrase (the officer hands the keyboard over)")
        self.enrol.clicked.connect(lambda: self.open_enrol_dialog())
        self.save.clicked.connect(self.save_member)
        self.remove.clicked.connect(self.remove_member)
        self.withdraw.clicked.connect(lambda: self.open_withdraw_dialog())
        for field in (self.name, self.email):
            field.returnPressed.connect(self.save_member)
        self.table.installEventFilter(self)  # Delete on the table removes the selected member
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("R&ole", self.role)
        form.addRow("E&mail", self.email)
        buttons = QHBoxLayout()
        for b in (self.save, self.remove, self.withdraw, self.enrol):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.selected = QGroupBox("Selected member", objectName="selectedMember")
        box = QVBoxLayout(self.selected)
        box.addLayout(form)
        box.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selected)
        layout.addWidget(self.message)
        order = (self.add, self.table, self.name, self.role, self.email, self.save, self.remove, self.withdraw)
        for first, second in zip(order, (*order[1:], self.enrol), strict=True):
            QWidget.setTabOrder(first, second)  # as they are laid out: Add, the table, then the form
        self._show(-1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Delete)
        ):
            self.remove_member()
            return True
        return super().eventFilter(watched, event)

    # --- reading ------------------------------------------------------------------------------------

    def load(self) -> None:
        if self.reference is None:
            self.rows, self.lock = [], "no tender"
            self.table.setRowCount(0)
            self._show(-1)
            return
        keep = self.current_name()
        self.lock = self.locked()
        self.rows = panel.panel_rows(self.db, self.reference)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (
                row.name,
                ROLE_NAMES.get(row.role, row.role),
                row.email,
                scores_text(row),
                f"{row.declarations} of {row.bidders}",
                ", ".join(row.conflicts),
                "Yes" if row.enrolled else "No",
                status_text(row),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if row.withdrawn:
                    item.setForeground(self.palette().placeholderText())
                if c == 7 and row.withdrawn:
                    item.setToolTip(value)
                self.table.setItem(r, c, item)
            self.table.removeCellWidget(r, ENROLLED)
        for old in self.enrol_buttons.values():  # deleted later by Qt: hidden now
            old.hide()
        self.enrol_buttons = {}
        for r, row in enumerate(self.rows):
            if self.may_enrol(row):
                button = self.enrol_buttons[row.name] = QPushButton("Enrol…", objectName="enrolRow")
                button.setAccessibleName(f"Enrol {row.name}")
                button.clicked.connect(lambda _checked=False, name=row.name: self.open_enrol_dialog(name))
                self.table.setCellWidget(r, ENROLLED, button)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        names = [row.name for row in self.rows]
        current = names.index(keep) if keep in names else (0 if names else -1)
        if current >= 0:
            self.table.setCurrentCell(current, 0)
        self._show(current)
        self.hint.setText(
            "No one on the panel yet: add the evaluators, the chair, and yourself as the procurement officer."
            if not self.rows
            else ""
        )
        if self.lock:
            self.show_message(f"Read only: {self.lock}")

    def current_row(self) -> PanelRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def current_name(self) -> str | None:
        row = self.current_row()
        return row.name if row else None

    def _show(self, r: int) -> None:
        row = self.rows[r] if 0 <= r < len(self.rows) else None
        writable = row is not None and self.lock is None
        self.name.setText(row.name if row else "")
        self.email.setText(row.email if row else "")
        if row is not None:
            self.role.setCurrentIndex(self.role.findData(row.role))
        self.selected.setTitle(f"Selected member: {row.name}" if row else "Selected member")
        for w in (self.name, self.role, self.email, self.save):
            w.setEnabled(writable)
        for w in (self.remove, self.withdraw):  # a withdrawn member stays in the record as they are
            w.setEnabled(writable and row is not None and not row.withdrawn)
        self.enrol.setEnabled(row is not None and self.may_enrol(row))
        self.add.setEnabled(self.lock is None)

    def may_enrol(self, row: PanelRow) -> bool:
        return self.lock is None and not row.enrolled and not row.withdrawn

    # --- editing ------------------------------------------------------------------------------------

    def open_add_dialog(self) -> AddMemberDialog:
        dialog = self.add_dialog = AddMemberDialog(self)
        dialog.submit = lambda: self._refusal(self.add_member(*dialog.values()))
        dialog.open()
        return dialog

    def _refusal(self, saved: bool) -> str | None:
        """What a dialog shows when its edit was refused (the screen's message says it too)."""
        return None if saved else self.message.text()

    def add_member(self, name: str, role: str, email: str) -> bool:
        done = self.edit(
            lambda: panel.add_member(self.db, self.actor, self.reference, name, role, email), f"Added {name}."
        )
        if done is not None:
            self.reload()
            self.select(name)
        return done is not None

    def select(self, name: str) -> None:
        names = [r.name for r in self.rows]
        if name in names:
            self.table.setCurrentCell(names.index(name), 0)

    def save_member(self) -> bool:
        row = self.current_row()
        if row is None:
            return False
        new_name = self.name.text().strip()
        done = self.edit(
            lambda: panel.edit_member(
                self.db,
                self.actor,
                self.reference,
                row.name,
                new_name=new_name,
                role=str(self.role.currentData()),
                email=self.email.text(),
            ),
            f"Saved {new_name or row.name}.",
        )
        if done is not None:
            self.reload()
            self.select(new_name)
        return done is not None

    def remove_member(self) -> bool:
        """Remove the selected member; one who has acted is refused, and offered withdrawal instead."""
        row = self.current_row()
        if row is None or self.lock:
            return False
        done = self.edit(
            lambda: panel.remove_member(self.db, self.actor, self.reference, row.name), f"Removed {row.name}."
        )
        if done is None:
            if row.acted:  # refused with the reason: withdrawal is offered, in the same words
                self.open_withdraw_dialog(row.name, why_not_removed=self.message.text())
            return False
        self.reload()
        return True

    def open_withdraw_dialog(self, member: str | None = None, why_not_removed: str = "") -> WithdrawDialog | None:
        name = member or self.current_name()
        if name is None:
            return None
        dialog = self.withdraw_dialog = WithdrawDialog(name, why_not_removed, parent=self)
        dialog.submit = lambda: self._refusal(self.withdraw_member(name, dialog.value()))
        dialog.open()
        return dialog

    def withdraw_member(self, name: str, reason: str) -> bool:
        done = self.edit(
            lambda: panel.withdraw_member(self.db, self.actor, self.reference, name, reason), f"Withdrew {name}."
        )
        if done is not None:
            self.reload()
            self.select(name)
        return done is not None

    def open_enrol_dialog(self, member: str | None = None) -> EnrolDialog | None:
        """The member at the keyboard chooses their passphrase, twice; it never leaves the dialog but
        to seal their new key."""
        name = member or self.current_name()
        if name is None:
            return None
        dialog = self.enrol_dialog = EnrolDialog(name, self)
        dialog.submit = lambda: self._refusal(self.enrol_member(name, dialog.value()))
        dialog.open()
        return dialog

    def enrol_member(self, name: str, passphrase: str) -> bool:
        done = self.edit(
            lambda: identity.enrol(self.db, self.actor, self.reference, name, passphrase),
            f"Enrolled {name}.",
        )
        if done is not None:
            self.show_message(f"Enrolled {name}: key {done.value.shown_fingerprint}.")
            self.reload()
            self.select(name)
        return done is not None
