"""What leaves the building: the PDF reports and the evaluation workbook, read from one snapshot of
the record (`ReportData`) so that every figure in one document agrees with every other."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from svdesk.app.database import Database
from svdesk.app.evaluation_files import evaluation_file_bytes
from svdesk.app.unit import Actor, change, look, name_of
from svdesk.model import audit
from svdesk.model.entities import Tender
from svdesk.model.errors import SvdeskError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import matching
from svdesk.model.services.report_data import ReportData
from svdesk.model.services.report_data import report_data as _report_data

__all__ = ["KINDS", "ReportData", "report_data", "write_report", "write_workbook"]

KINDS = ("evaluation", "moderation", "award", "summary")


def report_data(
    db: Database, reference: str | None, issued_on: date | None = None, analysed: bool = False
) -> ReportData:
    """`issued_on`: the day the documents are dated (today unless given); `analysed`: with the
    robustness analysis the award justification prints."""
    return look(db, reference, lambda s, t: _report_data(s, t, issued_on=issued_on, analysed=analysed))


def write_report(
    db: Database,
    reference: str | None,
    kind: str,
    out: Path,
    bidder: str | None = None,
    marking: str | None = None,
    issued_on: date | None = None,
    actor: Actor | None = None,
) -> list[Path]:
    """One report (or, for `summary` without a bidder, one PDF per supplier into the folder `out`).
    `marking`: on every page (by default the authority's: its supplier marking on the summaries, its
    internal marking on the others); `issued_on`: the day they are dated (today unless given).

    `actor` given: each file written is recorded in the audit log (`report.export`: the kind, the
    file's name, the supplier of a summary and the fingerprint of the record it was made from), so
    the Reports stage knows what was issued from the signed record (Procurement Act 2023 s.98)."""
    from svdesk.export.reports import write_report as write  # reportlab loads on first use, not at start-up

    if kind == "award":  # it embeds the evaluation file, read in the same transaction as the figures
        data, evaluation = look(
            db,
            reference,
            lambda s, t: (_report_data(s, t, issued_on=issued_on, analysed=True), evaluation_file_bytes(s, t)),
        )
        written = write(data, kind, out, bidder=bidder, marking=marking, evaluation_file=evaluation)
    else:
        data = report_data(db, reference, issued_on)
        written = write(data, kind, out, bidder=bidder, marking=marking)
    if actor is not None:
        _record_exports(db, actor, reference, kind, data, written, bidder)
    return written


def _record_exports(
    db: Database,
    actor: Actor,
    reference: str | None,
    kind: str,
    data: ReportData,
    written: list[Path],
    bidder: str | None,
) -> None:
    """One `report.export` entry per file, in one transaction. No entity: the entry is not part of
    the record's content (verify's replay and the fingerprint leave it out)."""
    if kind == "summary":  # one file per supplier, in bid order, or the one asked for
        suppliers = [matching(bidder, data.bidders) or bidder] if bidder is not None else list(data.bidders)
    else:
        suppliers = [""] * len(written)

    def edit(session: Session, tender: Tender) -> None:
        for path, supplier in zip(written, suppliers, strict=True):
            after = {"kind": kind, "file": path.name, "bidder": supplier, "fingerprint": data.fingerprint}
            audit.record(session, tender.uid, name_of(actor), ChangeKind.REPORT_EXPORT, "", None, after)

    try:
        change(db, reference, edit, actor=actor)
    except SvdeskError as exc:  # the files stand; only their issue is not on the record
        names = ", ".join(p.name for p in written[:3]) + (f" and {len(written) - 3} more" if len(written) > 3 else "")
        raise WorkflowError(
            f"{names} written, but not recorded as issued in the audit log: {exc}. Write the report again "
            "once that is put right, so that the Reports stage counts it"
        ) from exc


def write_workbook(db: Database, reference: str | None, out: Path) -> Path:
    """The evaluation workbook for audit: every total, rank and disqualification a live formula over its
    Scores, Moderation, Pledges, Questions and Weights sheets, each with svdesk's value cached."""
    from svdesk.export.workbook import write_evaluation_workbook

    return write_evaluation_workbook(report_data(db, reference), out)
