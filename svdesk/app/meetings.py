"""Moderation meetings: record one (date, a room or a call, the chair, who attended and who sent
apologies, the notes), change it, remove one in which nothing was agreed, and say why a member's
score of a bid is missing. Each change is one transaction, audited and signed by the person
signed in (`unit.change`); the consensus is recorded in a meeting by `moderation.set_consensus`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look, name_of
from svdesk.model.entities import Tender
from svdesk.model.missing_scores import MissingScore
from svdesk.model.services import meetings as service
from svdesk.model.services.meetings import MODES, MeetingView
from svdesk.model.services.record_version import record_version

T = TypeVar("T")

__all__ = [
    "MODES",
    "MeetingView",
    "MissingScore",
    "add_meeting",
    "meetings",
    "missing_scores",
    "remove_meeting",
    "update_meeting",
]


def one_edit(db: Database, reference: str | None, edit: Callable[[Session, Tender], T], actor: Actor) -> Outcome[T]:
    """`unit.change`, for an edit that logs several entries (a meeting and its attendance; a consensus
    and its meeting): its version says where the edit began, so the screen that made it still shows
    the record as it is (`RecordVersion.follows`)."""
    began: list[int] = []

    def run(session: Session, tender: Tender) -> T:
        began.append(record_version(session, tender).seq)  # under the tender's lock: what follows is this edit
        return edit(session, tender)

    outcome = change(db, reference, run, actor=actor)
    if outcome.version is None or outcome.version.seq <= began[-1] + 1:
        return outcome
    return replace(outcome, version=replace(outcome.version, edit_began=began[-1]))


def meetings(db: Database, reference: str | None) -> list[MeetingView]:
    """The tender's meetings, by date, each with its attendance and how many consensus scores it agreed."""
    return look(db, reference, service.meetings)


def add_meeting(
    db: Database,
    actor: Actor,
    reference: str | None,
    *,
    held_on: str | date,
    mode: str = "room",
    place: str = "",
    chair: str | None = None,
    attendees: Sequence[str] = (),
    apologies: Mapping[str, str] | None = None,
    notes: str = "",
) -> Outcome[MeetingView]:
    """`apologies`: member -> the reason they gave ("" for none)."""

    def edit(session: Session, tender: Tender) -> MeetingView:
        return service.add_meeting(
            session,
            tender,
            name_of(actor),
            held_on=held_on,
            mode=mode,
            place=place,
            chair=chair,
            attendees=attendees,
            apologies=apologies,
            notes=notes,
        )

    return one_edit(db, reference, edit, actor)


def update_meeting(
    db: Database,
    actor: Actor,
    reference: str | None,
    meeting_id: int,
    *,
    held_on: str | date,
    mode: str,
    place: str,
    chair: str | None,
    attendees: Sequence[str],
    apologies: Mapping[str, str] | None,
    notes: str,
) -> Outcome[MeetingView]:
    """The meeting as the form now gives it, whole."""

    def edit(session: Session, tender: Tender) -> MeetingView:
        return service.update_meeting(
            session,
            tender,
            name_of(actor),
            meeting_id,
            held_on=held_on,
            mode=mode,
            place=place,
            chair=chair,
            attendees=attendees,
            apologies=apologies,
            notes=notes,
        )

    return one_edit(db, reference, edit, actor)


def remove_meeting(db: Database, actor: Actor, reference: str | None, meeting_id: int) -> Outcome[None]:
    """Refused once a consensus score was agreed in it."""
    return one_edit(db, reference, lambda s, t: service.remove_meeting(s, t, name_of(actor), meeting_id), actor)


def missing_scores(db: Database, reference: str | None) -> list[MissingScore]:
    """Every evaluator's missing score of each bid and question, with why (conflict, withdrawn, absent, not scored)."""
    return look(db, reference, service.missing)
