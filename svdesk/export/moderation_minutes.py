"""The parts of the moderation report that make it the minutes of the panel's meetings: each
meeting's record (date, room or call, chair, who attended, apologies, notes), each member's line
in an item (their score, or why there is none), and the pledge reconciliations.

Why minutes: Lancashire Care NHS Foundation Trust v Lancashire County Council (High Court,
Stuart-Smith J, 2018) set an award aside because the council's moderation record did not show how
the consensus scores were reached; Woods Building Services v Milton Keynes Council [2015] EWHC 2011
(TCC) found evaluation notes too brief to explain the scores. The Procurement Act 2023 s.98(1)
asks for records "sufficient to explain" each material decision. So the report says who met,
when and where, what each member scored and why, what the panel agreed and why, and, where a
member has no score, why not.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from svdesk.export.pdf_base import Column, gap, key_values, long_text, para, quantity, tables
from svdesk.model.services.meetings import MeetingView
from svdesk.model.services.report_data import ReportData

DECISIONS = {"accept": "accept as pledged", "reduce": "reduce", "reject": "reject"}


def meeting_record(number: int, meeting: MeetingView) -> list[Flowable]:
    """One meeting as its minutes open: when, where, who chaired, who attended, who sent apologies."""
    sent = [f"{name} ({why})" if why else name for name, why in meeting.apologies]
    apologies = "; ".join(sent) or "none"
    pairs: list[tuple[str, object]] = [
        ("Date", meeting.day),
        ("Place" if meeting.mode == "room" else "Held", meeting.where or "not recorded"),
        ("Chair", meeting.chair or "not recorded"),
        ("Present", ", ".join(meeting.attendees) or "not recorded"),
        ("Apologies", apologies),
        ("Items agreed", f"{meeting.items:,}"),
    ]
    story: list[Flowable] = [para(f"Meeting {number}: {meeting.label}", "h3"), key_values(pairs)]
    if meeting.notes:
        story += [gap(2), para("Notes of the discussion", "small"), *long_text(meeting.notes, "small")]
    return story


def meetings_section(data: ReportData) -> list[Flowable]:
    """The record of every meeting, before the items agreed in them."""
    meetings = data.minutes.meetings
    if not meetings:
        return [
            para("Meetings", "h2"),
            para(
                "No moderation meeting is recorded for this tender: the record does not say when, where or by whom "
                "the consensus scores below were agreed.",
                "banner",
            ),
        ]
    story: list[Flowable] = [
        para("Meetings", "h2"),
        para(
            f"The panel met {len(meetings)} time{'' if len(meetings) == 1 else 's'} to moderate. Each item below is "
            "minuted under the meeting in which its consensus was agreed.",
            "lead",
        ),
    ]
    for number, meeting in enumerate(meetings, start=1):
        story += meeting_record(number, meeting)
    return story


def pledge_reconciliations(data: ReportData) -> list[Flowable]:
    """Every pledge a member reviewed or the panel adjusted: each member's view, and the quantity
    the panel accepted with its reason."""
    unit = {(p.bidder, p.ref): p.unit for p in data.pledges}
    views: dict[tuple[str, str], list[str]] = {}
    for r in data.pledge_reviews:
        view = DECISIONS.get(r.decision, r.decision)
        if r.decision == "reduce" and r.accepted_quantity is not None:
            view += f" to {quantity(r.accepted_quantity, unit.get((r.bidder, r.ref), ''))}"
        why = f" \u2014 {r.reason}" if r.reason else ""
        views.setdefault((r.bidder, r.ref), []).append(f"{r.member}: {view}{why}")
    rows = []
    for p in data.pledges:
        seen = views.get((p.bidder, p.ref), [])
        if not seen and not p.adjusted:
            continue
        accepted = (
            f"{quantity(p.accepted_quantity, p.unit)}: {p.reason}" if p.adjusted else "as pledged (no adjustment)"
        )
        rows.append(
            (
                p.bidder,
                p.ref,
                quantity(p.quantity, p.unit),
                para("\n".join(seen) or "no member reviewed it", "cell"),
                para(accepted, "cell"),
            )
        )
    story: list[Flowable] = [
        para("Pledge reconciliations", "h2"),
        para(
            "Each pledge a member reviewed while scoring, or the panel adjusted: every member's view, then the "
            "quantity the panel accepted and its reason. A pledge nobody questioned counts as pledged.",
            "lead",
        ),
    ]
    if not rows:
        return [*story, para("No member reviewed a pledge and the panel adjusted none.", "small")]
    return story + tables(
        [
            Column("Bidder", 30),
            Column("Ref", 14),
            Column("Pledged", 28, "right"),
            Column("Members' views", 56),
            Column("Panel's accepted quantity and reason", 46),
        ],
        rows,
    )
