"""Offline scoring packs bound to their member, tender and export, and imported once.

At export each pack gets a random pack id and a MAC: HMAC-SHA256 over the canonical bytes of what
it was issued for (format, pack id, tender reference and uid, member, export time and the
(bidder, question) rows issued), keyed with 32 random bytes kept for that pack id in the database
(`PackIssue.mac_key`): never in the pack and never in the record. At import the MAC is checked
against that key, so an edited Meta sheet (another member, another tender) or an added, removed or
changed row is refused; a pack id this database never issued, a pack for another tender and a pack
already imported are refused too. Issuing and importing are in the audit log (record kind "pack").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import PackIssue, PanelMember, Tender
from svdesk.model.errors import Problem, ValidationError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import quoted

PACK_FORMAT = "svdesk-scoring-pack/2"
UNBOUND_FORMATS = ("svdesk-scoring-pack/1",)  # written before packs were bound: refused, export a new one
META_SHEET = "Meta"
# Where the binding sits in the Meta sheet (after the rows packs have always had, which keep their places).
PACK_ID_CELL, TENDER_UID_CELL, MAC_CELL = f"{META_SHEET}!B9", f"{META_SHEET}!B10", f"{META_SHEET}!B11"
EXPORT_AGAIN = "export a new pack for the member (svdesk pack export)"


@dataclass(frozen=True)
class PackBinding:
    """What a pack carries to prove what it was issued for (the Meta sheet's last rows)."""

    pack_id: str
    tender_uid: str
    exported_at: str
    mac: str


def pack_mac(
    key: bytes,
    pack_id: str,
    reference: str,
    tender_uid: str,
    member: str,
    exported_at: str,
    rows: Sequence[tuple[str, str]],
) -> str:
    """HMAC-SHA256 (hex) over the canonical JSON of what a pack was issued for."""
    issued = [PACK_FORMAT, pack_id, reference, tender_uid, member, exported_at, [[b, q] for b, q in rows]]
    return hmac.new(key, audit.canonical_json(issued).encode("utf-8"), hashlib.sha256).hexdigest()


def issue_pack(
    session: Session, tender: Tender, member: PanelMember, exported_at: str, rows: Sequence[tuple[str, str]], actor: str
) -> PackBinding:
    """Record a new pack for `member` with these rows (in the caller's transaction) and return its binding."""
    key = secrets.token_bytes(32)
    issue = PackIssue(
        pack_uid=secrets.token_hex(16),
        tender_id=tender.id,
        member_id=member.id,
        issued_at=datetime.now(UTC).isoformat(timespec="seconds"),
        mac_key=key,
        imported_at=None,
        imported_by="",
    )
    session.add(issue)
    session.flush()
    audit.record(
        session, tender.uid, actor, ChangeKind.PACK_ISSUE, state.pack_key(issue), None, state.pack_value(issue)
    )
    mac = pack_mac(key, issue.pack_uid, tender.reference, tender.uid, member.name, exported_at, rows)
    return PackBinding(issue.pack_uid, tender.uid, exported_at, mac)


def check_binding(
    session: Session,
    tender: Tender,
    source: str,
    binding: PackBinding,
    reference: str,
    member: str,
    rows: Sequence[tuple[str, str]],
) -> tuple[PackIssue, PanelMember]:
    """The issued pack a file claims to be, and its member; ValidationError (naming the file) when the
    pack was not issued by this database, was edited, is for another tender or was imported already."""

    def refuse(where: str, message: str) -> ValidationError:
        return ValidationError([Problem(where, message)], source)

    issue = session.scalars(select(PackIssue).where(PackIssue.pack_uid == binding.pack_id)).first()
    if issue is None:
        shown = binding.pack_id[:40] or "(none)"
        raise refuse(PACK_ID_CELL, f"pack id {shown!r} was not issued by this database; {EXPORT_AGAIN}")
    expected = pack_mac(
        issue.mac_key, binding.pack_id, reference, binding.tender_uid, member, binding.exported_at, rows
    )
    if not hmac.compare_digest(expected, binding.mac):
        raise refuse(
            MAC_CELL,
            "the pack's MAC does not match what svdesk issued: its Meta sheet (member, tender, export) or its "
            f"rows were edited after export, or rows were added that were not issued; {EXPORT_AGAIN}",
        )
    if issue.tender_id != tender.id:
        other = session.get(Tender, issue.tender_id)
        issued_for = other.reference if other is not None else reference
        raise refuse(
            f"{META_SHEET}!B2", f"this pack was issued for tender {quoted(issued_for)}, not {tender.reference!r}"
        )
    owner = next((m for m in tender.panel if m.id == issue.member_id), None)
    if owner is None or owner.name != member:
        issued_to = owner.name if owner is not None else "a member no longer on the panel"
        raise refuse(f"{META_SHEET}!B3", f"this pack was issued to {issued_to}, not {member}; {EXPORT_AGAIN}")
    if issue.imported_at is not None:
        raise refuse(
            PACK_ID_CELL,
            f"this pack was imported on {issue.imported_at} by {issue.imported_by}; export a new pack to score again",
        )
    return issue, owner


def mark_imported(session: Session, tender: Tender, source: str, pack_id: str, actor: str) -> None:
    """Record the pack as imported, once: a second import (even a concurrent one) is refused."""
    issue = session.scalars(select(PackIssue).where(PackIssue.pack_uid == pack_id)).one()
    before = state.pack_value(issue)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    done = session.execute(
        update(PackIssue)
        .where(PackIssue.id == issue.id, PackIssue.imported_at.is_(None))
        .values(imported_at=when, imported_by=actor)
        .execution_options(synchronize_session=False)
    )
    if getattr(done, "rowcount", 1) != 1:
        raise ValidationError([Problem(PACK_ID_CELL, "this pack was imported meanwhile; nothing was written")], source)
    session.refresh(issue)
    audit.record(
        session, tender.uid, actor, ChangeKind.PACK_IMPORT, state.pack_key(issue), before, state.pack_value(issue)
    )
