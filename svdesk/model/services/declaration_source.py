"""Where a tender's declarations of interest were recorded: in svdesk, or outside it.

svdesk records a declaration through its conflict gate (a member declares for every bidder before
any bid is shown to them, and a conflict keeps the bid from them): each is a `declaration.set`
entry of the tender's audit log. A tender loaded from an evaluation file holds the file's
declarations in its load snapshot only: svdesk never saw them being made, so it cannot say when
they were made or that they came before any bid was seen. Derived from the log, so no column
records it and a tender loaded before this module existed is described the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import record_shape as shape
from svdesk.model.entities import AuditEntry, Tender
from svdesk.model.kinds import ChangeKind
from svdesk.model.services.replacements import first_entry, load_source

OUTSIDE_SVDESK = "recorded outside svdesk"


@dataclass(frozen=True)
class DeclarationSource:
    loaded: bool  # the tender was loaded from an evaluation file (its declarations came with it)
    loaded_from: str  # the file's name as the load recorded it ("" if unknown)
    loaded_at: str  # when it was loaded (ISO 8601 UTC)
    in_svdesk: frozenset[tuple[int, int]]  # (member id, bidder id) of the declarations svdesk recorded

    def outside(self, member_id: int, bidder_id: int) -> bool:
        """True when the declaration (if any) of this member about this bidder came with the file."""
        return self.loaded and (member_id, bidder_id) not in self.in_svdesk


def declaration_source(session: Session, tender: Tender, entries: list[Any] | None = None) -> DeclarationSource:
    """`entries`: the tender's log already read (`audit.read_entries`), else the entries needed are
    read (the first, and the keys of the declarations recorded, from the keys' index)."""
    first = first_entry(session, tender.uid, entries)
    loaded = first is not None and first[0] == ChangeKind.TENDER_LOAD
    prefix = f"{shape.DECLARATION.name}/"
    declared = ChangeKind.DECLARATION_SET.value
    if entries is not None:
        entities: Iterable[str] = {e.entity for e in entries if e.action == declared and e.entity.startswith(prefix)}
    else:
        entities = session.scalars(
            select(AuditEntry.entity)
            .where(
                AuditEntry.tender_uid == tender.uid,
                AuditEntry.entity.startswith(prefix, autoescape=True),
                AuditEntry.action == declared,
            )
            .distinct()
        ).all()
    recorded = set()
    for entity in entities:
        parts = entity.split("/")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            recorded.add((int(parts[1]), int(parts[2])))
    if first is None or not loaded:
        return DeclarationSource(False, "", "", frozenset(recorded))
    return DeclarationSource(True, load_source(first[4]), first[2], frozenset(recorded))
