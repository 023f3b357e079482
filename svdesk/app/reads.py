"""Views of the record that more than one screen or command shows: the tender list, where a tender
stands, its results, its history, its declarations, its lock and its record version."""

from __future__ import annotations

from svdesk.app.database import Database
from svdesk.app.unit import look, look_database
from svdesk.model.services import tenders
from svdesk.model.services.record_version import RecordVersion, record_version
from svdesk.model.services.tenders import TenderSummary

__all__ = ["RecordVersion", "TenderSummary", "list_tenders", "lock_reason", "version"]


def list_tenders(db: Database) -> list[TenderSummary]:
    return look_database(db, tenders.list_tenders)


def lock_reason(db: Database, reference: str | None) -> str | None:
    """Why the tender cannot be edited now (signed, awarded), or None."""
    return look(db, reference, tenders.lock_reason)


def version(db: Database, reference: str | None) -> RecordVersion:
    """The record's version: the head of its audit chain (one indexed look-up)."""
    return look(db, reference, record_version)
