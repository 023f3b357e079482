"""The bidders' response documents in the evaluation file (issue 18 part 4): read, written into the
database, and dumped, so that a dump loads back with the list of what the panel was given to read.

  top level   "documents": [{"bidder", "name", "title", "sha256", "size", "pages", "media",
                             "commercial", "late_reason", "added_at", "added_by",
                             "parts": [{"question", "first_page", "last_page"}]}]

Optional, as "meetings" is: a file without it (every file written before) loads as before, with
no documents, and a tender without documents dumps as it did; no new format version, so a file
with documents read by an older svdesk is refused ("unknown key"), never loaded without them.

The file carries each document's SHA-256, never its bytes: those travel beside it, in the
documents archive (`svdesk documents pack` / `unpack`). A load writes the rows whether or not
this database's store holds the bytes: the record must say what the panel read (Procurement Act
2023 s.98) even where the copies are elsewhere, and `svdesk verify-pdf` loads the file an award
report carries into a scratch database that holds no document. What is missing is said by the
load (`app.evaluation_files.Loaded.documents_missing`) and by `svdesk verify` and
`svdesk documents verify` until the archive is unpacked.

Each value is checked as `services/documents` checks it on import: a bidder and a question of the
file, a SHA-256 of 64 lower-case hex digits held once in the tender (a bid's own file only), a
name once per bidder, a page range within the document's pages, and only a PDF cited by page.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from svdesk.model.entities import Bidder, BidDocument, DocumentPart, Question, Tender
from svdesk.model.evaluation_fields import hex_text, known, when
from svdesk.model.names import quoted
from svdesk.model.validation import Checker

DOCUMENT_KEYS = ("bidder", "name", "sha256", "size", "media")
DOCUMENT_OPTIONAL = ("title", "pages", "commercial", "late_reason", "added_at", "added_by", "parts")
PART_KEYS = ("question",)
PART_OPTIONAL = ("first_page", "last_page")
MEDIA = ("pdf", "other")
MAX_SIZE = 1 << 40  # bytes: a bound on a number, not a policy (import caps a document at 200 MB)
MAX_PAGES = 1_000_000
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class PartDoc:
    question: str
    first_page: int | None  # both None: the whole document
    last_page: int | None


@dataclass
class DocumentDoc:
    bidder: str
    name: str
    title: str
    sha256: str
    size: int
    pages: int | None
    media: str
    commercial: bool = False
    late_reason: str | None = None
    added_at: str = ""
    added_by: str = ""
    parts: list[PartDoc] = field(default_factory=list)


def _whole(c: Checker, value: object, path: str, minimum: int, maximum: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(path, f"expected a whole number, found {quoted(value)}")
        return None
    if not minimum <= value <= maximum:
        c.add(path, f"{value} is not between {minimum} and {maximum:,}")
        return None
    return value


def _parts(c: Checker, raw: object, path: str, doc: DocumentDoc, questions: Collection[str]) -> list[PartDoc]:
    out: list[PartDoc] = []
    seen: set[str] = set()
    for j, item in enumerate(c.array(raw, f"{path}.parts")):
        where = f"{path}.parts[{j}]"
        p = c.obj(item, where, PART_KEYS, PART_OPTIONAL)
        if p is None:
            continue
        code = known(c, p.get("question"), f"{where}.question", questions, "question")
        first_raw, last_raw = p.get("first_page"), p.get("last_page")
        first = last = None
        if first_raw is not None or last_raw is not None:
            if doc.media != "pdf" or doc.pages is None:
                c.add(where, f"{quoted(doc.name)} is not a PDF, so it cannot be cited by page: map the whole file")
                continue
            first = _whole(c, first_raw, f"{where}.first_page", 1, doc.pages)
            last = _whole(c, last_raw, f"{where}.last_page", 1, doc.pages)
            if first is None or last is None:
                continue
            if last < first:
                c.add(where, f"pages {first}-{last} are not a page range (the first comes before the last)")
                continue
        if code is None:
            continue
        if code in seen:
            c.add(where, f"{quoted(doc.name)} answers {code} twice")
            continue
        seen.add(code)
        out.append(PartDoc(code, first, last))
    return out


def parse_documents(c: Checker, raw: object, bidders: Collection[str], questions: Collection[str]) -> list[DocumentDoc]:
    """The file's documents, each checked; the problems go to `c` with their paths."""
    out: list[DocumentDoc] = []
    held: dict[str, str] = {}  # sha256 -> where it is first listed
    names: set[tuple[str, str]] = set()
    for i, item in enumerate(c.array(raw, "documents")):
        path = f"documents[{i}]"
        d = c.obj(item, path, DOCUMENT_KEYS, DOCUMENT_OPTIONAL)
        if d is None:
            continue
        bidder = known(c, d.get("bidder"), f"{path}.bidder", bidders, "bidder")
        name = c.text(d.get("name"), f"{path}.name", max_len=300)
        title = c.text(d["title"], f"{path}.title", max_len=300) if "title" in d else name
        sha = hex_text(c, d.get("sha256"), f"{path}.sha256", _SHA256, "a SHA-256 (64 hex digits)")
        size = _whole(c, d.get("size"), f"{path}.size", 0, MAX_SIZE)
        media = c.choice(d.get("media"), f"{path}.media", MEDIA)
        pages_raw = d.get("pages")
        pages = None if pages_raw is None else _whole(c, pages_raw, f"{path}.pages", 1, MAX_PAGES)
        if media == "pdf" and pages_raw is None:
            c.add(f"{path}.pages", "a PDF has a page count")
        elif media == "other" and pages_raw is not None:
            c.add(f"{path}.pages", "only a PDF has pages (a document that is not one is opened whole)")
        commercial = d.get("commercial", False)
        if not isinstance(commercial, bool):
            c.add(f"{path}.commercial", "expected true or false")
            commercial = False
        late_raw = d.get("late_reason")
        late = None if late_raw is None else c.text(late_raw, f"{path}.late_reason", max_len=2000)
        added_at = when(c, d.get("added_at", ""), f"{path}.added_at", required=False) or ""
        added_by = c.text(d.get("added_by", ""), f"{path}.added_by", required=False, max_len=200) or ""
        if not (bidder and name and title and sha and size is not None and media):
            continue
        if (media == "pdf") != (pages is not None) or (late_raw is not None and late is None):
            continue
        if sha in held:
            c.add(f"{path}.sha256", f"the same file as {held[sha]}: a document is one bid's own, listed once")
            continue
        if (bidder, name) in names:
            c.add(f"{path}.name", f"{bidder} already has a document named {quoted(name)} in this file")
            continue
        held[sha] = f"{path} ({quoted(name)})"
        names.add((bidder, name))
        doc = DocumentDoc(bidder, name, title, sha, size, pages, media, commercial, late, added_at, added_by)
        doc.parts = _parts(c, d.get("parts", []), path, doc, questions)
        out.append(doc)
    return out


def _table(entity: type[BidDocument] | type[DocumentPart]) -> Table:
    table = entity.__table__
    assert isinstance(table, Table)  # a declarative class maps one Table
    return table


def write_documents(
    session: Session,
    tender: Tender,
    docs: list[DocumentDoc],
    bidders: Mapping[str, Bidder],
    questions: Mapping[str, Question],
    loaded_at: str,
) -> None:
    """The documents' rows and their parts, before the load's snapshot (which then holds them). The
    bytes are not looked for here: see the module's docstring."""
    for d in docs:
        row = BidDocument(
            tender_id=tender.id,
            bidder_id=bidders[d.bidder].id,
            sha256=d.sha256,
            name=d.name,
            title=d.title,
            size=d.size,
            pages=d.pages,
            media=d.media,
            commercial=d.commercial,
            late_reason=d.late_reason,
            added_at=d.added_at or loaded_at,
            added_by=d.added_by,
        )
        session.add(row)
        session.flush()
        rows = [
            {
                "document_id": row.id,
                "question_id": questions[p.question].id,
                "first_page": p.first_page,
                "last_page": p.last_page,
            }
            for p in d.parts
        ]
        if rows:
            session.execute(insert(_table(DocumentPart)), rows)


# --- dumping --------------------------------------------------------------------------------------


def document_entries(session: Session, tender: Tender) -> list[dict[str, Any]]:
    """The file's "documents", bidder by bidder as imported, each with its parts in question order."""
    rows = session.execute(
        select(BidDocument, Bidder.name)
        .join(Bidder, BidDocument.bidder_id == Bidder.id)
        .where(BidDocument.tender_id == tender.id)
        .order_by(Bidder.position, Bidder.id, BidDocument.id)
    ).all()
    if not rows:
        return []
    parts: dict[int, list[dict[str, Any]]] = {d.id: [] for d, _b in rows}
    for document_id, code, first, last in session.execute(
        select(DocumentPart.document_id, Question.code, DocumentPart.first_page, DocumentPart.last_page)
        .join(Question, DocumentPart.question_id == Question.id)
        .where(DocumentPart.document_id.in_(list(parts)))
        .order_by(Question.position, Question.id)
    ).all():
        parts[document_id].append({"question": code, "first_page": first, "last_page": last})
    return [
        {
            "bidder": bidder,
            "name": d.name,
            "title": d.title,
            "sha256": d.sha256,
            "size": d.size,
            "pages": d.pages,
            "media": d.media,
            "commercial": bool(d.commercial),
            "late_reason": d.late_reason,
            "added_at": d.added_at,
            "added_by": d.added_by,
            "parts": parts[d.id],
        }
        for d, bidder in rows
    ]
