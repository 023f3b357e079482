"""What a tender replaced: a replacing load deletes the old tender's rows but never its audit chain
(the log is append-only), and the new chain's first entry names the chain it replaced, with the
length and head that chain had then. `svdesk verify` reports each replacement (by whom, when, from
which file) back to the first tender, and checks that each kept chain is still whole.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svdesk.model import audit
from svdesk.model.entities import AuditEntry
from svdesk.model.kinds import ChangeKind

SOURCE_PREFIX = '{"source":'  # a load entry's `after` starts with its source: canonical JSON sorts the keys
HEAD_OF_AFTER = 400  # characters of a load entry's `after` read for its source (the rest is the snapshot)


@dataclass(frozen=True)
class Replacement:
    """One replaced tender: its kept chain, and the load that replaced it."""

    tender_uid: str  # the replaced tender's chain (its rows are gone; its log is kept)
    entries: int  # entries in the kept chain now
    head: str  # its head now
    chain_intact: bool  # the kept chain still checks (every link, in order)
    replaced_by: str  # the actor of the load that replaced it
    replaced_at: str  # when (ISO 8601 UTC, as the load entry records it)
    source: str  # the evaluation file loaded in its place
    problem: str = ""  # what no longer matches, if anything

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# A chain's first entry as these need it: (action, actor, at, before, the start of after).
First = tuple[str, str, str, str, str]


def first_entry(session: Session, tender_uid: str, entries: list[Any] | None = None) -> First | None:
    """A chain's first entry, from `entries` (the chain already read, as `audit.read_entries` rows)
    when given, else read alone (its `after` only as far as the source)."""
    if entries is not None:
        e = next((e for e in entries if e.seq == 1), None)
        return None if e is None else (e.action, e.actor, e.at, e.before, e.after[:HEAD_OF_AFTER])
    row = session.execute(
        select(
            AuditEntry.action,
            AuditEntry.actor,
            AuditEntry.at,
            AuditEntry.before,
            func.substr(AuditEntry.after, 1, HEAD_OF_AFTER),
        ).where(AuditEntry.tender_uid == tender_uid, AuditEntry.seq == 1)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3], row[4])


def load_source(after_start: str) -> str:
    if not after_start.startswith(SOURCE_PREFIX):
        return ""
    try:
        value, _end = json.JSONDecoder().raw_decode(after_start, len(SOURCE_PREFIX))
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def replacements(session: Session, tender_uid: str, entries: list[Any] | None = None) -> list[Replacement]:
    """The tenders this chain replaced, the most recent first, each with the load that replaced it.
    `entries`: the chain already read (`verify` has it); only a replaced chain is read then."""
    out: list[Replacement] = []
    seen = {tender_uid}
    current = tender_uid
    while True:
        first = first_entry(session, current, entries if current == tender_uid else None)
        if first is None or first[0] != ChangeKind.TENDER_LOAD:
            return out
        _action, actor, at, before_text, after_start = first
        try:
            before = json.loads(before_text)
        except ValueError:
            return out
        old = before.get("replaced_tender_uid") if isinstance(before, dict) else None
        if not isinstance(old, str) or old in seen:
            return out
        seen.add(old)
        kept = audit.read_entries(session, old)
        chain = audit.check_chain(kept)
        problem = "" if chain.ok else chain.problem
        was = (before.get("replaced_entries"), before.get("replaced_head"))
        if not kept:
            problem = "its audit chain is no longer in the log"
        elif was[0] is not None and (was[0], was[1]) != (len(kept), chain.head):
            problem = (
                f"its kept chain has changed since it was replaced (then {was[0]} entries, head {str(was[1])[:16]}...; "
                f"now {len(kept)}, head {chain.head[:16]}...)"
            )
        out.append(Replacement(old, len(kept), chain.head, chain.ok, actor, at, load_source(after_start), problem))
        current = old
