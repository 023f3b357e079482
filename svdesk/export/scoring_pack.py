"""The offline scoring pack: an xlsx one evaluator fills in away from svdesk.

The member sees only their own scores (blind scoring) and no bid they declared a conflict with; a
pack is issued only once the member has declared for every bidder (the conflict gate).
The Scores sheet is protected with only the score and rationale cells open, and the score cell
offers only points on the tender's scale. Protection and validation guide the evaluator; they are
not the safeguard: svdesk.model.services.scoring_pack checks every cell again on import.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from svdesk.export.files import write_atomically
from svdesk.export.xlsx_layout import BOLD, TITLE, WRAP, header, put, put_row, widths, workbook_bytes, wrap_column
from svdesk.model.errors import NotFoundError, WorkflowError
from svdesk.model.input_files import SCORING_PACK
from svdesk.model.kinds import Section
from svdesk.model.names import quoted
from svdesk.model.scoring import scale_points
from svdesk.model.services.pack_binding import PackBinding
from svdesk.model.services.report_data import ReportData
from svdesk.model.services.scoring_pack import (
    MAX_ROWS,
    META_SHEET,
    PACK_FORMAT,
    SCORE_HEADER,
    SCORES_SHEET,
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


def _instructions(ws: Worksheet, data: ReportData, member: str, skipped: list[str]) -> str | None:
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


def scoring_pack(data: ReportData, member: str, binding: PackBinding) -> bytes:
    """The pack's bytes; `binding` is what `pack_binding.issue_pack` recorded for it (its rows are `pack_rows`)."""
    own = [d for d in data.declarations if d.member == member]
    skipped = [d.bidder for d in own if d.conflict]
    bidders = _bidders(data, member)

    wb = Workbook()
    instructions = wb.active
    assert instructions is not None
    instructions.title = "Instructions"
    scale_range = _instructions(instructions, data, member, skipped)
    _questions(wb.create_sheet("Questions"), data)
    scores = wb.create_sheet(SCORES_SHEET)
    _scores(scores, data, member, bidders, scale_range)
    _meta(wb.create_sheet(META_SHEET), data, member, binding)
    wb.security = WorkbookProtection(lockStructure=True)  # sheets cannot be renamed, removed or unhidden
    content = workbook_bytes(wb)
    _check_importable(content, member)
    return content


def write_scoring_pack(data: ReportData, member: str, binding: PackBinding, path: Path) -> Path:
    return write_atomically(Path(path), scoring_pack(data, member, binding))
