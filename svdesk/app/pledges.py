"""Bids and pledges: bidders and their prices, what each pledged against each measure, the panel's
adjustment of a pledge, the pledge grid, and the import of a bidder's pledge sheet.

A pledge sheet is imported in three steps, the same for the screens, the command line and the tests:
`read_sheet` (parsed in a sandboxed child process, before any database is touched),
`preview_pledge_import` (the plan: what would be written, row by row; nothing is written; a dry run
stops here) and `apply_pledge_import` (a backup first, then one transaction). `import_pledge_sheet`
runs the three in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look, look_versioned, name_of
from svdesk.model.entities import Tender
from svdesk.model.errors import StaleEditError, ValidationError
from svdesk.model.kinds import ImportStatus
from svdesk.model.pledge_sheet import PledgeSheet, read_pledge_sheet
from svdesk.model.services import setup as model
from svdesk.model.services import tenders
from svdesk.model.services.locked_record import require_open
from svdesk.model.services.pledges import ImportRow, PledgeImportPlan, apply_import, plan_import
from svdesk.model.services.record_version import RecordVersion
from svdesk.model.services.setup_views import PledgeCell, PledgeGrid
from svdesk.model.services.setup_views import pledge_grid as _pledge_grid

__all__ = [
    "ImportRow",
    "ImportStatus",
    "PledgeCell",
    "PledgeGrid",
    "PledgeImport",
    "PledgeImportPlan",
    "PledgeSheet",
    "add_bidder",
    "adjust_pledge",
    "apply_pledge_import",
    "import_pledge_sheet",
    "pledge_grid",
    "pledge_grid_versioned",
    "preview_pledge_import",
    "read_sheet",
    "set_pledge",
    "update_bidder",
]

BACKUP_LABEL = "pre-import"


# --- bidders, prices and pledges ---------------------------------------------------------------------


def add_bidder(db: Database, actor: Actor, reference: str | None, name: str, price: float) -> Outcome[None]:
    def run(session: Session, tender: Tender) -> None:
        model.add_bidder(session, tender, name_of(actor), name, price)

    return change(db, reference, run, actor=actor)


def update_bidder(
    db: Database,
    actor: Actor,
    reference: str | None,
    name: str,
    *,
    new_name: str | None = None,
    price: float | None = None,
) -> Outcome[None]:
    """Rename a bidder or change its price."""

    def run(session: Session, tender: Tender) -> None:
        model.update_bidder(session, tender, name_of(actor), name, new_name=new_name, price=price)

    return change(db, reference, run, actor=actor)


def set_pledge(
    db: Database, actor: Actor, reference: str | None, bidder: str, ref: str, quantity: float | None
) -> Outcome[None]:
    """A bidder's pledged quantity against a measure (None removes the pledge); a changed quantity
    clears the panel's adjustment of it."""
    return change(
        db, reference, lambda s, t: model.set_pledge(s, t, name_of(actor), bidder, ref, quantity), actor=actor
    )


def adjust_pledge(
    db: Database, actor: Actor, reference: str | None, bidder: str, ref: str, accepted: float | None, reason: str
) -> Outcome[None]:
    """Accept (None), reduce or reject (0) a pledge, with the reason on record."""

    def run(session: Session, tender: Tender) -> None:
        tenders.adjust_pledge(
            session, tender, name_of(actor), bidder, ref, accepted, reason
        )  # its row stays in the model

    return change(db, reference, run, actor=actor)


def pledge_grid(db: Database, reference: str | None) -> PledgeGrid:
    """Measures by bidders: every pledge, with its £ and the panel's adjustment, and each bid's totals."""
    return look(db, reference, _pledge_grid)


def pledge_grid_versioned(db: Database, reference: str | None) -> tuple[PledgeGrid, RecordVersion]:
    """The grid and the record version it was read at."""
    return look_versioned(db, reference, _pledge_grid)


# --- importing a pledge sheet -------------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeImport:
    """A sheet planned against a tender: the preview shown before anything is written."""

    sheet: PledgeSheet
    plan: PledgeImportPlan
    add_measures: bool = False


def read_sheet(path: Path) -> PledgeSheet:
    """Parse a pledge sheet in a sandboxed child process (limited in time and memory)."""
    return read_pledge_sheet(path)


def _plan(session: Session, tender: Tender, bidder: str, sheet: PledgeSheet, add_measures: bool) -> PledgeImportPlan:
    plan = plan_import(session, tender, bidder, sheet, add_measures)
    if not sheet.rows:  # importing it would remove every pledge the bidder made
        raise ValidationError("the sheet has a header row but no pledge rows under it", source=sheet.path)
    return plan


def preview_pledge_import(
    db: Database, reference: str | None, bidder: str, sheet: PledgeSheet, add_measures: bool = False
) -> PledgeImport:
    """What importing `sheet` as `bidder`'s whole pledge would write, row by row. Writes nothing.

    With `add_measures`, refs the tender does not have are added with the sheet's proxy and units."""
    plan = look(db, reference, lambda s, t: _plan(s, t, bidder, sheet, add_measures))
    return PledgeImport(sheet, plan, add_measures)


def apply_pledge_import(
    db: Database, actor: Actor, reference: str | None, preview: PledgeImport
) -> Outcome[PledgeImportPlan]:
    """Write a previewed import: a backup first, then one transaction in which the sheet becomes the
    bidder's whole pledge. Refused, with nothing written, if the tender changed since the preview,
    and (before the backup) while it has signatures in force."""
    look(db, reference, lambda s, t: require_open(s, t, f"Importing a pledge sheet into tender {t.reference}"))

    def run(session: Session, tender: Tender) -> PledgeImportPlan:
        plan = _plan(session, tender, preview.plan.bidder, preview.sheet, preview.add_measures)
        if plan != preview.plan:
            raise StaleEditError(
                f"{tender.reference} changed since {Path(plan.file).name} was previewed; nothing was imported. "
                "Import the sheet again to see what it would write now."
            )
        apply_import(session, tender, plan, name_of(actor), preview.sheet)
        return plan

    return change(db, reference, run, backup=BACKUP_LABEL, actor=actor)


def import_pledge_sheet(
    db: Database,
    actor: Actor,
    reference: str | None,
    bidder: str,
    sheet: PledgeSheet,
    *,
    add_measures: bool = False,
    dry_run: bool = False,
) -> Outcome[PledgeImportPlan]:
    """Preview, then (unless `dry_run`) apply: the command line's import, with no one to confirm."""
    preview = preview_pledge_import(db, reference, bidder, sheet, add_measures)
    if dry_run:
        return Outcome(preview.plan)
    return apply_pledge_import(db, actor, reference, preview)
