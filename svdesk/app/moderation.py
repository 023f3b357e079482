"""Moderation: the grid of bids x questions with every member's scores, the panel's consensus
scores, and the reconciliation of the members' views of the pledges.

The grid is read in parts because a framework's has 8,000 cells and 80,000 scores: the grid without
the members' marks (`grid_view`), the marks of the rows about to be shown (`load_marks`), one cell
after a consensus is saved (`set_consensus` returns it), and only the consensus column when that is
all that changed since the grid was read (`refresh_consensus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.meetings import one_edit
from svdesk.app.status import Status, TenderStatus, status_of
from svdesk.app.unit import Actor, Outcome, change, look, look_versioned, name_of
from svdesk.model.entities import Tender
from svdesk.model.errors import SvdeskError
from svdesk.model.services import meetings, panel_views, pledge_reviews, tenders
from svdesk.model.services.panel_views import CellDetail, GridCell, MemberScore, ModerationGrid, ScaleView
from svdesk.model.services.pledge_reviews import PledgeReconciliation
from svdesk.model.services.record_version import RecordVersion
from svdesk.model.services.tenders import SaveResult

__all__ = [
    "CellDetail",
    "GridCell",
    "GridView",
    "MemberScore",
    "ModerationGrid",
    "PledgeReconciliation",
    "ScaleView",
    "Status",
    "TenderStatus",
    "adjust_pledge",
    "cell_detail",
    "default_threshold",
    "grid_view",
    "load_marks",
    "pledges_to_reconcile",
    "refresh_consensus",
    "set_consensus",
]

default_threshold = panel_views.default_spread_threshold


@dataclass(frozen=True)
class GridView:
    status: Status
    editable: bool  # moderation is open, the tender unlocked, the database writable
    scale_max: float
    scale_step: float
    grid: ModerationGrid | None  # None when it cannot be shown (`refused` says why)
    refused: str | None = None  # e.g. scoring is still blind


def grid_view(db: Database, reference: str | None, threshold: float | None = None) -> GridView:
    """The grid without the members' marks (each cell's count, spread and consensus are there; the
    marks are read for the rows shown, `load_marks`). `threshold`: the spread that flags a cell
    (None: two fifths of the scale)."""

    def read(session: Session, tender: Tender) -> GridView:
        status = status_of(db, session, tender)
        try:
            grid = panel_views.moderation_grid(session, tender, threshold, marks=False)
        except SvdeskError as exc:  # not yet in moderation: the screen says why
            return GridView(status, False, tender.scale_max, tender.scale_step, None, str(exc))
        return GridView(status, status.open_for(TenderStatus.MODERATION), tender.scale_max, tender.scale_step, grid)

    return look(db, reference, read)


def load_marks(db: Database, reference: str | None, grid: ModerationGrid, bidders: list[str]) -> None:
    """Read the members' scores of these bids' cells into `grid`."""
    look(db, reference, lambda s, t: panel_views.load_marks(s, t, grid, bidders))


def refresh_consensus(db: Database, reference: str | None, grid: ModerationGrid, since: RecordVersion) -> Status | None:
    """Bring `grid`, read at `since`, up to the record by re-reading its consensus scores alone, when
    nothing else it shows changed since (another member saved consensus scores, a pledge was
    adjusted or reviewed, someone signed). The tender's status then; None, and `grid` as it was,
    when the grid must be read whole."""

    def read(session: Session, tender: Tender) -> Status | None:
        if not panel_views.refresh_consensus(session, tender, grid, since):
            return None
        return status_of(db, session, tender)

    return look(db, reference, read)


def cell_detail(db: Database, reference: str | None, bidder: str, question: str) -> CellDetail:
    """Every member's score and rationale for one cell, and the consensus so far."""
    return look(db, reference, lambda s, t: panel_views.cell_detail(s, t, bidder, question))


def set_consensus(
    db: Database,
    actor: Actor,
    reference: str | None,
    bidder: str,
    question: str,
    score: float,
    rationale: str,
    expected_version: int | None = None,
    meeting: int | None = None,
) -> Outcome[GridCell]:
    """The panel's consensus score and rationale; the cell as it is now (the grid is not read again).

    Saved even when the rationale compares bids (the outcome warns of it). `expected_version` is the
    consensus's version the panel was shown (0: none yet): one saved by someone else since is not
    overwritten (StaleEditError). `meeting`: the id of the meeting it is agreed in (`app.meetings`;
    None: in none)."""

    def edit(session: Session, tender: Tender) -> SaveResult:
        saved = meetings.set_moderated_in(
            session, tender, name_of(actor), meeting, bidder, question, score, rationale, expected_version
        )
        return SaveResult(panel_views.grid_cell(session, tender, bidder, question), saved.warnings)

    # agreed in a meeting, the consensus and its meeting are two entries of one edit
    return cast("Outcome[GridCell]", one_edit(db, reference, edit, actor))  # `change` unwraps the SaveResult


def pledges_to_reconcile(db: Database, reference: str | None) -> tuple[list[PledgeReconciliation], RecordVersion]:
    """Every pledge with each member's view and the accepted quantity now, and the record's version."""
    return look_versioned(db, reference, pledge_reviews.pledges_to_reconcile)


def adjust_pledge(
    db: Database, actor: Actor, reference: str | None, bidder: str, ref: str, accepted: float | None, reason: str
) -> Outcome[None]:
    """The panel's accepted quantity of a pledge (None: as pledged; 0: rejected), with its reason."""
    return change(
        db,
        reference,
        lambda s, t: _none(tenders.adjust_pledge(s, t, name_of(actor), bidder, ref, accepted, reason)),
        actor=actor,
    )


def _none(_result: object) -> None:
    return None
