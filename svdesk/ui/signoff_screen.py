"""Sign-off: where the workflow stands, each member's signature, award and reopening; the record."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import signoff
from svdesk.app.signoff import Status, VerifyReport
from svdesk.app.unit import Outcome
from svdesk.ui.background import run_in_process
from svdesk.ui.record_views import RecordPanel
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen


class SignOffScreen(TenderScreen):
    """Read each time it is shown: it verifies the record (in the helper process) every time."""

    refresh_policy = Refresh.ALWAYS
    verified = Signal()  # a verification finished and is on screen
    signed = Signal()  # a signature was recorded or refused (signing runs in the helper process)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self._verifications_due = 0  # answers asked for and not yet arrived
        self.signing_now = False
        self.status = QLabel(objectName="workflowStatus", wordWrap=True)
        self.open_scoring = QPushButton("Open scoring", objectName="openScoring")
        self.open_moderation = QPushButton("Open moderation", objectName="openModeration")
        self.signer = QComboBox(objectName="signer")
        self.signer.setAccessibleName("Panel member signing")
        self.sign = QPushButton("Sign off as this member", objectName="signButton")
        self.award = QPushButton("Record the award", objectName="awardButton")
        self.reopen = QPushButton("Reopen…", objectName="reopenButton")
        self.open_scoring.clicked.connect(lambda: self.step("open-scoring"))
        self.open_moderation.clicked.connect(lambda: self.step("open-moderation"))
        self.sign.clicked.connect(lambda: self.step("sign"))
        self.award.clicked.connect(lambda: self.step("award"))
        self.reopen.clicked.connect(lambda: self.step("reopen"))
        row = QHBoxLayout()
        for w in (self.open_scoring, self.open_moderation, self.signer, self.sign, self.award, self.reopen):
            row.addWidget(w)
        row.addStretch(1)
        box = QGroupBox("Workflow")
        bv = QVBoxLayout(box)
        bv.addWidget(self.status)
        bv.addWidget(
            QLabel(
                "By signing, a member confirms that they declared every conflict of interest before seeing the bids, "
                "scored independently, and agrees the consensus scores and rationales as recorded. The signature "
                "stores the time and the fingerprint of exactly what was signed.",
                wordWrap=True,
            )
        )
        bv.addLayout(row)
        self.record = RecordPanel()
        self.record.verify_requested.connect(self.reload)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.record, 1)
        layout.addWidget(self.message)

    def load(self) -> None:
        if self.reference is None:
            return
        view = signoff.signoff_view(self.db, self.reference)
        status, readiness, unsigned = view.status.value, view.readiness, view.unsigned
        signed = [f"{x.name} ({x.role}) signed {x.signed_at.replace('T', ' ')}" for x in view.signatures]
        text = f"<b>Status: {view.status.label}</b>"
        if readiness is not None:
            text += (
                f"<br>Ready for {readiness.step}."
                if readiness.ready
                else f"<br>Before {readiness.step}: " + "; ".join(_html(m) for m in readiness.missing)
            )
        self.status.setText(text)
        self.signer.clear()
        for name in unsigned:
            self.signer.addItem(name, name)
        writable = view.status.writable
        self.open_scoring.setEnabled(writable and status == "draft")
        self.open_moderation.setEnabled(writable and status == "scoring")
        self.sign.setEnabled(writable and status == "moderation" and bool(unsigned) and not self.signing_now)
        self.signer.setEnabled(self.sign.isEnabled())
        self.award.setEnabled(writable and status == "signed_off")
        self.reopen.setEnabled(writable and status != "draft")
        self.record.show_record(locked_reason=view.status.locked, signatures=signed, unsigned=unsigned)
        self.verify_in_background()

    def verify_in_background(self) -> None:
        """Verification replays the whole log: half a second on a framework, so in a helper process.

        Only the latest request's answer is shown (the tender may change while one runs): the one
        helper answers in the order asked, so that is the answer that leaves none outstanding.
        """
        self._verifications_due += 1
        self.record.show_verifying()
        self.verifier = run_in_process(
            signoff.verify_in_own_connection,
            self.db.url,
            self.reference,
            on_done=self._verification_arrived,
            on_failed=self._verification_failed,
        )

    def _verification_arrived(self, report: VerifyReport) -> None:
        self._verifications_due -= 1
        if self._verifications_due == 0:
            self.record.show_verification(report.fingerprint, report.audit_head, report.entries, report.problems)
            self.verified.emit()

    def _verification_failed(self, message: str) -> None:
        self._verifications_due -= 1
        if self._verifications_due == 0:
            self.record.show_verification_failed(message)
            self.verified.emit()

    def step(self, action: str, reason: str | None = None) -> bool:
        if action == "reopen" and reason is None:
            reason, ok = QInputDialog.getText(self, "Reopen the tender", "Why? (recorded in the audit log)")
            if not ok:
                return False
        if action == "sign":
            return self.sign_in_background(self.signer.currentData())
        done = self.edit(self._step(action, reason or ""), "Done.")
        self.reload()
        return done is not None

    def _step(self, action: str, reason: str) -> Callable[[], Outcome[Status]]:
        return lambda: signoff.advance(self.db, self.actor, self.reference, action, reason=reason)

    def sign_in_background(self, member: str | None) -> bool:
        """Back up, then sign, in the helper process (about a second on a framework) behind a busy bar.

        True when signing has started; `signed` is emitted once it is done or refused.
        """
        if member is None or self.db.read_only or self.reference is None or self.signing_now:
            return False
        self.signing_now = True  # one signature at a time, until its answer is shown
        self.sign.setEnabled(False)
        self.signing = run_in_process(
            signoff.sign_in_own_connection,
            self.db.url,
            self.actor,
            self.reference,
            member,
            on_done=self._signed,
            on_failed=self._sign_refused,
            progress=(self, f"Backing up, then recording {member}'s signature…"),
        )
        return True

    def _signed(self, member: str) -> None:
        self.signing_now = False
        self.show_message(f"{member} signed.")
        self.saved.emit()
        self.reload()
        self.signed.emit()

    def _sign_refused(self, message: str) -> None:
        self.signing_now = False
        self.show_message(message, error=True)
        self.reload()
        self.signed.emit()


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
