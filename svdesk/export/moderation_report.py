"""The moderation report: each member's score and rationale beside the consensus, disagreements first."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether

from svdesk.export.declaration_words import declarations_statement
from svdesk.export.files import write_atomically
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
from svdesk.model.services.redactions import RedactionRow
from svdesk.model.services.report_data import IndividualScore, ReportData

REPORT = "Moderation report"


def spread_threshold(scale_max: float) -> float:
    """High spread: 2 on a 0-5 scale, 40 on 0-100 (two fifths of the scale)."""
    return scale_max * 0.4


def moderation_report(data: ReportData, marking: str | None = None) -> bytes:
    """`marking`: the authority's internal marking unless given."""
    by_cell: dict[tuple[str, str], list[IndividualScore]] = {}
    for s in data.individual:
        by_cell.setdefault((s.bidder, s.question), []).append(s)
    threshold = spread_threshold(data.scale_max)
    cells = [(b, q.code) for q in data.questions for b in data.bidders]

    def spread(cell: tuple[str, str]) -> float:
        marks = [s.score for s in by_cell.get(cell, [])]
        return max(marks) - min(marks) if marks else 0.0

    flagged = [c for c in cells if spread(c) >= threshold]
    others = [c for c in cells if spread(c) < threshold]
    titles = {q.code: question_label(q.code, q.title, q.text) for q in data.questions}
    moderated = {(m.bidder, m.question): m for m in data.moderated}
    withheld: dict[tuple[str, str], list[RedactionRow]] = {}
    for r in data.redactions:
        withheld.setdefault((r.bidder, r.question), []).append(r)

    story: list[Flowable] = [
        *cover(data, REPORT),
        para("Summary", "h2"),
        para(
            f"{len(cells):,} bid-question pairs; {len(flagged):,} with a spread of {score(threshold)} or more between "
            "the panel's individual scores, listed first. Each entry shows every member's score and rationale, then "
            "the consensus the panel agreed and why."
        ),
    ]
    summary_rows = [
        (
            q,
            b,
            ", ".join(f"{s.member}: {score(s.score)}" for s in by_cell.get((b, q), [])) or "no scores",
            score(spread((b, q))),
            score(moderated[(b, q)].score) if (b, q) in moderated else "\u2013",
        )
        for b, q in flagged + others
    ]
    story += tables(
        [
            Column("Q", 12),
            Column("Bidder", 45),
            Column("Individual scores", 77),
            Column("Spread", 18, "right"),
            Column("Consensus", 22, "right"),
        ],
        summary_rows,
        highlight=range(len(flagged)),
    )
    story += proxy_section(data)  # whose scores below the officer typed in, said before them

    def _who(s: IndividualScore) -> str:
        proxy = data.proxy_cells.get((s.member, s.bidder, s.question))
        if proxy is None:
            return s.member
        return f"{s.member} (entered by proxy, {'confirmed' if proxy.confirmed_at else 'not confirmed'})"

    def section(title: str, chosen: list[tuple[str, str]]) -> None:
        if not chosen:
            return
        story.append(para(title, "h2"))
        for bidder, code in chosen:
            flag = " \u2014 HIGH SPREAD" if (bidder, code) in flagged else ""
            # the item's heading, its members' table and the consensus line (with the start of its
            # rationale) stay on one page: the consensus is never cut off from the scores it settles
            item: list[Flowable] = [markup(f"<b>{text(titles[code])} \u2014 {text(bidder)}</b>{flag}", "h3")]
            rows = [(_who(s), score(s.score), s.rationale) for s in by_cell.get((bidder, code), [])]
            item.extend(
                tables(
                    [Column("Member", 32), Column("Score", 14, "right"), Column("Rationale", 128)],
                    [
                        (m, sc, para(r[:1500] + ("\u2026 (continued below)" if len(r) > 1500 else ""), "cell"))
                        for m, sc, r in rows
                    ],
                )
            )
            after: list[Flowable] = []
            for s in by_cell.get((bidder, code), []):
                if len(s.rationale) > 1500:
                    after.extend([para(f"{s.member}'s full rationale:", "small"), *long_text(s.rationale, "small")])
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
                    *long_text(m.rationale),
                ]
                for r in withheld.get((bidder, code), []):  # what the other suppliers will not read (s.94)
                    consensus.append(
                        para(
                            f"Withheld from the other suppliers' summaries (Procurement Act 2023 s.94(1)(b)): "
                            f"\u201c{r.passage}\u201d \u2014 {r.reason} ({r.made_by}, {r.made_at[:10]})",
                            "small",
                        )
                    )
            if after:  # full rationales in between: the consensus keeps its own first paragraph
                story.append(KeepTogether(item))
                story.extend(after)
                story.append(KeepTogether(consensus[:2]))
                story.extend(consensus[2:])
            else:
                story.append(KeepTogether(item + consensus[:2]))
                story.extend(consensus[2:])
            story.append(gap(2))

    section("Items with a high spread", flagged)
    section("All other items", others)
    story += [para("Declarations of interest", "h2"), para(declarations_statement(data, table=False), "small")]
    story += [para("Sign-off", "h2"), *signoff_section(data)]
    return build_pdf(story, page_info(data, REPORT, marking or data.authority.internal_marking))


def write_moderation_report(data: ReportData, path: Path, marking: str | None = None) -> Path:
    return write_atomically(path, moderation_report(data, marking))
