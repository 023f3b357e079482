"""The tender's panel: who evaluates, moderates and chairs (each signs the evaluation)."""

from __future__ import annotations

from dataclasses import dataclass

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look
from svdesk.model.services import setup as model

__all__ = ["ROLES", "Member", "add_member", "evaluators", "members", "remove_member"]

ROLES = ("evaluator", "moderator", "chair")


@dataclass(frozen=True)
class Member:
    name: str
    role: str  # evaluator, moderator or chair


def members(db: Database, reference: str | None) -> list[Member]:
    """The panel in its order."""
    return look(db, reference, lambda _s, t: [Member(m.name, m.role.value) for m in t.panel])


def evaluators(db: Database, reference: str | None) -> list[str]:
    """The names of the members who score, in panel order."""
    return [m.name for m in members(db, reference) if m.role == "evaluator"]


def add_member(db: Database, actor: Actor, reference: str | None, name: str, role: str) -> Outcome[None]:
    return change(db, reference, lambda s, t: _none(model.add_member(s, t, actor, name, role)))


def remove_member(db: Database, actor: Actor, reference: str | None, name: str) -> Outcome[None]:
    """Refused once the member has scored; their declarations leave with them, on the record."""
    return change(db, reference, lambda s, t: model.remove_member(s, t, actor, name))


def _none(_entity: object) -> None:
    """The use case returns nothing of the row it made (an ORM object must not leave the session)."""
    return None
