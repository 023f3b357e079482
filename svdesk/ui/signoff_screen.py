"""Sign-off: where the workflow stands, each member's signature, award and reopening; the record.

A member signs as the person signed in (`Desk.signed_in`), sealing the signature with their key; with
no one signed in who has still to sign, Sign asks for sign-in first (the sign-in dialog), then signs.

Beside it: what regulation 31 still needs before the award (`open_items_panel`), the passages
withheld from the other suppliers (`redaction_dialog`) and, once signed off, the award stage
(`award_panel`). Each is read with the rest of the screen, every time it is shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from svdesk.app import award, checks, identity, parties, rationales, signoff
from svdesk.app.identity import SignedIn
from svdesk.app.signoff import SignOffView, Status, VerifyReport
from svdesk.app.unit import Outcome
from svdesk.ui.award_panel import AwardPanel
from svdesk.ui.background import run_in_process
from svdesk.ui.confirm_box import ask
from svdesk.ui.open_items_panel import OpenItemsPanel
from svdesk.ui.rationale_flags_panel import RationaleFlagsPanel
from svdesk.ui.record_views import RecordPanel
from svdesk.ui.redaction_dialog import WithheldPanel
from svdesk.ui.robustness_box import RobustnessBox
from svdesk.ui.screen_base import Desk, Refresh, TenderScreen
from svdesk.ui.sign_in import SignInDialog, open_sign_in, person_text


class SignOffScreen(TenderScreen):
    """Read each time it is shown: it verifies the record (in the helper process) every time."""

    refresh_policy = Refresh.ALWAYS
    verified = Signal()  # a verification finished and is on screen
    signed = Signal()  # a signature was recorded or refused (signing runs in the helper process)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self._verifications_due = 0  # answers asked for and not yet arrived
        self.signing_now = False
        self.unsigned: list[str] = []  # the members still to sign, as last read
        self.may_sign = False  # the tender is in moderation, writable, and someone has still to sign
        self.sign_in_dialog: SignInDialog | None = None
        self.view: SignOffView | None = None  # as last read
        self.sign_confirm: QMessageBox | None = None  # the questions asked before signing and reopening
        self.reopen_confirm: QMessageBox | None = None
        self.status = QLabel(objectName="workflowStatus", wordWrap=True)
        self.open_scoring = QPushButton("Open scoring", objectName="openScoring")
        self.open_moderation = QPushButton("Open moderation", objectName="openModeration")
        self.signer = QLabel(objectName="signer")  # who signs: the person signed in
        self.sign = QPushButton("Sign in to sign off\u2026", objectName="signButton")
        self.reopen = QPushButton("Reopen…", objectName="reopenButton")
        self.open_scoring.setToolTip("Start scoring: each evaluator declares conflicts, then scores (in the log)")
        self.open_moderation.setToolTip("Close scoring and start moderation: the panel agrees each consensus")
        self.reopen.setToolTip("Reopen with a reason, a stage back: any signature is withdrawn (the log keeps it)")
        self.open_scoring.clicked.connect(lambda: self.step("open-scoring"))
        self.open_moderation.clicked.connect(lambda: self.step("open-moderation"))
        self.sign.clicked.connect(lambda: self.step("sign"))
        self.reopen.clicked.connect(lambda: self.step("reopen"))
        row = QHBoxLayout()
        for w in (self.open_scoring, self.open_moderation, self.signer, self.sign, self.reopen):
            row.addWidget(w)
        row.addStretch(1)
        box = QGroupBox("Workflow")
        bv = QVBoxLayout(box)
        bv.addWidget(self.status)
        self.signing_means = QLabel(
            "By signing, a member confirms that they declared every conflict of interest before seeing the bids, "
            "scored independently, and agrees the consensus scores and rationales as recorded. The signature "
            "stores the time and the fingerprint of exactly what was signed.",
            objectName="signingMeans",
            wordWrap=True,
        )
        bv.addWidget(self.signing_means)
        bv.addLayout(row)
        self.record = RecordPanel()
        self.record.verify_requested.connect(self._verify_asked)
        self._documents_next = False  # the Verify button re-hashes the bid documents too
        self.open_items = OpenItemsPanel()
        self.withheld = WithheldPanel(self)
        self.rationale_flags = RationaleFlagsPanel(self)  # each flag fixed, or overridden with a reason
        self.award_panel = AwardPanel(self)
        self.robustness = RobustnessBox()  # before anyone signs: would a small change give another winner?
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.open_items, 3)
        left.addWidget(self.rationale_flags, 2)
        left.addWidget(self.withheld, 2)
        right.addWidget(self.award_panel)
        right.addStretch(1)
        columns = self.columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        body = QWidget(objectName="signoffBody")
        inside = QVBoxLayout(body)
        inside.setContentsMargins(0, 0, 0, 0)
        inside.addWidget(box)
        inside.addWidget(self.robustness)
        inside.addLayout(columns, 1)
        inside.addWidget(self.record)
        scroll = QScrollArea(objectName="signoffScroll", widgetResizable=True)  # a small window scrolls
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)  # outside: the outcome of a step is always in sight

    def load(self) -> None:
        if self.reference is None:
            return
        view = self.view = signoff.signoff_view(self.db, self.reference)
        status, readiness, unsigned = view.status.value, view.readiness, view.unsigned
        signed = [
            f"{x.name} ({x.role}) signed {x.signed_at.replace('T', ' ')}"
            + (f", sealed with key {identity.shown_fingerprint(x.key_fingerprint)}" if x.key_fingerprint else "")
            for x in view.signatures
        ]
        text = f"<b>Status: {view.status.label}</b>"
        if readiness is not None:
            text += (
                f"<br>Ready for {readiness.step}."
                if readiness.ready
                else f"<br>Before {readiness.step}: " + "; ".join(_html(m) for m in readiness.missing)
            )
        self.status.setText(text)
        self.unsigned = list(unsigned)
        writable = view.status.writable
        self.open_scoring.setEnabled(writable and status == "draft")
        self.open_moderation.setEnabled(writable and status == "scoring")
        self.may_sign = writable and status == "moderation" and bool(unsigned)
        self._show_signer()
        self.reopen.setEnabled(writable and status != "draft")
        self.signing_means.setVisible(status in ("draft", "scoring", "moderation"))  # signing is still to come
        self.record.show_record(locked_reason=view.status.locked, signatures=signed, unsigned=unsigned)
        self._show_award_stage(status, writable)
        self.robustness.request(self.db.url, self.reference)  # in the helper process, as verifying is
        self.verify_in_background()

    def _show_award_stage(self, status: str, writable: bool) -> None:
        """What regulation 31 still needs, the passages withheld and the award stage, as recorded now."""
        awarded = status == "awarded"
        items = [] if awarded else checks.open_items(self.db, self.reference)
        self.open_items.show_items(items)
        self.open_items.setVisible(not awarded)
        moderated = status in ("moderation", "signed_off", "awarded")  # the consensus explanations exist
        self.withheld.show_rows(parties.redactions_of(self.db, self.reference), writable and moderated and not awarded)
        self.withheld.setVisible(moderated)
        flagged = rationales.flags(self.db, self.reference) if moderated and not awarded else []
        self.rationale_flags.show_flags(flagged, writable and status in ("moderation", "signed_off"))
        self.rationale_flags.setVisible(moderated and not awarded)
        signed_off = status in ("signed_off", "awarded")
        view = award.award_view(self.db, self.reference) if signed_off else None
        self.award_panel.show_stage(view, status, writable, len(items))
        self.columns.setStretch(1, 3 if awarded else 2)  # awarded: the award stage wants the room
        self.columns.setStretch(0, 2)

    def _verify_asked(self) -> None:
        self._documents_next = True
        self.reload()

    def verify_in_background(self) -> None:
        """Verification replays the whole log: half a second on a framework, so in a helper process.

        Only the latest request's answer is shown (the tender may change while one runs): the one
        helper answers in the order asked, so that is the answer that leaves none outstanding.
        """
        self._verifications_due += 1
        self.record.show_verifying()
        documents, self._documents_next = self._documents_next, False
        self.verifier = run_in_process(
            signoff.verify_in_own_connection,
            self.db.url,
            self.reference,
            documents,
            on_done=self._verification_arrived,
            on_failed=self._verification_failed,
        )

    def _verification_arrived(self, report: VerifyReport) -> None:
        self._verifications_due -= 1
        if self._verifications_due == 0:
            self.record.show_verification(
                report.fingerprint, report.audit_head, report.entries, report.problems, report.replaced
            )
            self.verified.emit()

    def _verification_failed(self, message: str) -> None:
        self._verifications_due -= 1
        if self._verifications_due == 0:
            self.record.show_verification_failed(message)
            self.verified.emit()

    def step(self, action: str, reason: str | None = None) -> bool:
        """One workflow step. Reopening asks why (unless `reason` is given), then asks to confirm
        (`reopen_confirm`) and returns True once asked: the step is taken when the answer is Reopen."""
        if action == "reopen" and reason is None:
            reason, ok = QInputDialog.getText(self, "Reopen the tender", "Why? (recorded in the audit log)")
            if not ok:
                return False
        if action == "sign":
            return self.sign_as_signed_in()
        if action == "reopen":
            return self._confirm_reopen(reason or "")
        return self._take(action, reason or "")

    def _take(self, action: str, reason: str) -> bool:
        done = self.edit(self._step(action, reason), "Done.")
        self.reload()
        return done is not None

    def _confirm_reopen(self, reason: str) -> bool:
        """Say what a reopening withdraws: the signatures in force, the award decision, the stage."""
        if self.view is None or self.reference is None:
            return False
        status, signed = self.view.status.value, [x.name for x in self.view.signatures]
        back = "moderation" if signed or status in ("signed_off", "awarded") else _BACK.get(status, "")
        withdrawn = []
        if signed:
            withdrawn.append(f"the signatures of {_names(signed)} (kept in the record as withdrawn)")
        if status == "awarded":
            withdrawn.append("the award decision and the award stage's dates")
        said = (
            "It withdraws " + "; and ".join(withdrawn) + ". " if withdrawn else "No signature is withdrawn. "
        ) + f"The tender goes back to {back}, and the reason is recorded in the audit log: \u201c{reason}\u201d."
        if back == "moderation" and signed:
            said += " Everyone signs again once the panel is done."
        self.reopen_confirm = ask(
            self,
            "reopenConfirm",
            "Reopen the tender?",
            f"Reopen tender {self.reference} (now {self.view.status.label})?",
            said,
            "Reopen",
            lambda yes: self._take("reopen", reason) if yes else self.show_message("Not reopened."),
            destructive=True,
        )
        return True

    def _step(self, action: str, reason: str) -> Callable[[], Outcome[Status]]:
        return lambda: signoff.advance(self.db, self.actor, self.reference, action, reason=reason)

    # --- who signs ----------------------------------------------------------------------------------

    def signer_now(self) -> SignedIn | None:
        """The person signed in, if they have still to sign (not the officer, who does not sign)."""
        person = self.person
        if person is None or person.role == "officer" or person.member not in self.unsigned:
            return None
        return person

    def signed_in_changed(self) -> None:
        self._show_signer()

    def _show_signer(self) -> None:
        person, signer = self.person, self.signer_now()
        if not self.may_sign:
            self.signer.setText("")
            self.sign.setText("Sign off")
        elif signer is not None:
            self.signer.setText(f"Signing as <b>{_html(person_text(signer))}</b>")
            self.sign.setText(f"Sign off as {signer.member}")
        else:
            said = (
                f"{_html(person_text(person))} is signed in and "
                + ("does not sign." if person.role == "officer" else "has signed.")
                if person is not None and self.unsigned
                else ""
            )
            self.signer.setText(said)
            self.sign.setText("Sign in to sign off\u2026")
        self.signer.setVisible(bool(self.signer.text()))
        self.sign.setEnabled(self.may_sign and not self.signing_now)

    def sign_as_signed_in(self) -> bool:
        """Sign as the person signed in; with no one signed in who has still to sign, the sign-in
        dialog first (those still to sign), then the signature of whoever signs in.

        True when signing has started; `signed` is emitted once it is done or refused."""
        if not self._can_sign():
            return False
        signer = self.signer_now()
        if signer is not None:
            return self.sign_as(signer)
        self.sign_in_dialog = open_sign_in(
            self,
            self.desk,
            self.reference,
            only=self.unsigned,
            purpose="Your signature is sealed with your own key.",
            then=self._signed_in,
        )
        return False

    def _can_sign(self) -> bool:
        return not (self.db.read_only or self.reference is None or self.signing_now)

    def _signed_in(self, signer: SignedIn) -> None:
        if not self.sign_as(signer):
            self._sign_refused("the database or the tender changed while signing in: nothing was signed")

    def sign_as(self, signer: SignedIn) -> bool:
        """Back up, then sign as the signed-in member, in the helper process behind a busy bar.

        True when signing has started; `signed` is emitted once it is done or refused.
        """
        if not self._can_sign():
            return False
        self.signing_now = True  # one signature at a time, from the question until its answer is shown
        self.sign.setEnabled(False)
        self.sign_confirm = ask(
            self,
            "signConfirm",
            "Sign off?",
            f"Sign off tender {self.reference} as {signer.member}?",
            self._what_is_signed(signer),
            "Sign off",
            lambda yes: self._start_signing(signer) if yes else self._not_signed(),
        )
        return True

    def _what_is_signed(self, signer: SignedIn) -> str:
        status = self.view.status.label if self.view is not None else ""
        shown = self.record.fingerprint.text()
        fingerprint = (
            f"the evaluation as it stands, fingerprint {shown}"
            if shown and self._verifications_due == 0
            else "the evaluation as it stands (its fingerprint is being verified: see The record)"
        )
        others = [m for m in self.unsigned if m != signer.member]
        last = (
            "Yours is the last signature: the tender is then signed off and locked"
            if not others
            else f"Once {_names(others)} {'has' if len(others) == 1 else 'have'} signed too, the tender is "
            "signed off and locked"
        )
        return (
            f"Status: {status}. You sign {fingerprint}, sealed with your own key; the database is backed up "
            f"first. {last}: no score, consensus or pledge can change until it is reopened with a reason, "
            "which withdraws the signatures."
        )

    def _not_signed(self) -> None:
        self.signing_now = False
        self.show_message("Nothing was signed.")
        self._show_signer()

    def _start_signing(self, signer: SignedIn) -> None:
        if self.db.read_only or self.reference is None:
            self._sign_refused("the database is read-only now: nothing was signed")
            return
        self.signing = run_in_process(
            signoff.sign_in_own_connection,
            self.db.url,
            signer.member,  # who is at the keyboard: the person signed in
            self.reference,
            signer,
            on_done=self._signed,
            on_failed=self._sign_refused,
            progress=(self, f"Backing up, then recording {signer.member}'s signature…"),
        )

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


_BACK = {"moderation": "scoring", "scoring": "draft"}  # workflow.reopen's one stage back


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _html(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
