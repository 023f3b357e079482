"""One entry point for every PDF report, as the command line and the Reports screen use them."""

from __future__ import annotations

from pathlib import Path

from svdesk.export.assessment_summary import write_assessment_summaries, write_assessment_summary
from svdesk.export.award_report import write_award_report
from svdesk.export.evaluation_report import write_evaluation_report
from svdesk.export.moderation_report import write_moderation_report
from svdesk.model.errors import NotFoundError, SvdeskError
from svdesk.model.names import matching, quoted
from svdesk.model.services.report_data import ReportData

KINDS = ("evaluation", "moderation", "award", "summary")


def write_report(
    data: ReportData,
    kind: str,
    out: Path,
    bidder: str | None = None,
    marking: str | None = None,
    evaluation_file: bytes | None = None,
) -> list[Path]:
    """Write one report (or, for `summary` without a bidder, one PDF per supplier into the folder `out`).
    `evaluation_file` (of the same snapshot as `data`) is embedded in the award report. `marking`
    (given, it is on every page of every kind): by default the authority's supplier marking on the
    summaries, its internal marking on the internal reports."""
    given = (marking or "").strip()[:120]
    marking = given or (data.authority.supplier_marking if kind == "summary" else data.authority.internal_marking)
    if kind == "evaluation":
        return [write_evaluation_report(data, out, marking)]
    if kind == "moderation":
        return [write_moderation_report(data, out, marking)]
    if kind == "award":
        return [write_award_report(data, out, marking, evaluation_file)]
    if kind == "summary":
        if bidder is None:
            if out.exists() and not out.is_dir():
                raise SvdeskError(f"{out}: for every supplier's summary, --out must be a folder")
            return write_assessment_summaries(data, out, marking)
        bidder = matching(bidder, data.bidders) or bidder  # "Zoë" in any Unicode form
        if bidder not in data.bidders:
            raise NotFoundError(
                f"no bidder named {quoted(bidder)} in tender {data.reference} (bidders: {', '.join(data.bidders)})"
            )
        return [write_assessment_summary(data, bidder, out, marking)]
    raise SvdeskError(f"unknown report kind {quoted(kind)} (choose from {', '.join(KINDS)})")
