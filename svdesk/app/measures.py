"""The tender's measures: its own (frozen) copies of the catalogue measures chosen, with their proxy
values. The catalogue itself (listing, importing frameworks) is `svdesk.app.catalogue`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, Outcome, change, look, look_database, name_of
from svdesk.model.entities import Tender
from svdesk.model.services import setup as model
from svdesk.model.services.catalogue import CatalogueMeasure, measures_by_ref
from svdesk.model.services.setup_views import TenderMeasureView
from svdesk.model.services.setup_views import tender_measures as _tender_measures

__all__ = [
    "CatalogueMeasure",
    "TenderMeasureView",
    "add_measure",
    "catalogue_by_ref",
    "override_proxy",
    "remove_measure",
    "tender_measures",
]


def catalogue_by_ref(db: Database) -> dict[str, CatalogueMeasure]:
    """Ref (upper case) -> the catalogue measure a tender gets when it adds that ref (the built-in
    framework wins, then the earliest import)."""
    return look_database(db, measures_by_ref)


def tender_measures(db: Database, reference: str | None) -> list[TenderMeasureView]:
    return look(db, reference, _tender_measures)


def add_measure(
    db: Database, actor: Actor, reference: str | None, ref: str, proxy_value: float | None = None, reason: str = ""
) -> Outcome[None]:
    """Add a catalogue measure as a frozen copy; a proxy other than the catalogue's needs a reason."""

    def run(session: Session, tender: Tender) -> None:
        model.add_measure(session, tender, name_of(actor), ref, proxy_value, reason)

    return change(db, reference, run, actor=actor)


def remove_measure(db: Database, actor: Actor, reference: str | None, ref: str) -> Outcome[None]:
    """Remove a measure from the tender, and every pledge made against it."""
    return change(db, reference, lambda s, t: model.remove_measure(s, t, name_of(actor), ref), actor=actor)


def override_proxy(
    db: Database, actor: Actor, reference: str | None, ref: str, proxy_value: float, reason: str
) -> Outcome[None]:
    """Use another proxy value for this tender's copy of a measure (the reason is recorded)."""
    return change(
        db, reference, lambda s, t: model.override_proxy(s, t, name_of(actor), ref, proxy_value, reason), actor=actor
    )
