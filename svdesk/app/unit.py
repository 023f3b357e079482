"""The unit of work every use case runs in: one transaction, the tender looked up once, the record
version after the change, a backup first where the rule asks for one.

The one place in svdesk (with the model's own `db` module) that holds a SQLAlchemy session.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from svdesk.model import audit
from svdesk.model.backups import backup_now
from svdesk.model.busy import (
    BUSY_TIMEOUT_S,
    RETRYABLE_SQLSTATES,
    DatabaseBusyError,
    busy_error,
    is_sqlite_busy,
    retryable_sqlstate,
)
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


# A transaction PostgreSQL aborted as a deadlock or a serialisation failure is run again (it left
# nothing behind); at most this many attempts, a short random pause between them.
ATTEMPTS = 3
RETRY_PAUSE_S = (0.02, 0.2)


def in_transaction(db: Database, work: Callable[[Session], T]) -> T:
    """`work` in one write transaction: run again (up to ATTEMPTS in all) when PostgreSQL says the
    transaction failed only for running alongside another (40001, 40P01) and is safe to retry; a
    SQLite database another process holds for writing is said to be busy, naming who holds it."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.transaction() as session:
                return work(session)
        except OperationalError as exc:
            if is_sqlite_busy(exc):
                raise busy_error(db.path, db.display_name, BUSY_TIMEOUT_S) from exc
            code = retryable_sqlstate(exc)
            if code is None:
                raise
            if attempt == ATTEMPTS:
                raise DatabaseBusyError(
                    f"the database is busy: other people were saving to {db.display_name} at the same moment "
                    f"(the server reported {RETRYABLE_SQLSTATES[code]}, SQLSTATE {code}, {ATTEMPTS} times); "
                    "nothing was saved. Try again in a moment."
                ) from exc
            time.sleep(random.uniform(*RETRY_PAUSE_S))  # jitter: the writers that met do not meet again
    raise AssertionError("unreachable")  # the loop returns or raises


def lock_tender(session: Session, tender: Tender) -> None:
    """Take the tender's row lock first, before anything of the tender is read (PostgreSQL; SQLite
    has one writer anyway) and read the tender again under it. Every change ends up appending to
    the tender's audit chain under this lock (`audit.record`); taken only there, after a child row
    is inserted (whose foreign key share-locks the same row), two writers each holding the share
    lock deadlock waiting to upgrade it, as four members signing at once did."""
    session.execute(
        select(Tender).where(Tender.id == tender.id).with_for_update().execution_options(populate_existing=True)
    )


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
        take_backup(db, backup)  # once: a retried transaction is not backed up again

    def run(session: Session) -> tuple[T, RecordVersion]:
        tender = get_tender(session, reference)
        lock_tender(session, tender)
        signer = actor if isinstance(actor, SignedIn) else None
        if signer is not None:
            signing_key(session, tender, signer)
        with audit.signing(signer):
            result = edit(session, tender)
        session.flush()
        return result, record_version(session, tender)

    result, version = in_transaction(db, run)
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

    def run(session: Session) -> T:
        with audit.signing(actor if isinstance(actor, SignedIn) else None):
            return edit(session)

    return in_transaction(db, run)


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
