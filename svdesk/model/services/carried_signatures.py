"""Where a loaded tender came from, and the signatures it carried from another database.

A load writes its whole record as the chain's first entry (`tender.load`); the entry's `after`
also says what kind of file it was: `source_format` (the file's format), `source_signed` (true only
when the file carried signatures and every one of them verified as the load wrote it: fingerprint,
key and seal) and, for a version-2 file, `source_record` (the source database's chain: its tender
uid, head and length). Canonical JSON sorts the keys, so these come after "source" and before
"state": the entry still starts with its source (`replacements.load_source`, `history`).

A version-1 file carries no keys and no signatures, and a load written before these marks existed
was of a version-1 file: both read as "loaded from an unsigned evaluation file (version 1)". The
reports and `verify` say so, the way `declaration_source` says a file's declarations were recorded
outside svdesk: they never claim a signature svdesk did not verify.

A carried signature's audit head is an entry of the source database's chain, not of this one;
`verify` accepts it only when this tender's load snapshot holds that very signature and says the
file's signatures were verified (`carried_signatures`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svdesk.model import record_shape as shape
from svdesk.model.entities import AuditEntry, Tender
from svdesk.model.kinds import ChangeKind

FORMAT_KEY, SIGNED_KEY, RECORD_KEY = "source_format", "source_signed", "source_record"
LEGACY_FORMAT = "svdesk-evaluation/1"  # a load entry without the marks was of a version-1 file
UNSIGNED_V1 = "loaded from an unsigned evaluation file (version 1)"
HEAD_READ = 4096  # characters of a load entry's `after` read for its marks (the rest is the snapshot)


def snapshot_marks(file_format: str, signed: bool, record: dict[str, Any] | None) -> dict[str, Any]:
    """The members of a load entry's `after` that say what was loaded (beside "source" and "state")."""
    marks: dict[str, Any] = {FORMAT_KEY: file_format, SIGNED_KEY: signed}
    if record is not None:
        marks[RECORD_KEY] = record
    return marks


@dataclass(frozen=True)
class LoadedFrom:
    """How a tender loaded from an evaluation file came in."""

    file: str  # the file's name as the load recorded it
    format: str  # "svdesk-evaluation/1" or "svdesk-evaluation/2"
    signed: bool  # the file carried signatures, each verified when it was loaded
    loaded_at: str
    loaded_by: str
    source_record: dict[str, Any] | None  # the source database's chain (version 2), if the file said

    @property
    def version(self) -> int:
        tail = self.format.rpartition("/")[2]
        return int(tail) if tail.isdigit() else 1

    @property
    def said(self) -> str:
        if self.version < 2:
            return UNSIGNED_V1
        if self.signed:
            return (
                f"loaded from a signed evaluation file (version {self.version}): its signatures were verified "
                "when it was loaded, and are carried from the database they were made in"
            )
        return f"loaded from an evaluation file (version {self.version}) that carries no signatures"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "version": self.version, "said": self.said}


def _members_before_state(text: str) -> dict[str, Any]:
    """The members of a canonical-JSON object that precede its "state" (read in place, not all of it)."""
    out: dict[str, Any] = {}
    decoder = json.JSONDecoder()
    if not text.startswith("{"):
        return out
    at = 1
    while True:
        try:
            key, at = decoder.raw_decode(text, at)
        except ValueError:
            return out
        if not isinstance(key, str) or key == "state" or text[at : at + 1] != ":":
            return out
        try:
            value, at = decoder.raw_decode(text, at + 1)
        except ValueError:
            return out
        out[key] = value
        if text[at : at + 1] != ",":
            return out
        at += 1


def _first(session: Session, tender: Tender, entries: list[Any] | None) -> tuple[str, str, str, str] | None:
    """(action, actor, at, the start of after) of the chain's first entry."""
    if entries is not None:
        e = next((e for e in entries if e.seq == 1), None)
        return None if e is None else (e.action, e.actor, e.at, e.after[:HEAD_READ])
    row = session.execute(
        select(AuditEntry.action, AuditEntry.actor, AuditEntry.at, func.substr(AuditEntry.after, 1, HEAD_READ)).where(
            AuditEntry.tender_uid == tender.uid, AuditEntry.seq == 1
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


def loaded_from(session: Session, tender: Tender, entries: list[Any] | None = None) -> LoadedFrom | None:
    """How the tender was loaded, or None when it was not loaded from a file (it was created here).
    `entries`: the tender's log already read (`audit.read_entries`), else its first entry is read."""
    first = _first(session, tender, entries)
    if first is None or first[0] != ChangeKind.TENDER_LOAD:
        return None
    _action, actor, at, after = first
    marks = _members_before_state(after)
    source = marks.get("source")
    file_format = marks.get(FORMAT_KEY)
    record = marks.get(RECORD_KEY)
    return LoadedFrom(
        file=source if isinstance(source, str) else "",
        format=file_format if isinstance(file_format, str) else LEGACY_FORMAT,
        signed=marks.get(SIGNED_KEY) is True,
        loaded_at=at,
        loaded_by=actor,
        source_record=record if isinstance(record, dict) else None,
    )


def carried_signatures(entries: list[Any]) -> dict[int, dict[str, Any]]:
    """Signature id -> its value in the load snapshot, when the chain starts with the load of a file
    whose signatures were verified (`source_signed`); else nothing. Decodes the whole snapshot:
    `verify` asks only when a signature's audit head is not in this chain."""
    first = next((e for e in entries if e.seq == 1), None)
    if first is None or first.action != ChangeKind.TENDER_LOAD:
        return {}
    if _members_before_state(first.after[:HEAD_READ]).get(SIGNED_KEY) is not True:
        return {}
    try:
        snapshot = json.loads(first.after)
    except ValueError:
        return {}
    held = snapshot.get("state") if isinstance(snapshot, dict) else None
    if not isinstance(held, dict):
        return {}
    prefix = f"{shape.SIGNATURE.name}/"
    out: dict[int, dict[str, Any]] = {}
    for key, value in held.items():
        ident = key[len(prefix) :]
        if key.startswith(prefix) and ident.isdigit() and isinstance(value, dict):
            out[int(ident)] = value
    return out
