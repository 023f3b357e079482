"""The rationale check for the screens and the command line (issue 16 item 2): the flagged rationales
of a tender, overriding a flag with a reason (audited, one transaction), and the check of a text as
it is written.

`writing` reads, once, what the check needs to look at one writer's rationales (the consensus, or
one member's); `check_text` then runs on each keystroke's pause without touching the database.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look, name_of
from svdesk.model.entities import Tender
from svdesk.model.rationale import CODE_LABELS, CODES, Flag, words_needed
from svdesk.model.services import rationale_check
from svdesk.model.services.rationale_check import CONSENSUS, FlaggedRationale, Override, Writing

__all__ = [
    "CODES",
    "CODE_LABELS",
    "CONSENSUS",
    "Flag",
    "FlaggedRationale",
    "Override",
    "Writing",
    "check_text",
    "flags",
    "override",
    "remove_override",
    "words_needed",
    "writing",
]


def flags(db: Database, reference: str | None, *, members: bool = True) -> list[FlaggedRationale]:
    """Every flagged rationale, with the overrides in force; `members` False: the consensus only."""
    return look(db, reference, lambda s, t: rationale_check.flags(s, t, members=members))


def writing(db: Database, reference: str | None, member: str | None = None) -> Writing:
    """What checking `member`'s rationales needs (None: the consensus), read once per screen."""
    return look(db, reference, lambda s, t: rationale_check.writing(s, t, member))


def check_text(writing: Writing, bidder: str, question: str, text: str, score: float | None) -> list[Flag]:
    """The flags on `text` as written now for (bidder, question): pure, instant."""
    return writing.check(bidder, question, text, score)


def override(
    db: Database,
    actor: Actor,
    reference: str | None,
    bidder: str,
    question: str,
    member_or_consensus: str,
    code: str,
    reason: str,
) -> Outcome[FlaggedRationale]:
    """Set one flag aside with the reason (`member_or_consensus`: a member's name, or CONSENSUS)."""

    def edit(session: Session, tender: Tender) -> FlaggedRationale:
        return rationale_check.override(
            session, tender, name_of(actor), bidder, question, member_or_consensus, code, reason
        )

    return change(db, reference, edit, actor=actor)


def remove_override(
    db: Database,
    actor: Actor,
    reference: str | None,
    bidder: str,
    question: str,
    member_or_consensus: str,
    code: str,
    reason: str = "",
) -> Outcome[None]:
    def edit(session: Session, tender: Tender) -> None:
        rationale_check.remove_override(
            session, tender, name_of(actor), bidder, question, member_or_consensus, code, reason
        )

    return change(db, reference, edit, actor=actor)
