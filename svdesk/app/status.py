"""Where a tender stands in its workflow, and whether this database may change it now: what the
scoring, moderation and sign-off screens (and the command line's steps) need to offer or refuse edits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from svdesk.model.db import Database
from svdesk.model.entities import Tender
from svdesk.model.kinds import TenderStatus
from svdesk.model.services.tenders import lock_reason

__all__ = ["Status", "TenderStatus"]  # status_of composes inside the other use cases' units of work


@dataclass(frozen=True)
class Status:
    reference: str
    value: TenderStatus  # a str enum: compares equal to "draft", "scoring", ...
    locked: str | None  # why nothing can be changed now (signed off, awarded, being signed), or None
    writable: bool  # False when the database is open read-only

    @property
    def label(self) -> str:
        """As people read it: "signed off"."""
        return self.value.label

    def open_for(self, stage: TenderStatus) -> bool:
        """The edits of `stage` (scoring, moderation) can be made now."""
        return self.value == stage and not self.locked and self.writable


def status_of(db: Database, session: Session, tender: Tender) -> Status:
    return Status(tender.reference, tender.status, lock_reason(session, tender), not db.read_only)
