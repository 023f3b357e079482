"""The award stage after the decision (`signoff.award` records the decision itself): the day the
assessment summaries were sent, the day the contract award notice was published (the standstill,
Procurement Act 2023 s.51, is computed from it), and the day the contract was entered into. Each
is the procurement officer's once the record is signed (`award_stage.require_officer_step`)."""

from __future__ import annotations

from datetime import date

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look, name_of
from svdesk.model.services import award_stage, results
from svdesk.model.services.award_stage import AwardView
from svdesk.model.standstill import NonWorkingDay, Standstill, standstill

__all__ = [
    "AwardView",
    "NonWorkingDay",
    "Standstill",
    "award_view",
    "contract_entered",
    "notice_published",
    "recommendation",
    "standstill",
    "summaries_sent",
]


def award_view(db: Database, reference: str | None) -> AwardView:
    return look(db, reference, award_stage.award_view)


def recommendation(db: Database, reference: str | None) -> str:
    """The bid the evaluation ranks first, which an award decision approves ("" when none, or a tie)."""
    return look(db, reference, results.winner)


def summaries_sent(db: Database, actor: Actor, reference: str | None, on: str | date) -> Outcome[AwardView]:
    return change(db, reference, lambda s, t: award_stage.summaries_sent(s, t, name_of(actor), on), actor=actor)


def notice_published(db: Database, actor: Actor, reference: str | None, on: str | date) -> Outcome[AwardView]:
    return change(db, reference, lambda s, t: award_stage.notice_published(s, t, name_of(actor), on), actor=actor)


def contract_entered(db: Database, actor: Actor, reference: str | None, on: str | date) -> Outcome[AwardView]:
    return change(db, reference, lambda s, t: award_stage.contract_entered(s, t, name_of(actor), on), actor=actor)
