"""The audit log as a person reads it: who changed what, when, from what to what, and why."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from svdesk.model import state
from svdesk.model.entities import AuditEntry, Bidder, Meeting, PanelMember, Question, Tender, TenderMeasure
from svdesk.model.kinds import change_label
from svdesk.model.rows import bulk_work, plain_rows


@dataclass(frozen=True)
class HistoryRow:
    seq: int
    at: str
    actor: str
    action: str
    what: str
    before: str
    after: str
    reason: str


def _names(session: Session, tender: Tender) -> dict[str, dict[str, str]]:
    tid = tender.id
    return {
        "bidder": {
            str(i): n for i, n in session.execute(select(Bidder.id, Bidder.name).where(Bidder.tender_id == tid))
        },
        "question": {
            str(i): c for i, c in session.execute(select(Question.id, Question.code).where(Question.tender_id == tid))
        },
        "member": {
            str(i): n
            for i, n in session.execute(select(PanelMember.id, PanelMember.name).where(PanelMember.tender_id == tid))
        },
        "measure": {
            str(i): r
            for i, r in session.execute(
                select(TenderMeasure.id, TenderMeasure.ref).where(TenderMeasure.tender_id == tid)
            )
        },
        "meeting": {
            str(i): _meeting_label(day, mode, place)
            for i, day, mode, place in session.execute(
                select(Meeting.id, Meeting.held_on, Meeting.mode, Meeting.place).where(Meeting.tender_id == tid)
            )
        },
    }


def _meeting_label(day: str, mode: str, place: str) -> str:
    """ "the meeting of 2026-11-18 (Committee Room 2)": a consensus's meeting as the history shows it."""
    where = place or ("by call" if mode == "call" else "")
    return f"the meeting of {day}" + (f" ({where})" if where else "")


PREVIEW = 64 * 1024  # more than any single change; only whole-evaluation snapshots are longer


def _snapshot(text: str) -> str:
    """A whole-evaluation snapshot described from its first characters, not parsed whole.

    A framework's snapshot is 18 MB of JSON; reading it all to say "whole evaluation" took a second.
    Canonical JSON sorts its keys, so "source" (when there is one) comes first.
    """
    prefix = '{"source":'
    if text.startswith(prefix):
        source, _end = json.JSONDecoder().raw_decode(text, len(prefix))
        if source:
            return f"whole evaluation from {source}"
    return "whole evaluation"


def _describe(value: Any, meetings: Mapping[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        if set(value) == {"meeting_id"}:  # which meeting agreed a consensus: named as people know it
            key = str(value["meeting_id"])
            return meetings.get(key, f"meeting {key} (since removed)")
        if "state" in value:
            return "whole evaluation" + (f" from {value['source']}" if value.get("source") else "")
        if set(value) == {"score", "rationale"}:
            return f"{value['score']:g}: {value['rationale']}"
        parts = [
            f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}"
            for k, v in value.items()
            if k not in ("descriptors",) and v not in (None, "")
        ]
        return "; ".join(parts)
    return str(value)


def _text(start: str, meetings: Mapping[str, str] = MappingProxyType({})) -> str:
    """A change described from the first PREVIEW + 1 characters of its JSON: one character more
    than the preview says the value is longer (a snapshot), without SQL length() walking 18 MB."""
    return _snapshot(start) if len(start) > PREVIEW else _describe(json.loads(start), meetings)


def history_size(session: Session, tender: Tender) -> int:
    """How many changes the tender's log holds (one indexed count)."""
    return int(session.scalar(select(func.count()).where(AuditEntry.tender_uid == tender.uid)) or 0)


def _about(entity: str, kind: str, wanted: str) -> bool:
    """True when the audit key `entity` ('score/3/7/2') names the `kind` ('bidder') with id `wanted`."""
    key_kind, *ids = entity.split("/")
    order = state.KEY_PARTS.get(key_kind, ())
    return len(order) == len(ids) and any(k == kind and i == wanted for k, i in zip(order, ids, strict=True))


def _mentions(kind: str, wanted: str, entries: Any = AuditEntry) -> Any:
    """SQL: the audit key names the `kind` ('bidder') with id `wanted` in its place, for every kind of
    key that has one: 'score/7/%', 'declaration/%/7', ... (`_about` then decides exactly)."""
    patterns = [
        "/".join([key_kind, *(wanted if part == kind else "%" for part in order)])
        for key_kind, order in state.KEY_PARTS.items()
        if kind in order
    ]
    return or_(*(entries.entity.like(pattern) for pattern in patterns))


@bulk_work()
def tender_history(
    session: Session,
    tender: Tender,
    bidder: str | None = None,
    question: str | None = None,
    member: str | None = None,
    newest: int | None = None,
) -> list[HistoryRow]:
    """Every change to the tender, oldest first; optionally only those about one bid/question/member,
    or only the `newest` so many (a framework scored in svdesk has some 100,000 changes)."""
    names = _names(session, tender)
    ids = {kind: {name: i for i, name in by_id.items()} for kind, by_id in names.items()}
    wanted = [(kind, name) for kind, name in (("bidder", bidder), ("question", question)) if name is not None]
    stmt = select(
        AuditEntry.seq,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.entity,
        func.substr(AuditEntry.before, 1, PREVIEW + 1),
        func.substr(AuditEntry.after, 1, PREVIEW + 1),
        AuditEntry.reason,
    ).where(AuditEntry.tender_uid == tender.uid)
    exact: list[tuple[str, str]] = []
    for kind, name in wanted:
        if name not in ids[kind]:
            return []  # nothing in this tender is about it
        exact.append((kind, ids[kind][name]))
        # the keys are matched in their own index (ix_audit_entry_entity), then only those rows read
        keys = aliased(AuditEntry)
        about = select(keys.seq).where(keys.tender_uid == tender.uid, _mentions(kind, ids[kind][name], keys))
        stmt = stmt.where(AuditEntry.seq.in_(about))
    member_id = ids["member"].get(member) if member is not None else None
    if member is not None:
        stmt = stmt.where(
            AuditEntry.actor == member
            if member_id is None
            else _mentions("member", member_id) | (AuditEntry.actor == member)
        )
    stmt = stmt.order_by(AuditEntry.seq.desc())
    if newest is not None:
        stmt = stmt.limit(newest)
    rows = []
    for e in reversed(plain_rows(session, stmt)):
        if not all(_about(e.entity, kind, i) for kind, i in exact):
            continue
        if member is not None and e.actor != member and not (member_id and _about(e.entity, "member", member_id)):
            continue
        what = state.readable_key(e.entity, names) if "/" in e.entity else e.entity
        parts = what.split("/")
        rows.append(
            HistoryRow(
                e.seq,
                e.at.replace("T", " ")[:19],
                e.actor,
                change_label(e.action),
                " / ".join(parts[1:]) if len(parts) > 1 else what,
                _text(e[5], names["meeting"]),
                _text(e[6], names["meeting"]),
                e.reason,
            )
        )
    return rows
