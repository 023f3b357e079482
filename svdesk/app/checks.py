"""What is still to record before the award decision (issue 15): each item regulation 31 of the
Procurement Regulations 2024 (SI 2024/692) asks the assessment summaries to hold, and the decision
needs, that is missing. A read: nothing is written. The award decision (`signoff.award`) is refused
while any is open; `svdesk check` and the Sign-off screen's "Before the award" panel show them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import look
from svdesk.model.entities import Tender
from svdesk.model.services import reg31_check
from svdesk.model.services.reg31_check import AWARD, RATIONALE, REG31, OpenItem

__all__ = ["AWARD", "RATIONALE", "REG31", "OpenItem", "TenderCheck", "check", "open_items"]


@dataclass(frozen=True)
class TenderCheck:
    reference: str  # the tender's, as stored (the caller may have named none: the only tender)
    items: list[OpenItem]

    @property
    def complete(self) -> bool:
        return not self.items


def open_items(db: Database, reference: str | None) -> list[OpenItem]:
    """Every open item: the tender's own first, then each supplier's, then the award decision's."""
    return look(db, reference, reg31_check.open_items)


def check(db: Database, reference: str | None) -> TenderCheck:
    """`open_items` with the reference of the tender checked."""

    def read(session: Session, tender: Tender) -> TenderCheck:
        return TenderCheck(tender.reference, reg31_check.open_items(session, tender))

    return look(db, reference, read)
