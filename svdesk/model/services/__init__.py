"""Services: the only way screens, imports and the command line change or read the record.

Each takes a Session (one unit of work from `Database.transaction()`) and, for edits, the acting
user's name; each validates, refuses edits to a locked tender, and appends to the audit log.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import OperationalError

from svdesk.model.busy import BUSY_TIMEOUT_S, busy_error, is_sqlite_busy
from svdesk.model.db import Database, open_database
from svdesk.model.services.catalogue import ensure_builtin_catalogue, has_builtin_catalogue


def open_svdesk_database(
    target: str | Path | None = None, read_only: bool = False, read_only_reason: str = ""
) -> Database:
    """Open (creating and migrating as needed) and make sure the built-in catalogue is present.

    The catalogue is looked for in a read, and written only when it is missing (a new database, or
    a new svdesk's catalogue): opening to read never waits for, nor takes, the write lock, so
    `svdesk status` works while someone else is writing."""
    db = open_database(target, read_only=read_only, read_only_reason=read_only_reason)
    if not read_only:
        with db.reader() as session:
            present = has_builtin_catalogue(session)
        if not present:
            try:
                with db.transaction() as session:
                    ensure_builtin_catalogue(session)
            except OperationalError as exc:
                db.dispose()
                if is_sqlite_busy(exc):
                    raise busy_error(db.path, db.display_name, BUSY_TIMEOUT_S) from exc
                raise
    return db
