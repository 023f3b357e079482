"""Nothing replaces a locked record: a replacing load, a restore and every bulk write (a pledge sheet,
an offline scoring pack) into a tender with signatures in force are refused until the tender is
reopened with a reason, which the record keeps (and which withdraws the signatures).

A restore replaces the whole database, so it is refused when the database holds a tender with
signatures in force that the backup would change or lose; the refusal names the tender and says
how to proceed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.db import Database
from svdesk.model.entities import AuditEntry, Signature, Tender
from svdesk.model.errors import WorkflowError
from svdesk.model.services.tenders import LOCKED_STATES, active_signatures


def reopen_command(reference: str) -> str:
    """How to reopen, in the words of both doors (the command line and the Sign-off screen)."""
    return f'svdesk advance reopen --tender {reference} --reason "WHY"'


def _standing(session: Session, tender: Tender) -> str | None:
    """What locks the tender, in words ('is signed off and locked (signed by ...)'), or None."""
    names = ", ".join(s.name for s in active_signatures(session, tender))
    if tender.status in LOCKED_STATES:
        return f"is {tender.status.label} and locked" + (f" (signed by {names})" if names else "")
    if names:
        return f"has signatures in force ({names})"
    return None


def refusal(session: Session, tender: Tender, doing: str) -> str | None:
    """The message refusing `doing` ('Importing a pledge sheet into tender T-1') on a locked tender, or None."""
    standing = _standing(session, tender)
    if standing is None:
        return None
    return (
        f"{doing} is refused: the tender {standing}. Reopen it with a reason first "
        f"({reopen_command(tender.reference)}, or Reopen on the Sign-off screen); nothing was written"
    )


def require_open(session: Session, tender: Tender, doing: str) -> None:
    """Refuse a bulk write (`doing`, e.g. 'Importing a pledge sheet into tender T-1') into a tender
    with signatures in force."""
    message = refusal(session, tender, doing)
    if message:
        raise WorkflowError(message)


def require_replaceable(session: Session, reference: str, source: str = "") -> None:
    """A replacing load over the tender `reference` (if there is one) is allowed: it is not locked."""
    existing = session.scalars(select(Tender).where(Tender.reference == reference)).first()
    if existing is not None:
        what = f"Loading {source} in place of tender {reference}" if source else f"Replacing tender {reference}"
        require_open(session, existing, what)


# --- restore ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Held:
    """What a locked tender is: its audit head and the signatures in force, to compare with a backup."""

    uid: str
    reference: str
    standing: str
    entries: int
    head: str
    signatures: frozenset[tuple[str, str, str]]  # (name, fingerprint, audit head)


def _locked_tenders(session: Session) -> list[_Held]:
    held = []
    for tender in session.scalars(select(Tender).order_by(Tender.reference)).all():
        standing = _standing(session, tender)
        if standing is None:
            continue
        last = session.execute(
            select(AuditEntry.seq, AuditEntry.hash)
            .where(AuditEntry.tender_uid == tender.uid)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).first()
        signed = session.execute(
            select(Signature.name, Signature.fingerprint, Signature.audit_head).where(
                Signature.tender_id == tender.id, Signature.withdrawn.is_(False)
            )
        ).all()
        held.append(
            _Held(
                tender.uid,
                tender.reference,
                standing,
                last[0] if last else 0,
                last[1] if last else "",
                frozenset((n, f, h) for n, f, h in signed),
            )
        )
    return held


def _in_backup(conn: sqlite3.Connection, held: _Held) -> str | None:
    """How the backup differs from the locked tender (None: it holds it exactly as it is)."""
    try:
        row = conn.execute("SELECT id FROM tender WHERE uid = ?", (held.uid,)).fetchone()
        if row is None:
            return "the backup does not hold it"
        last = conn.execute(
            "SELECT seq, hash FROM audit_entry WHERE tender_uid = ? ORDER BY seq DESC LIMIT 1", (held.uid,)
        ).fetchone()
        signed = conn.execute(
            "SELECT name, fingerprint, audit_head FROM signature WHERE tender_id = ? AND NOT withdrawn", (row[0],)
        ).fetchall()
    except sqlite3.DatabaseError:  # a backup from before signatures existed
        return "the backup holds an older version of it"
    if last is None or (last[0], last[1]) != (held.entries, held.head):
        have = last[0] if last else 0
        return f"the backup holds it as it was at audit entry {have} (it now has {held.entries})"
    if frozenset((n, f, h) for n, f, h in signed) != held.signatures:
        return "the backup holds other signatures"
    return None


def require_restorable(db: Database, backup: Path) -> None:
    """Refuse to restore `backup` over a database whose locked tenders it would change or lose."""
    with db.reader() as session:
        locked = _locked_tenders(session)
    if not locked:
        return
    conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        changed = [(h, why) for h in locked if (why := _in_backup(conn, h)) is not None]
    finally:
        conn.close()
    if not changed:
        return
    named = "; ".join(f"tender {h.reference} {h.standing}: {why}" for h, why in changed)
    first = changed[0][0].reference
    raise WorkflowError(
        f"restoring {Path(backup).name} is refused: it would change or lose a tender with signatures in force "
        f"({named}). Reopen the tender with a reason first ({reopen_command(first)}), then restore; "
        "or restore a backup taken after it was signed. Nothing was changed"
    )
