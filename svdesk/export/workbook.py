"""The evaluation workbook: the whole record of a tender as an xlsx an auditor can recompute.

Every figure comes from `ReportData`, so the workbook agrees with the screen and the PDF. Pledged
and accepted values on the Pledges sheet are live formulas (quantity x proxy) with per-bidder
subtotals, so a reviewer can change a quantity and see the effect; the Summary holds the values
svdesk computed. Every text cell is neutralised (svdesk.export.xlsx_safety): a bidder's name or a
rationale can never run as a formula. Rows are streamed (xlsx_layout.StreamingBook), not held as
openpyxl cells: a large tender's 820,000 cells are written in a second or two, in little memory.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from svdesk.export.files import write_atomically
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
from svdesk.model.kinds import QuantitativeMethod, TenderStatus
from svdesk.model.services.declaration_source import OUTSIDE_SVDESK
from svdesk.model.services.report_data import ProxyRow, ReportData

SHEETS = ("Summary", "Pledges", "Scores", "Moderation", "Measures", "Declarations")
RESULT_COLUMNS = (
    "Rank",
    "Bidder",
    "Price (£)",
    "Pledged (£)",
    "Accepted (£)",
    "Price score",
    "Quality score",
    "SV quantitative",
    "SV qualitative",
    "Total",
    "Tied",
    "Disqualified",
    "Why disqualified",
)
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


def _summary(book: StreamingBook, name: str, data: ReportData) -> None:
    with book.sheet(name, (40, 34, 14, 14, 14, 11, 11, 13, 13, 10, 8, 10, 50)) as ws:
        row = _summary_facts(book, ws, data)
        row = _summary_results(book, ws, data, row + 1)
        _summary_record(book, ws, data, row + 1)


def _summary_facts(book: StreamingBook, ws: SheetWriter, data: ReportData) -> int:
    """The tender's settings; returns the next free row."""
    ws.row(1, ("Social value evaluation workbook",), (book.style(font=TITLE),))
    ws.row(2, (f"{data.generator}, {data.generated_at}",), (book.style(),))
    facts: list[tuple[str, object, str | None]] = [
        ("Tender reference", data.reference, None),
        ("Title", data.title, None),
        ("Status", TenderStatus(data.status).label, None),
        ("Contract value", data.contract_value, MONEY),
        ("Price weight", data.weight_price, None),
        ("Quality weight", data.weight_quality, None),
        ("Social value weight", data.weight_social_value, None),
        ("of which on pledged value (points)", data.sv_quantitative_weight, POINTS),
        ("of which on social value questions (points)", data.sv_qualitative_weight, POINTS),
        ("Pledged value method", QuantitativeMethod(data.quantitative_method).label, None),
        ("Score scale", f"0 to {data.scale_max:g} in steps of {data.scale_step:g}", None),
    ]
    for row, (label, value, fmt) in enumerate(facts, start=4):
        ws.row(row, (label, value), (book.style(font=BOLD), book.style(fmt)))
    return 4 + len(facts)


def _summary_results(book: StreamingBook, ws: SheetWriter, data: ReportData, row: int) -> int:
    """The ranked bidders under their heading; returns the next free row."""
    label = (
        "Results: FINAL (every consensus score is recorded)"
        if data.final
        else "Results: PROVISIONAL (some consensus scores are missing; the mean of individual scores is used)"
    )
    ws.row(row, (label,), (book.style(font=BOLD),))
    _header(book, ws, row + 1, RESULT_COLUMNS)
    row += 2
    formats = (None, None, MONEY, MONEY, MONEY, POINTS, POINTS, POINTS, POINTS, POINTS)
    styles = book.column_styles(formats, len(RESULT_COLUMNS))
    for b in data.results.bidders:
        values = [
            b.rank,
            b.name,
            b.price,
            b.pledged_value,
            b.accepted_value,
            b.price_score,
            b.quality_score,
            b.sv_quantitative_score,
            b.sv_qualitative_score,
            b.total,
            "tied" if b.tied else None,
            b.excluded,
            "; ".join(b.exclusion_reasons) or None,
        ]
        ws.row(row, values, styles)
        row += 1
    if any(b.tied for b in data.results.bidders):
        ws.row(row, ("Equal totals share a rank (1, 1, 3).",), (book.style(),))
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


def _pledges(book: StreamingBook, name: str, data: ReportData) -> None:
    formats = (None, None, None, None, PROXY, None, None, MONEY, MONEY)
    styles = book.column_styles(formats, len(PLEDGE_COLUMNS), wrap=(10,))
    subtotal_styles = (*book.column_styles(formats, 9, font=BOLD), book.style(alignment=WRAP))
    with book.sheet(name, (30, 8, 30, 16, 14, 11, 11, 16, 16, 50), freeze="A2") as ws:
        _header(book, ws, 1, PLEDGE_COLUMNS)
        row = 2
        for bidder in data.bidders:
            pledges = data.pledges_for(bidder)
            first = row
            for p in pledges:
                values = [
                    p.bidder,
                    p.ref,
                    p.theme,
                    p.unit,
                    p.proxy_value,
                    p.quantity,
                    p.accepted_quantity,
                    Formula(f"=F{row}*E{row}"),
                    Formula(f"=G{row}*E{row}"),
                    p.reason or None,
                ]
                ws.row(row, values, styles)
                row += 1
            # A subtotal per bidder: a range, not SUMIF on the name, so no name can act as a criterion.
            last = row - 1
            totals: list[object] = (
                [Formula(f"=SUM(H{first}:H{last})"), Formula(f"=SUM(I{first}:I{last})")] if pledges else [0.0, 0.0]
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


def _scores(book: StreamingBook, name: str, data: ReportData) -> None:
    titles = ("Member", "Role", "Bidder", "Question", "Score", "Descriptor", "Rationale", "Entered by proxy")
    styles = book.column_styles((), len(titles), wrap=(7, 8))
    descriptor = data.descriptor
    proxies = data.proxy_cells
    with book.sheet(name, (22, 11, 30, 10, 8, 16, 80, 50), freeze="A2") as ws:
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


def _moderation(book: StreamingBook, name: str, data: ReportData) -> None:
    scored = {s.member for s in data.individual}
    members = [member for member, role in data.panel if role == "evaluator" or member in scored]
    conflicted = {(d.member, d.bidder) for d in data.declarations if d.conflict}
    marks = {(s.member, s.bidder, s.question): s.score for s in data.individual}
    titles = ("Bidder", "Question", *members, "Spread", "Consensus score", "Consensus rationale")
    styles = book.column_styles((), len(titles), wrap=(len(titles),))
    with book.sheet(name, (30, 10, *(12 for _ in members), 8, 11, 80), freeze="C2") as ws:
        _header(book, ws, 1, titles)
        row = 2
        for bidder in data.bidders:
            absent = ["conflict" if (m, bidder) in conflicted else None for m in members]
            for q in data.questions:
                given = [marks.get((m, bidder, q.code)) for m in members]
                cells = [a if g is None else g for g, a in zip(given, absent, strict=True)]
                known = [g for g in given if g is not None]
                agreed = data.moderated_for(bidder).get(q.code)
                values = [
                    bidder,
                    q.code,
                    *cells,
                    (max(known) - min(known)) if known else None,
                    agreed.score if agreed else None,
                    agreed.rationale if agreed else None,
                ]
                ws.row(row, values, styles)
                row += 1


def _measures(book: StreamingBook, name: str, data: ReportData) -> None:
    titles = ("Ref", "Description", "Unit", "Proxy value (£)", "Catalogue proxy (£)", "Override reason", "Theme")
    styles = book.column_styles((None, None, None, PROXY, PROXY), len(titles), wrap=(2, 6))
    with book.sheet(name, (8, 70, 18, 15, 15, 40, 36), freeze="B2") as ws:
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


def _declarations(book: StreamingBook, name: str, data: ReportData) -> None:
    titles = ("Member", "Role", "Bidder", "Declared", "Conflict", "Details", "Recorded")
    styles = book.column_styles((), len(titles), wrap=(6,))
    with book.sheet(name, (22, 11, 30, 10, 10, 60, 26), freeze="A2") as ws:
        _header(book, ws, 1, titles)
        for row, d in enumerate(data.declarations, start=2):
            recorded = None if not d.declared else (OUTSIDE_SVDESK if d.outside_svdesk else "in svdesk")
            values = (d.member, d.role, d.bidder, d.declared, d.conflict if d.declared else None, d.details, recorded)
            ws.row(row, values, styles)


def evaluation_workbook(data: ReportData) -> bytes:
    book = StreamingBook()
    builders = (_summary, _pledges, _scores, _moderation, _measures, _declarations)
    for name, build in zip(SHEETS, builders, strict=True):
        build(book, name, data)
    return book.getvalue()


def write_evaluation_workbook(data: ReportData, path: Path) -> Path:
    return write_atomically(Path(path), evaluation_workbook(data))
