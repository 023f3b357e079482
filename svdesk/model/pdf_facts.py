"""What a bidder's PDF holds (pages, the text of each), read by PDFium in a limited child process.

A bidder's PDF is untrusted input (issue 18): PDFium is C++, and a crafted file can make a reader
spin, eat memory or crash. `inspect_pdf` runs inside `run_limited`'s child (a time and memory
limit), so the worst case is a clear message naming the file, never a frozen or crashed app.
pypdfium2 is imported inside the functions: only the child loads PDFium.

The texts are kept because the panel cites the tender in its reasons (Procurement Regulations 2024
reg 31: the assessment summary explains the scores "by reference to relevant information in the
tender"), and the record of what was read must stand (Procurement Act 2023 s.98).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from svdesk.model.errors import ValidationError
from svdesk.model.sandbox import run_limited

MAX_PAGES = 1500  # a tender response is tens to hundreds of pages; thousands is a mistake or an attack
HEAD_BYTES = 1024  # PDF readers accept the %PDF- header anywhere in the first 1024 bytes
TIMEOUT_S = 60
MEMORY_MB = 1024

# Extensions whose files are zip archives (Office Open XML, OpenDocument).
_ZIP_KINDS = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip"}


def sniff_media(head: bytes) -> Literal["pdf", "other"]:
    """ "pdf" when the %PDF- header is in the first 1024 bytes (where readers look for it)."""
    return "pdf" if b"%PDF-" in head[:HEAD_BYTES] else "other"


def describe_content(head: bytes) -> str:
    """What the first bytes of a file look like, in words for the message."""
    if sniff_media(head) == "pdf":
        return "a PDF"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "a zip archive (such as a Word, Excel or OpenDocument file)"
    if head.startswith(b"MZ"):
        return "a Windows program (.exe or .dll)"
    if head.startswith(b"\x7fELF"):
        return "a Linux program"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an old-style Office document (.doc or .xls)"
    if head.startswith(b"\x89PNG"):
        return "a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head.startswith(b"{\\rtf"):
        return "a rich text (.rtf) document"
    if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    if not head:
        return "an empty file"
    return "not a PDF (its first bytes match no known document type)"


def check_named_media(name: str, head: bytes) -> None:
    """ValidationError when a file is not what its name says (a .pdf that is a zip, a .docx that is a PDF)."""
    suffix = Path(name).suffix.lower()
    kind = sniff_media(head)
    looks = describe_content(head)
    if suffix == ".pdf" and kind != "pdf":
        raise ValidationError(f"is named .pdf but is not a PDF: it looks like {looks}", source=name)
    if suffix != ".pdf" and kind == "pdf":
        raise ValidationError(
            f"is named {suffix or 'without an extension'} but is a PDF; rename it to .pdf", source=name
        )
    if suffix in _ZIP_KINDS and not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise ValidationError(f"is named {suffix} but is not one: it looks like {looks}", source=name)


def check_pdf_file(path: Path) -> None:
    """A file named .pdf must really be a PDF (the header within its first 1024 bytes)."""
    try:
        with path.open("rb") as file:
            head = file.read(HEAD_BYTES)
    except OSError as exc:
        raise ValidationError(f"cannot be read ({exc.strerror or exc})", source=path.name) from None
    if not path.suffix:  # a stored copy is named by its SHA-256: only its content says what it is
        if sniff_media(head) != "pdf":
            raise ValidationError(f"is not a PDF: it looks like {describe_content(head)}", source=path.name)
        return
    check_named_media(path.name, head)


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    texts: tuple[str, ...]  # one per page, "\n" between lines


def open_document(path: str) -> Any:
    """The document opened by PDFium; ValidationError (without a source) when it is encrypted or damaged.

    JavaScript in a PDF never runs: pypdfium2's PDFium has no JavaScript engine in this use, and no
    form environment is initialised (`init_forms` is never called), so neither /OpenAction scripts
    nor form field scripts have anything to run them. Keep it that way.
    """
    import pypdfium2  # type: ignore[import-untyped]

    try:
        return pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        if exc.err_code == 4:  # FPDF_ERR_PASSWORD
            raise ValidationError("is encrypted (password protected); ask the bidder for an unprotected copy") from None
        raise ValidationError(f"is damaged or not a PDF pypdfium could read ({exc})") from None
    except OSError as exc:
        raise ValidationError(f"cannot be read ({exc.strerror or exc})") from None


def check_page_count(pages: int, max_pages: int = MAX_PAGES) -> None:
    if pages > max_pages:
        raise ValidationError(
            f"has {pages:,} pages, more than the {max_pages:,} a document may have; "
            "ask the bidder to split it into parts"
        )


def page_text(textpage: Any) -> str:
    return str(textpage.get_text_range()).replace("\r\n", "\n").replace("\r", "\n")


def inspect_pdf(path: str, max_pages: int = MAX_PAGES) -> PdfFacts:
    """Pages and per-page text of the PDF at `path`; runs in the child (see `inspect_pdf_limited`)."""
    import pypdfium2

    name = Path(path).name
    try:
        check_pdf_file(Path(path))
        document = open_document(path)
        try:
            pages = len(document)
            check_page_count(pages, max_pages)
            texts = []
            for index in range(pages):
                try:
                    page = document[index]
                    textpage = page.get_textpage()
                except pypdfium2.PdfiumError as exc:
                    raise ValidationError(
                        f"is damaged or not a PDF pypdfium could read (page {index + 1}: {exc})"
                    ) from None
                texts.append(page_text(textpage))
                textpage.close()
                page.close()
        finally:
            document.close()
    except ValidationError as exc:
        if exc.source is None:  # name the file in every message
            raise ValidationError(exc.problems, source=name) from None
        raise
    return PdfFacts(pages=pages, texts=tuple(texts))


def inspect_pdf_limited(path: Path) -> PdfFacts:
    """`inspect_pdf` in a child process stopped after 60 s or 1 GB; every error names the file."""
    return run_limited(inspect_pdf, str(path), source=path.name, timeout=TIMEOUT_S, memory_mb=MEMORY_MB)
