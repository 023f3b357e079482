"""The bid documents' bytes: content-addressed by SHA-256, immutable, never deleted.

The record holds each document's SHA-256 (`entities.BidDocument`); the bytes live here, outside the
database's rows, so a 200-bidder tender with 20 MB per bid neither slows the database's opening
nor its backup (a backup copies no document). Nothing is ever removed from the store: any backup
of the database, restored, still finds every document it names.

- SQLite: files beside the database, `<db file>.documents/<sha[:2]>/<sha>`, written to a
  temporary file in the same folder and renamed into place, then made read-only.
- PostgreSQL: the table `document_blobs`, 1 MiB chunks, written in the caller's transaction.

Each document also has a sidecar of its page texts (a gzip of a JSON list, key `<sha>.text`), which
citation checks and search read. Every read re-hashes the bytes, so a document altered after import
is refused, never shown as what the bidder sent (Procurement Act 2023 s.98: the record stands).

Reached from a Session: the store is the one of the database the session is bound to.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import platformdirs
from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL, Connection
from sqlalchemy.orm import Session

from svdesk.model.entities import DocumentBlob
from svdesk.model.errors import SvdeskError, ValidationError
from svdesk.model.names import quoted

CHUNK = 1 << 20  # 1 MiB: one PostgreSQL row each, and the read size of a file
TEXT_SUFFIX = ".text"
_READ_ONLY = 0o444


def _url(session: Session) -> URL:
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    return engine.url


def folder(session: Session) -> Path | None:
    """The store's folder for a SQLite database file; None on PostgreSQL (the table holds the bytes)."""
    url = _url(session)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise SvdeskError("bid documents are stored beside a database file; this database has none (in memory)")
    return Path(f"{url.database}.documents")


def _blob_path(root: Path, key: str) -> Path:
    return root / key[:2] / key


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _shown(sha: str, name: str) -> str:
    return quoted(name) if name else f"document {sha[:12]}…"


# --- raw blobs ------------------------------------------------------------------------------------------


def _write_file(root: Path, key: str, data: bytes) -> None:
    target = _blob_path(root, key)
    if target.exists():
        return  # content-addressed: the same key holds the same bytes (a read re-checks them)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, _READ_ONLY)
        os.replace(temp, target)  # atomic: a reader sees the whole file or none
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _write(session: Session, key: str, data: bytes) -> None:
    root = folder(session)
    if root is not None:
        try:
            _write_file(root, key, data)
        except OSError as exc:
            raise SvdeskError(f"cannot store the document in {root}: {exc.strerror or exc}; nothing was saved") from exc
        return
    if session.scalar(select(func.count()).select_from(DocumentBlob).where(DocumentBlob.blob_key == key)):
        return
    starts = range(0, len(data), CHUNK)
    rows = [{"blob_key": key, "chunk": i, "data": data[at : at + CHUNK]} for i, at in enumerate(starts)]
    session.execute(insert(DocumentBlob), rows or [{"blob_key": key, "chunk": 0, "data": b""}])


def _load(session: Session, key: str) -> bytes | None:
    root = folder(session)
    if root is not None:
        try:
            return _blob_path(root, key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SvdeskError(f"cannot read the stored document {key[:12]}… in {root}: {exc.strerror or exc}") from exc
    chunks = session.scalars(
        select(DocumentBlob.data).where(DocumentBlob.blob_key == key).order_by(DocumentBlob.chunk)
    ).all()
    return b"".join(chunks) if chunks else None


# --- documents --------------------------------------------------------------------------------------------


def put(session: Session, data_path: Path, texts: Sequence[str] = (), expected: str | None = None) -> str:
    """Store the file at `data_path` and its page texts; its SHA-256. `expected`: the SHA-256 it had
    when it was inspected; a file changed since is refused (what was checked is what is kept)."""
    try:
        data = data_path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot be read ({exc.strerror or exc})", source=data_path.name) from None
    sha = hashlib.sha256(data).hexdigest()
    if expected is not None and sha != expected:
        raise ValidationError("changed on disk while it was being imported; import it again", source=data_path.name)
    _write(session, sha, data)
    sidecar = gzip.compress(json.dumps(list(texts), ensure_ascii=False).encode("utf-8"), mtime=0)
    _write(session, sha + TEXT_SUFFIX, sidecar)
    return sha


def read(session: Session, sha: str, name: str = "") -> bytes:
    """The document's bytes, re-hashed: ValidationError when the stored copy is missing or no longer
    matches its SHA-256 (altered after import)."""
    data = _load(session, sha)
    if data is None:
        raise ValidationError(f"the stored copy of {_shown(sha, name)} is missing from the document store")
    if hashlib.sha256(data).hexdigest() != sha:
        raise ValidationError(
            f"the stored copy of {_shown(sha, name)} no longer matches its SHA-256 {sha}: it was altered after "
            "import and is not shown; restore the document store from a copy, or import the bidder's file again"
        )
    return data


def problem(session: Session, sha: str, name: str = "") -> str | None:
    """What is wrong with a stored document (missing, altered, no page texts), or None."""
    try:
        read(session, sha, name)
    except ValidationError as exc:
        return str(exc)
    if _load(session, sha + TEXT_SUFFIX) is None:
        return f"the page texts of {_shown(sha, name)} are missing from the document store"
    return None


def local_path(session: Session, sha: str, name: str = "") -> Path:
    """A file holding the document, verified now: the store's own file on SQLite; on PostgreSQL a copy
    in the user's cache (for the reader and for opening it with the desktop's application)."""
    root = folder(session)
    if root is not None:
        path = _blob_path(root, sha)
        if not path.exists():
            read(session, sha, name)  # says it is missing
        if _hash_file(path) != sha:
            read(session, sha, name)  # says it was altered
        return path
    return _cached(sha, read(session, sha, name))


def openable_path(session: Session, sha: str, name: str) -> Path:
    """A verified copy named as imported (the extension tells the desktop which application opens
    it), in the user's cache, read-only."""
    data = read(session, sha, name)
    safe = Path(name).name or sha
    return _cached(f"{sha[:16]}/{safe}", data, sha)


def _cached(relative: str, data: bytes, sha: str | None = None) -> Path:
    target = Path(platformdirs.user_cache_dir("svdesk", appauthor=False)) / "documents" / relative
    want = sha or relative
    if target.exists() and _hash_file(target) == want:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        os.chmod(target, 0o644)
        target.unlink()
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.chmod(temp, _READ_ONLY)
        os.replace(temp, target)
    except OSError as exc:
        raise SvdeskError(f"cannot write the document to {target.parent}: {exc.strerror or exc}") from exc
    return target


def page_texts(session: Session, sha: str, name: str = "") -> list[str]:
    """The text of each page (empty for a document that is not a PDF)."""
    raw = _load(session, sha + TEXT_SUFFIX)
    if raw is None:
        raise ValidationError(f"the page texts of {_shown(sha, name)} are missing from the document store")
    try:
        texts = json.loads(gzip.decompress(raw).decode("utf-8"))
    except (OSError, EOFError, ValueError):
        texts = None
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise ValidationError(f"the page texts of {_shown(sha, name)} in the document store are damaged")
    return texts
