"""The tender's documents as the citation check sees them: a token's SHA-256 prefix -> the document's
title, hash and page texts (`svdesk.model.citations.DocumentTexts`).

The documents are the tender's `BidDocument` rows; the page texts are the document store's
(`svdesk.model.document_store.page_texts`), read only for a document a rationale cites, once per
document. When a stored copy cannot be read (`verify_documents` reports that), a citation's pages
are still checked against the page count, and its quoted words are left unchecked rather than
called wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.citations import PREFIX_LENGTH, DocumentTexts, citations, has_citation
from svdesk.model.entities import BidDocument, Tender
from svdesk.model.errors import SvdeskError
from svdesk.model.rows import plain_rows

Lookup = Callable[[str], DocumentTexts | None]


def _documents(session: Session, tender: Tender) -> dict[str, tuple[str, str, int | None]]:
    """SHA-256 prefix -> (title, sha256, pages) of every document of the tender."""
    rows = plain_rows(
        session,
        select(BidDocument.sha256, BidDocument.title, BidDocument.pages)
        .where(BidDocument.tender_id == tender.id)
        .order_by(BidDocument.id),
    )
    return {sha[:PREFIX_LENGTH].lower(): (title, sha.lower(), pages) for sha, title, pages in rows}


def _page_texts(session: Session, sha256: str) -> list[str] | None:
    """The page texts the store keeps for a document, or None when they cannot be had."""
    from svdesk.model import document_store  # only when a citation is met: most checks never need it

    try:
        return document_store.page_texts(session, sha256)
    except (SvdeskError, OSError):
        return None  # an altered or missing copy: `verify_documents` says so; not a citation's fault


def _texts(title: str, sha: str, pages: int | None, texts: list[str] | None) -> DocumentTexts:
    if pages is None:  # not a PDF: nothing to cite by page
        return DocumentTexts(title, sha, (), pages=0)
    if texts is None:
        return DocumentTexts(title, sha, (), pages=pages)
    return DocumentTexts(title, sha, tuple(texts))


def document_lookup(session: Session, tender: Tender) -> Lookup:
    """A lookup for the check over the tender (in one session): the documents are read on the first
    citation met, each cited document's page texts once. No citation, no query."""
    docs: dict[str, tuple[str, str, int | None]] | None = None
    cache: dict[str, DocumentTexts | None] = {}

    def lookup(prefix: str) -> DocumentTexts | None:
        nonlocal docs
        key = prefix.lower()
        if key not in cache:
            if docs is None:
                docs = _documents(session, tender)
            found = docs.get(key)
            if found is None:
                cache[key] = None
            else:
                title, sha, pages = found
                cache[key] = _texts(title, sha, pages, None if pages is None else _page_texts(session, sha))
        return cache[key]

    return lookup


def detached_lookup(session: Session, tender: Tender, texts: Iterable[str]) -> Lookup:
    """A lookup that outlives the session (a screen's live check, as the panel types): every
    document's title and page count read now, and the page texts of the documents `texts` cite
    already; a document first cited while typing is checked for its pages, its quoted words at the
    next full check."""
    docs = _documents(session, tender)
    cited = {c.sha_prefix for t in texts if t and has_citation(t) for c in citations(t)}
    found: dict[str, DocumentTexts] = {}
    for prefix, (title, sha, pages) in docs.items():
        read = _page_texts(session, sha) if prefix in cited and pages is not None else None
        found[prefix] = _texts(title, sha, pages, read)
    return lambda prefix: found.get(prefix.lower())
