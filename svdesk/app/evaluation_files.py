"""Evaluation files in and out (`svdesk-evaluation/2` JSON; version 1 still loads), and the built-in demo.

A dump is version 2: version 1's content, the members' details, their keys (public values only),
the signatures in force with their seals, and the source database's chain (`record`). A load reads
either version; a version-1 file loads as unsigned (its snapshot says so, and `verify` and the
reports say "loaded from an unsigned evaluation file (version 1)"), and a version-2 file's
signatures are verified before anything is kept (`svdesk.model.evaluation_write`). A dump lists
the tender's bid documents by SHA-256, never their bytes: those travel beside it in the documents
archive (`svdesk.app.documents.pack` / `unpack`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.unit import Actor, change_database, look, name_of, take_backup
from svdesk.export.files import write_atomically
from svdesk.model import demo
from svdesk.model.entities import Tender
from svdesk.model.errors import SvdeskError
from svdesk.model.evaluation_dump import dump_evaluation
from svdesk.model.evaluation_file import parse_document, read_json_file, write_evaluation
from svdesk.model.services.catalogue import measures_by_ref
from svdesk.model.services.documents import verify_documents
from svdesk.model.services.locked_record import require_replaceable

__all__ = ["Loaded", "dump", "load", "load_demo", "read_json_file"]


@dataclass(frozen=True)
class Loaded:
    reference: str
    bidders: int
    questions: int
    scores: int
    moderated: int
    format: str = ""  # the file's format ("svdesk-evaluation/1" or "/2")
    signatures: int = 0  # signatures carried, each verified (fingerprint, key and seal)
    keys: int = 0  # members' keys carried: they verify what was signed; nobody signs in with them here
    documents: int = 0  # bid documents listed in the file (their rows are written, issue 18)
    # what is wrong with the stored copies of those documents here (missing from this database's
    # store until the documents archive is unpacked); () when every one is present and holds
    documents_missing: tuple[str, ...] = ()

    @property
    def notes(self) -> list[str]:
        """What to tell the person who loaded the file, beyond the counts."""
        if not self.documents_missing:
            return []
        count = len(self.documents_missing)
        return [
            f"{count} of the {self.documents} bid documents the file lists "
            f"{'is' if count == 1 else 'are'} not in this database's document store: unpack the documents "
            "archive that came with the file (svdesk documents unpack FILE.zip); until then `svdesk verify` "
            "reports them",
            *(f"  - {problem}" for problem in self.documents_missing),
        ]


def load(db: Database, actor: Actor, path: Path, *, replace: bool = False, data: Any = None) -> Loaded:
    """Load an evaluation file as a new tender (or, with `replace`, over the tender with its
    reference, after a backup; refused while that tender has signatures in force: reopen it first).
    `data` is the file already read with `read_json_file` (the command line reads it before it opens
    the database, so that a bad file touches nothing).

    A version-2 file's signatures must each be of the content as loaded and sealed by a key of its
    member in the file, or nothing is written. The load's snapshot is recorded under `actor`'s name
    but unsigned, even when `actor` is signed in: the tender is new in this database (a replaced
    tender's keys go with it), so no key of it could have signed in, and a key of another tender
    is not one its entries may be signed with. What vouches for a signed file's content is the
    members' seals it carries; signing starts after the snapshot (once the tender holds a key in
    force, every later change needs the person making it signed in: the officer first enrols again
    whoever's key came with the file).

    The file's bid documents (issue 18) are written as rows whether or not this database's document
    store holds their bytes (`evaluation_documents`): the record lists what the panel read even
    where the copies are still elsewhere, and `verify-pdf` loads a report's file into a scratch
    database that holds none. `Loaded.documents_missing` names each one whose stored copy is
    missing or does not match its SHA-256 here; `svdesk documents unpack` of the archive that
    travels with the file (before or after the load) puts them in, and `svdesk verify` reports
    any still missing."""
    if data is None:
        data = read_json_file(path)

    def write(session: Session) -> Loaded:
        doc = parse_document(data, measures_by_ref(session), source=str(path))
        if replace:  # a locked tender is refused before the backup, not after it
            require_replaceable(session, doc.reference, path.name)
            take_backup(db, "pre-load")
        tender = write_evaluation(session, doc, name_of(actor), replace=replace, source=path.name)
        missing = tuple(_documents_missing(session, tender)) if doc.documents else ()
        return Loaded(
            tender.reference,
            len(doc.bidders),
            len(doc.questions),
            len(doc.scores),
            len(doc.moderated),
            doc.format,
            len(doc.signatures),
            len(doc.keys),
            len(doc.documents),
            missing,
        )

    return change_database(db, write)  # unsigned: see above


def _documents_missing(session: Session, tender: Tender) -> list[str]:
    try:
        return verify_documents(session, tender)
    except SvdeskError as exc:  # a database with no folder beside it (in memory): no store at all
        return [f"{exc}"]


def dump(db: Database, reference: str | None, out: Path) -> str:
    """Write the tender as an evaluation file (version 2, atomically); returns its reference. The
    members' keys go as their public values only: never the sealed private half, its salt or KDF."""
    data = look(db, reference, dump_evaluation)
    write_atomically(out, _encoded(data))
    return str(data["tender"]["reference"])


def evaluation_file_bytes(session: Session, tender: Tender) -> bytes:
    """The tender as `dump` writes it, in the caller's transaction (the award report embeds it,
    read in the same snapshot as its figures)."""
    return _encoded(dump_evaluation(session, tender))


def _encoded(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def load_demo(db: Database, actor: Actor = "svdesk demo") -> str:
    """The built-in demo evaluation (loaded once); returns its reference."""
    return demo.load_demo(db, name_of(actor))
