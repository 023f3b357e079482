"""Bidders' PDFs, good and hostile, built on demand into a folder (nothing binary is committed).

`realistic_method_statement` is a normal bid document with a known phrase on each page; the
others are what an untrusted upload can be: encrypted, cut short, a page tree thousands of levels
deep, thousands of pages, JavaScript that asks to run on opening, or not a PDF at all.
Each builder writes one file and returns its path; `HOSTILE_PDFS` names them all.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

# One phrase per page (0-based), each found once in the whole document and kept on one line.
METHOD_STATEMENT_PHRASES: dict[int, str] = {
    0: "Weaver Valley Care method statement",
    1: "twelve apprenticeships for local residents",
    2: "mobilisation lead named Priya Shah",
    3: "carbon reduction of eighteen percent",
    4: "volunteering hours with Dee food bank",
    5: "Appendix A evidence of previous contracts",
}

_FILLER = (
    "The service will be delivered from our Chester office by a team that already works in the "
    "borough. Each commitment below is measured monthly and reported to the contract manager at the "
    "quarterly review, with the evidence set out in the appendix."
)


def realistic_method_statement(path: Path) -> dict[int, str]:
    """A six-page "Method statement" (numbered sections, an appendix); returns {page: phrase on it}."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    sections = [
        ("Method statement", "Weaver Valley Care method statement, for the home care tender CWAC-2026-0142."),
        ("1. Employment and skills", "We will create twelve apprenticeships for local residents in year one."),
        ("2. Mobilisation", "The mobilisation lead named Priya Shah starts four weeks before go-live."),
        ("3. Environment", "Electric pool cars give a carbon reduction of eighteen percent by year two."),
        ("4. Communities", "Staff will give 400 volunteering hours with Dee food bank each year."),
        ("Appendix A", "Appendix A evidence of previous contracts: Cheshire West 2019 to 2024."),
    ]
    story: list[object] = []
    for number, (heading, lead) in enumerate(sections):
        if number:
            story.append(PageBreak())
        story.append(Paragraph(heading, styles["Heading1"]))
        story.append(Paragraph(lead, styles["BodyText"]))
        story.append(Spacer(1, 12))
        for paragraph in range(1, 4):
            story.append(Paragraph(f"{number}.{paragraph} {_FILLER}", styles["BodyText"]))
    SimpleDocTemplate(str(path), pagesize=A4, title="Method statement", author="Weaver Valley Care").build(story)
    return dict(METHOD_STATEMENT_PHRASES)


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from object bodies (numbered from 1), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def many_pages(path: Path, pages: int = 2000) -> Path:
    """`pages` pages sharing one content stream ("Filler page text"): thousands of pages, in milliseconds."""
    content = b"BT /F1 12 Tf 72 720 Td (Filler page text) Tj ET"
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + n) for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 3 0 R >> >> >>"
    )
    objects += [page] * pages
    path.write_bytes(raw_pdf(objects))
    return path


def deep_page_tree(path: Path, depth: int = 5000) -> Path:
    """One page under `depth` nested /Pages nodes: a reader that recurses without a limit overflows."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        parent = b"/Parent %d 0 R " % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, number + 1))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (depth + 1))
    path.write_bytes(raw_pdf(objects))
    return path


def deep_array(path: Path, depth: int = 200_000) -> Path:
    """A page whose dictionary holds an array nested `depth` levels deep ([[[[...]]]])."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Deep %s >>" % nested,
    ]
    path.write_bytes(raw_pdf(objects))
    return path


def encrypted(path: Path) -> Path:
    """The realistic document behind a user password."""
    plain = path.with_name(path.stem + "-plain.pdf")
    realistic_method_statement(plain)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="tender2026", owner_password="owner2026", algorithm="AES-128")
    writer.write(path)
    plain.unlink()
    return path


def truncated(path: Path) -> Path:
    """A real PDF cut in half, as an interrupted upload leaves it."""
    whole = path.with_name(path.stem + "-whole.pdf")
    realistic_method_statement(whole)
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    whole.unlink()
    return path


def javascript(path: Path) -> Path:
    """The realistic document with JavaScript asked to run on opening (/OpenAction /JS) and by name."""
    plain = path.with_name(path.stem + "-plain.pdf")
    realistic_method_statement(plain)
    writer = PdfWriter(clone_from=PdfReader(plain))
    script = "app.alert('pwned'); this.exportDataObject({cName: 'x', nLaunch: 2});"
    writer.add_open_action(JavaScript(script))  # the document-level JavaScript name tree
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(script)}
    )
    writer._root_object[NameObject("/OpenAction")] = action  # noqa: SLF001 - and run it on opening
    writer.write(path)
    plain.unlink()
    return path


def zip_named_pdf(path: Path) -> Path:
    """A zip archive (what a .docx is) saved with a .pdf name."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def exe_named_pdf(path: Path) -> Path:
    """A Windows program's header saved with a .pdf name."""
    path.write_bytes(
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 200
        + b"This program cannot be run in DOS mode."
    )
    return path


def pdf_named_docx(path: Path) -> Path:
    """A real PDF saved with a .docx name."""
    realistic_method_statement(path)
    return path


# name -> (file name to write, builder)
HOSTILE_PDFS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "encrypted": ("encrypted.pdf", encrypted),
    "truncated": ("truncated.pdf", truncated),
    "deep page tree": ("deep-tree.pdf", deep_page_tree),
    "deep array": ("deep-array.pdf", deep_array),
    "2,000 pages": ("many-pages.pdf", many_pages),
    "javascript": ("javascript.pdf", javascript),
    "zip named .pdf": ("archive.pdf", zip_named_pdf),
    "exe named .pdf": ("program.pdf", exe_named_pdf),
    "pdf named .docx": ("method-statement.docx", pdf_named_docx),
}


def build_hostile(name: str, folder: Path) -> Path:
    file_name, builder = HOSTILE_PDFS[name]
    return builder(folder / file_name)
