"""Services: the only way screens, imports and the command line change or read the record.

Each takes a Session (one unit of work from `Database.transaction()`) and, for edits, the acting
user's name; each validates, refuses edits to a locked tender, and appends to the audit log.
"""

from __future__ import annotations

from pathlib import Path

from svdesk.model.db import Database, open_database
from svdesk.model.services.catalogue import ensure_builtin_catalogue


def open_svdesk_database(
    target: str | Path | None = None, read_only: bool = False, read_only_reason: str = ""
) -> Database:
    """Open (creating and migrating as needed) and make sure the built-in catalogue is present."""
    db = open_database(target, read_only=read_only, read_only_reason=read_only_reason)
    if not read_only:
        with db.transaction() as session:
            ensure_builtin_catalogue(session)
    return db
