"""When a tender's record last changed: the time of the newest entry in its audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.entities import AuditEntry, Tender


def last_change_at(session: Session, tender: Tender) -> str:
    """The newest entry's ISO date-time (UTC); "" for a tender with no entry."""
    at = session.scalar(
        select(AuditEntry.at).where(AuditEntry.tender_uid == tender.uid).order_by(AuditEntry.seq.desc()).limit(1)
    )
    return str(at or "")
