"""The evaluation workbook: the whole record of a tender as an xlsx an auditor can recompute.

Every figure comes from `ReportData`, so the workbook agrees with the screen and the PDF. The
Summary's points, totals, ranks and disqualifications are live formulas over the Weights,
Questions, Scores, Moderation and Pledges sheets (svdesk.export.workbook_live): change one consensus
score and the rank moves. Each formula carries its value as worked out by svdesk
(svdesk.export.workbook_calc), so a viewer that does not recalculate still shows every figure. Every
sheet prints A4 landscape, one page wide, its header rows repeated. Every text cell is neutralised
(svdesk.export.xlsx_safety): a bidder's name or a rationale can never run as a formula. Rows are
streamed (xlsx_layout.StreamingBook), not held as openpyxl cells: a large tender's 900,000 cells are
written in a second or two, in little memory (openpyxl cannot write cached values at all, and
XlsxWriter, which can, spends as long per cell as openpyxl).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from svdesk.export.files import write_atomically
from svdesk.export.workbook_calc import Layout, layout
from svdesk.export.workbook_live import (
    RESULT_COLUMNS,
    W_PRICE,
    W_QUAL,
    W_QUALITY,
    W_QUANT,
    W_SV,
    WORKING_COLUMNS,
    moderation_sheet,
    questions_sheet,
    results_rows,
    reviews_sheet,
    weights_sheet,
)
from svdesk.export.xlsx_layout import (
    BOLD,
    HEADER_FILL,
    MONEY,
    POINTS,
    PROXY,
    TITLE,
    WRAP,
    Formula,
    SheetWriter,
    StreamingBook,
)
from svdesk.export.xlsx_print import PrintSetup, header_text
from svdesk.model.kinds import QuantitativeMethod, TenderStatus
from svdesk.model.services.declaration_source import OUTSIDE_SVDESK
from svdesk.model.services.report_data import ProxyRow, ReportData

SHEETS = (
    "Summary",
    "Weights",
    "Questions",
    "Scores",
    "Moderation",
    "Pledges",
    "Pledge reviews",
    "Measures",
    "Declarations",
)
__all__ = [
    "PLEDGE_COLUMNS",
    "RESULT_COLUMNS",
    "SHEETS",
    "evaluation_workbook",
    "proxy_text",
    "write_evaluation_workbook",
]
PLEDGE_COLUMNS = (
    "Bidder",
    "Ref",
    "Theme",
    "Unit",
    "Proxy value (£)",
    "Quantity",
    "Accepted quantity",
    "Pledged value (£)",
    "Accepted value (£)",
    "Adjustment reason",
)


def _header(book: StreamingBook, ws: SheetWriter, row: int, titles: tuple[str, ...]) -> None:
    ws.row(row, titles, (book.style(font=BOLD, fill=HEADER_FILL, alignment=WRAP),) * len(titles))


SUMMARY_FACTS = 11  # rows of settings above the results


def _summary(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    # The results' header row repeats on every printed page; the page stops at "Why disqualified"
    # (the working columns right of it are for the screen).
    head = 4 + SUMMARY_FACTS + 2
    printing = PrintSetup(f"{head}:{head}", "A:M", printing.header, printing.footer)
    widths = (40, 34, 14, 14, 14, 11, 11, 13, 13, 10, 8, 12, 50, *([20] * len(WORKING_COLUMNS)))
    with book.sheet(name, widths, printing=printing) as ws:
        row = _summary_facts(book, ws, data, spots)
        row = _summary_results(book, ws, data, spots, row + 1)
        _summary_record(book, ws, data, row + 1)


def _summary_facts(book: StreamingBook, ws: SheetWriter, data: ReportData, spots: Layout) -> int:
    """The tender's settings; returns the next free row."""
    ws.row(1, ("Social value evaluation workbook",), (book.style(font=TITLE),))
    ws.row(2, (f"{data.generator}, {data.generated_at}",), (book.style(),))
    facts: list[tuple[str, object, str | None]] = [
        ("Tender reference", data.reference, None),
        ("Title", data.title, None),
        ("Status", TenderStatus(data.status).label, None),
        ("Contract value", data.contract_value, MONEY),
        # the weights as the Weights sheet holds them (change them there)
        ("Price weight", Formula(f"=Weights!B{W_PRICE}", data.weight_price), None),
        ("Quality weight", Formula(f"=Weights!B{W_QUALITY}", data.weight_quality), None),
        ("Social value weight", Formula(f"=Weights!B{W_SV}", data.weight_social_value), None),
        ("of which on pledged value (points)", Formula(f"=Weights!B{W_QUANT}", spots.weights.quantitative), POINTS),
        (
            "of which on social value questions (points)",
            Formula(f"=Weights!B{W_QUAL}", spots.weights.qualitative),
            POINTS,
        ),
        ("Pledged value method", QuantitativeMethod(data.quantitative_method).label, None),
        ("Score scale", f"0 to {data.scale_max:g} in steps of {data.scale_step:g}", None),
    ]
    assert len(facts) == SUMMARY_FACTS
    for row, (label, value, fmt) in enumerate(facts, start=4):
        ws.row(row, (label, value), (book.style(font=BOLD), book.style(fmt)))
    return 4 + len(facts)


def _summary_results(book: StreamingBook, ws: SheetWriter, data: ReportData, spots: Layout, row: int) -> int:
    """The ranked bidders under their heading, live (workbook_live.results_rows); returns the next free row."""
    label = (
        "Results: FINAL (every consensus score is recorded)"
        if data.final
        else "Results: PROVISIONAL (some consensus scores are missing; the mean of individual scores is used)"
    )
    ws.row(row, (label,), (book.style(font=BOLD),))
    row = results_rows(book, ws, data, spots, row + 1)
    notes = ["Every figure is a formula over the other sheets: change a score there and the rank moves."]
    if any(b.tied for b in data.results.bidders):
        notes.append("Equal totals share a rank (1, 1, 3).")
    for note in notes:
        ws.row(row, (note,), (book.style(),))
        row += 1
    return row


def _summary_record(book: StreamingBook, ws: SheetWriter, data: ReportData, row: int) -> None:
    record: list[tuple[str, object]] = [
        ("Content fingerprint", data.fingerprint),
        ("Audit log head", data.audit_head),
        ("Audit entries", data.audit_entries),
        ("Audit log verified", data.verified),
    ]
    record += [("Verification problem", p) for p in data.verify_problems]
    record += [(f"Signed by {s.name} ({s.role})", s.signed_at) for s in data.signatures]
    styles = (book.style(font=BOLD), book.style())
    for offset, (label, value) in enumerate(record):
        ws.row(row + offset, (label, value), styles)


def _pledges(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    formats = (None, None, None, None, PROXY, None, None, MONEY, MONEY)
    styles = book.column_styles(formats, len(PLEDGE_COLUMNS), wrap=(10,))
    subtotal_styles = (*book.column_styles(formats, 9, font=BOLD), book.style(alignment=WRAP))
    with book.sheet(name, (30, 8, 30, 16, 14, 11, 11, 16, 16, 50), freeze="A2", printing=printing) as ws:
        _header(book, ws, 1, PLEDGE_COLUMNS)
        row = 2
        for bidder in data.bidders:
            pledges = data.pledges_for(bidder)
            first = row
            assert spots.pledge_rows[bidder][0] == first  # where the Summary's formulas look
            for p in pledges:
                values = [
                    p.bidder,
                    p.ref,
                    p.theme,
                    p.unit,
                    p.proxy_value,
                    p.quantity,
                    p.accepted_quantity,
                    Formula(f"=F{row}*E{row}", p.pledged_value),
                    Formula(f"=G{row}*E{row}", p.accepted_value),
                    p.reason or None,
                ]
                ws.row(row, values, styles)
                row += 1
            # A subtotal per bidder: a range, not SUMIF on the name, so no name can act as a criterion.
            last = row - 1
            bid = spots.bids[bidder]
            totals: list[object] = (
                [Formula(f"=SUM(H{first}:H{last})", bid.pledged), Formula(f"=SUM(I{first}:I{last})", bid.accepted)]
                if pledges
                else [0.0, 0.0]
            )
            ws.row(row, [bidder, "Subtotal", None, None, None, None, None, *totals, None], subtotal_styles)
            row += 2


def _day(iso: str) -> str:
    """'2026-12-03T10:00:00+00:00' -> '3 December 2026', as the reports print it (the text as it is otherwise)."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{when.day} {when:%B %Y}"


def proxy_text(proxy: ProxyRow | None) -> str:
    """The Scores sheet's "Entered by proxy": "" for the member's own score, else who typed it in,
    from what, and whether the member has confirmed it."""
    if proxy is None:
        return ""
    confirmed = f"confirmed {_day(proxy.confirmed_at)}" if proxy.confirmed_at else "not confirmed"
    return f"by {proxy.entered_by} from {proxy.source}; {confirmed}"


def _scores(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    titles = ("Member", "Role", "Bidder", "Question", "Score", "Descriptor", "Rationale", "Entered by proxy")
    styles = book.column_styles((), len(titles), wrap=(7, 8))
    descriptor = data.descriptor
    proxies = data.proxy_cells
    with book.sheet(name, (22, 11, 30, 10, 8, 16, 80, 50), freeze="A2", printing=printing) as ws:
        _header(book, ws, 1, titles)
        rows = (
            (
                s.member,
                s.role,
                s.bidder,
                s.question,
                s.score,
                descriptor(s.score),
                s.rationale,
                proxy_text(proxies.get((s.member, s.bidder, s.question))) if proxies else "",
            )
            for s in data.individual
        )
        ws.rows(2, rows, styles)


def _measures(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    titles = ("Ref", "Description", "Unit", "Proxy value (£)", "Catalogue proxy (£)", "Override reason", "Theme")
    styles = book.column_styles((None, None, None, PROXY, PROXY), len(titles), wrap=(2, 6))
    with book.sheet(name, (8, 70, 18, 15, 15, 40, 36), freeze="B2", printing=printing) as ws:
        _header(book, ws, 1, titles)
        for row, m in enumerate(data.measures, start=2):
            values = [
                m.ref,
                m.description,
                m.unit,
                m.proxy_value,
                m.catalogue_proxy_value,
                m.proxy_override_reason or None,
                m.theme,
            ]
            ws.row(row, values, styles)


def _declarations(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    titles = ("Member", "Role", "Bidder", "Declared", "Conflict", "Details", "Recorded")
    styles = book.column_styles((), len(titles), wrap=(6,))
    with book.sheet(name, (22, 11, 30, 10, 10, 60, 26), freeze="A2", printing=printing) as ws:
        _header(book, ws, 1, titles)
        for row, d in enumerate(data.declarations, start=2):
            recorded = None if not d.declared else (OUTSIDE_SVDESK if d.outside_svdesk else "in svdesk")
            values = (d.member, d.role, d.bidder, d.declared, d.conflict if d.declared else None, d.details, recorded)
            ws.row(row, values, styles)


def evaluation_workbook(data: ReportData) -> bytes:
    book = StreamingBook()
    spots = layout(data)
    # every page: the authority's internal marking and the sheet, the tender and the page number
    printing = PrintSetup(
        header=(header_text(data.authority.internal_marking), "&A"),
        footer=(header_text(f"{data.reference} {data.title}"), "Page &P of &N"),
    )
    builders = (
        _summary,
        weights_sheet,
        questions_sheet,
        _scores,
        moderation_sheet,
        _pledges,
        reviews_sheet,
        _measures,
        _declarations,
    )
    for name, build in zip(SHEETS, builders, strict=True):
        build(book, name, data, spots, printing)
    return book.getvalue()


def write_evaluation_workbook(data: ReportData, path: Path) -> Path:
    return write_atomically(Path(path), evaluation_workbook(data))
