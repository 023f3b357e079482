"""The bidders' response documents: import (files, or a folder per bidder as the portals export
them), map a part to a question, remove before scoring opens, list, open, read the page texts and
verify the stored copies; pack them into an archive that travels beside the evaluation file, and
unpack one into this database's store. Each change is one transaction, audited and signed by the person acting
(`unit.change`); the files are inspected before it begins (a PDF in a limited child process, which
may take a while), so the tender is not held while they are read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.meetings import one_edit
from svdesk.app.unit import Actor, Outcome, change_database, look, name_of
from svdesk.model import document_store
from svdesk.model.document_store import TEXT_SUFFIX
from svdesk.model.entities import Tender
from svdesk.model.errors import Problem, SvdeskError, ValidationError
from svdesk.model.input_files import InputKind, check_input_file
from svdesk.model.names import quoted
from svdesk.model.services import documents as service
from svdesk.model.services.documents import AnsweringPart, DocumentView, PartView
from svdesk.model.validation import Checker

__all__ = [
    "ARCHIVE_FORMAT",
    "AnsweringPart",
    "DocumentView",
    "Packed",
    "PartView",
    "Unpacked",
    "document_path",
    "documents",
    "documents_for",
    "import_documents",
    "pack",
    "page_texts",
    "remove_document",
    "remove_part",
    "scoring_opened",
    "set_part",
    "unpack",
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


# --- the documents archive (issue 18 part 4) --------------------------------------------------------------

ARCHIVE_FORMAT = "svdesk-documents/1"
MANIFEST = "manifest.json"
FOLDER = "documents/"
MAX_ARCHIVE = 64 * 1024 * 1048576  # bytes: 200 bidders of tens of MB each, with room to spare
MAX_MANIFEST = 16 * 1048576
MAX_TEXT_MEMBER = 64 * 1048576  # a page-text sidecar as stored (gzip); unpacked at most 4 times that
MAX_DOCUMENTS = 100_000
_READ = 1 << 20
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Packed:
    reference: str
    documents: int
    size: int  # bytes of the documents packed (the archive stores them uncompressed)
    path: Path


@dataclass(frozen=True)
class Unpacked:
    reference: str  # the tender the archive was packed from, as its manifest says
    documents: int  # each checked against its SHA-256 and now in this database's store


def _sidecar(texts: Sequence[str]) -> bytes:
    """The page texts as the store keeps them (`document_store.put`): gzip of a JSON list."""
    return gzip.compress(json.dumps(list(texts), ensure_ascii=False).encode("utf-8"), mtime=0)


def pack(db: Database, reference: str | None, out: Path) -> Packed:
    """Write every document of the tender to a zip at `out`: `documents/<sha256>` (and
    `documents/<sha256>.text`, its page texts) and `manifest.json` (the reference, and each
    document's bidder, name, SHA-256 and size). Each stored copy is re-hashed as it is read: one
    missing or altered refuses the archive, naming it. Written to a temporary file in `out`'s folder
    and renamed into place, as `export.files.write_atomically` does, but streamed a document at a
    time (a tender's documents are gigabytes; they are never held in memory together)."""
    out = Path(out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise SvdeskError(f"{out}: the folder {folder} does not exist")

    def write(session: Session, tender: Tender) -> Packed:
        views = service.documents(session, tender)
        unique = list({v.sha256: v for v in views}.values())
        has_text: dict[str, bool] = {}
        for v in unique:
            try:
                document_store.page_texts(session, v.sha256, v.name)
                has_text[v.sha256] = True
            except ValidationError:
                has_text[v.sha256] = False
        manifest = {
            "format": ARCHIVE_FORMAT,
            "reference": tender.reference,
            "documents": [
                {
                    "bidder": v.bidder,
                    "name": v.name,
                    "sha256": v.sha256,
                    "size": v.size,
                    "media": v.media,
                    "text": has_text[v.sha256],
                }
                for v in unique
            ],
        }
        fd, temp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(fd, "wb") as file:
                with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                    archive.writestr(MANIFEST, json.dumps(manifest, indent=1, ensure_ascii=False), zipfile.ZIP_DEFLATED)
                    for v in unique:
                        data = document_store.read(session, v.sha256, f"{v.name} ({v.bidder})")
                        archive.writestr(FOLDER + v.sha256, data)  # PDFs are compressed already
                        if has_text[v.sha256]:
                            texts = document_store.page_texts(session, v.sha256, v.name)
                            archive.writestr(FOLDER + v.sha256 + TEXT_SUFFIX, _sidecar(texts))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, out)
        except OSError as exc:
            Path(temp).unlink(missing_ok=True)
            raise SvdeskError(f"{out}: cannot write ({exc.strerror or exc})") from exc
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return Packed(tender.reference, len(unique), sum(v.size for v in unique), out)

    return look(db, reference, write)


@dataclass(frozen=True)
class _Listed:
    bidder: str
    name: str
    sha256: str
    size: int
    media: str
    text: bool


def _manifest(raw: bytes, source: str) -> tuple[str, list[_Listed]]:
    def no_constants(name: str) -> None:
        raise ValueError(f"{name} is not allowed")

    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=no_constants)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(f"{MANIFEST} is not readable JSON ({exc}); nothing was stored", source=source) from None
    c = Checker()
    root = c.obj(data, MANIFEST, ("format", "reference", "documents")) or {}
    if root and root.get("format") != ARCHIVE_FORMAT:
        c.add(f"{MANIFEST}: format", f"expected {ARCHIVE_FORMAT!r}, found {quoted(root.get('format'))}")
    reference = c.text(root.get("reference"), f"{MANIFEST}: reference", max_len=100) or ""
    listed: list[_Listed] = []
    seen: set[str] = set()
    items = c.array(root.get("documents", []), f"{MANIFEST}: documents")
    if len(items) > MAX_DOCUMENTS:
        c.add(f"{MANIFEST}: documents", f"{len(items):,} documents; at most {MAX_DOCUMENTS:,}")
        items = []
    for i, item in enumerate(items):
        path = f"{MANIFEST}: documents[{i}]"
        d = c.obj(item, path, ("bidder", "name", "sha256", "size"), ("media", "text"))
        if d is None:
            continue
        bidder = c.text(d.get("bidder"), f"{path}.bidder", max_len=300)
        name = c.text(d.get("name"), f"{path}.name", max_len=300)
        sha = d.get("sha256")
        if not isinstance(sha, str) or not _HEX64.fullmatch(sha):
            c.add(f"{path}.sha256", f"expected a SHA-256 of 64 lower-case hex digits, found {quoted(sha)}")
            continue
        size = d.get("size")
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= service.MAX_BYTES:
            c.add(f"{path}.size", f"expected a size in bytes, at most {service.MAX_BYTES:,}, found {quoted(size)}")
            continue
        media = d.get("media", "pdf")
        text = d.get("text", False)
        if media not in ("pdf", "other") or not isinstance(text, bool):
            c.add(path, "media is 'pdf' or 'other', and text true or false")
            continue
        if sha in seen:
            c.add(f"{path}.sha256", "listed twice")
            continue
        seen.add(sha)
        if bidder and name:
            listed.append(_Listed(bidder, name, sha, size, str(media), text))
    if c.problems:
        raise ValidationError([*c.problems, Problem("", "nothing was stored")], source)
    return reference, listed


# a damaged member (CRC, truncated), an encrypted one, or one compressed in a way zipfile cannot read
_UNREADABLE = (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError, NotImplementedError, ValueError)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """At most `cap` + 1 bytes of a member, whatever its header says."""
    with archive.open(info) as member:
        return member.read(cap + 1)


def _copy_checked(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, cap: int) -> tuple[str, int]:
    """Copy one member to `target`, reading at most `cap` + 1 bytes whatever its header says (a
    zip bomb's header lies); its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as member, target.open("wb") as file:
        while block := member.read(min(_READ, cap + 1 - size)):
            size += len(block)
            digest.update(block)
            file.write(block)
            if size > cap:
                break
    return digest.hexdigest(), size


def _texts(raw: bytes) -> list[str] | None:
    """A page-text sidecar unpacked with its output capped (a gzip bomb inflates a thousandfold)."""
    try:
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        plain = inflate.decompress(raw, 4 * MAX_TEXT_MEMBER)
        if inflate.unconsumed_tail or not inflate.eof:
            return None
        texts = json.loads(plain.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return None
    return texts


def unpack(db: Database, path: Path) -> Unpacked:
    """Put every document of a documents archive (`pack`) into this database's store, each checked
    against its SHA-256 first: a member whose bytes are not the ones its name says (a tampered
    archive), larger than the manifest says, missing, or any member the format does not name, refuses
    the whole archive, naming it, and nothing is stored. Member names are never used as paths (only
    `manifest.json`, `documents/<sha256>` and `documents/<sha256>.text` are read, into a temporary
    folder of our own), so a zip-slip name cannot write anywhere.

    Needs no tender: the store is content-addressed, so the archive may be unpacked before or after
    the evaluation file that lists the documents is loaded. Nothing is audited: the bytes are not
    the record; the record is each document's row with its SHA-256, which every read re-checks."""
    path = Path(path)
    source = str(path)
    check_input_file(path, InputKind("a documents archive", MAX_ARCHIVE))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError(
            f"not a documents archive (a zip file): {exc}; nothing was stored", source=source
        ) from None
    with archive, tempfile.TemporaryDirectory(prefix="svdesk-unpack-") as scratch:
        infos = archive.infolist()
        if len(infos) > 2 * MAX_DOCUMENTS + 2:
            raise ValidationError(f"{len(infos):,} members: not a documents archive; nothing was stored", source)
        names = [i.filename for i in infos]
        twice = [n for n, count in Counter(names).items() if count > 1]
        if twice:  # which of the two would be read is the reader's choice: refused, not guessed
            raise ValidationError(f"the member {quoted(twice[0])} is in the archive twice; nothing was stored", source)
        by_name = {i.filename: i for i in infos}
        manifest = by_name.get(MANIFEST)
        if manifest is None:
            raise ValidationError(f"no {MANIFEST}: not a documents archive svdesk wrote; nothing was stored", source)
        try:
            raw = _read_member(archive, manifest, MAX_MANIFEST)
        except _UNREADABLE as exc:
            raise ValidationError(f"{MANIFEST} cannot be read ({exc}); nothing was stored", source) from None
        if len(raw) > MAX_MANIFEST:
            raise ValidationError(f"{MANIFEST} is larger than {MAX_MANIFEST:,} bytes; nothing was stored", source)
        reference, listed = _manifest(raw, source)
        expected = {FOLDER + d.sha256: d for d in listed} | {FOLDER + d.sha256 + TEXT_SUFFIX: d for d in listed}
        problems: list[Problem] = []
        for name in names:
            if name not in expected and name not in (MANIFEST, FOLDER):
                problems.append(Problem(name, "is not one the manifest names; a documents archive holds nothing else"))
        ready: list[tuple[_Listed, Path, list[str]]] = []
        for i, d in enumerate(listed):
            shown = f"{quoted(d.name)} ({d.bidder})"
            member_name = FOLDER + d.sha256
            info = by_name.get(member_name)
            if info is None:
                problems.append(Problem(member_name, f"missing: the manifest lists {shown}"))
                continue
            target = Path(scratch) / f"{i}"
            try:
                sha, size = _copy_checked(archive, info, target, d.size)
            except _UNREADABLE as exc:
                problems.append(Problem(member_name, f"cannot be read ({exc}): {shown}"))
                continue
            if size != d.size:
                more = "more" if size > d.size else f"{size:,}"
                problems.append(Problem(member_name, f"holds {more} bytes, not the {d.size:,} of {shown}"))
                continue
            if sha != d.sha256:
                problems.append(
                    Problem(member_name, f"does not match its SHA-256: it is not the file {shown} was; tampered")
                )
                continue
            texts: list[str] | None = []
            text_info = by_name.get(member_name + TEXT_SUFFIX)
            if text_info is not None:
                try:
                    raw_text = _read_member(archive, text_info, MAX_TEXT_MEMBER)
                except _UNREADABLE:
                    raw_text = b"x" * (MAX_TEXT_MEMBER + 1)
                texts = _texts(raw_text) if len(raw_text) <= MAX_TEXT_MEMBER else None
                if texts is None:
                    problems.append(Problem(member_name + TEXT_SUFFIX, f"is not the page texts of {shown}"))
                    continue
            elif d.media == "pdf":
                texts = None  # read again from the PDF, as an import reads it
            ready.append((d, target, texts if texts is not None else _read_texts(target, d, problems)))
        if problems:
            raise ValidationError([*problems, Problem("", "nothing was stored")], source)

        def store(session: Session) -> int:
            for d, target, texts in ready:
                document_store.put(session, target, texts, expected=d.sha256)
            return len(ready)

        stored = change_database(db, store)
    return Unpacked(reference, stored)


def _read_texts(target: Path, d: _Listed, problems: list[Problem]) -> list[str]:
    """The page texts of a PDF the archive carries without them: read as an import reads them."""
    if d.media != "pdf":
        return []
    named = target.with_name(f"{target.name}.pdf")
    target.rename(named)
    try:
        return list(service.inspect_files([named])[0].texts)
    except ValidationError as exc:
        problems.append(Problem(FOLDER + d.sha256, f"its page texts cannot be read: {exc}"))
        return []
    finally:
        named.rename(target)
