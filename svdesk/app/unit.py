"""The unit of work every use case runs in: one transaction, the tender looked up once, the record
version after the change, a backup first where the rule asks for one.

The one place in svdesk (with the model's own `db` module) that holds a SQLAlchemy session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from svdesk.model import audit
from svdesk.model.backups import backup_now
from svdesk.model.db import Database
from svdesk.model.entities import Tender
from svdesk.model.identity import SignedIn
from svdesk.model.services.identity import signing_key
from svdesk.model.services.record_version import RecordVersion, record_version
from svdesk.model.services.tenders import SaveResult, get_tender

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)  # an Outcome[GridCell] is an Outcome[object]

# The acting person: someone signed in with their passphrase (every entry they make is signed by
# their key), or a plain name (the login, for a tender set up before anyone on its panel enrolled:
# once anyone has, a change by a plain name is refused: `audit.NotSignedIn`).
Actor = str | SignedIn


def name_of(actor: Actor) -> str:
    """The name the record shows for `actor`."""
    return actor.member if isinstance(actor, SignedIn) else actor


@dataclass(frozen=True)
class Outcome(Generic[T_co]):
    """What a use case that changes the record returns: the value it made, what the user should be
    warned of (the change is saved), and the record's version after it."""

    value: T_co
    version: RecordVersion | None = None
    warnings: tuple[str, ...] = field(default=())


def take_backup(db: Database, label: str) -> None:
    """The rule's backup before a risky write; a PostgreSQL database is backed up by its server."""
    if db.path is not None:
        backup_now(db, label)


def change(
    db: Database,
    reference: str | None,
    edit: Callable[[Session, Tender], T],
    *,
    actor: Actor | None = None,
    backup: str | None = None,
) -> Outcome[T]:
    """Run `edit` on the tender in one transaction; its `SaveResult` (if it returns one) gives the
    value and the warnings. `backup` names the backup taken before the transaction starts.

    `actor` signed in: the key is first checked to be their current key of this tender, then every
    entry `edit` records is signed with it."""
    if backup:
        take_backup(db, backup)
    with db.transaction() as session:
        tender = get_tender(session, reference)
        signer = actor if isinstance(actor, SignedIn) else None
        if signer is not None:
            signing_key(session, tender, signer)
        with audit.signing(signer):
            result = edit(session, tender)
        session.flush()
        version = record_version(session, tender)
    if isinstance(result, SaveResult):
        return Outcome(result.value, version, tuple(result.warnings))
    return Outcome(result, version)


def change_database(
    db: Database, edit: Callable[[Session], T], *, actor: Actor | None = None, backup: str | None = None
) -> T:
    """A change that is not about one existing tender (a new tender, a load, the catalogue); entries
    it records are signed when `actor` is signed in."""
    if backup:
        take_backup(db, backup)
    with db.transaction() as session, audit.signing(actor if isinstance(actor, SignedIn) else None):
        return edit(session)


def look(db: Database, reference: str | None, view: Callable[[Session, Tender], T]) -> T:
    """A read of one tender: nothing is committed."""
    with db.reader() as session:
        return view(session, get_tender(session, reference))


def look_versioned(
    db: Database, reference: str | None, view: Callable[[Session, Tender], T]
) -> tuple[T, RecordVersion]:
    """A read of one tender with the version it was read at (a screen keeps it to skip re-reading)."""
    with db.reader() as session:
        tender = get_tender(session, reference)
        return view(session, tender), record_version(session, tender)


def look_database(db: Database, view: Callable[[Session], T]) -> T:
    with db.reader() as session:
        return view(session)
