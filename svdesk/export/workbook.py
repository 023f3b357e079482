"""The evaluation workbook: the whole record of a tender as an xlsx an auditor can recompute.

Every figure comes from `ReportData`, so the workbook agrees with the screen and the PDF. Pledged
and accepted values on the Pledges sheet are live formulas (quantity x proxy) with per-bidder
subtotals, so a reviewer can change a quantity and see the effect; the Summary holds the values
svdesk computed. Every text cell is neutralised (svdesk.export.xlsx_safety): a bidder's name or a
rationale can never run as a formula.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from svdesk.export.files import write_atomically
from svdesk.export.xlsx_layout import (
    BOLD,
    MONEY,
    POINTS,
    PROXY,
    TITLE,
    Formula,
    header,
    put,
    put_row,
    widths,
    workbook_bytes,
    wrap_column,
)
from svdesk.model.services.report_data import ReportData

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
    "Excluded",
    "Exclusion reasons",
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


def _summary(ws: Worksheet, data: ReportData) -> None:
    put(ws, 1, 1, "Social value evaluation workbook").font = TITLE
    put(ws, 2, 1, f"{data.generator}, {data.generated_at}")
    facts: list[tuple[str, object, str | None]] = [
        ("Tender reference", data.reference, None),
        ("Title", data.title, None),
        ("Status", data.status.replace("_", " "), None),
        ("Contract value", data.contract_value, MONEY),
        ("Price weight", data.weight_price, None),
        ("Quality weight", data.weight_quality, None),
        ("Social value weight", data.weight_social_value, None),
        ("of which on pledged value (points)", data.sv_quantitative_weight, POINTS),
        ("of which on social value questions (points)", data.sv_qualitative_weight, POINTS),
        ("Pledged value method", data.quantitative_method.replace("_", " "), None),
        ("Score scale", f"0 to {data.scale_max:g} in steps of {data.scale_step:g}", None),
    ]
    row = 4
    for label, value, fmt in facts:
        put(ws, row, 1, label).font = BOLD
        put(ws, row, 2, value, fmt)
        row += 1
    row += 1
    label = (
        "Results: FINAL (every consensus score is recorded)"
        if data.final
        else "Results: PROVISIONAL (some consensus scores are missing; the mean of individual scores is used)"
    )
    put(ws, row, 1, label).font = BOLD
    row += 1
    header(ws, row, RESULT_COLUMNS)
    row += 1
    formats = (None, None, MONEY, MONEY, MONEY, POINTS, POINTS, POINTS, POINTS, POINTS)
    for b in data.results.bidders:
        put_row(
            ws,
            row,
            [
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
            ],
            formats,
        )
        row += 1
    if any(b.tied for b in data.results.bidders):
        put(ws, row, 1, "Equal totals share a rank (1, 1, 3).")
        row += 1
    row += 1
    record: list[tuple[str, object]] = [
        ("Content fingerprint", data.fingerprint),
        ("Audit log head", data.audit_head),
        ("Audit entries", data.audit_entries),
        ("Audit log verified", data.verified),
    ]
    record += [("Verification problem", p) for p in data.verify_problems]
    record += [(f"Signed by {s.name} ({s.role})", s.signed_at) for s in data.signatures]
    for label, value in record:
        put(ws, row, 1, label).font = BOLD
        put(ws, row, 2, value)
        row += 1
    widths(ws, (40, 34, 14, 14, 14, 11, 11, 13, 13, 10, 8, 10, 50))


def _pledges(ws: Worksheet, data: ReportData) -> None:
    header(ws, 1, PLEDGE_COLUMNS)
    formats = (None, None, None, None, PROXY, None, None, MONEY, MONEY)
    row = 2
    for bidder in data.bidders:
        pledges = data.pledges_for(bidder)
        first = row
        for p in pledges:
            put_row(
                ws,
                row,
                [
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
                ],
                formats,
            )
            row += 1
        # A subtotal per bidder: a range, not SUMIF on the name, so no name can act as a criterion.
        last = row - 1
        totals: list[object] = (
            [Formula(f"=SUM(H{first}:H{last})"), Formula(f"=SUM(I{first}:I{last})")] if pledges else [0.0, 0.0]
        )
        cells = put_row(ws, row, [bidder, "Subtotal", None, None, None, None, None, *totals], formats)
        for cell in cells:
            cell.font = BOLD
        row += 2
    ws.freeze_panes = "A2"
    widths(ws, (30, 8, 30, 16, 14, 11, 11, 16, 16, 50))
    wrap_column(ws, 10, 2)


def _scores(ws: Worksheet, data: ReportData) -> None:
    header(ws, 1, ("Member", "Role", "Bidder", "Question", "Score", "Descriptor", "Rationale"))
    for row, s in enumerate(data.individual, start=2):
        put_row(ws, row, [s.member, s.role, s.bidder, s.question, s.score, data.descriptor(s.score), s.rationale])
    ws.freeze_panes = "A2"
    widths(ws, (22, 11, 30, 10, 8, 16, 80))
    wrap_column(ws, 7, 2)


def _moderation(ws: Worksheet, data: ReportData) -> None:
    scored = {s.member for s in data.individual}
    members = [name for name, role in data.panel if role == "evaluator" or name in scored]
    conflicted = {(d.member, d.bidder) for d in data.declarations if d.conflict}
    marks = {(s.member, s.bidder, s.question): s.score for s in data.individual}
    header(ws, 1, ("Bidder", "Question", *members, "Spread", "Consensus score", "Consensus rationale"))
    row = 2
    for bidder in data.bidders:
        consensus = data.moderated_for(bidder)
        for q in data.questions:
            given = [marks[(m, bidder, q.code)] for m in members if (m, bidder, q.code) in marks]
            cells: list[object] = [
                marks.get((m, bidder, q.code), "conflict" if (m, bidder) in conflicted else None) for m in members
            ]
            agreed = consensus.get(q.code)
            put_row(
                ws,
                row,
                [
                    bidder,
                    q.code,
                    *cells,
                    (max(given) - min(given)) if given else None,
                    agreed.score if agreed else None,
                    agreed.rationale if agreed else None,
                ],
            )
            row += 1
    ws.freeze_panes = "C2"
    widths(ws, (30, 10, *(12 for _ in members), 8, 11, 80))
    wrap_column(ws, len(members) + 5, 2)


def _measures(ws: Worksheet, data: ReportData) -> None:
    header(ws, 1, ("Ref", "Description", "Unit", "Proxy value (£)", "Catalogue proxy (£)", "Override reason", "Theme"))
    for row, m in enumerate(data.measures, start=2):
        put_row(
            ws,
            row,
            [
                m.ref,
                m.description,
                m.unit,
                m.proxy_value,
                m.catalogue_proxy_value,
                m.proxy_override_reason or None,
                m.theme,
            ],
            (None, None, None, PROXY, PROXY),
        )
    ws.freeze_panes = "B2"
    widths(ws, (8, 70, 18, 15, 15, 40, 36))
    wrap_column(ws, 2, 2)
    wrap_column(ws, 6, 2)


def _declarations(ws: Worksheet, data: ReportData) -> None:
    header(ws, 1, ("Member", "Role", "Bidder", "Declared", "Conflict", "Details"))
    for row, d in enumerate(data.declarations, start=2):
        put_row(ws, row, [d.member, d.role, d.bidder, d.declared, d.conflict if d.declared else None, d.details])
    ws.freeze_panes = "A2"
    widths(ws, (22, 11, 30, 10, 10, 60))
    wrap_column(ws, 6, 2)


def evaluation_workbook(data: ReportData) -> bytes:
    wb = Workbook()
    builders = (_summary, _pledges, _scores, _moderation, _measures, _declarations)
    for index, (name, build) in enumerate(zip(SHEETS, builders, strict=True)):
        ws = wb.active if index == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = name
        build(ws, data)
    return workbook_bytes(wb)


def write_evaluation_workbook(data: ReportData, path: Path) -> Path:
    return write_atomically(Path(path), evaluation_workbook(data))
