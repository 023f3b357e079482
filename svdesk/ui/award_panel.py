"""The Sign-off screen's award stage, once the tender is signed off: the award decision, the day the
assessment summaries were sent, the day the contract award notice was published, the standstill it
starts (Procurement Act 2023 s.51) and the day the contract was entered into.

The panel owns its dialogs (`decision_dialog`, `day_dialog`) and runs each step through the screen's
`edit()`: one use case, saved at once, its outcome (or refusal) on the screen and in the dialog.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QVBoxLayout, QWidget

from svdesk.app import award, parties, signoff
from svdesk.app.award import AwardView, Standstill
from svdesk.app.unit import Outcome
from svdesk.ui.award_dialogs import AwardDecisionDialog, DayDialog, day_text
from svdesk.ui.screen_base import TenderScreen

_WEEKEND = ("Saturday", "Sunday")

# step -> (button text, dialog title, dialog objectName, what the dialog says, the day's label)
_DAYS = {
    "summaries": (
        "Assessment summaries sent on\u2026",
        "Assessment summaries sent",
        "summariesSentDialog",
        "The day an assessment summary was sent to every supplier that submitted an assessed tender "
        "(Procurement Act 2023 s.50(3)): on or after the decision, and before the contract award notice.",
        "Day sent",
    ),
    "notice": (
        "Contract award notice published on\u2026",
        "Contract award notice published",
        "noticePublishedDialog",
        "The day the contract award notice was published. The standstill period starts with it: eight "
        "working days beginning with that day (s.51).",
        "Day published",
    ),
    "contract": (
        "Contract entered into on\u2026",
        "Contract entered into",
        "contractEnteredDialog",
        "The day the contract was entered into: not before the standstill period has ended (s.51). "
        "Once it is recorded, the award stage is final.",
        "Day entered into",
    ),
}


def standstill_text(period: Standstill) -> str:
    """The period in words: its days, its last day, the first day of entry, the days not counted and why."""
    days = len(period.working_days)
    lines = [
        f"{days} working days beginning with {period.published:%a %-d %b %Y}: the last is "
        f"<b>{period.last_day:%a %-d %b %Y}</b>.",
        f"The contract may be entered into from <b>{period.earliest_entry:%a %-d %b %Y}</b>.",
    ]
    weekend = [d for d in period.skipped if all(r in _WEEKEND for r in d.reasons)]
    others = [d for d in period.skipped if d not in weekend]
    if others or weekend:
        lines.append("Not counted (s.123: not working days):")
    lines += [f"&nbsp;&nbsp;{d.day:%a %-d %b %Y}: {_html(d.why)}" for d in others]
    if weekend:
        lines.append(f"&nbsp;&nbsp;{'and ' if others else ''}{len(weekend)} Saturdays and Sundays")
    return "<br>".join(lines)


class AwardPanel(QGroupBox):
    """The steps are shown once the tender is signed off (`show_stage`); before it, what they will be."""

    def __init__(self, screen: TenderScreen, parent: QWidget | None = None) -> None:
        super().__init__("Award", parent)
        self.setObjectName("awardBox")
        self.owner = screen
        self.view = AwardView()
        self.open_count = 0  # the open items, as the screen last read them
        self.decision_dialog: AwardDecisionDialog | None = None
        self.day_dialog: DayDialog | None = None
        self.decision = QLabel(objectName="awardDecision", wordWrap=True)
        self.summaries = QLabel(objectName="awardSummaries", wordWrap=True)
        self.notice = QLabel(objectName="awardNotice", wordWrap=True)
        self.standstill = QLabel(objectName="awardStandstill", wordWrap=True)
        self.contract = QLabel(objectName="awardContract", wordWrap=True)
        self.next_step = QLabel(objectName="awardNextStep", wordWrap=True)
        self.decide = QPushButton("Record the award decision\u2026", objectName="awardDecisionButton")
        self.decide.clicked.connect(self.open_decision_dialog)
        self.buttons: dict[str, QPushButton] = {}
        for step, (text, *_rest) in _DAYS.items():
            button = self.buttons[step] = QPushButton(text, objectName=f"{step}Button")
            button.clicked.connect(lambda _checked=False, step=step: self.open_day_dialog(step))
        self.before = QLabel(
            "Once every member has signed off: the award decision, the day the assessment summaries "
            "were sent, the day the contract award notice was published, the standstill it starts, and "
            "the day the contract was entered into.",
            objectName="awardBefore",
            wordWrap=True,
        )
        self.steps = QWidget()
        grid = QGridLayout(self.steps)
        grid.setContentsMargins(0, 0, 0, 0)
        # each step's button names it; beside it, the day recorded
        rows: list[tuple[QWidget, QLabel]] = [
            (self.decide, self.decision),
            (self.buttons["summaries"], self.summaries),
            (self.buttons["notice"], self.notice),
            (QLabel("<b>Standstill</b> (s.51)"), self.standstill),
            (self.buttons["contract"], self.contract),
        ]
        for r, (step_widget, value) in enumerate(rows):
            grid.addWidget(step_widget, r, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, r, 1)
        grid.addWidget(self.next_step, len(rows), 0, 1, 2)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.before)
        layout.addWidget(self.steps)

    def show_stage(self, view: AwardView | None, status: str, writable: bool, open_count: int) -> None:
        """`view`: the award stage as recorded (None before sign-off: the steps are not shown yet)."""
        self.open_count = open_count
        self.before.setVisible(view is None)
        self.steps.setVisible(view is not None)
        if view is None:
            return
        self.view = v = view
        self.decision.setText(
            f"{day_text(v.decided_on)}: award to <b>{_html(v.recommendation)}</b>, decided by "
            f"{_html(v.decision_maker)} under {_html(v.delegated_authority)}"
            if v.decided
            else "Not recorded yet: it approves the panel's recommendation."
        )
        self.summaries.setText(
            f"Sent on {day_text(v.summaries_sent_on)}" if v.summaries_sent_on else "Not recorded yet."
        )
        self.notice.setText(
            f"Published on {day_text(v.notice_published_on)}" if v.notice_published_on else "Not recorded yet."
        )
        self.standstill.setText(
            standstill_text(v.period) if v.period is not None else "Starts with the contract award notice."
        )
        self.contract.setText(
            f"Entered into on {day_text(v.contract_entered_on)}" if v.contract_entered_on else "Not recorded yet."
        )
        step = re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: day_text(m.group()), v.next_step)  # days as shown above
        self.next_step.setText(f"Next: {step}." if step else "The award stage is complete: the record is final.")
        self.decide.setEnabled(writable and status == "signed_off")
        self.buttons["summaries"].setEnabled(writable and v.decided and not v.notice_published_on)
        self.buttons["notice"].setEnabled(writable and bool(v.summaries_sent_on) and not v.contract_entered_on)
        self.buttons["contract"].setEnabled(writable and bool(v.notice_published_on) and not v.contract_entered_on)

    # --- the decision -------------------------------------------------------------------------------

    def open_decision_dialog(self) -> AwardDecisionDialog:
        """Prefilled: the recommendation (the results' first-ranked bid), the decision-maker and the
        delegated authority from the procurement's details, today."""
        s = self.owner
        details = parties.procurement(s.db, s.reference)
        dialog = self.decision_dialog = AwardDecisionDialog(
            award.recommendation(s.db, s.reference),
            details.decision_maker,
            details.delegated_authority,
            self.open_count,
            s,
        )
        dialog.submit = lambda: self._record_decision(*dialog.values())
        dialog.open()
        return dialog

    def _record_decision(self, day: date, who: str, under: str) -> str | None:
        s = self.owner
        return self._run(
            lambda: signoff.award(
                s.db, s.actor, s.reference, decided_on=day, decision_maker=who, delegated_authority=under
            ),
            "Recorded the award decision.",
        )

    # --- the later steps ----------------------------------------------------------------------------

    def open_day_dialog(self, step: str) -> DayDialog:
        """One of "summaries", "notice", "contract": the day it happened (today unless changed)."""
        _text, title, name, said, label = _DAYS[step]
        dialog = self.day_dialog = DayDialog(title, name, said, label, self.owner)
        dialog.submit = lambda: self._record_day(step, dialog.value())
        dialog.open()
        return dialog

    def _record_day(self, step: str, day: date) -> str | None:
        s = self.owner
        calls: dict[str, Callable[[], Outcome[AwardView]]] = {
            "summaries": lambda: award.summaries_sent(s.db, s.actor, s.reference, day),
            "notice": lambda: award.notice_published(s.db, s.actor, s.reference, day),
            "contract": lambda: award.contract_entered(s.db, s.actor, s.reference, day),
        }
        done = {
            "summaries": f"Recorded the assessment summaries as sent on {day:%a %-d %b %Y}.",
            "notice": f"Recorded the contract award notice as published on {day:%a %-d %b %Y}.",
            "contract": f"Recorded the contract as entered into on {day:%a %-d %b %Y}.",
        }
        return self._run(calls[step], done[step])

    def _run(self, call: Callable[[], Outcome[object]], done: str) -> str | None:
        """The refusal a dialog shows (the screen's message says it too), or None once saved."""
        saved = self.owner.edit(call, done) is not None
        self.owner.reload()
        return None if saved else self.owner.message.text()


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
