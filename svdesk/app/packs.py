"""Offline scoring packs: a workbook for one panel member to score in without svdesk, and importing
it back (all or nothing; a conflict with a score already saved is shown, never silently overwritten).

Each pack is issued (recorded, with a random pack id and a MAC under a key kept in the database) and
imported once: an edited Meta sheet, a pack from another tender or a second import is refused
(svdesk.model.services.pack_binding)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.reports import report_data
from svdesk.app.unit import Actor, change, look, name_of, take_backup
from svdesk.model.entities import Tender
from svdesk.model.errors import SvdeskError, WorkflowError
from svdesk.model.identity import SignedIn
from svdesk.model.names import matching, quoted
from svdesk.model.services.pack_binding import PackBinding, issue_pack
from svdesk.model.services.proxy_entries import require_officer
from svdesk.model.services.scoring_pack import (
    PackImportOutcome,
    PackImportPlan,
    ScoringPack,
    apply_pack_import,
    pack_documents,
    plan_pack_import,
    read_scoring_pack,
)

__all__ = [
    "PackExport",
    "PackImport",
    "PackImportOutcome",
    "PackImportPlan",
    "ScoringPack",
    "export_member_pack",
    "export_pack",
    "import_pack",
    "read_scoring_pack",
]


@dataclass(frozen=True)
class PackExport:
    """What exporting a pack wrote: the workbook, and beside it the zip of the bid documents' pages
    the member needs (None when their bids have no document mapped to a question)."""

    workbook: Path
    documents: Path | None = None


def export_pack(db: Database, actor: Actor, reference: str | None, member: str, out: Path) -> Path:
    """The scoring pack of `member` (on the tender's panel) written to `out`, issued in the record;
    the bid documents' pages beside it (`export_member_pack`)."""
    return export_member_pack(db, actor, reference, member, out).workbook


def export_member_pack(db: Database, actor: Actor, reference: str | None, member: str, out: Path) -> PackExport:
    """The scoring pack of `member` written to `out`, issued in the record, and when their bids have
    documents mapped to questions, "<pack stem> - bid documents.zip" beside it: for each document
    the member may see, the pages mapped to the questions (cut in a limited child process), an
    index.json, and in the workbook a Documents sheet with both hashes and the citation to paste.
    Nothing is issued when a document cannot be carried (its stored copy altered)."""
    from svdesk.export.files import write_atomically
    from svdesk.export.scoring_pack import (
        carry_documents,
        documents_index,
        documents_zip_path,
        pack_bidders,
        pack_rows,
        scoring_pack,
        write_documents_zip,
    )

    data = report_data(db, reference)
    member = matching(member, (name for name, _role in data.panel)) or member  # "Zoë" in any Unicode form
    if member not in {name for name, _role in data.panel}:
        raise SvdeskError(
            f"{quoted(member)} is not on the panel of tender {data.reference} "
            f"(panel: {', '.join(name for name, _ in data.panel)})"
        )
    rows = pack_rows(data, member)  # the conflict gate refuses here, before anything is recorded
    out = Path(out)
    zip_path = documents_zip_path(out)
    bidders = pack_bidders(data, member)
    # read (and each stored copy verified) in one look; cut outside any transaction: it can take a while
    wanted = look(db, data.reference, lambda s, t: pack_documents(s, t, member, bidders))
    with tempfile.TemporaryDirectory(prefix="svdesk-pack-") as work:
        carried = carry_documents(wanted, Path(work))

        def issue(session: Session, tender: Tender) -> tuple[PackBinding, bytes]:
            owner = next((m for m in tender.panel if m.name == member), None)
            if owner is None:  # removed from the panel since the pack's data was read
                raise SvdeskError(f"{quoted(member)} is not on the panel of tender {tender.reference}")
            binding = issue_pack(session, tender, owner, data.generated_at, rows, name_of(actor))
            return binding, scoring_pack(data, member, binding, carried, zip_path.name)

        binding, content = change(db, data.reference, issue, actor=actor).value
        if carried:
            write_documents_zip(carried, documents_index(carried, data.reference, member, binding), zip_path)
    return PackExport(write_atomically(out, content), zip_path if carried else None)


@dataclass(frozen=True)
class PackImport:
    plan: PackImportPlan
    outcome: PackImportOutcome | None  # None for a dry run


def import_pack(
    db: Database,
    actor: Actor,
    reference: str | None,
    pack: ScoringPack,
    *,
    member: str | None = None,
    keep: Literal["pack", "existing"] | None = None,
    dry_run: bool = False,
) -> PackImport:
    """Plan a pack (read with `read_scoring_pack`, before the database is opened) and unless `dry_run`
    apply it in one transaction after a backup. `keep` resolves every conflict one way; without it a
    pack with conflicts is refused, naming them.

    The member imports their own pack as theirs; anyone else (the officer, signed in) imports it as
    scores entered by proxy from "offline pack <sha256 of the file>", listed as such until the member
    confirms them. A person signed in who is neither the pack's member nor the officer is refused."""
    if isinstance(actor, SignedIn) and actor.member != pack.member and actor.role != "officer":
        raise WorkflowError(
            f"{actor.member} is signed in, and {pack.member}'s scoring pack is imported by "
            "them or by the procurement officer (as scores entered by proxy); nothing was imported"
        )
    if dry_run:
        return PackImport(look(db, reference, lambda s, t: plan_pack_import(s, t, pack, member)), None)
    plan = look(db, reference, lambda s, t: plan_pack_import(s, t, pack, member))
    resolutions: dict[tuple[str, str], str] | None = {r.key: keep for r in plan.conflicts} if keep else None
    if resolutions or not plan.conflicts:
        take_backup(db, "pre-pack-import")

    def apply(session: Session, tender: Tender) -> tuple[PackImportPlan, PackImportOutcome]:
        # planned again inside the transaction: what is written is what the plan saw
        fresh = plan_pack_import(session, tender, pack, member)
        if isinstance(actor, SignedIn) and actor.member != fresh.member:  # by proxy: the officer, still
            require_officer(session, tender, actor.member)
        return fresh, apply_pack_import(session, tender, fresh, name_of(actor), resolutions)

    done = change(db, reference, apply, actor=actor).value
    return PackImport(done[0], done[1])
