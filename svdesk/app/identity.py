"""Members who prove who they are: enrolment (each person chooses their own passphrase), the
officer's re-enrolment of a person who forgot it, and signing in.

Enrolling makes the person's Ed25519 key pair; the public key and its fingerprint are in the record,
the private key is stored sealed under their passphrase (scrypt, AES-GCM), which svdesk never
keeps. Signing in unseals it into a `SignedIn`, which signing needs (`signoff.sign`). A wrong
passphrase is refused naming the person, with nothing done; from the third in a row, each further
attempt waits longer (1 s, 2 s, 4 s, ... at most 15 minutes), and the right one resets the count.

The key derivation takes a tenth of a second and 32 MiB by design: it runs outside any
transaction, so no write waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, change_database, look, name_of
from svdesk.model import audit
from svdesk.model import identity as crypto
from svdesk.model.audit import KeySigner
from svdesk.model.db import database_of_its_own
from svdesk.model.entities import Tender
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.identity import NotEnrolled, SignedIn, SignInLocked, WrongPassphrase, shown_fingerprint
from svdesk.model.services import identity as keys
from svdesk.model.services.identity import UNSEALED

__all__ = [
    "KeyView",
    "NotEnrolled",
    "SignInLocked",
    "UNSEALED",
    "SignedIn",
    "WrongPassphrase",
    "enrol",
    "enrolment",
    "passphrase_problem",
    "reenrol",
    "shown_fingerprint",
    "sign_in",
    "sign_in_with_own_connection",
]


@dataclass(frozen=True)
class KeyView:
    """One enrolled key of a panel member, current or retired (the public values only)."""

    member: str
    role: str
    key_fingerprint: str  # SHA-256 of the public key, hex
    enrolled_at: str  # ISO 8601, to the second
    retired: bool  # replaced by a re-enrolment; kept, it verifies what it signed
    reason: str  # why the member was enrolled again ("" for a first enrolment)

    @property
    def shown_fingerprint(self) -> str:
        """'ab12 cd34 ef56 7890': the first 16 hex digits, as printed for people to compare."""
        return shown_fingerprint(self.key_fingerprint)


def passphrase_problem(passphrase: str, member: str) -> str | None:
    """What is wrong with a passphrase a member would choose (None: nothing), for a form to say as they type."""
    return crypto.passphrase_problem(passphrase, member)


def _view(row: keys.KeyRow) -> KeyView:
    return KeyView(row.member, row.role, row.key_fingerprint, row.enrolled_at, row.retired, row.reason)


def enrol(db: Database, actor: Actor, reference: str | None, member: str, passphrase: str) -> Outcome[KeyView]:
    """The member's first key, sealed under the passphrase they chose (at least 10 characters, not
    their name). Refused if they are already enrolled ("the officer re-enrols them with a reason"),
    withdrawn, or not on the panel; nothing is written then."""
    name = look(db, reference, lambda s, t: keys.check_can_enrol(s, t, member, again=False))
    new = crypto.make_key(name, passphrase)  # the slow part, outside any transaction
    # The enrolment is the member's own act, signed with the key it enrols (who is at the keyboard
    # does not matter: only the person who chose the passphrase holds that key).
    del actor

    def enrol_self(session: Session, tender: Tender) -> KeyView:
        with audit.signing(KeySigner(name, new.key_fingerprint, new.private_key)):
            return _view(keys.key_row(session, keys.enrol(session, tender, name, name, new)))

    return change(db, reference, enrol_self)


def reenrol(
    db: Database, actor: Actor, reference: str | None, member: str, passphrase: str, reason: str
) -> Outcome[KeyView]:
    """A new key for a member who forgot their passphrase, with the reason on the record; the old key
    is retired and kept, so what it signed still verifies."""
    if not (reason or "").strip():
        raise ValidationError(f"enrolling {member} again needs a reason, for the record")
    if isinstance(actor, SignedIn) and actor.member == member:
        raise WorkflowError(f"{member} cannot enrol themselves again: the procurement officer does, with a reason")
    if isinstance(actor, SignedIn) and actor.role not in ("officer", "chair"):
        raise WorkflowError(f"{actor.member} cannot re-enrol {member}: the procurement officer (or the chair) does")
    name = look(db, reference, lambda s, t: keys.check_can_enrol(s, t, member, again=True))
    new = crypto.make_key(name, passphrase)
    return change(
        db,
        reference,
        lambda s, t: _view(keys.key_row(s, keys.reenrol(s, t, name_of(actor), name, new, reason))),
        actor=actor,
    )


def enrolment(db: Database, reference: str | None) -> list[KeyView]:
    """Every key of the tender's panel, current and retired, in panel order."""
    return look(db, reference, lambda s, t: [_view(r) for r in keys.enrolment(s, t)])


def sign_in(db: Database, reference: str | None, member: str, passphrase: str) -> SignedIn:
    """The member, signed in: their private key unsealed with their passphrase (in memory only).

    Raises WrongPassphrase naming the person (and, from the third wrong one in a row, when to try
    again: the count is committed though the sign-in fails), SignInLocked while slowed, NotEnrolled
    for a member with no key, WorkflowError for a withdrawn member; nothing else is written."""
    now = keys.utc_now()
    sealed, tender_reference = look(db, reference, lambda s, t: (keys.sealed_key(s, t, member, now), t.reference))
    try:
        private_key = crypto.unseal(sealed, passphrase)
    except WrongPassphrase:
        retry = ""
        if not db.read_only:  # a read-only database keeps no count (it cannot be written)
            until = change_database(db, lambda s: keys.note_failure(s, sealed.key_id, now))
            if until is not None:
                retry = f"After {sealed.failed_attempts + 1} wrong passphrases, {crypto.when_to_retry(until, now)}."
        raise WrongPassphrase(sealed.member, retry) from None
    if sealed.failed_attempts and not db.read_only:
        change_database(db, lambda s: keys.note_success(s, sealed.key_id))
    return SignedIn(sealed.member, sealed.role, tender_reference, sealed.key_id, sealed.key_fingerprint, private_key)


def sign_in_with_own_connection(url: str, reference: str, member: str, passphrase: str) -> SignedIn:
    """`sign_in` on connections of its own, disposed after (a screen runs it off the event loop)."""
    with database_of_its_own(url) as db:
        return sign_in(db, reference, member, passphrase)
