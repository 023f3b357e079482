"""The workflow's steps (open scoring, open moderation, sign, award, reopen), what each still needs,
and the record's verification.

`sign` is the one path to a signature, for the window and the command line: it takes the backup
before it and runs the signing in its own transaction. The window runs it in its helper process
(`sign_in_own_connection`): fingerprinting a framework's record is half a second of Python and the
backup as long again.

Every step but signing is the procurement officer's once the record is signed (anyone enrolled): a
panel member signed in who is not the officer is refused by name and role, nothing written
(`award_stage.require_officer_step`). Each member signs their own signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.status import Status, status_of
from svdesk.app.unit import Actor, Outcome, change, look, name_of
from svdesk.model.db import database_of_its_own
from svdesk.model.entities import Tender
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.identity import SignedIn
from svdesk.model.kinds import TenderStatus
from svdesk.model.names import quoted
from svdesk.model.services import award_stage, identity, results, tenders, verify, workflow
from svdesk.model.services.documents import verify_documents
from svdesk.model.services.expected_head import check_expected_head
from svdesk.model.services.verify import VerifyReport, verify_in_own_connection

__all__ = [
    "STEPS",
    "Readiness",
    "SignOffView",
    "Signed",
    "SignedIn",
    "Status",
    "VerifyReport",
    "advance",
    "award",
    "open_moderation",
    "open_scoring",
    "readiness",
    "reopen",
    "sign",
    "sign_in_own_connection",
    "signoff_view",
    "verify_in_own_connection",
    "verify_record",
]

STEPS = ("open-scoring", "open-moderation", "sign", "award", "reopen")
BACKUP_LABEL = "pre-signoff"

# the next step from each status, and the check of what it still needs
_CHECKS: dict[TenderStatus, Callable[[Session, Tender], workflow.Readiness]] = {
    TenderStatus.DRAFT: workflow.readiness_to_score,
    TenderStatus.SCORING: workflow.readiness_to_moderate,
    TenderStatus.MODERATION: workflow.readiness_to_sign,
}
_STEP_NAMES = {TenderStatus.SIGNED_OFF: "sign-off"}


@dataclass(frozen=True)
class Readiness:
    step: str  # the next step: "scoring", "moderation" or "sign-off"
    missing: tuple[str, ...]  # what it still needs, in words

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Signed:
    name: str
    role: str
    signed_at: str  # ISO 8601, to the second
    key_fingerprint: str = ""  # of the key that sealed it ("" for a signature made before seals)


@dataclass(frozen=True)
class SignOffView:
    status: Status
    readiness: Readiness | None  # None once signed off or awarded
    signatures: list[Signed]  # in force (not withdrawn by a reopening)
    unsigned: list[str]  # panel members still to sign, in panel order


def _readiness(session: Session, tender: Tender) -> Readiness | None:
    check = _CHECKS.get(tender.status)
    if check is None:
        return None
    found = check(session, tender)
    return Readiness(_STEP_NAMES.get(found.target, found.target.value), tuple(found.missing))


def readiness(db: Database, reference: str | None) -> Readiness | None:
    """What the tender's next step still needs (None once signed off or awarded)."""
    return look(db, reference, _readiness)


def signoff_view(db: Database, reference: str | None) -> SignOffView:
    def read(session: Session, tender: Tender) -> SignOffView:
        signatures = tenders.active_signatures(session, tender)
        sealed = identity.sealing_keys(session, (s.id for s in signatures))
        return SignOffView(
            status_of(db, session, tender),
            _readiness(session, tender),
            [Signed(s.name, s.role, s.signed_at, sealed.get(s.id, "")) for s in signatures],
            workflow.unsigned_members(session, tender),
        )

    return look(db, reference, read)


# --- the steps ------------------------------------------------------------------------------------------


def _step(
    db: Database,
    reference: str | None,
    step: Callable[[Session, Tender], object],
    backup: str | None = None,
    *,
    actor: Actor,
) -> Outcome[Status]:
    """One step in one transaction (after the backup named, if any); where the tender stands after it."""

    def edit(session: Session, tender: Tender) -> Status:
        step(session, tender)
        session.flush()
        return status_of(db, session, tender)

    return change(db, reference, edit, backup=backup, actor=actor)


def open_scoring(db: Database, actor: Actor, reference: str | None) -> Outcome[Status]:
    """Refused (WorkflowError) with what is missing: weights, bids, questions, measures, evaluators."""
    return _step(db, reference, lambda s, t: workflow.open_scoring(s, t, name_of(actor)), actor=actor)


def open_moderation(db: Database, actor: Actor, reference: str | None) -> Outcome[Status]:
    """Refused until every evaluator has declared and scored everything they may score."""
    return _step(db, reference, lambda s, t: workflow.open_moderation(s, t, name_of(actor)), actor=actor)


def award(
    db: Database,
    actor: Actor,
    reference: str | None,
    *,
    decided_on: str | date | None = None,
    decision_maker: str = "",
    delegated_authority: str = "",
) -> Outcome[Status]:
    """Record the award decision (today unless `decided_on`; the decision-maker and delegated
    authority default to the procurement's details) approving the evaluation's first-ranked bid;
    the tender becomes awarded. Refused while a reg 31 item is missing (`checks`)."""

    def decide(session: Session, tender: Tender) -> None:
        award_stage.decide(
            session,
            tender,
            name_of(actor),
            decided_on=decided_on or date.today(),
            recommendation=results.winner(session, tender),
            decision_maker=decision_maker,
            delegated_authority=delegated_authority,
        )

    return _step(db, reference, decide, actor=actor)


def reopen(db: Database, actor: Actor, reference: str | None, reason: str) -> Outcome[Status]:
    """One stage back, with the reason on the record; signatures are withdrawn, never deleted."""
    return _step(db, reference, lambda s, t: workflow.reopen(s, t, name_of(actor), reason), actor=actor)


def sign(db: Database, actor: Actor, reference: str | None, signer: SignedIn) -> Outcome[Status]:
    """The signed-in member (`identity.sign_in`) signs the moderated evaluation, after a backup of
    the database file: the signature, sealed with their key; once every member has signed, the
    tender is signed off and locked.

    Refused (nothing written) unless `signer` holds the key enrolled for that member of this tender.
    The signature and its audit entries are the member's own, signed with their key; `actor` is who
    is at the keyboard, and must be the signer (one person signs in and signs)."""
    if isinstance(actor, SignedIn) and actor.member != signer.member:
        raise WorkflowError(f"{name_of(actor)} is signed in; {signer.member} signs for themselves; nothing was done")
    if db.read_only:  # refused before the backup, not after it
        raise WorkflowError(f"{db.display_name} is open read-only: {db.read_only_reason}")
    return _step(db, reference, lambda s, t: workflow.sign(s, t, signer), backup=BACKUP_LABEL, actor=signer)


def sign_in_own_connection(url: str, actor: Actor, reference: str, signer: SignedIn) -> str:
    """`sign` on connections of its own, disposed after; the signer's name. The window's helper
    process runs it (see the module's docstring); `signer` pickles to it."""
    with database_of_its_own(url) as db:
        sign(db, actor, reference, signer)
    return signer.member


def advance(
    db: Database,
    actor: Actor,
    reference: str | None,
    step: str,
    *,
    signer: SignedIn | None = None,
    reason: str = "",
) -> Outcome[Status]:
    """One of `STEPS` by name (as the command line and the sign-off screen name them); "sign"
    needs the signed-in member."""
    if step == "sign":
        if signer is None:
            raise ValidationError("signing needs the panel member who signs, signed in with their passphrase")
        return sign(db, actor, reference, signer)
    steps: dict[str, Callable[[], Outcome[Status]]] = {
        "open-scoring": lambda: open_scoring(db, actor, reference),
        "open-moderation": lambda: open_moderation(db, actor, reference),
        "award": lambda: award(db, actor, reference),
        "reopen": lambda: reopen(db, actor, reference, reason),
    }
    if step not in steps:
        raise ValidationError(f"no step {quoted(step)} (the steps: {', '.join(STEPS)})")
    return steps[step]()


def verify_record(
    db: Database, reference: str | None, expect_head: str | None = None, *, documents: bool = False
) -> VerifyReport:
    """Replay the audit log against the record and check every signature (in this process).

    `expect_head`: the audit head printed in an issued document; the record must still hold it (a
    log cut back together with the rows it created is otherwise a valid chain). `documents`: also
    re-hash every stored bid document of the tender (`svdesk verify`; issue 18), each one missing
    or altered a problem like the rest (Procurement Act 2023 s.98: the record shows what the panel
    read). Off by default: `verify-pdf` verifies a scratch load that holds no document."""

    def read(session: Session, tender: Tender) -> VerifyReport:
        report = verify.verify_tender(session, tender)
        if documents:
            report.problems += [f"bid document: {p}" for p in verify_documents(session, tender)]
        if expect_head is not None:
            anchor = check_expected_head(session, tender, expect_head)
            report.anchor = {"expected": anchor.expected, "found_at": anchor.found_at, "since": anchor.since}
            if anchor.problem:
                report.problems.append(anchor.problem)
        return report

    return look(db, reference, read)
