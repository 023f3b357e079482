"""Files embedded in svdesk's PDFs, so that a document carries what proves it (issue 15 item 6), and
reading them back for `svdesk verify-pdf`.

Writing needs no library beyond reportlab: `EmbeddedFile` is a flowable of no size that, when drawn,
adds a PDF embedded file (ISO 32000-1 7.11.4: a file specification in the catalogue's
/Names /EmbeddedFiles name tree) through reportlab's own PDF objects. Reading uses pypdf (pure
Python, so it works in the wheel and the bundle alike, where poppler's pdfdetach is not there).

The award report (internal) carries the whole evaluation file. A supplier's assessment summary must
not disclose other suppliers' information nor name evaluators (issue 15 item 3), so it carries a
small proof instead (`summary_proof`): the tender's reference, the content fingerprint and audit
head it was issued at, the supplier, and the SHA-256 of the letter's pages as drawn (every page's
content stream, `content_digest`: any change to a word, a figure or a line changes it). The members'
seals are left out of it: each seal signs the member's name (`identity.seal_message`), so it cannot
be checked without naming the evaluator; `verify-pdf --db` checks them against the record instead.

The digest of the pages is taken while the PDF is written (`summary_seal`, called by `build_pdf`
once every page is drawn, before the file is saved), so a letter is built once: reading its text
back to digest it cost three times the building (a 200-supplier tender's letters in 10 s, issue 15).
Format 1 proofs (a digest of the extracted text, without white space) are still checked.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream, PDFString, PDFZCompress
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from svdesk.model.errors import SvdeskError

EVALUATION_ATTACHMENT = "svdesk-evaluation.json"
SUMMARY_PROOF_ATTACHMENT = "svdesk-summary-proof.json"
SUMMARY_PROOF_FORMAT = "svdesk-summary-proof/2"
SUMMARY_PROOF_FORMATS = ("svdesk-summary-proof/1", SUMMARY_PROOF_FORMAT)  # those verify-pdf reads


class EmbeddedFile(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A file embedded in the PDF being built; it takes no room and draws nothing."""

    def __init__(self, name: str, data: bytes, description: str, mime: str = "application/json") -> None:
        super().__init__()
        self.name, self.data, self.description, self.mime = name, data, description, mime
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        _attach(canvas, self)


def _attach(canvas: Canvas, file: EmbeddedFile) -> None:
    doc = canvas._doc  # reportlab's PDFDocument: the catalogue is written when the canvas is saved
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": PDFName("EmbeddedFile"),
                "Subtype": "/" + file.mime.replace("/", "#2F"),  # reportlab's PDFName leaves "/" as it is
                "Params": PDFDictionary(
                    {"Size": len(file.data), "CheckSum": "<" + hashlib.md5(file.data).hexdigest() + ">"}  # noqa: S324 - the spec's checksum
                ),
            }
        ),
        content=file.data,
        filters=[PDFZCompress],
    )
    spec = PDFDictionary(
        {
            "Type": PDFName("Filespec"),
            "F": PDFString(file.name),
            "UF": PDFString(file.name),
            "Desc": PDFString(file.description),
            "EF": PDFDictionary({"F": doc.Reference(stream)}),
            "AFRelationship": PDFName("Data"),
        }
    )
    files: list[tuple[str, Any]] = getattr(doc, "_svdesk_embedded", [])
    files = sorted([*files, (file.name, doc.Reference(spec))])  # a name tree's keys are sorted
    doc._svdesk_embedded = files
    names: list[Any] = []
    for name, ref in files:
        names += [PDFString(name), ref]
    doc.Catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": PDFArray(names)})})


@dataclass(frozen=True)
class ReadPdf:
    attachments: dict[str, bytes]  # name -> content (the first, should a name repeat)
    text: str  # every page's text, as pypdf extracts it
    content_sha256: str = ""  # `content_digest` of the pages' content streams


def read_pdf(source: Path | bytes) -> ReadPdf:
    """The embedded files and the text of a PDF; SvdeskError naming the file when it is not one."""
    from pypdf import PdfReader  # loaded when a PDF is read, not at start-up
    from pypdf.errors import PyPdfError

    where = "the PDF" if isinstance(source, bytes) else str(source)
    try:
        reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
        attachments = {name: contents[0] for name, contents in reader.attachments.items() if contents}
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        digest = content_digest([_page_content(page) for page in reader.pages])
    except OSError as exc:
        raise SvdeskError(f"{where}: cannot be read ({exc.strerror or exc})") from exc
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise SvdeskError(f"{where}: not a PDF svdesk can read ({type(exc).__name__}: {exc})") from exc
    return ReadPdf(attachments, text, digest)


def _page_content(page: Any) -> bytes:
    """A page's content streams, decoded and joined (as drawn; a PDF may hold one stream or several)."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    parts = contents if isinstance(contents, list) else [contents]
    return b"\n".join(part.get_object().get_data() for part in parts)


def content_digest(pages: list[bytes]) -> str:
    """SHA-256 over every page's content, each page's length first (so no two page splits agree)."""
    sha = hashlib.sha256()
    for content in pages:
        sha.update(len(content).to_bytes(8, "big"))
        sha.update(content)
    return sha.hexdigest()


def text_digest(text: str) -> str:
    """SHA-256 of a document's text without its white space (which extraction may join or split)."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def summary_proof(reference: str, supplier: str, fingerprint: str, audit_head: str, pages_sha256: str) -> bytes:
    """What a supplier's summary carries to verify itself: see the module's docstring."""
    proof = {
        "format": SUMMARY_PROOF_FORMAT,
        "reference": reference,
        "supplier": supplier,
        "fingerprint": fingerprint,
        "audit_head": audit_head,
        "content_sha256": pages_sha256,
    }
    return (json.dumps(proof, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


Seal = Callable[[str], EmbeddedFile]  # the digest of the drawn pages -> the file that proves them


def summary_seal(reference: str, supplier: str, fingerprint: str, audit_head: str) -> Seal:
    """For `build_pdf(..., seal=)`: the summary's proof, made from its pages once they are drawn."""

    def seal(pages_sha256: str) -> EmbeddedFile:
        proof = summary_proof(reference, supplier, fingerprint, audit_head, pages_sha256)
        return EmbeddedFile(SUMMARY_PROOF_ATTACHMENT, proof, "svdesk: what this assessment summary was issued as")

    return seal


def attach_sealed(canvas: Canvas, seal: Seal, pages: list[bytes]) -> None:
    """Embed the seal of the pages drawn on `canvas` (called before the canvas saves the file)."""
    _attach(canvas, seal(content_digest(pages)))


def proof_holds(proof: dict[str, Any], pdf: ReadPdf) -> tuple[bool, str]:
    """Whether a summary's pages (format 2) or text (format 1) are those it was issued with, and the
    digest the proof holds."""
    if "content_sha256" in proof:
        digest = str(proof["content_sha256"])
        return pdf.content_sha256 == digest, digest
    digest = str(proof["text_sha256"])
    return text_digest(pdf.text) == digest, digest


def evaluation_attachment(evaluation_file: bytes) -> EmbeddedFile:
    return EmbeddedFile(EVALUATION_ATTACHMENT, evaluation_file, "svdesk: the evaluation file this report was made from")
