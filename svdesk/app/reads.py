"""Views of the record that more than one screen or command shows: the tender list, where a tender
stands (heading, stages, results, lock), its history, its declarations and its record version."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import look, look_database
from svdesk.model.entities import Tender
from svdesk.model.kinds import TenderStatus
from svdesk.model.scoring import BidderResult, Results
from svdesk.model.services import tenders, workflow
from svdesk.model.services.history import HistoryRow, history_size, tender_history
from svdesk.model.services.overview import STAGES, Stage, accepted_value_by_theme, tender_overview
from svdesk.model.services.record_version import RecordVersion, record_version
from svdesk.model.services.results import results_document, tender_results
from svdesk.model.services.tenders import TenderSummary
from svdesk.model.services.workflow import DeclarationView

__all__ = [
    "STAGES",
    "BidderResult",
    "DeclarationView",
    "HistoryPage",
    "HistoryRow",
    "RecordVersion",
    "Results",
    "Stage",
    "TenderChoices",
    "TenderSummary",
    "TenderStanding",
    "TenderStatus",
    "declarations",
    "history",
    "list_tenders",
    "lock_reason",
    "results",
    "results_json",
    "standing",
    "tender_choices",
    "version",
]


def list_tenders(db: Database) -> list[TenderSummary]:
    return look_database(db, tenders.list_tenders)


def lock_reason(db: Database, reference: str | None) -> str | None:
    """Why the tender cannot be edited now (signed, awarded), or None."""
    return look(db, reference, tenders.lock_reason)


def version(db: Database, reference: str | None) -> RecordVersion:
    """The record's version: the head of its audit chain (one indexed look-up)."""
    return look(db, reference, record_version)


@dataclass(frozen=True)
class TenderStanding:
    """Where a tender stands, as the window's heading, stages, results and lock banner show it."""

    version: RecordVersion
    reference: str
    title: str
    status: str
    contract_value: float
    weights: tuple[float, float, float, float]  # price, quality, social value, % of it on pledged value
    stages: list[Stage]
    results: Results
    themes: list[str]
    accepted_by_theme: dict[str, dict[str, float]]
    locked: str | None


def standing(db: Database, reference: str | None, since: RecordVersion | None = None) -> TenderStanding | None:
    """The tender's standing; None when the record is still at `since` (nothing to show anew)."""

    def read(session: Session, tender: Tender) -> TenderStanding | None:
        at = record_version(session, tender)
        if at == since:
            return None
        overview = tender_overview(session, tender)
        themes, by_bidder = accepted_value_by_theme(session, tender)
        return TenderStanding(
            version=at,
            reference=overview.reference,
            title=overview.title,
            status=overview.status,
            contract_value=overview.contract_value,
            weights=(
                tender.weight_price,
                tender.weight_quality,
                tender.weight_social_value,
                tender.sv_quantitative_share,
            ),
            stages=overview.stages,
            results=tender_results(session, tender),
            themes=themes,
            accepted_by_theme=by_bidder,
            locked=tenders.lock_reason(session, tender),
        )

    return look(db, reference, read)


def results(db: Database, reference: str | None) -> Results:
    return look(db, reference, tender_results)


def results_json(db: Database, reference: str | None) -> dict[str, object]:
    """The ranking as the command line's `results --json` prints it."""
    return look(db, reference, results_document)


@dataclass(frozen=True)
class TenderChoices:
    bidders: list[str]
    questions: list[str]


def tender_choices(db: Database, reference: str | None) -> TenderChoices:
    """The tender's bidders and question codes, for filters."""
    return look(
        db,
        reference,
        lambda s, t: TenderChoices(tenders.bidder_names(s, t), tenders.question_codes(s, t)),
    )


def declarations(db: Database, reference: str | None, member: str | None = None) -> list[DeclarationView]:
    """Every member × bid declaration (made or not), or only one member's."""
    return look(db, reference, lambda s, t: workflow.declarations(s, t, member))


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    total: int  # changes in the whole history (more than `rows` when only the newest are listed)


def history(
    db: Database,
    reference: str | None,
    bidder: str | None = None,
    question: str | None = None,
    member: str | None = None,
    newest: int | None = None,
) -> HistoryPage:
    """The record's changes, newest first: one bid's or question's whole, or the newest `newest`."""

    def read(session: Session, tender: Tender) -> HistoryPage:
        rows = tender_history(session, tender, bidder, question, member=member, newest=newest)
        total = history_size(session, tender) if newest is not None and len(rows) == newest else len(rows)
        return HistoryPage(rows, total)

    return look(db, reference, read)
