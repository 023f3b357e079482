"""The bidders' response documents in the record (issue 18): imported, mapped to the questions they
answer, listed, checked.

Why: the panel's reasons must point at the bid (Procurement Regulations 2024 reg 31: the assessment
summary explains the scores "by reference to relevant information in the tender"), and the record
must show what the panel was given to read (Procurement Act 2023 s.98). So each document is kept
exactly as imported, by its SHA-256 (`document_store`), with its name, size and page count, and
every import, mapping and removal is audited (`record_shape.DOCUMENT`, `DOCUMENT_PART`).

Rules:
- every file is inspected before anything is written (`inspect_files`, outside the transaction:
  a PDF is read in a limited child process); one bad file refuses the whole import, naming it;
- the same bytes once per tender: twice in one import, again for the same bidder, or for another
  bidder, is refused (naming where they already are); a name once per bidder;
- frozen once scoring has opened: a late clarification is a new document with a reason, never a
  replacement, and no document is removed (its row stays; the store never deletes bytes anyway);
- a part is a page range of a PDF (1-based, inclusive) or the whole file; a document that is not
  a PDF can only answer a question whole (it cannot be cited by page);
- a document marked commercial is hidden from a quality evaluator while prices are
  (`tenders.prices_visible_to`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from svdesk.model import audit, document_store, state
from svdesk.model.contact import checked_text
from svdesk.model.entities import AuditEntry, Bidder, BidDocument, DocumentPart, Question, Tender, TenderStatus
from svdesk.model.errors import NotFoundError, Problem, ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import quoted, storable_problem
from svdesk.model.pdf_facts import HEAD_BYTES, check_named_media, describe_content, inspect_pdf_limited, sniff_media
from svdesk.model.services.tenders import find_bidder, find_question, prices_visible_to, require_editable

MAX_BYTES = 200 * 1024 * 1024  # one document; a bid is tens of MB in all
_REASON_LIMIT, _NAME_LIMIT = 2_000, 300
# Programs and scripts are no response document: opened "with the desktop's application" they would run.
_RUNNABLE = {".exe", ".dll", ".com", ".bat", ".cmd", ".msi", ".scr", ".ps1", ".vbs", ".js", ".jar", ".sh", ".lnk"}
_SHA = re.compile(r"[0-9a-f]{8,64}")


@dataclass(frozen=True)
class PartView:
    question_code: str
    first_page: int | None  # both None: the whole file
    last_page: int | None

    @property
    def label(self) -> str:
        """'pages 3-7', 'page 4' or 'whole document'."""
        if self.first_page is None:
            return "whole document"
        if self.first_page == self.last_page:
            return f"page {self.first_page}"
        return f"pages {self.first_page}-{self.last_page}"


@dataclass(frozen=True)
class DocumentView:
    id: int
    bidder: str
    name: str
    title: str
    sha256: str
    size: int
    pages: int | None  # None: not a PDF
    media: str  # "pdf" | "other"
    commercial: bool
    late_reason: str | None
    added_at: str
    parts: tuple[PartView, ...] = ()

    @property
    def citable(self) -> bool:
        """A PDF is cited by page; anything else only as a whole ("cannot be cited by page")."""
        return self.media == "pdf"


@dataclass(frozen=True)
class AnsweringPart:
    """The part of a document that answers one question of one bid."""

    document: DocumentView
    first_page: int | None
    last_page: int | None


@dataclass(frozen=True)
class Inspected:
    """One file, checked and read, ready to be stored."""

    path: Path
    name: str
    sha256: str
    size: int
    media: str
    pages: int | None
    texts: tuple[str, ...]


# --- inspection (no database) ------------------------------------------------------------------------------


def expand(paths: Sequence[Path | str]) -> list[Path]:
    """The files to import: each file as given; a folder (a bidder's folder as portals export them)
    gives every regular file in it, sorted, hidden ones skipped."""
    out: list[Path] = []
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if not p.name.startswith(".") and p.is_file())
            if not found:
                problems.append(Problem(str(path), "the folder holds no documents"))
            out += found
        elif path.is_file():
            out.append(path)
        elif path.exists():
            problems.append(Problem(str(path), "is not a regular file"))
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    if not out and not problems:
        problems.append(Problem("", "no documents given"))
    if problems:
        raise ValidationError(problems + [Problem("", "nothing was imported")])
    return out


def _inspect_one(path: Path) -> Inspected:
    name = path.name
    if problem := storable_problem(name):
        raise ValidationError(f"the file name cannot be stored: {problem}; rename the file", source=quoted(name))
    if len(name) > _NAME_LIMIT:
        raise ValidationError(f"the file name has {len(name)} characters; at most {_NAME_LIMIT}", source=name)
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError as exc:
        raise ValidationError(f"cannot be read ({exc.strerror or exc})", source=name) from None
    if size == 0:
        raise ValidationError("is empty", source=name)
    if size > MAX_BYTES:
        raise ValidationError(
            f"is {size / 1048576:,.0f} MB, more than the {MAX_BYTES // 1048576} MB a document may be", source=name
        )
    looks = describe_content(head)
    if path.suffix.lower() in _RUNNABLE or looks in ("a Windows program (.exe or .dll)", "a Linux program"):
        raise ValidationError(f"is a program or script ({looks}), not a response document", source=name)
    check_named_media(name, head)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as file:
            while block := file.read(document_store.CHUNK):
                digest.update(block)
    except OSError as exc:
        raise ValidationError(f"cannot be read ({exc.strerror or exc})", source=name) from None
    if sniff_media(head) == "pdf":
        facts = inspect_pdf_limited(path)
        return Inspected(path, name, digest.hexdigest(), size, "pdf", facts.pages, facts.texts)
    return Inspected(path, name, digest.hexdigest(), size, "other", None, ())


def inspect_files(paths: Sequence[Path | str]) -> list[Inspected]:
    """Every file checked (what it is, its pages and texts) before anything is written; all the
    problems found, each naming its file, in one ValidationError."""
    problems: list[Problem] = []
    out: list[Inspected] = []
    seen: dict[str, str] = {}
    for path in expand(paths):
        try:
            found = _inspect_one(path)
        except ValidationError as exc:
            problems += [Problem(p.location or (exc.source or path.name), p.message) for p in exc.problems]
            continue
        if found.sha256 in seen:
            problems.append(Problem(found.name, f"is the same file as {quoted(seen[found.sha256])} in this import"))
            continue
        seen[found.sha256] = found.name
        out.append(found)
    if problems:
        raise ValidationError(problems + [Problem("", "nothing was imported")])
    return out


# --- the record ------------------------------------------------------------------------------------------


def scoring_opened(session: Session, tender: Tender) -> bool:
    """Scoring is open, or was (a tender reopened to draft: the panel may have read the documents)."""
    if tender.status != TenderStatus.DRAFT:
        return True
    opened = select(func.count()).where(
        AuditEntry.tender_uid == tender.uid, AuditEntry.action == ChangeKind.STATUS_SCORING.value
    )
    return bool(session.scalar(opened))


def _title(name: str) -> str:
    """'Method_statement.pdf' -> 'Method statement' (the name citations use)."""
    return " ".join(Path(name).stem.replace("_", " ").split()) or name


def _views(session: Session, tender: Tender, where: list[ColumnElement[bool]] | None = None) -> list[DocumentView]:
    stmt = (
        select(BidDocument, Bidder.name)
        .join(Bidder, BidDocument.bidder_id == Bidder.id)
        .where(BidDocument.tender_id == tender.id, *(where or []))
        .order_by(Bidder.position, Bidder.id, BidDocument.id)
    )
    rows = session.execute(stmt).all()
    ids = [d.id for d, _b in rows]
    parts: dict[int, list[PartView]] = {i: [] for i in ids}
    if ids:
        for document_id, code, first, last in session.execute(
            select(DocumentPart.document_id, Question.code, DocumentPart.first_page, DocumentPart.last_page)
            .join(Question, DocumentPart.question_id == Question.id)
            .where(DocumentPart.document_id.in_(ids))
            .order_by(Question.position, Question.id)
        ).all():
            parts[document_id].append(PartView(code, first, last))
    return [
        DocumentView(
            d.id,
            bidder,
            d.name,
            d.title,
            d.sha256,
            d.size,
            d.pages,
            d.media,
            bool(d.commercial),
            d.late_reason,
            d.added_at,
            tuple(parts[d.id]),
        )
        for d, bidder in rows
    ]


def documents(session: Session, tender: Tender, member: str | None = None) -> list[DocumentView]:
    """The tender's documents, bidder by bidder, as imported, each with the parts mapped to questions;
    `member`: as that panel member may see them (commercial ones hidden while prices are)."""
    where: list[ColumnElement[bool]] = []
    if member is not None and not prices_visible_to(session, tender, member):
        where.append(BidDocument.commercial.is_(False))
    return _views(session, tender, where)


def documents_for(
    session: Session, tender: Tender, bidder_name: str, question_code: str, member: str | None = None
) -> list[AnsweringPart]:
    """The parts of one bid's documents that answer one question, as `member` may see them."""
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    out = []
    for view in documents(session, tender, member):
        if view.bidder != bidder.name:
            continue
        for part in view.parts:
            if part.question_code == question.code:
                out.append(AnsweringPart(view, part.first_page, part.last_page))
    return out


def find_document(session: Session, tender: Tender, which: str | int, bidder_name: str | None = None) -> BidDocument:
    """A document by its id, its SHA-256 (or at least its first 8 hex digits), its file name or title."""
    stmt = select(BidDocument).where(BidDocument.tender_id == tender.id)
    if bidder_name is not None:
        stmt = stmt.where(BidDocument.bidder_id == find_bidder(session, tender, bidder_name).id)
    if isinstance(which, int) and not isinstance(which, bool):
        found = list(session.scalars(stmt.where(BidDocument.id == which)))
    else:
        text = str(which).strip()
        if _SHA.fullmatch(text.lower()):
            found = list(session.scalars(stmt.where(BidDocument.sha256.startswith(text.lower()))))
        else:
            found = []
        if not found:
            found = list(session.scalars(stmt.where((BidDocument.name == text) | (BidDocument.title == text))))
    if not found:
        raise NotFoundError(f"tender {tender.reference} has no document {quoted(which)}")
    if len(found) > 1:
        owners = {session.get(Bidder, d.bidder_id).name for d in found}  # type: ignore[union-attr]
        raise ValidationError(
            f"document {quoted(which)}: {len(found)} documents match (of {', '.join(sorted(owners))}); "
            "name it by its SHA-256, or say the bidder"
        )
    return found[0]


def _pages(pages: tuple[int, int] | None, document: BidDocument | Inspected) -> tuple[int | None, int | None]:
    """A page range of the document checked (1 <= first <= last <= its pages), or the whole file."""
    if pages is None:
        return None, None
    if document.media != "pdf" or document.pages is None:
        raise ValidationError(
            f"pages: {quoted(document.name)} is not a PDF, so it cannot be cited by page; map the whole file"
        )
    first, last = pages
    if not (isinstance(first, int) and isinstance(last, int)) or not 1 <= first <= last:
        raise ValidationError(f"pages: {first}-{last} is not a page range (first page 1 or more, not after the last)")
    if last > document.pages:
        raise ValidationError(f"pages: {first}-{last}, but {quoted(document.name)} has {document.pages} pages")
    return first, last


def _existing(session: Session, tender: Tender, bidder: Bidder, files: Sequence[Inspected]) -> list[Problem]:
    """The files the tender already holds (the same bytes anywhere, or the same name for this bid)."""
    shas = [f.sha256 for f in files]
    rows = session.execute(
        select(BidDocument.sha256, BidDocument.name, BidDocument.bidder_id, BidDocument.added_at, Bidder.name)
        .join(Bidder, BidDocument.bidder_id == Bidder.id)
        .where(BidDocument.tender_id == tender.id, BidDocument.sha256.in_(shas))
    ).all()
    held = {sha: (name, bidder_id, at, owner) for sha, name, bidder_id, at, owner in rows}
    names = set(
        session.scalars(
            select(BidDocument.name).where(BidDocument.tender_id == tender.id, BidDocument.bidder_id == bidder.id)
        )
    )
    problems = []
    for f in files:
        if f.sha256 in held:
            name, bidder_id, at, owner = held[f.sha256]
            if bidder_id == bidder.id:
                problems.append(Problem(f.name, f"is already imported for {owner} (as {quoted(name)}, {at[:10]})"))
            else:
                problems.append(
                    Problem(f.name, f"is the same file as {quoted(name)} imported for {owner}: a bid's own file only")
                )
        elif f.name in names:
            problems.append(
                Problem(
                    f.name,
                    f"{bidder.name} already has a document of that name; a clarification is a new document "
                    "under a name of its own, never a replacement",
                )
            )
    return problems


def import_documents(
    session: Session,
    tender: Tender,
    actor: str,
    bidder_name: str,
    files: Sequence[Path | str | Inspected],
    question_code: str | None = None,
    pages: tuple[int, int] | None = None,
    commercial: bool = False,
    reason: str | None = None,
) -> list[DocumentView]:
    """Import a bidder's documents (files, or folders of them), each stored by its SHA-256 and audited;
    with `question_code`, each mapped to that question (`pages`: a range of the one PDF given).
    After scoring has opened, a late clarification needs `reason`. All or nothing."""
    require_editable(session, tender)
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code) if question_code is not None else None
    late = checked_text(reason, "reason", _REASON_LIMIT, lines=True) or None
    if scoring_opened(session, tender) and late is None:
        raise WorkflowError(
            f"scoring of tender {tender.reference} has opened, so the documents are frozen: a late clarification "
            "is added as a new document with the reason it was accepted (give a reason); nothing was imported"
        )
    if not scoring_opened(session, tender):
        late = None  # only a document added after scoring opened is late
    if pages is not None and question is None:
        raise ValidationError("pages: say which question the pages answer (--question)")
    plain = [f for f in files if not isinstance(f, Inspected)]
    inspected = [f for f in files if isinstance(f, Inspected)] + (inspect_files(plain) if plain else [])
    if pages is not None and len(inspected) != 1:
        raise ValidationError(f"pages: a page range is of one document; {len(inspected)} were given")
    spans = [_pages(pages, f) for f in inspected]
    if problems := _existing(session, tender, bidder, inspected):
        raise ValidationError(problems + [Problem("", "nothing was imported")])
    at = datetime.now(UTC).isoformat(timespec="seconds")
    ids = []
    for f, (first, last) in zip(inspected, spans, strict=True):
        document_store.put(session, f.path, f.texts, expected=f.sha256)
        row = BidDocument(
            tender_id=tender.id,
            bidder_id=bidder.id,
            sha256=f.sha256,
            name=f.name,
            title=_title(f.name),
            size=f.size,
            pages=f.pages,
            media=f.media,
            commercial=bool(commercial),
            late_reason=late,
            added_at=at,
            added_by=actor,
        )
        session.add(row)
        session.flush()
        ids.append(row.id)
        key, value = state.document_key(row), state.document_value(row)
        audit.record(session, tender.uid, actor, ChangeKind.DOCUMENT_ADD, key, None, value, reason=late or "")
        if question is not None:
            _write_part(session, tender, actor, row, question, first, last)
    return [v for v in _views(session, tender) if v.id in ids]


def _write_part(
    session: Session,
    tender: Tender,
    actor: str,
    document: BidDocument,
    question: Question,
    first: int | None,
    last: int | None,
) -> None:
    part = session.scalars(
        select(DocumentPart).where(DocumentPart.document_id == document.id, DocumentPart.question_id == question.id)
    ).first()
    before = state.document_part_value(part) if part is not None else None
    if part is None:
        part = DocumentPart(document_id=document.id, question_id=question.id)
        session.add(part)
    part.first_page, part.last_page = first, last
    session.flush()
    after = state.document_part_value(part)
    if after != before:
        key = state.document_part_key(part)
        audit.record(session, tender.uid, actor, ChangeKind.DOCUMENT_PART, key, before, after)


def set_part(
    session: Session,
    tender: Tender,
    actor: str,
    document: str | int,
    question_code: str,
    pages: tuple[int, int] | None = None,
) -> DocumentView:
    """Say which part of a document answers a question: a page range of a PDF, or (None) the whole file."""
    require_editable(session, tender)
    row = find_document(session, tender, document)
    question = find_question(session, tender, question_code)
    first, last = _pages(pages, row)
    _write_part(session, tender, actor, row, question, first, last)
    return next(v for v in _views(session, tender) if v.id == row.id)


def remove_part(session: Session, tender: Tender, actor: str, document: str | int, question_code: str) -> None:
    require_editable(session, tender)
    row = find_document(session, tender, document)
    question = find_question(session, tender, question_code)
    part = session.scalars(
        select(DocumentPart).where(DocumentPart.document_id == row.id, DocumentPart.question_id == question.id)
    ).first()
    if part is None:
        raise NotFoundError(f"{quoted(row.name)} is not mapped to {question.code}")
    _delete_part(session, tender, actor, part)


def _delete_part(session: Session, tender: Tender, actor: str, part: DocumentPart) -> None:
    key, before = state.document_part_key(part), state.document_part_value(part)
    session.delete(part)
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.DOCUMENT_PART_REMOVE, key, before, None)


def remove_document(session: Session, tender: Tender, actor: str, document: str | int) -> None:
    """Only before scoring opens (after, the panel may have read it: it stays in the record). The
    row goes; the bytes stay in the store, as every backup of the database may still name them."""
    require_editable(session, tender)
    row = find_document(session, tender, document)
    if scoring_opened(session, tender):
        raise WorkflowError(
            f"{quoted(row.name)} cannot be removed: scoring of tender {tender.reference} has opened, and the record "
            "keeps what the panel was given; add a clarification as a new document instead"
        )
    for part in session.scalars(select(DocumentPart).where(DocumentPart.document_id == row.id)).all():
        _delete_part(session, tender, actor, part)
    key, before = state.document_key(row), state.document_value(row)
    session.delete(row)
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.DOCUMENT_REMOVE, key, before, None)


def document_path(session: Session, tender: Tender, sha: str, *, openable: bool = False) -> Path:
    """A file of the document, verified against its SHA-256 now (`openable`: named as imported, for
    the desktop's application)."""
    row = find_document(session, tender, sha)
    if openable:
        return document_store.openable_path(session, row.sha256, row.name)
    return document_store.local_path(session, row.sha256, row.name)


def page_texts(session: Session, tender: Tender, sha: str) -> list[str]:
    row = find_document(session, tender, sha)
    document_store.read(session, row.sha256, row.name)  # the texts are of the bytes as imported
    return document_store.page_texts(session, row.sha256, row.name)


def verify_documents(session: Session, tender: Tender) -> list[str]:
    """Every document's stored copy re-hashed, and its page texts there: the problems, each naming
    the document and its bidder; [] when all hold."""
    out = []
    for view in _views(session, tender):
        if problem := document_store.problem(session, view.sha256, view.name):
            out.append(f"{view.bidder}: {problem}")
    return out
