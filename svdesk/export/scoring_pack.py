"""The offline scoring pack: an xlsx one evaluator fills in away from svdesk.

The member sees only their own scores (blind scoring) and no bid they declared a conflict with; a
pack is issued only once the member has declared for every bidder (the conflict gate).
The Scores sheet is protected with only the score and rationale cells open, and the score cell
offers only points on the tender's scale. Protection and validation guide the evaluator; they are
not the safeguard: svdesk.model.services.scoring_pack checks every cell again on import.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from svdesk.export.files import write_atomically
from svdesk.export.xlsx_layout import BOLD, TITLE, WRAP, header, put, put_row, widths, workbook_bytes, wrap_column
from svdesk.model.citations import citation_token
from svdesk.model.errors import NotFoundError, SvdeskError, ValidationError, WorkflowError
from svdesk.model.input_files import SCORING_PACK
from svdesk.model.kinds import Section
from svdesk.model.names import quoted
from svdesk.model.sandbox import run_limited
from svdesk.model.scoring import scale_points
from svdesk.model.services.pack_binding import PackBinding
from svdesk.model.services.report_data import ReportData
from svdesk.model.services.scoring_pack import (
    MAX_ROWS,
    META_SHEET,
    PACK_FORMAT,
    SCORE_HEADER,
    SCORES_SHEET,
    PackDocument,
    pack_row_key,
)
from svdesk.model.spreadsheet import MAX_ENTRIES, MAX_RATIO, MAX_UNPACKED_BYTES

UNLOCKED = Protection(locked=False)
INLINE_LIST_LIMIT = 255  # Excel's limit on an inline list validation; longer scales use a range
MAX_LISTED_POINTS = 1_000  # beyond this (an odd scale such as 0-100 in 0.01s) list only the described points


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # Let the evaluator widen columns and rows to read long texts; nothing else.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _instructions(
    ws: Worksheet, data: ReportData, member: str, skipped: list[str], documents_file: str = ""
) -> str | None:
    """Fill the Instructions sheet; return the range holding every scale point, when it lists them all."""
    put(ws, 1, 1, "Scoring pack").font = TITLE
    facts = [
        ("Tender", f"{data.reference}: {data.title}"),
        ("Panel member", member),
        ("Exported", f"{data.generated_at} by {data.generator}"),
    ]
    row = 3
    for label, value in facts:
        put(ws, row, 1, label).font = BOLD
        put(ws, row, 2, value)
        row += 1
    row += 1
    steps = [
        "How to fill in this pack",
        "1. Read each question and its guidance on the Questions sheet.",
        "2. On the Scores sheet, give each bid a score from the list in the Score column and write your "
        "rationale beside it, citing the evidence in the bid (section or page).",
        "3. Every score needs a rationale. Leave a row empty if you have not scored it yet.",
        "4. Score on your own: do not share this pack or discuss scores before moderation.",
        "5. Save the file (keep the .xlsx format) and return it to the officer, who imports it into svdesk.",
        "Scores already in svdesk are filled in. If you change one, svdesk asks which copy should stand.",
    ]
    if skipped:
        steps.append(f"Not included (you declared a conflict of interest): {', '.join(skipped)}.")
    if documents_file:
        steps += [
            f"The pages of the bid documents you need are in \u201c{documents_file}\u201d, beside this pack "
            "(listed on the Documents sheet, each with its SHA-256).",
            "To cite a page, copy its Cite as cell into your rationale; to quote the bid, add a colon and "
            "the words in quotes before the #: "
            "[Method statement, p. 4: \u201ctwelve apprenticeships\u201d #3f2a9c1b7e04d5a6].",
            "Page numbers in a citation are the original document's: page 1 of a file in the zip is the "
            "first page it carries (e.g. the original's page 3), and the Documents sheet says which.",
        ]
    for i, line in enumerate(steps):
        cell = put(ws, row, 1, line)
        if i == 0:
            cell.font = BOLD
        row += 1
    row += 1
    put(ws, row, 1, "Score scale").font = BOLD
    row += 1
    header(ws, row, ("Score", "Descriptor"))
    first = row + 1
    points = scale_points(data.scale_max, data.scale_step)
    listed = points if len(points) <= MAX_LISTED_POINTS else sorted(data.descriptors)
    for point in listed:
        row += 1
        put_row(ws, row, [point, data.descriptor(point) or None])
    widths(ws, (16, 90))
    wrap_column(ws, 2, 3)
    _protect(ws)
    return f"Instructions!$A${first}:$A${row}" if listed is points else None


def _questions(ws: Worksheet, data: ReportData) -> None:
    header(ws, 1, ("Code", "Section", "Title", "Question", "Guidance", "Weight", "Minimum score"))
    for row, q in enumerate(data.questions, start=2):
        section = Section(q.section).label
        put_row(ws, row, [q.code, section, q.title or None, q.text, q.guidance or None, q.weight, q.minimum_score])
    ws.freeze_panes = "B2"
    widths(ws, (8, 12, 30, 70, 60, 8, 10))
    for column in (3, 4, 5):
        wrap_column(ws, column, 2)
    _protect(ws)


def _scores(ws: Worksheet, data: ReportData, member: str, bidders: list[str], scale_range: str | None) -> None:
    header(ws, 1, SCORE_HEADER)
    mine = {(s.bidder, s.question): s for s in data.individual if s.member == member}
    row = 1
    for bidder in bidders:
        for q in data.questions:
            row += 1
            existing = mine.get((bidder, q.code))
            put_row(
                ws,
                row,
                [
                    bidder,
                    q.code,
                    q.title or q.text[:120],
                    existing.score if existing else None,
                    existing.rationale if existing else None,
                    pack_row_key(bidder, q.code),
                ],
            )
            for column in (4, 5):
                ws.cell(row=row, column=column).protection = UNLOCKED
            ws.cell(row=row, column=5).alignment = WRAP
    if row > 1:
        ws.add_data_validation(_score_validation(data, scale_range, f"D2:D{row}"))
    ws.column_dimensions["F"].hidden = True
    ws.freeze_panes = "C2"
    widths(ws, (30, 10, 34, 8, 90, 28))
    _protect(ws)


def _score_validation(data: ReportData, scale_range: str | None, cells: str) -> DataValidation:
    """A drop-down of the scale points: inline when short, else the table on the Instructions sheet."""
    points = ",".join(f"{p:g}" for p in scale_points(data.scale_max, data.scale_step))
    inline = f'"{points}"'
    scale = f"0 to {data.scale_max:g} in steps of {data.scale_step:g}"
    kind: dict[str, str]
    if len(inline) <= INLINE_LIST_LIMIT:
        kind = {"type": "list", "formula1": inline}
    elif scale_range is not None:
        kind = {"type": "list", "formula1": scale_range}
    else:  # too many points to list: at least keep scores within the range (the import checks the steps)
        kind = {"type": "decimal", "operator": "between", "formula1": "0", "formula2": f"{data.scale_max:g}"}
    dv = DataValidation(
        **kind,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not on the scale",
        error=f"Choose a score from {scale} (see the Instructions sheet).",
        showInputMessage=True,
        promptTitle="Score",
        prompt=f"A score from {scale}, with your rationale in the next column.",
    )
    dv.add(cells)
    return dv


def _meta(ws: Worksheet, data: ReportData, member: str, binding: PackBinding) -> None:
    # Row order is read back by position in messages (Meta!B2 is the tender): keep it.
    rows: list[tuple[str, object]] = [
        ("format", PACK_FORMAT),
        ("tender", data.reference),
        ("member", member),
        ("fingerprint", data.fingerprint),
        ("exported_at", binding.exported_at),
        ("generator", data.generator),
        ("scale_max", data.scale_max),
        ("scale_step", data.scale_step),
        # the binding (svdesk.model.services.pack_binding): what the pack was issued for, and its MAC
        ("pack_id", binding.pack_id),
        ("tender_uid", binding.tender_uid),
        ("mac", binding.mac),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        put_row(ws, row, [key, value])
    ws.sheet_state = "hidden"
    _protect(ws)


def pack_rows(data: ReportData, member: str) -> list[tuple[str, str]]:
    """The (bidder, question) rows a pack for `member` holds, in order: what its MAC binds.

    Refused (before anything is issued) when the import could not read them back: a pack svdesk
    writes is always one it can import."""
    rows = [(bidder, q.code) for bidder in _bidders(data, member) for q in data.questions]
    if len(rows) > MAX_ROWS:
        raise WorkflowError(
            f"{member}'s scoring pack would hold {len(rows):,} rows ({len(rows) // max(1, len(data.questions)):,} "
            f"bidders x {len(data.questions)} questions), more than a pack holds ({MAX_ROWS:,}); "
            "score this tender in svdesk itself; no pack was issued"
        )
    return rows


def _check_importable(content: bytes, member: str) -> None:
    """The workbook passes the checks the import makes of any file before reading it (its parts, its
    unpacked size, its compression): a pack whose saved scores and rationales are too large to read
    back is refused at export, and not issued."""
    with zipfile.ZipFile(BytesIO(content)) as zf:
        infos = zf.infolist()
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    too_big = unpacked > MAX_UNPACKED_BYTES or (unpacked > 1_048_576 and unpacked / packed > MAX_RATIO)
    if len(infos) > MAX_ENTRIES or too_big or len(content) > SCORING_PACK.max_bytes:
        raise WorkflowError(
            f"{member}'s scoring pack would be {len(content) // 1_048_576:,} MB ({unpacked // 1_048_576:,} MB "
            f"unpacked), more than svdesk reads back ({SCORING_PACK.max_bytes // 1_048_576} MB, "
            f"{MAX_UNPACKED_BYTES // 1_048_576} MB unpacked): the scores and rationales already saved are too long "
            "to go in one pack; score this tender in svdesk itself; no pack was issued"
        )


def _bidders(data: ReportData, member: str) -> list[str]:
    """The bidders `member` may score; refuses a member off the panel or before the conflict gate."""
    if member not in {name for name, _role in data.panel}:
        raise NotFoundError(f"{quoted(member)} is not on the panel of tender {data.reference}")
    own = [d for d in data.declarations if d.member == member]
    skipped = [d.bidder for d in own if d.conflict]
    undeclared = [d.bidder for d in own if not d.declared]
    if undeclared:  # the conflict gate: no bid reaches a member before they have declared for every bidder
        raise WorkflowError(
            f"{member} has not declared any conflict of interest for: {', '.join(undeclared)}; a scoring pack "
            f"is issued only once they have declared for every bidder (svdesk declare --tender {data.reference} "
            f"--member {member!r} --bidder NAME --none | --conflict TEXT, or the Scoring screen)"
        )
    return [b for b in data.bidders if b not in skipped]


def scoring_pack(
    data: ReportData,
    member: str,
    binding: PackBinding,
    documents: Sequence[CarriedFile] = (),
    documents_file: str = "",
) -> bytes:
    """The pack's bytes; `binding` is what `pack_binding.issue_pack` recorded for it (its rows are `pack_rows`).
    `documents`: the bid documents' pages carried beside it in `documents_file` (`carry_documents`)."""
    own = [d for d in data.declarations if d.member == member]
    skipped = [d.bidder for d in own if d.conflict]
    bidders = _bidders(data, member)

    wb = Workbook()
    instructions = wb.active
    assert instructions is not None
    instructions.title = "Instructions"
    scale_range = _instructions(instructions, data, member, skipped, documents_file if documents else "")
    _questions(wb.create_sheet("Questions"), data)
    scores = wb.create_sheet(SCORES_SHEET)
    _scores(scores, data, member, bidders, scale_range)
    if documents:
        _documents(wb.create_sheet(DOCUMENTS_SHEET), documents)
    _meta(wb.create_sheet(META_SHEET), data, member, binding)
    wb.security = WorkbookProtection(lockStructure=True)  # sheets cannot be renamed, removed or unhidden
    content = workbook_bytes(wb)
    _check_importable(content, member)
    return content


def write_scoring_pack(data: ReportData, member: str, binding: PackBinding, path: Path) -> Path:
    return write_atomically(Path(path), scoring_pack(data, member, binding))


def pack_bidders(data: ReportData, member: str) -> list[str]:
    """The bidders a pack for `member` holds (none they declared a conflict with), in order."""
    return _bidders(data, member)


# --- the bid documents beside the pack (issue 18 part 5) -------------------------------------------
# A member scoring offline cites the bid by page like one scoring in svdesk (Procurement Regulations
# 2024 reg 31: the explanation is "by reference to relevant information in the tender"), so the pack
# carries the pages their questions are mapped to, each file with its own SHA-256 and the original's.

DOCUMENTS_SHEET = "Documents"
DOCUMENTS_FORMAT = "svdesk-pack-documents/1"
DOCUMENTS_HEADER = (
    "Bidder",
    "Question(s)",
    "Document",
    "Document SHA-256",
    "Pages carried",
    "File in the zip",
    "File SHA-256",
    "Cite as",
)
CUT_TIMEOUT_S = 120  # one document of up to 1,500 pages
CUT_MEMORY_MB = 1024
_NOT_IN_NAMES = str.maketrans({c: "_" for c in '<>:"/\\|?*'})
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


@dataclass(frozen=True)
class CarriedFile:
    """One file of the documents zip: the pages of one document of one bid."""

    document: PackDocument
    arcname: str  # "<Bidder>/<title> pp. 3-5.pdf"
    sha256: str  # of the file in the zip
    pages: tuple[int, ...]  # the original's page numbers the file holds, in order; () the file as sent
    local: Path  # where it waits until the zip is written
    note: str = ""  # why the whole file is carried although pages were mapped


def documents_zip_path(pack: Path) -> Path:
    """'<pack stem> - bid documents.zip' beside the pack."""
    pack = Path(pack)
    return pack.with_name(f"{pack.stem} - bid documents.zip")


def _pages_label(pages: Sequence[int]) -> str:
    """[3, 4, 5, 9] -> 'pp. 3-5, 9'; [4] -> 'p. 4'."""
    runs: list[tuple[int, int]] = []
    for n in pages:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    shown = ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in runs)
    return f"p. {shown}" if len(pages) == 1 else f"pp. {shown}"


def _name_part(text: str, limit: int = 80) -> str:
    """A file or folder name that unpacks on Windows, macOS and Linux: no separators or reserved names."""
    cleaned = "".join(ch if ch.isprintable() else "_" for ch in text).translate(_NOT_IN_NAMES)
    cleaned = " ".join(cleaned.split())[:limit].rstrip(". ") or "document"
    return f"_{cleaned}" if cleaned.split(".")[0].lower() in _RESERVED or cleaned.startswith(".") else cleaned


def cut_pages(source: str, pages: Sequence[int], out: str) -> tuple[str, str]:
    """Runs in `run_limited`'s child (the PDF is the bidder's: untrusted): the pages `pages` (the
    original's numbers) of the PDF at `source` written to `out`, each page labelled with its original
    number (a reader shows "3" on the file's first page). Returns the SHA-256 of the bytes read and of
    the file written."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    data = Path(source).read_bytes()
    reader = PdfReader(BytesIO(data))
    if reader.is_encrypted:
        raise ValidationError("is encrypted; its pages cannot be cut")
    writer = PdfWriter()
    for number in pages:
        writer.add_page(reader.pages[number - 1])
    start = 0
    for i in range(1, len(pages) + 1):  # a label per run of consecutive original pages
        if i == len(pages) or pages[i] != pages[i - 1] + 1:
            writer.set_page_label(start, i - 1, style=PageLabelStyle.DECIMAL, start=pages[start])
            start = i
    buffer = BytesIO()
    writer.write(buffer)
    cut = buffer.getvalue()
    Path(out).write_bytes(cut)
    return hashlib.sha256(data).hexdigest(), hashlib.sha256(cut).hexdigest()


def _copy_verified(document: PackDocument, target: Path) -> str:
    """The document's bytes copied as sent, checked against its SHA-256 as they are copied."""
    digest = hashlib.sha256()
    with document.source.open("rb") as src, target.open("wb") as dst:
        while block := src.read(1 << 20):
            digest.update(block)
            dst.write(block)
    if digest.hexdigest() != document.sha256:
        raise _altered(document)
    return document.sha256


def _altered(document: PackDocument) -> SvdeskError:
    return ValidationError(
        f"the stored copy no longer matches its SHA-256 {document.sha256}; no pack was issued "
        "(svdesk documents verify says which documents to restore)",
        source=f"{document.bidder}: {quoted(document.name)}",
    )


def carry_documents(documents: Sequence[PackDocument], folder: Path) -> list[CarriedFile]:
    """Each document's pages the member needs as a file in `folder`: the pages cut (in a time- and
    memory-limited child process, one per document), or the file as sent when it is mapped whole or
    is not a PDF. A PDF whose pages pypdf cannot cut (damaged, crafted) is carried whole, and said so:
    the member may see all of it, so more pages is never more than they may read."""
    out: list[CarriedFile] = []
    used: set[str] = set()
    for number, document in enumerate(documents):
        local = Path(folder) / f"{number:05d}"
        pages: tuple[int, ...] = ()
        if not document.whole:
            pages = tuple(
                n
                for span in document.spans
                if span.first_page is not None and span.last_page is not None
                for n in range(span.first_page, span.last_page + 1)
            )
        note = ""
        sha = ""
        if pages:
            try:
                read, sha = run_limited(
                    cut_pages,
                    str(document.source),
                    list(pages),
                    str(local),
                    source=f"{document.bidder}: {document.name}",
                    timeout=CUT_TIMEOUT_S,
                    memory_mb=CUT_MEMORY_MB,
                )
            except ValidationError as exc:
                note = f"its pages could not be cut ({exc}); the whole document is carried"
                pages = ()
            else:
                if read != document.sha256:
                    raise _altered(document)
        if not pages:
            sha = _copy_verified(document, local)
        folder_name = _name_part(document.bidder)
        suffix = (Path(document.name).suffix if document.media != "pdf" else ".pdf").translate(_NOT_IN_NAMES)
        stem = _name_part(document.title) + (f" {_pages_label(pages)}" if pages else "")
        arcname = f"{folder_name}/{stem}{suffix}"
        copy = 2
        while arcname.lower() in used:  # two titles alike once cleaned: each file keeps its own name
            arcname = f"{folder_name}/{stem} ({copy}){suffix}"
            copy += 1
        used.add(arcname.lower())
        out.append(CarriedFile(document, arcname, sha, pages, local, note))
    return out


def _span_rows(carried: CarriedFile) -> list[tuple[tuple[str, ...], str, str]]:
    """(questions, pages carried, cite as) per merged range of one carried file; one row for a whole file."""
    document = carried.document
    if not carried.pages:
        questions = tuple(dict.fromkeys(q for span in document.spans for q in span.questions))
        if document.media == "pdf" and document.pages:
            shown = f"whole document ({document.pages} pages)"
            cite = citation_token(document.title, document.sha256, 1, document.pages)
        else:
            shown, cite = "whole document (not a PDF)", "(not a PDF: cite it by its title, not by page)"
        return [(questions, shown + (f"; {carried.note}" if carried.note else ""), cite)]
    rows = []
    for span in document.spans:
        assert span.first_page is not None and span.last_page is not None
        at = carried.pages.index(span.first_page) + 1
        to = carried.pages.index(span.last_page) + 1
        original = _pages_label(range(span.first_page, span.last_page + 1))
        shown = f"{original} (the file's {_pages_label(range(at, to + 1))})"
        cite = citation_token(document.title, document.sha256, span.first_page, span.last_page)
        rows.append((span.questions, shown, cite))
    return rows


def _documents(ws: Worksheet, carried: Sequence[CarriedFile]) -> None:
    header(ws, 1, DOCUMENTS_HEADER)
    row = 1
    for c in carried:
        d = c.document
        for questions, pages, cite in _span_rows(c):
            row += 1
            put_row(ws, row, [d.bidder, ", ".join(questions), d.title, d.sha256, pages, c.arcname, c.sha256, cite])
    ws.freeze_panes = "B2"
    widths(ws, (28, 14, 30, 66, 34, 44, 66, 60))
    wrap_column(ws, 5, 2)
    _protect(ws)  # locked cells can still be selected and copied: the Cite as cell is for pasting


def documents_index(
    carried: Sequence[CarriedFile], reference: str, member: str, binding: PackBinding
) -> dict[str, object]:
    """index.json of the zip: the pack it belongs to, and per file what it holds and both hashes."""
    files = []
    for c in carried:
        d = c.document
        files.append(
            {
                "file": c.arcname,
                "sha256": c.sha256,
                "bidder": d.bidder,
                "document": d.name,
                "title": d.title,
                "document_sha256": d.sha256,
                "document_pages": d.pages,
                "original_pages": list(c.pages) if c.pages else "whole",
                "note": c.note,
                "parts": [
                    {
                        "questions": list(questions),
                        "pages": pages,
                        "cite_as": cite,
                    }
                    for questions, pages, cite in _span_rows(c)
                ],
            }
        )
    return {
        "format": DOCUMENTS_FORMAT,
        "tender": reference,
        "member": member,
        "pack_id": binding.pack_id,
        "exported_at": binding.exported_at,
        "files": files,
    }


def write_documents_zip(carried: Sequence[CarriedFile], index: dict[str, object], path: Path) -> Path:
    """The zip of the carried files and index.json, written to a temporary file beside `path` and
    renamed into place: a crash never leaves half a zip under the real name."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as zf:
            for c in carried:
                with c.local.open("rb") as src, zf.open(c.arcname, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            zf.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=2))
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise SvdeskError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path
