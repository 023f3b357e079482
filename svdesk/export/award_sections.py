"""The award report's record of the award stage: the contracting authority, the decision, the
assessment summaries and the contract award notice, and the standstill (Procurement Act 2023
ss.50, 51; the record of the decision, s.98)."""

from __future__ import annotations

from reportlab.platypus import Flowable

from svdesk.export.numbers import day
from svdesk.export.pdf_base import Column, gap, key_values, para, tables
from svdesk.model.services.report_data import ReportData
from svdesk.model.standstill import MANDATORY_STANDSTILL_WORKING_DAYS

NOT_YET = "not yet recorded"


def authority_section(data: ReportData) -> list[Flowable]:
    a = data.authority
    pairs: list[tuple[str, object]] = [
        ("Name", a.name or NOT_YET),
        ("Postal address", a.address or NOT_YET),
        ("Unique identifier", a.identifier or NOT_YET),
        ("Contact", "; ".join(v for v in (a.contact, a.email) if v) or NOT_YET),
    ]
    if data.award.decided and data.award.authority_name and data.award.authority_name != a.name:
        # the decision copied the authority's name: a later change of the profile does not rewrite it
        pairs.append(("Name when the decision was recorded", data.award.authority_name))
    return [para("The contracting authority", "h2"), key_values(pairs)]


def decision_section(data: ReportData) -> list[Flowable]:
    view = data.award
    story: list[Flowable] = [para("The award decision", "h2")]
    if not view.decided:
        story += [
            para("The award decision is not yet recorded.", "banner"),
            key_values(
                [
                    ("Decision-maker", _proposed(data.procurement.decision_maker)),
                    ("Delegated authority", _proposed(data.procurement.delegated_authority)),
                ]
            ),
        ]
        return story
    story.append(
        key_values(
            [
                ("Decided on", day(view.decided_on)),
                ("Decision-maker", view.decision_maker),
                ("Delegated authority", view.delegated_authority),
                ("Recommendation approved", f"award to {view.recommendation}"),
            ]
        )
    )
    return story


def _proposed(value: str) -> str:
    return f"{value} (the procurement's details; proposed)" if value else NOT_YET


def award_stage_section(data: ReportData) -> list[Flowable]:
    """The summaries sent (s.50(3)), the notice (s.50(1)), the standstill (s.51) and the contract."""
    view = data.award
    period = view.period
    pairs: list[tuple[str, object]] = [
        ("Assessment summaries sent", day(view.summaries_sent_on) if view.summaries_sent_on else NOT_YET),
        (
            "Contract award notice",
            f"published {day(view.notice_published_on)}" if view.notice_published_on else NOT_YET,
        ),
    ]
    if period is not None:
        pairs += [
            ("Standstill: first working day", day(period.first_day)),
            ("Standstill ends", f"at the end of {period.last_day:%A} {day(period.last_day)}"),
            ("Contract may be entered into", f"from {period.earliest_entry:%A} {day(period.earliest_entry)}"),
        ]
    else:
        pairs.append(("Standstill", "begins with the day the contract award notice is published"))
    pairs.append(("Contract entered into", day(view.contract_entered_on) if view.contract_entered_on else NOT_YET))
    story: list[Flowable] = [
        para("The award stage", "h2"),
        para(
            "Section 50(3) of the Procurement Act 2023: an assessment summary to each supplier that submitted an "
            "assessed tender before the contract award notice. Section 51: the contract may not be entered into "
            f"before the end of the standstill period, {MANDATORY_STANDSTILL_WORKING_DAYS} working days beginning "
            "with the day the notice is published (s.123: a working day is not a Saturday, Sunday, Christmas Day, "
            "Good Friday or a bank holiday in any part of the United Kingdom).",
            "small",
        ),
        gap(1),
        key_values(pairs),
    ]
    if period is not None:
        story.append(para("Days not counted in the standstill period, and why", "h3"))
        if period.skipped:
            story += tables(
                [Column("Day", 56), Column("Why it is not a working day", 114)],
                [(f"{d.day:%A} {day(d.day)}", d.why) for d in period.skipped],
            )
        else:
            story.append(para("None: every day of the period is a working day.", "small"))
    return story
