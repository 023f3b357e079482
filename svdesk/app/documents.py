"""The bidders' response documents: import (files, or a folder per bidder as the portals export
them), map a part to a question, remove before scoring opens, list, open, read the page texts and
verify the stored copies. Each change is one transaction, audited and signed by the person acting
(`unit.change`); the files are inspected before it begins (a PDF in a limited child process, which
may take a while), so the tender is not held while they are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from svdesk.app.database import Database
from svdesk.app.meetings import one_edit
from svdesk.app.unit import Actor, Outcome, look, name_of
from svdesk.model.services import documents as service
from svdesk.model.services.documents import AnsweringPart, DocumentView, PartView

__all__ = [
    "AnsweringPart",
    "DocumentView",
    "PartView",
    "document_path",
    "documents",
    "documents_for",
    "import_documents",
    "page_texts",
    "remove_document",
    "remove_part",
    "scoring_opened",
    "set_part",
    "verify_documents",
]


def import_documents(
    db: Database,
    actor: Actor,
    reference: str | None,
    bidder: str,
    paths: Sequence[Path | str],
    *,
    question: str | None = None,
    pages: tuple[int, int] | None = None,
    commercial: bool = False,
    reason: str | None = None,
) -> Outcome[list[DocumentView]]:
    """All or nothing: every file checked first; one refused refuses the import, naming it."""
    inspected = service.inspect_files(paths)
    return one_edit(
        db,
        reference,
        lambda s, t: service.import_documents(
            s, t, name_of(actor), bidder, inspected, question, pages, commercial=commercial, reason=reason
        ),
        actor,
    )


def set_part(
    db: Database,
    actor: Actor,
    reference: str | None,
    document: str | int,
    question: str,
    pages: tuple[int, int] | None = None,
) -> Outcome[DocumentView]:
    """`pages` None: the whole file answers the question."""
    return one_edit(
        db, reference, lambda s, t: service.set_part(s, t, name_of(actor), document, question, pages), actor
    )


def remove_part(db: Database, actor: Actor, reference: str | None, document: str | int, question: str) -> Outcome[None]:
    return one_edit(db, reference, lambda s, t: service.remove_part(s, t, name_of(actor), document, question), actor)


def remove_document(db: Database, actor: Actor, reference: str | None, document: str | int) -> Outcome[None]:
    """Refused once scoring has opened."""
    return one_edit(db, reference, lambda s, t: service.remove_document(s, t, name_of(actor), document), actor)


def documents(db: Database, reference: str | None, member: str | None = None) -> list[DocumentView]:
    """`member`: as that panel member may see them (commercial documents hidden while prices are)."""
    return look(db, reference, lambda s, t: service.documents(s, t, member))


def documents_for(
    db: Database, reference: str | None, bidder: str, question: str, member: str | None = None
) -> list[AnsweringPart]:
    return look(db, reference, lambda s, t: service.documents_for(s, t, bidder, question, member))


def document_path(db: Database, reference: str | None, sha: str, *, openable: bool = False) -> Path:
    """A file of the document, verified against its SHA-256 now; `openable`: a copy named as imported,
    for the desktop's application."""
    return look(db, reference, lambda s, t: service.document_path(s, t, sha, openable=openable))


def scoring_opened(db: Database, reference: str | None) -> bool:
    """Scoring is open, or was: the documents are frozen (only a late clarification, with a reason)."""
    return look(db, reference, service.scoring_opened)


def page_texts(db: Database, reference: str | None, sha: str) -> list[str]:
    return look(db, reference, lambda s, t: service.page_texts(s, t, sha))


def verify_documents(db: Database, reference: str | None) -> list[str]:
    """[] when every stored copy matches its SHA-256 and has its page texts."""
    return look(db, reference, service.verify_documents)
