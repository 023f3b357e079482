"""The parties as the law names them: the contracting authority's profile (one per database), each
supplier's legal details, the procurement's details, and the passages withheld from other suppliers.

Each change is one transaction; the supplier, procurement and redaction changes are audited in the
tender's record and signed by the person signed in (`unit.change`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, change_database, look, look_database, name_of
from svdesk.model.entities import Tender
from svdesk.model.services import panel_views, parties, redactions
from svdesk.model.services.parties import PROCEDURES, Authority, Procurement, Supplier
from svdesk.model.services.redactions import WITHHELD, RedactionRow

__all__ = [
    "PROCEDURES",
    "WITHHELD",
    "Authority",
    "Procurement",
    "RedactionRow",
    "Supplier",
    "authority",
    "preview_withheld",
    "procurement",
    "redact",
    "redactions_of",
    "remove_redaction",
    "set_authority",
    "set_procurement",
    "set_supplier",
    "suppliers",
]


def authority(db: Database) -> Authority:
    return look_database(db, parties.authority)


def set_authority(db: Database, actor: Actor, **fields: object) -> Authority:
    """Fields: name, address, email, identifier, contact, internal_marking, supplier_marking,
    name_evaluators (bool), logo (PNG or JPEG bytes, or None)."""
    return change_database(db, lambda s: parties.set_authority(s, name_of(actor), **fields), actor=actor)


def suppliers(db: Database, reference: str | None) -> list[Supplier]:
    return look(db, reference, parties.suppliers)


def set_supplier(db: Database, actor: Actor, reference: str | None, bidder: str, **fields: object) -> Outcome[Supplier]:
    """Fields: address, email, identifier (text); sme, vcse (True, False or None: not said)."""
    return change(db, reference, lambda s, t: parties.set_supplier(s, t, name_of(actor), bidder, **fields), actor=actor)


def procurement(db: Database, reference: str | None) -> Procurement:
    return look(db, reference, parties.procurement)


def set_procurement(db: Database, actor: Actor, reference: str | None, **fields: object) -> Outcome[Procurement]:
    """Fields: procedure, criteria_published_at, decision_maker, delegated_authority."""
    return change(db, reference, lambda s, t: parties.set_procurement(s, t, name_of(actor), **fields), actor=actor)


def redactions_of(db: Database, reference: str | None) -> list[RedactionRow]:
    return look(db, reference, redactions.redactions)


def redact(
    db: Database, actor: Actor, reference: str | None, bidder: str, question: str, passage: str, reason: str
) -> Outcome[RedactionRow]:
    """Withhold `passage` of the bid's consensus explanation of `question` from the other suppliers."""

    def edit(session: Session, tender: Tender) -> RedactionRow:
        return redactions.redact(session, tender, name_of(actor), bidder, question, passage, reason)

    return change(db, reference, edit, actor=actor)


def remove_redaction(
    db: Database, actor: Actor, reference: str | None, redaction_id: int, reason: str = ""
) -> Outcome[None]:
    return change(
        db,
        reference,
        lambda s, t: redactions.remove_redaction(s, t, name_of(actor), redaction_id, reason),
        actor=actor,
    )


def preview_withheld(db: Database, reference: str | None, bidder: str, question: str) -> str:
    """The bid's consensus explanation of `question` as every other supplier's summary gives it:
    each withheld passage replaced by `WITHHELD` (s.94(3): the recipient is told that it is withheld)."""

    def read(session: Session, tender: Tender) -> str:
        cell = panel_views.cell_detail(session, tender, bidder, question)
        mine = [
            r.passage
            for r in redactions.redactions(session, tender)
            if (r.bidder, r.question) == (cell.bidder, cell.question)
        ]
        return redactions.apply(cell.consensus_rationale, mine)

    return look(db, reference, read)
