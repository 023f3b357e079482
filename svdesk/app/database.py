"""Opening a database, and what is done to a database as a whole (backups, restore)."""

from __future__ import annotations

from pathlib import Path

from svdesk.model.db import Database, database_url
from svdesk.model.services import open_svdesk_database

__all__ = ["Database", "database_url", "open_database"]


def open_database(target: str | Path | None = None, read_only: bool = False, read_only_reason: str = "") -> Database:
    """Open (creating and migrating as needed) with the built-in catalogue present."""
    return open_svdesk_database(target, read_only=read_only, read_only_reason=read_only_reason)
