"""The append-only, hash-chained record of every change to a tender.

Each entry's hash is SHA-256 over a canonical JSON encoding of its own fields and the previous
entry's hash, so editing, deleting or reordering any entry breaks the chain from that point on.

Each entry is also signed by its actor: their Ed25519 key (unsealed when they signed in) signs
`entry_message`, which holds the entry's hash. A hash anyone can recompute; the signature only the
person can make, and since each hash covers the whole chain before it, rewriting any entry means
signing again every later entry as whoever made it. Once anyone on a tender has enrolled a key, an
entry with no signer in effect (`signing`) is refused: nothing is written unsigned after that
(`services/entry_signatures` is what `verify` checks).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, Protocol, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Table, exists, insert, select
from sqlalchemy.orm import Session

from svdesk.model.entities import AuditEntry, MemberKey, PanelMember, Tender
from svdesk.model.errors import WorkflowError
from svdesk.model.kinds import SNAPSHOTS, ChangeKind

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
    AuditEntry.signed_by,
    AuditEntry.signature,
)

ENTRY_SIGNATURE_FORMAT = "svdesk audit entry/1"  # a domain tag: an entry's signature is valid as nothing else


def entry_message(tender_uid: str, seq: int, entry_hash_hex: str) -> bytes:
    """The exact bytes an actor's key signs for one entry (its hash covers every field and the chain)."""
    return f"{ENTRY_SIGNATURE_FORMAT}\n{tender_uid}\n{seq}\n{entry_hash_hex}".encode()


class EntrySigner(Protocol):
    """A person signed in (`identity.SignedIn`): the name they act under and their unsealed key."""

    @property
    def member(self) -> str: ...
    @property
    def key_fingerprint(self) -> str: ...
    @property
    def private_key(self) -> bytes: ...


@dataclass(frozen=True)
class KeySigner:
    """An `EntrySigner` from a key in hand (the one being enrolled signs its own enrolment)."""

    member: str
    key_fingerprint: str
    private_key: bytes = field(repr=False)


class NotSignedIn(WorkflowError):
    """A change to a tender whose record is signed, with nobody signed in to sign it."""


_SIGNER: ContextVar[EntrySigner | None] = ContextVar("svdesk_entry_signer", default=None)


@contextmanager
def signing(signer: EntrySigner | None) -> Iterator[None]:
    """Every entry recorded inside is signed by `signer` (None: unsigned, allowed only before anyone
    on the tender enrolled). The unit of work sets it after checking the key is the person's own."""
    token = _SIGNER.set(signer)
    try:
        yield
    finally:
        _SIGNER.reset(token)


def signer_in_effect() -> EntrySigner | None:
    return _SIGNER.get()


def _signing_required(session: Session, tender_uid: str) -> bool:
    """True once anyone on the tender holds an enrolled key (cached per session once true: keys
    are retired and replaced, never taken away)."""
    cache: set[str] = session.info.setdefault("svdesk_signed_tenders", set())
    if tender_uid in cache:
        return True
    enrolled = session.scalar(
        select(
            exists()
            .where(MemberKey.member_id == PanelMember.id, MemberKey.retired.is_(False))
            .where(PanelMember.tender_id == Tender.id, Tender.uid == tender_uid)
        )
    )
    if enrolled:
        cache.add(tender_uid)
    return bool(enrolled)


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
    signer = _SIGNER.get()
    if signer is not None:
        if signer.member != actor:  # a change recorded for someone other than the person signed in
            raise WorkflowError(f"{signer.member} is signed in; a change cannot be recorded as {actor}'s")
        entry.signed_by = signer.key_fingerprint
        entry.signature = (
            Ed25519PrivateKey.from_private_bytes(signer.private_key)
            .sign(entry_message(tender_uid, entry.seq, entry.hash))
            .hex()
        )
    # a snapshot starts its chain: nobody can have signed in to a tender that did not exist yet (a
    # loaded file's keys are in it), so signing starts after it (`services/entry_signatures`)
    elif action not in SNAPSHOTS and _signing_required(session, tender_uid):
        raise NotSignedIn(
            f"the record of this tender is signed by the people who make each change: {actor} must sign in "
            "(with their passphrase) to change it; nothing was done"
        )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Change:
    """One entry for `record_many`: `record`'s arguments after the tender."""

    actor: str
    action: ChangeKind
    entity: str = ""
    before: Any = None
    after: Any = None
    reason: str = ""


def record_many(session: Session, tender_uid: str, changes: list[Change]) -> int:
    """`record` for many entries at once (a scoring pack's thousands of scores): the same entries,
    chained, hashed and each signed by the signer in effect exactly as `record` makes them, with
    the tender's row locked and the head read once and the rows inserted in one statement. How many."""
    if not changes:
        return 0
    session.execute(select(Tender.id).where(Tender.uid == tender_uid).with_for_update())
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.tender_uid == tender_uid)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    signer = _SIGNER.get()
    key = Ed25519PrivateKey.from_private_bytes(signer.private_key) if signer is not None else None
    if signer is None and any(c.action not in SNAPSHOTS for c in changes) and _signing_required(session, tender_uid):
        raise NotSignedIn(
            f"the record of this tender is signed by the people who make each change: {changes[0].actor} must sign "
            "in (with their passphrase) to change it; nothing was done"
        )
    rows: list[dict[str, Any]] = []
    for change in changes:
        if signer is not None and signer.member != change.actor:
            raise WorkflowError(f"{signer.member} is signed in; a change cannot be recorded as {change.actor}'s")
        seq += 1
        fields = {
            "tender_uid": tender_uid,
            "seq": seq,
            "at": datetime.now(UTC).isoformat(timespec="microseconds"),
            "actor": change.actor,
            "action": str(change.action),
            "entity": change.entity,
            "before": canonical_json(change.before),
            "after": canonical_json(change.after),
            "reason": change.reason,
            "prev_hash": prev,
        }
        prev = entry_hash(_hashed_fields(SimpleNamespace(**fields)))  # the fields `record` hashes, by name
        signature = "" if key is None else key.sign(entry_message(tender_uid, seq, prev)).hex()
        rows.append(
            fields | {"hash": prev, "signed_by": signer.key_fingerprint if signer else "", "signature": signature}
        )
    session.execute(insert(cast(Table, AuditEntry.__table__)), rows)  # Core: the rows are complete as made
    return len(rows)


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
