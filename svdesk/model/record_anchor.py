"""The head of each tender's record, kept outside the database file, checked on every open.

A commit SQLite acknowledged lives in the write-ahead log (`<db>-wal`) until it is copied into
the file. Delete that log while nobody has the database open, or put an older copy of the file in
its place, and the acknowledged changes are gone while what is left still verifies: a chain cut
back is still a chain. So after every commit svdesk writes, beside the file, `<db>.heads`: each
tender's number of audit entries and its head hash, and the size and time of the file and its log.
Opening compares: a tender whose record is shorter than its anchor says, or whose entry at that
length is not the one svdesk wrote, is refused loudly, naming the tender, what it had and when,
and the newest good backup. (`svdesk verify --expect-head` is the same check against a head an
issued PDF prints; this one needs no PDF.)

Cheap: a unit of work notes the log's last row id when it begins; before it commits it reads the
heads of the tenders whose entries come after it (however they were written: one by one, or many
in one statement), an index lookup each; after the commit it replaces a small file (no fsync: an
anchor behind the file is harmless, and one ahead of it cannot happen, since it is written only
after SQLite's commit returned, which synced the log).

Written by every writer of the file (the app, its helper process, the command line); a restore
re-anchors to what it brought back (`rebase`). To carry on deliberately with a file that lost
changes, delete `<db>.heads`: the next open anchors the record as the file holds it.

Not applicable to PostgreSQL: a server database has no log file beside it that anyone could
delete, and its durability is the server's (its own WAL, archiving and `pg_dump`).
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from svdesk.model.db import Database

FORMAT = "svdesk-record-anchor/1"
SUFFIX = ".heads"


def anchor_path(database: Path) -> Path:
    return Path(f"{database}{SUFFIX}")


# --- the file ------------------------------------------------------------------------------------


def _stamp(database: Path) -> list[int]:
    """Size and modification time of the file and of its log (-1 for a log that is not there)."""
    out: list[int] = []
    for path in (database, Path(f"{database}-wal")):
        try:
            st = os.stat(path)
            out += [st.st_size, st.st_mtime_ns]
        except OSError:
            out += [-1, -1]
    return out


def read_anchor(database: Path) -> dict[str, Any] | None:
    """The anchor beside `database`, or None (none yet, or unreadable: then it is written afresh)."""
    try:
        data = json.loads(anchor_path(database).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tenders"), dict):
        return None
    return data


def _write(database: Path, data: dict[str, Any]) -> None:
    """Replace the anchor in one step (a reader sees the old one or the new one, never half)."""
    target = anchor_path(database)
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:  # a full disk or a read-only folder: the commit stands; the anchor only lags
        with suppress(OSError):
            temporary.unlink(missing_ok=True)


def unchanged_since_written(database: Path) -> bool:
    """True when the file and its log are exactly as svdesk left them when it last wrote the anchor."""
    data = read_anchor(database)
    return data is not None and data.get("file") == _stamp(database)


def note_file(database: Path) -> None:
    """Record the file's size and time as they are now (after a check, or once closed)."""
    data = read_anchor(database)
    if data is None:
        return  # written with the heads at the first commit or open
    data["file"] = _stamp(database)
    _write(database, data)


# --- heads ---------------------------------------------------------------------------------------

_HEAD = "SELECT seq, hash, at FROM audit_entry WHERE tender_uid = :uid ORDER BY seq DESC LIMIT 1"
_REFERENCE = "SELECT reference FROM tender WHERE uid = :uid"
# by row id (a range of the new rows only): left to itself SQLite would scan a whole index for DISTINCT
_TOUCHED = "SELECT DISTINCT tender_uid FROM audit_entry NOT INDEXED WHERE id > :since"


def _head(conn: Connection, uid: str) -> tuple[int, str, str] | None:
    row = conn.execute(text(_HEAD), {"uid": uid}).first()
    return (int(row[0]), str(row[1]), str(row[2])) if row else None


def _entry(uid: str, reference: str, head: tuple[int, str, str]) -> dict[str, Any]:
    return {"reference": reference, "entries": head[0], "head": head[1], "at": head[2]}


def mark(session: Session) -> int:
    """At the start of a unit of work: the log's last row id, so that at its end the entries it
    appended are found however they were written (one by one, or many in one statement)."""
    return int(session.execute(text("SELECT coalesce(max(id), 0) FROM audit_entry")).scalar() or 0)


def heads_before_commit(session: Session, since: int) -> dict[str, dict[str, Any]] | None:
    """In the unit of work, just before it commits: the heads of the tenders it appended to (the
    entries after row `since`)."""
    session.flush()
    conn = session.connection()
    touched = [str(u) for (u,) in conn.execute(text(_TOUCHED), {"since": since})]
    out = {}
    for uid in touched:
        head = _head(conn, uid)
        if head is not None:
            reference = conn.execute(text(_REFERENCE), {"uid": uid}).scalar() or ""
            out[uid] = _entry(uid, str(reference), head)
    return out or None


def after_commit(database: Path, heads: dict[str, dict[str, Any]]) -> None:
    """The commit returned: the anchor takes these tenders' heads, and the file's stamp now."""
    data = read_anchor(database) or {"format": FORMAT, "database": database.name, "tenders": {}}
    for uid, head in heads.items():
        if not head["reference"]:  # a chain whose tender row went (replaced): keep the name it had
            head["reference"] = data["tenders"].get(uid, {}).get("reference", "")
        data["tenders"][uid] = head
    data["file"] = _stamp(database)
    _write(database, data)


def _all_heads(conn: Connection) -> dict[str, dict[str, Any]]:
    from sqlalchemy import inspect

    if "audit_entry" not in inspect(conn).get_table_names():
        return {}
    out = {}
    names: dict[str, str] = {str(u): str(r) for u, r in conn.execute(text("SELECT uid, reference FROM tender"))}
    chains = [str(uid) for (uid,) in conn.execute(text("SELECT DISTINCT tender_uid FROM audit_entry"))]
    for uid in chains:
        head = _head(conn, uid)
        if head is not None:
            out[uid] = _entry(uid, names.get(uid, ""), head)
    return out


def forget(database: Path) -> None:
    """Carry on deliberately with a file that lost changes: its anchor goes, and the next open
    anchors the record as the file holds it."""
    anchor_path(database).unlink(missing_ok=True)


def rebase(db: Database) -> None:
    """Anchor the record as the file holds it now (a new anchor, or after a restore)."""
    if db.path is None or db.read_only:
        return
    with db.engine.connect() as conn:
        heads = _all_heads(conn)
    data = {"format": FORMAT, "database": db.path.name, "tenders": heads, "file": _stamp(db.path)}
    _write(db.path, data)


# --- the check on open ---------------------------------------------------------------------------


def _when(at: str) -> str:
    try:
        return datetime.fromisoformat(at).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return at or "an unknown time"


def losses(db: Database) -> list[tuple[str, int, str]]:
    """(tender uid, entries the file holds, what was lost) for each anchored tender the file no
    longer holds whole."""
    if db.path is None:
        return []
    data = read_anchor(db.path)
    if data is None or not data["tenders"]:
        return []
    from sqlalchemy import inspect

    out = []
    with db.engine.connect() as conn:
        has_log = "audit_entry" in inspect(conn).get_table_names()
        for uid, anchored in sorted(data["tenders"].items()):
            try:
                entries, head, at = int(anchored["entries"]), str(anchored["head"]), str(anchored.get("at", ""))
            except (KeyError, TypeError, ValueError):
                continue
            name = anchored.get("reference") or f"chain {uid}"
            row = (
                conn.execute(
                    text("SELECT hash FROM audit_entry WHERE tender_uid = :uid AND seq = :seq"),
                    {"uid": uid, "seq": entries},
                ).first()
                if has_log
                else None
            )
            if row is not None and row[0] == head:
                continue
            now = _head(conn, uid) if has_log else None
            held = now[0] if now else 0
            if row is None:
                holds = f"{held:,}" if held else "none of them"
                said = (
                    f"the record of tender {name} had {entries:,} {'entry' if entries == 1 else 'entries'} at "
                    f"{_when(at)}; the database holds "
                    f"{holds}: changes svdesk saved were lost"
                )
            else:
                said = (
                    f"the record of tender {name}: its entry {entries:,}, saved at {_when(at)}, is no longer the "
                    "one svdesk wrote (its record was replaced by another)"
                )
            out.append((uid, held, said))
    return out


def check(db: Database) -> None:
    """Refuse a file that lost what svdesk committed to it (see the module's docstring)."""
    found = losses(db)
    if not found:
        return
    from svdesk.model.file_health import RecordLostError, newest_good_backup, restore_advice

    assert db.path is not None
    uid, held, _said = found[0]
    good = newest_good_backup(db, uid)
    advice = restore_advice(db, good, otherwise="Keep a copy of the file as it is before you do anything else.")
    if good is not None and good.entries is not None and good.entries <= held:
        advice += (
            " (it holds no more of that record than the file does: restoring it would not bring the lost changes back)"
        )
    said = "; ".join(what for _uid, _held, what in found)
    raise RecordLostError(
        f"{db.path}: {said} (was its write-ahead log {db.path.name}-wal deleted, or the file replaced by an older "
        f"copy?). {advice.rstrip('.')}. To carry on with the record as the file now holds it instead, delete "
        f"{anchor_path(db.path)}.",
        db.path,
        good.path if good else None,
        held=held,
        backup_entries=good.entries if good else None,
    )
