"""The Moderation screen's meeting bar: "Meeting: <date, place> — New meeting… / Edit…", and the
meeting dialog (date, a room or a call, the chair from the panel, who attended, who sent apologies
and why, the notes). The consensus scores saved while a meeting is chosen are recorded as agreed in
it (`moderation.set_consensus(meeting=...)`): the report then minutes them under it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from svdesk.app import meetings, panel
from svdesk.app.errors import SvdeskError
from svdesk.app.meetings import MeetingView
from svdesk.ui.award_dialogs import FormDialog
from svdesk.ui.screen_base import TenderScreen

MODE_LABELS = (("room", "In a room"), ("call", "By call"))


class MeetingDialog(FormDialog):
    """A meeting's record, new or as it was recorded; OK saves it (a refusal is shown, the form kept)."""

    def __init__(
        self,
        members: list[tuple[str, bool]],
        meeting: MeetingView | None,
        save: Callable[[MeetingDialog], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit the meeting" if meeting else "New meeting", "meetingDialog", parent)
        self.setMinimumWidth(560)
        self.meeting = meeting
        self.held_on = QDateEdit(objectName="meetingDate", calendarPopup=True, displayFormat="d MMMM yyyy")
        self.held_on.setAccessibleName("The day the panel met")
        self.held_on.setMaximumDate(QDate.currentDate())  # a meeting on the record has happened
        self.mode = QComboBox(objectName="meetingMode")
        self.mode.setAccessibleName("In a room, or by call")
        for value, label in MODE_LABELS:
            self.mode.addItem(label, value)
        self.place = QLineEdit(objectName="meetingPlace")
        self.place.setAccessibleName("The room, or the call's service")
        self.place.setPlaceholderText("e.g. Committee Room 2, County Hall  ·  or Microsoft Teams")
        self.chair = QComboBox(objectName="meetingChair")
        self.chair.setAccessibleName("Who chaired the meeting")
        self.chair.addItem("(not recorded)", "")
        box = QGroupBox("Who attended")
        grid = QGridLayout(box)
        grid.addWidget(QLabel("<b>Member</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Attended</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Sent apologies</b>"), 0, 2)
        grid.addWidget(QLabel("<b>Reason given</b>"), 0, 3)
        self.present: dict[str, QCheckBox] = {}
        self.sent: dict[str, QCheckBox] = {}
        self.reason: dict[str, QLineEdit] = {}
        for row, (name, withdrawn) in enumerate(members, start=1):
            self.chair.addItem(name, name)
            grid.addWidget(QLabel(name + (" (withdrawn)" if withdrawn else "")), row, 0)
            here, away, why = QCheckBox(), QCheckBox(), QLineEdit()
            here.setAccessibleName(f"{name} attended")
            away.setAccessibleName(f"{name} sent apologies")
            why.setAccessibleName(f"{name}'s reason for apologies")
            here.setObjectName(f"attended:{name}")
            away.setObjectName(f"apologies:{name}")
            why.setObjectName(f"reason:{name}")
            here.toggled.connect(lambda on, a=away: a.setChecked(False) if on else None)
            away.toggled.connect(lambda on, h=here, w=why: (h.setChecked(False) if on else None, w.setEnabled(on)))
            why.setEnabled(False)
            here.setToolTip(f"{name} attended this meeting")
            away.setToolTip(f"{name} sent apologies (give the reason beside it, for the minutes)")
            self.present[name], self.sent[name], self.reason[name] = here, away, why
            grid.addWidget(here, row, 1)
            grid.addWidget(away, row, 2)
            grid.addWidget(why, row, 3)
        self.notes = QPlainTextEdit(objectName="meetingNotes")
        self.notes.setAccessibleName("Notes of the discussion")
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("How the panel went about it: the items taken first, points agreed, actions.")
        self.form.addRow("&Date", self.held_on)
        self.form.addRow("&Held", self.mode)
        self.form.addRow("&Place or call", self.place)
        self.form.addRow("&Chair", self.chair)
        self.form.addRow(box)
        self.form.addRow("&Notes", self.notes)
        self.finish_form()
        self.fill(meeting)
        self.submit = lambda: save(self)

    def fill(self, meeting: MeetingView | None) -> None:
        if meeting is None:
            self.held_on.setDate(QDate.currentDate())
            return
        held = date.fromisoformat(meeting.held_on)
        self.held_on.setDate(QDate(held.year, held.month, held.day))
        self.mode.setCurrentIndex(max(0, self.mode.findData(meeting.mode)))
        self.place.setText(meeting.place)
        self.chair.setCurrentIndex(max(0, self.chair.findData(meeting.chair)))
        for name in meeting.attendees:
            if name in self.present:
                self.present[name].setChecked(True)
        for name, why in meeting.apologies:
            if name in self.sent:
                self.sent[name].setChecked(True)
                self.reason[name].setText(why)
        self.notes.setPlainText(meeting.notes)

    def values(self) -> dict[str, object]:
        """The form as the use case takes it."""
        return {
            "held_on": self.held_on.date().toString("yyyy-MM-dd"),
            "mode": self.mode.currentData(),
            "place": self.place.text(),
            "chair": self.chair.currentData() or None,
            "attendees": [name for name, box in self.present.items() if box.isChecked()],
            "apologies": {name: self.reason[name].text() for name, box in self.sent.items() if box.isChecked()},
            "notes": self.notes.toPlainText(),
        }


class MeetingPanel(QWidget):
    """Meeting: <the meeting chosen> [New meeting…] [Edit…]. `chosen` is emitted when it changes."""

    chosen = Signal()

    def __init__(self, screen: TenderScreen, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingPanel")
        self.owner = screen
        self.rows: list[MeetingView] = []
        self.dialog: MeetingDialog | None = None
        self.choice = QComboBox(objectName="meetingChoice")
        self.choice.setAccessibleName("The meeting the consensus scores are agreed in")
        self.choice.setMinimumContentsLength(28)
        self.choice.currentIndexChanged.connect(lambda _i: self.chosen.emit())
        self.new = QPushButton("&New meeting\u2026", objectName="newMeeting")
        self.change = QPushButton("&Edit\u2026", objectName="editMeeting")
        self.new.setToolTip("Record a moderation meeting: its date, place, chair, attendance and apologies")
        self.change.setToolTip("Change the chosen meeting's details or attendance; the change is recorded")
        self.new.clicked.connect(lambda: self.open_dialog(None))
        self.change.clicked.connect(lambda: self.open_dialog(self.current()))
        self.message = QLabel(objectName="meetingMessage", wordWrap=True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Meeting:"))
        row.addWidget(self.choice, 1)
        row.addWidget(self.new)
        row.addWidget(self.change)
        row.addWidget(self.message, 1)

    def current(self) -> MeetingView | None:
        meeting_id = self.choice.currentData()
        return next((m for m in self.rows if m.id == meeting_id), None)

    def current_id(self) -> int | None:
        """The meeting the consensus saved now is agreed in (None: none chosen)."""
        meeting = self.current()
        return meeting.id if meeting is not None else None

    def load(self, keep: int | None = None) -> None:
        """The tender's meetings; the one chosen stays chosen, else the latest."""
        wanted = keep if keep is not None else self.current_id()
        self.rows = []
        if self.owner.reference is not None:
            try:
                self.rows = meetings.meetings(self.owner.db, self.owner.reference)
            except SvdeskError as exc:
                self.message.setText(str(exc))
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem("(no meeting recorded)" if not self.rows else "(none: agreed outside a meeting)", None)
        for m in self.rows:
            self.choice.addItem(m.label, m.id)
        index = self.choice.findData(wanted) if wanted is not None else -1
        self.choice.setCurrentIndex(index if index >= 0 else len(self.rows))  # the latest by default
        self.choice.blockSignals(False)
        may = self.owner.locked() is None
        self.new.setEnabled(may)
        self.change.setEnabled(may and self.current() is not None)
        self.chosen.emit()

    def open_dialog(self, meeting: MeetingView | None) -> MeetingDialog | None:
        if self.owner.reference is None:
            return None
        try:
            members = [(m.name, m.withdrawn) for m in panel.members(self.owner.db, self.owner.reference)]
        except SvdeskError as exc:
            self.message.setText(str(exc))
            return None
        self.dialog = MeetingDialog(members, meeting, self.save, self.owner)
        self.dialog.open()
        return self.dialog

    def save(self, dialog: MeetingDialog) -> str | None:
        """The dialog's OK: the refusal to show, or None (saved; the meeting is chosen)."""
        reference, values = self.owner.reference, dialog.values()
        try:
            if dialog.meeting is None:
                saved = meetings.add_meeting(self.owner.db, self.owner.actor, reference, **values)  # type: ignore[arg-type]
            else:
                saved = meetings.update_meeting(
                    self.owner.db,
                    self.owner.actor,
                    reference,
                    dialog.meeting.id,
                    **values,  # type: ignore[arg-type]
                )
        except SvdeskError as exc:
            return str(exc)
        self.owner.keep_current(saved)
        self.load(keep=saved.value.id)
        self.message.setText(f"Recorded the meeting of {saved.value.label}.")
        return None
