"""How robust the recommendation is, and how far the panel agreed (issue 16 item 3): a read, nothing
is written. `svdesk robustness`, the Results and Sign-off screens and the award justification show it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import look
from svdesk.model.db import database_of_its_own
from svdesk.model.entities import Tender
from svdesk.model.services import robustness as robustness_service
from svdesk.model.services.robustness import Agreement, Flip, Robustness, as_json
from svdesk.model.services.robustness_text import figures

__all__ = [
    "Agreement",
    "Flip",
    "Robustness",
    "as_json",
    "figures",
    "robustness",
    "robustness_in_own_connection",
    "robustness_of",
]


def robustness(db: Database, reference: str | None) -> Robustness:
    """Every figure for the tender as recorded now (`reference` None: the database's only tender)."""
    return look(db, reference, robustness_service.robustness)


def robustness_of(db: Database, reference: str | None) -> tuple[str, Robustness]:
    """`robustness` with the reference of the tender read (the caller may have named none)."""

    def read(session: Session, tender: Tender) -> tuple[str, Robustness]:
        return tender.reference, robustness_service.robustness(session, tender)

    return look(db, reference, read)


def robustness_in_own_connection(url: str, reference: str | None) -> Robustness:
    """`robustness` over a read-only connection of its own, in the screens' helper process: on a
    framework it is half a second of Python, which in a thread would hold up every repaint."""
    with database_of_its_own(url, read_only=True, reason="weighing the ranking's robustness") as db:
        return robustness(db, reference)
