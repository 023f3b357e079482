"""A tender's record version: the head of its audit chain.

Every change to a tender's record appends an entry to its hash-chained audit log (`svdesk verify`
replays the log against the database and names any change that was not logged), so the newest
entry identifies the record's content. A view read at one version is still true at that version:
the screens show what they have instead of reading 8,000 cells again. The head's hash is part of
the version because after a restore from a backup the same sequence number can come back with
other content; the tender's id because a replacing load starts a new tender under the reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.entities import AuditEntry, Tender


@dataclass(frozen=True)
class RecordVersion:
    tender_id: int
    seq: int
    hash: str
    # the head before the edit that made this version, when one edit logged several entries (a
    # consensus agreed in a meeting: the score and its meeting); None: one entry before this one
    edit_began: int | None = field(default=None, compare=False)

    def follows(self, earlier: RecordVersion | None) -> bool:
        """True when this version is `earlier` plus exactly one edit (one's own)."""
        began = self.seq - 1 if self.edit_began is None else self.edit_began
        return earlier is not None and earlier.tender_id == self.tender_id and earlier.seq == began


def record_version(session: Session, tender: Tender) -> RecordVersion:
    """One indexed look-up: the (tender_uid, seq) key's newest entry."""
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.tender_uid == tender.uid)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    seq, digest = head if head is not None else (0, "")
    return RecordVersion(tender.id, seq, digest)


def changes_since(session: Session, tender: Tender, since: RecordVersion) -> set[str] | None:
    """The kinds of change (`ChangeKind` values) logged after `since`; None when `since` is not a
    point on this tender's chain (another tender, or a backup restored since)."""
    if since.tender_id != tender.id:
        return None
    if since.seq:
        at = session.scalar(
            select(AuditEntry.hash).where(AuditEntry.tender_uid == tender.uid, AuditEntry.seq == since.seq)
        )
        if at != since.hash:
            return None
    return set(
        session.scalars(
            select(AuditEntry.action).where(AuditEntry.tender_uid == tender.uid, AuditEntry.seq > since.seq).distinct()
        )
    )
