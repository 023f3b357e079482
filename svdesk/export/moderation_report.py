"""The moderation report, as the minutes of the panel's meetings: each meeting's record (date, room
or call, chair, attendees, apologies, notes), then the items agreed in it, the highest spread first,
each with every member's score and rationale (or why a member has none), the consensus and its
rationale; then the pledge reconciliations. The case law it answers: `moderation_minutes`.

Built from small flowables (tables of a few dozen rows, one text block per rationale) with every
figure from `ReportData`: no query per row; a framework's 88,000 scores are grouped once.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether

from svdesk.export.declaration_words import declarations_statement
from svdesk.export.files import write_atomically
from svdesk.export.moderation_minutes import meetings_section, pledge_reconciliations
from svdesk.export.pdf_base import (
    Column,
    build_pdf,
    gap,
    long_text,
    markup,
    para,
    score,
    tables,
    text,
)
from svdesk.export.report_sections import cover, page_info, proxy_section, question_label, signoff_section
from svdesk.model.citations import printed, readable, references
from svdesk.model.services.meetings import MeetingView
from svdesk.model.services.redactions import RedactionRow
from svdesk.model.services.report_data import IndividualScore, ReportData

REPORT = "Moderation report"
Cell = tuple[str, str]  # (bidder, question code)


def spread_threshold(scale_max: float) -> float:
    """High spread: 2 on a 0-5 scale, 40 on 0-100 (two fifths of the scale)."""
    return scale_max * 0.4


def moderation_report(data: ReportData, marking: str | None = None) -> bytes:
    """`marking`: the authority's internal marking unless given."""
    by_cell: dict[Cell, list[IndividualScore]] = {}
    for s in data.individual:
        by_cell.setdefault((s.bidder, s.question), []).append(s)
    threshold = spread_threshold(data.scale_max)
    cells = [(b, q.code) for q in data.questions for b in data.bidders]
    spreads: dict[Cell, float] = {}
    for cell in cells:
        marks = [s.score for s in by_cell.get(cell, [])]
        spreads[cell] = max(marks) - min(marks) if marks else 0.0
    flagged = {c for c in cells if spreads[c] >= threshold}
    titles = {q.code: question_label(q.code, q.title, q.text) for q in data.questions}
    moderated = {(m.bidder, m.question): m for m in data.moderated}
    withheld: dict[Cell, list[RedactionRow]] = {}
    for r in data.redactions:
        withheld.setdefault((r.bidder, r.question), []).append(r)
    minutes = data.minutes
    number = {m.id: i for i, m in enumerate(minutes.meetings, start=1)}

    def by_spread(chosen: list[Cell]) -> list[Cell]:
        return sorted(chosen, key=lambda c: -spreads[c])  # stable: questions, then bids, as they are listed

    # the items as minuted: under the meeting each was agreed in, then those agreed in none, then the rest
    in_meeting: dict[int, list[Cell]] = {m.id: [] for m in minutes.meetings}
    outside: list[Cell] = []
    open_items: list[Cell] = []
    for cell in cells:
        meeting_id = minutes.meeting_of.get(cell)
        if cell not in moderated:
            open_items.append(cell)
        elif meeting_id in in_meeting:
            in_meeting[meeting_id].append(cell)
        else:
            outside.append(cell)

    story: list[Flowable] = [
        *cover(data, REPORT),
        para("Summary", "h2"),
        para(
            f"{len(cells):,} bid-question pairs; {len(flagged):,} with a spread of {score(threshold)} or more between "
            "the panel's individual scores. The items are minuted under the meeting in which each consensus was "
            "agreed, the highest spread first: every member's score and rationale (or why a member has none), then "
            "the consensus the panel agreed and why."
        ),
    ]

    def marks_text(cell: Cell) -> str:
        shown = [f"{s.member}: {score(s.score)}" for s in by_cell.get(cell, [])]
        shown += [f"{m.member}: none ({m.reason.replace('_', ' ')})" for m in minutes.missing_for(*cell)]
        return ", ".join(shown) or "no scores"

    summary = by_spread(cells)
    story += tables(
        [
            Column("Q", 12),
            Column("Bidder", 42),
            Column("Individual scores", 66),
            Column("Spread", 16, "right"),
            Column("Consensus", 24, "right"),
            Column("Met", 14),
        ],
        [
            (
                q,
                b,
                marks_text((b, q)),
                score(spreads[(b, q)]),
                score(moderated[(b, q)].score) if (b, q) in moderated else "\u2013",
                f"M{number[minutes.meeting_of[(b, q)]]}" if minutes.meeting_of.get((b, q)) in number else "\u2013",
            )
            for b, q in summary
        ],
        highlight=[i for i, c in enumerate(summary) if c in flagged],
    )
    story += meetings_section(data)
    story += proxy_section(data)  # whose scores below the officer typed in, said before them

    def who(s: IndividualScore, away: dict[str, str]) -> str:
        name = s.member + (" (sent apologies for the meeting)" if s.member in away else "")
        proxy = data.proxy_cells.get((s.member, s.bidder, s.question))
        if proxy is None:
            return name
        return f"{name} (entered by proxy, {'confirmed' if proxy.confirmed_at else 'not confirmed'})"

    def item(bidder: str, code: str, meeting: MeetingView | None) -> None:
        flag = " \u2014 HIGH SPREAD" if (bidder, code) in flagged else ""
        away = dict(meeting.apologies) if meeting is not None else {}
        heading = markup(
            f"<b>{text(titles[code])} \u2014 {text(bidder)}</b>{flag}  (spread {score(spreads[(bidder, code)])})", "h3"
        )
        scored = by_cell.get((bidder, code), [])
        # citations (issue 18) printed readably, each with its references under it
        shown = [(s, printed(s.rationale)) for s in scored]
        rows: list[tuple[object, ...]] = [
            (who(s, away), score(s.score), para(t[:1500] + ("\u2026 (continued below)" * (len(t) > 1500)), "cell"))
            for s, t in shown
        ]
        rows += [(m.member, "\u2013", para(m.text, "cell")) for m in minutes.missing_for(bidder, code)]
        # the heading, the members' table and the consensus line (with the start of its rationale)
        # stay on one page: the consensus is never cut off from the scores it settles
        block: list[Flowable] = [
            heading,
            *tables([Column("Member", 36), Column("Score", 14, "right"), Column("Rationale", 124)], rows),
        ]
        after: list[Flowable] = []
        for s, t in shown:
            if len(t) > 1500:
                after.extend([para(f"{s.member}'s full rationale:", "small"), *long_text(t, "small")])
        m = moderated.get((bidder, code))
        if m is None:
            consensus: list[Flowable] = [para("No consensus score yet.", "banner")]
        else:
            label = data.descriptor(m.score)
            consensus = [
                markup(
                    f"<b>Consensus: {score(m.score)} / {score(data.scale_max)}"
                    + (f" ({text(label)})" if label else "")
                    + "</b>"
                ),
                *long_text(readable(m.rationale)),
            ]
            cited = references(m.rationale)
            if cited:
                consensus.append(para("References:\n" + "\n".join(f"\u2013 {line}" for line in cited), "small"))
            for r in withheld.get((bidder, code), []):  # what the other suppliers will not read (s.94)
                consensus.append(
                    para(
                        f"Withheld from the other suppliers' summaries (Procurement Act 2023 s.94(1)(b)): "
                        f"\u201c{r.passage}\u201d \u2014 {r.reason} ({r.made_by}, {r.made_at[:10]})",
                        "small",
                    )
                )
        if after:  # full rationales in between: the consensus keeps its own first paragraph
            story.append(KeepTogether(block))
            story.extend(after)
            story.append(KeepTogether(consensus[:2]))
        else:
            story.append(KeepTogether(block + consensus[:2]))
        story.extend(consensus[2:])
        story.append(gap(2))

    def section(title: str, lead: str, chosen: list[Cell], meeting: MeetingView | None = None) -> None:
        if not chosen:
            return
        story.extend([para(title, "h2"), para(lead, "lead")])
        for bidder, code in by_spread(chosen):
            item(bidder, code, meeting)

    for meeting in minutes.meetings:
        section(
            f"Minutes of meeting {number[meeting.id]}: {meeting.label}",
            f"Chair: {meeting.chair or 'not recorded'}. Present: {', '.join(meeting.attendees) or 'not recorded'}. "
            f"{len(in_meeting[meeting.id]):,} item(s) agreed, the highest spread first.",
            in_meeting[meeting.id],
            meeting,
        )
    section(
        "Items agreed outside a recorded meeting" if minutes.meetings else "Items agreed",
        "The record does not say in which meeting these consensus scores were agreed.",
        outside,
    )
    section("Items not yet agreed", "No consensus score is recorded for these items yet.", open_items)
    story += pledge_reconciliations(data)
    story += [para("Declarations of interest", "h2"), para(declarations_statement(data, table=False), "small")]
    story += [para("Sign-off", "h2"), *signoff_section(data, proxies=False)]  # the proxies are said above
    return build_pdf(story, page_info(data, REPORT, marking or data.authority.internal_marking))


def write_moderation_report(data: ReportData, path: Path, marking: str | None = None) -> Path:
    return write_atomically(path, moderation_report(data, marking))
