"""The moderation meetings in the evaluation file (issue 16): read, written into the database, and
dumped, so that a dump loads back with its minutes.

  top level   "meetings": [{"id": "M1", "held_on": "2026-01-14", "mode": "room" | "call",
                            "place", "chair", "attendees": [member, ...],
                            "apologies": [{"member", "reason"}], "notes"}]
  moderated   "meeting": the id of the meeting the consensus was agreed in (optional)

Both optional: a file without them (every file written before) loads as before, with no meetings,
and a tender without meetings dumps as it did. A meeting's "id" names it within the file only (the
dump numbers them M1, M2, ... by date). Each value is checked as `services/meetings` checks it:
a date not after today, a room named (or a call), the chair among those who attended, each member
on the panel and listed once; a refusal names its JSON path.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from svdesk.model.entities import Bidder, Meeting, MeetingItem, MeetingMember, PanelMember, Question, Tender
from svdesk.model.names import quoted
from svdesk.model.services.meetings import MODES, meetings
from svdesk.model.validation import Checker

MEETING_KEYS = ("id", "held_on")
MEETING_OPTIONAL = ("mode", "place", "chair", "attendees", "apologies", "notes")


@dataclass
class MeetingDoc:
    ref: str  # its id in the file
    held_on: str
    mode: str = "room"
    place: str = ""
    chair: str | None = None
    attendees: list[str] = field(default_factory=list)
    apologies: dict[str, str] = field(default_factory=dict)  # member -> reason
    notes: str = ""


def _member(c: Checker, value: object, path: str, members: Collection[str], seen: set[str]) -> str | None:
    if not isinstance(value, str) or value not in members:
        c.add(path, f"{quoted(value)} is not on the panel")
        return None
    if value in seen:
        c.add(path, f"{value} is listed twice (present or sending apologies, once)")
        return None
    seen.add(value)
    return value


def _day(c: Checker, value: object, path: str) -> str | None:
    text = c.text(value, path, max_len=10)
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        c.add(path, f"{quoted(text)} is not a day (write it as YYYY-MM-DD)")
        return None
    if day > date.today():
        c.add(path, f"{text} is in the future: a meeting on the record has happened")
        return None
    return day.isoformat()


def parse_meetings(c: Checker, raw: object, members: Collection[str]) -> list[MeetingDoc]:
    """The file's meetings, each checked; the problems go to `c` with their paths."""
    out: list[MeetingDoc] = []
    refs: set[str] = set()
    for i, item in enumerate(c.array(raw, "meetings")):
        path = f"meetings[{i}]"
        m = c.obj(item, path, MEETING_KEYS, MEETING_OPTIONAL)
        if m is None:
            continue
        ref = c.text(m.get("id"), f"{path}.id", max_len=40)
        held_on = _day(c, m.get("held_on"), f"{path}.held_on")
        mode = c.choice(m.get("mode", "room"), f"{path}.mode", MODES)
        place = c.text(m.get("place", ""), f"{path}.place", required=False, max_len=300)
        notes = c.text(m.get("notes", ""), f"{path}.notes", required=False, max_len=20_000)
        if ref is not None and ref in refs:
            c.add(f"{path}.id", f"{ref} is listed twice")
            ref = None
        if ref is not None:
            refs.add(ref)
        if mode == "room" and place is not None and not place.strip():
            c.add(f"{path}.place", "name the room the panel met in (or give mode 'call')")
        seen: set[str] = set()
        attendees = [
            name
            for j, value in enumerate(c.array(m.get("attendees", []), f"{path}.attendees"))
            if (name := _member(c, value, f"{path}.attendees[{j}]", members, seen)) is not None
        ]
        apologies: dict[str, str] = {}
        for j, value in enumerate(c.array(m.get("apologies", []), f"{path}.apologies")):
            a = c.obj(value, f"{path}.apologies[{j}]", ("member",), ("reason",))
            if a is None:
                continue
            name = _member(c, a.get("member"), f"{path}.apologies[{j}].member", members, seen)
            reason = c.text(a.get("reason", ""), f"{path}.apologies[{j}].reason", required=False, max_len=500)
            if name is not None and reason is not None:
                apologies[name] = reason.strip()
        if not attendees:
            c.add(f"{path}.attendees", "record who attended the meeting (at least one member)")
        chair = m.get("chair")
        if chair is not None and chair not in attendees:
            c.add(f"{path}.chair", f"{quoted(chair)} chaired the meeting, so is among its attendees")
        if ref is None or held_on is None or mode is None or place is None or notes is None:
            continue
        out.append(
            MeetingDoc(ref, held_on, mode, place.strip(), chair if isinstance(chair, str) else None, attendees,
                       apologies, notes.strip())
        )  # fmt: skip
    return out


def meeting_ref(c: Checker, value: object, path: str, refs: Collection[str]) -> str | None:
    """A moderated row's "meeting": the id of one of the file's meetings."""
    if not isinstance(value, str) or value not in refs:
        c.add(path, f"{quoted(value)} is not the id of one of the file's meetings")
        return None
    return value


# --- writing --------------------------------------------------------------------------------------


def _table(entity: type[Any]) -> Table:
    table = entity.__table__
    assert isinstance(table, Table)  # a declarative class maps one Table
    return table


def write_meetings(
    session: Session,
    tender: Tender,
    docs: list[MeetingDoc],
    minutes: Mapping[tuple[str, str], str],
    members: Mapping[str, PanelMember],
    bidders: Mapping[str, Bidder],
    questions: Mapping[str, Question],
) -> None:
    """The meetings, their attendance and each consensus's meeting (one insert for the items: a
    framework's thousands). Before the load's snapshot, which then holds them."""
    ids: dict[str, int] = {}
    for d in docs:
        chair = members[d.chair].id if d.chair is not None else None
        row = Meeting(tender_id=tender.id, held_on=d.held_on, mode=d.mode, place=d.place, chair_id=chair, notes=d.notes)
        session.add(row)
        session.flush()
        ids[d.ref] = row.id
        for name in d.attendees:
            session.add(MeetingMember(meeting_id=row.id, member_id=members[name].id, present=True, reason=""))
        for name, reason in d.apologies.items():
            session.add(MeetingMember(meeting_id=row.id, member_id=members[name].id, present=False, reason=reason))
    session.flush()
    rows = [
        {"bidder_id": bidders[b].id, "question_id": questions[q].id, "meeting_id": ids[ref]}
        for (b, q), ref in minutes.items()
    ]
    if rows:
        session.execute(insert(_table(MeetingItem)), rows)


# --- dumping --------------------------------------------------------------------------------------


def meeting_entries(session: Session, tender: Tender) -> tuple[list[dict[str, Any]], dict[tuple[int, int], str]]:
    """The file's "meetings" (numbered M1, M2, ... by date), and (bidder id, question id) -> the id
    of the meeting its consensus was agreed in, for the moderated rows."""
    views = meetings(session, tender)
    refs = {v.id: f"M{i}" for i, v in enumerate(views, start=1)}
    entries = []
    for v in views:
        entry: dict[str, Any] = {"id": refs[v.id], "held_on": v.held_on, "mode": v.mode}
        if v.place:
            entry["place"] = v.place
        if v.chair:
            entry["chair"] = v.chair
        entry["attendees"] = list(v.attendees)
        if v.apologies:
            entry["apologies"] = [{"member": m, **({"reason": r} if r else {})} for m, r in v.apologies]
        if v.notes:
            entry["notes"] = v.notes
        entries.append(entry)
    if not refs:
        return [], {}
    items = session.execute(
        select(MeetingItem.bidder_id, MeetingItem.question_id, MeetingItem.meeting_id).where(
            MeetingItem.meeting_id.in_(list(refs))
        )
    ).all()
    return entries, {(b, q): refs[m] for b, q, m in items}
