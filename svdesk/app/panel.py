"""The tender's panel: who evaluates, moderates and chairs (each signs the evaluation), and the
procurement officer who sets the tender up (a person in the record, who neither scores nor signs).

A member who has done nothing yet can be removed; one who has (a score, a declaration, a pledge
review, a signature, an enrolment) is withdrawn with a reason instead, and stays in the record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look, name_of
from svdesk.model.entities import Role, Tender
from svdesk.model.services import panel_setup as model
from svdesk.model.services.panel_setup import PanelRow
from svdesk.model.services.tenders import withdrawn_member_ids

__all__ = [
    "ROLES",
    "Member",
    "PanelRow",
    "PanelView",
    "add_member",
    "edit_member",
    "evaluators",
    "members",
    "panel_rows",
    "panel_view",
    "remove_member",
    "set_email",
    "update_member",
    "withdraw_member",
]

ROLES = model.ROLES  # evaluator, moderator, chair, officer


@dataclass(frozen=True)
class Member:
    name: str
    role: str  # evaluator, moderator, chair or officer
    withdrawn: bool = False


def members(db: Database, reference: str | None) -> list[Member]:
    """The panel in its order, the withdrawn too (they stay in the record)."""

    def read(session: Session, tender: Tender) -> list[Member]:
        withdrawn = withdrawn_member_ids(session, tender)
        return [Member(m.name, m.role.value, m.id in withdrawn) for m in tender.panel]

    return look(db, reference, read)


def evaluators(db: Database, reference: str | None) -> list[str]:
    """The names of the members who score, in panel order (not the withdrawn)."""
    return [m.name for m in members(db, reference) if m.role == Role.EVALUATOR and not m.withdrawn]


def panel_rows(db: Database, reference: str | None) -> list[PanelRow]:
    """Each member with their details and progress: scores given of those expected, declarations
    made of the bidders, the bidders they may not see, enrolled or not, withdrawn or not."""
    return look(db, reference, model.panel_rows)


@dataclass(frozen=True)
class PanelView:
    reference: str  # the tender's (the one the database holds, when none was named)
    rows: list[PanelRow]


def panel_view(db: Database, reference: str | None) -> PanelView:
    """`panel_rows`, with the tender's reference."""
    return look(db, reference, lambda s, t: PanelView(t.reference, model.panel_rows(s, t)))


def add_member(
    db: Database, actor: Actor, reference: str | None, name: str, role: str, email: str = ""
) -> Outcome[None]:
    return change(
        db, reference, lambda s, t: _none(model.add_member(s, t, name_of(actor), name, role, email)), actor=actor
    )


def update_member(
    db: Database,
    actor: Actor,
    reference: str | None,
    name: str,
    *,
    new_name: str | None = None,
    role: str | None = None,
) -> Outcome[None]:
    """Rename the member and/or change their role (refused for one who has scored: withdraw them)."""
    return change(
        db,
        reference,
        lambda s, t: _none(model.update_member(s, t, name_of(actor), name, new_name=new_name, role=role)),
        actor=actor,
    )


def edit_member(
    db: Database,
    actor: Actor,
    reference: str | None,
    name: str,
    *,
    new_name: str | None = None,
    role: str | None = None,
    email: str | None = None,
) -> Outcome[None]:
    """Name, role and email of one member changed together (all saved, or none: the Panel screen's form)."""

    def edit(session: Session, tender: Tender) -> None:
        member = model.update_member(session, tender, name_of(actor), name, new_name=new_name, role=role)
        if email is not None:
            model.set_email(session, tender, name_of(actor), member.name, email)

    return change(db, reference, edit, actor=actor)


def set_email(db: Database, actor: Actor, reference: str | None, name: str, email: str) -> Outcome[None]:
    """The member's email address ("" clears it)."""
    return change(db, reference, lambda s, t: model.set_email(s, t, name_of(actor), name, email), actor=actor)


def remove_member(db: Database, actor: Actor, reference: str | None, name: str) -> Outcome[None]:
    """Refused (ValidationError, saying what they did) once the member has acted: withdraw them."""
    return change(db, reference, lambda s, t: model.remove_member(s, t, name_of(actor), name), actor=actor)


def withdraw_member(db: Database, actor: Actor, reference: str | None, name: str, reason: str) -> Outcome[None]:
    """The member leaves the panel with a reason, kept in the record; they score, declare, review
    and sign no more, and nothing waits for them."""
    return change(db, reference, lambda s, t: model.withdraw_member(s, t, name_of(actor), name, reason), actor=actor)


def _none(_entity: object) -> None:
    """The use case returns nothing of the row it made (an ORM object must not leave the session)."""
    return None
