"""What leaves the building: the PDF reports and the evaluation workbook, read from one snapshot of
the record (`ReportData`) so that every figure in one document agrees with every other."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from svdesk.app.database import Database
from svdesk.app.evaluation_files import evaluation_file_bytes
from svdesk.app.unit import look
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
) -> list[Path]:
    """One report (or, for `summary` without a bidder, one PDF per supplier into the folder `out`).
    `marking`: on every page (by default the authority's: its supplier marking on the summaries, its
    internal marking on the others); `issued_on`: the day they are dated (today unless given)."""
    from svdesk.export.reports import write_report as write  # reportlab loads on first use, not at start-up

    if kind == "award":  # it embeds the evaluation file, read in the same transaction as the figures
        data, evaluation = look(
            db,
            reference,
            lambda s, t: (_report_data(s, t, issued_on=issued_on, analysed=True), evaluation_file_bytes(s, t)),
        )
        return write(data, kind, out, bidder=bidder, marking=marking, evaluation_file=evaluation)
    return write(report_data(db, reference, issued_on), kind, out, bidder=bidder, marking=marking)


def write_workbook(db: Database, reference: str | None, out: Path) -> Path:
    """The evaluation workbook for audit: every total, rank and disqualification a live formula over its
    Scores, Moderation, Pledges, Questions and Weights sheets, each with svdesk's value cached."""
    from svdesk.export.workbook import write_evaluation_workbook

    return write_evaluation_workbook(report_data(db, reference), out)
