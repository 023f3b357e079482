"""The append-only, hash-chained record of every change to a tender.

Each entry's hash is SHA-256 over a canonical JSON encoding of its own fields and the previous
entry's hash, so editing, deleting or reordering any entry breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.entities import AuditEntry, Tender
from svdesk.model.kinds import ChangeKind

GENESIS = "0" * 64


# The encoder json.dumps would build for these options on every call, built once (same output).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """One byte-exact encoding for hashing: sorted keys, no spaces, UTF-8, no NaN."""
    return _CANONICAL.encode(value)


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


# The columns of an entry, in the order `read_entries` returns them.
ENTRY_COLUMNS = (
    AuditEntry.id,
    AuditEntry.tender_uid,
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.action,
    AuditEntry.entity,
    AuditEntry.before,
    AuditEntry.after,
    AuditEntry.reason,
    AuditEntry.prev_hash,
    AuditEntry.hash,
)


def _hashed_fields(e: Any) -> dict[str, Any]:
    """The hashed fields of an AuditEntry, or of a row of `read_entries` (same attribute names)."""
    return {
        "tender_uid": e.tender_uid,
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "action": e.action,
        "entity": e.entity,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
        "prev_hash": e.prev_hash,
    }


def record(
    session: Session,
    tender_uid: str,
    actor: str,
    action: ChangeKind,
    entity: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the change)."""
    # Serialise appends to one tender's chain across connections (PostgreSQL): the tender row is
    # locked until commit, so two writers never read the same head. SQLite has one writer anyway.
    session.execute(select(Tender.id).where(Tender.uid == tender_uid).with_for_update())
    last = session.scalars(
        select(AuditEntry).where(AuditEntry.tender_uid == tender_uid).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        tender_uid=tender_uid,
        seq=(last.seq + 1) if last else 1,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=str(action),  # the kind's value, stored as a plain string (it is hashed as one)
        entity=entity,
        before=canonical_json(before),
        after=canonical_json(after),
        reason=reason,
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry_hash(_hashed_fields(entry))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    head: str
    problem: str = ""


def read_entries(session: Session, tender_uid: str) -> list[Any]:
    """One tender's whole log as plain rows (attributes named as on AuditEntry), in storage order."""
    if session.autoflush:
        session.flush()
    return list(
        session.connection()
        .execute(select(*ENTRY_COLUMNS).where(AuditEntry.tender_uid == tender_uid).order_by(AuditEntry.id))
        .all()
    )


def check_chain(entries: list[Any]) -> ChainCheck:
    """Check entries in storage order (AuditEntry objects or `read_entries` rows)."""
    prev = GENESIS
    for expected_seq, e in enumerate(entries, start=1):
        if e.seq != expected_seq:
            return ChainCheck(
                False, len(entries), prev, f"audit entry {expected_seq}: missing or out of order (found seq {e.seq})"
            )
        if e.prev_hash != prev:
            return ChainCheck(False, len(entries), prev, f"audit entry {e.seq}: does not follow entry {e.seq - 1}")
        if entry_hash(_hashed_fields(e)) != e.hash:
            return ChainCheck(False, len(entries), prev, f"audit entry {e.seq} ({e.action}): content altered")
        prev = e.hash
    return ChainCheck(True, len(entries), prev)


def verify_chain(session: Session, tender_uid: str) -> ChainCheck:
    return check_chain(read_entries(session, tender_uid))


def history(session: Session, tender_uid: str, entity_prefix: str = "") -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.tender_uid == tender_uid)
    if entity_prefix:
        stmt = stmt.where(AuditEntry.entity.startswith(entity_prefix))
    return list(session.scalars(stmt.order_by(AuditEntry.seq)).all())
