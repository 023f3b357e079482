"""The award justification (internal): who should win, why, how each other bid compares criterion by
criterion, the award stage (the decision, the summaries, the notice and the standstill) and every
passage withheld from the other suppliers' assessment summaries."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether

from svdesk.export.award_sections import (
    Cells,
    authority_section,
    award_stage_section,
    decision_section,
    headed,
    other_table,
    why_section,
)
from svdesk.export.declaration_words import declarations_statement
from svdesk.export.files import write_atomically
from svdesk.export.justification import (
    LISTED,
    Gap,
    difference,
    head_to_head,
    listed,
    missed_minimums,
    ordinal,
    possessive,
    runner_up,
)
from svdesk.export.pdf_attachments import evaluation_attachment
from svdesk.export.pdf_base import (
    build_pdf,
    gap,
    long_text,
    markup,
    para,
    points,
    score,
    text,
)
from svdesk.export.report_sections import (
    DISQUALIFIED,
    cover,
    page_info,
    question_label,
    redactions_section,
    results_section,
    signoff_section,
)
from svdesk.export.robustness_section import robustness_section
from svdesk.model.citations import readable, references
from svdesk.model.services.report_data import ReportData

REPORT = "Award justification"


def reason(rationale: str) -> list[Flowable]:
    """A consensus rationale as printed: its citation tokens (issue 18) readably, "(Method statement,
    p. 4)", and under it what it cites, with the quoted words and each document's short SHA-256 (the
    reference to "relevant information in the tender", Procurement Regulations 2024 reg 31)."""
    body = long_text(readable(rationale))
    cited = references(rationale)
    if cited:
        body.append(para("References:\n" + "\n".join(f"\u2013 {line}" for line in cited), "small"))
    return body


def _with_first(head: Flowable, body: list[Flowable]) -> list[Flowable]:
    """A score line kept on one page with the first paragraph of the reason it introduces."""
    return [KeepTogether([head, body[0]]), *body[1:]]


def award_report(data: ReportData, marking: str | None = None, evaluation_file: bytes | None = None) -> bytes:
    """`evaluation_file`: the tender's evaluation file of the same snapshot, embedded whole (this
    report is internal), so that `svdesk verify-pdf` can check the document against it. `marking`:
    the authority's internal marking unless given."""
    story: list[Flowable] = [*cover(data, REPORT)]
    if evaluation_file is not None:
        story.insert(0, evaluation_attachment(evaluation_file))
    winner = data.winner()
    story.append(para("Recommendation", "h2"))
    if winner is None:
        story.append(
            para(
                "No single bid ranks first (a tie, or no eligible bid): no award can be justified until the "
                "panel resolves it.",
                "banner",
            )
        )
    else:
        story += recommendation(data, winner)
        story += why_section(data, winner)
    story += [para("Results", "h2"), *results_section(data)]
    if winner is not None:
        story += robustness_section(data)
        story += [*winner_reasons(data, winner), *others_section(data, winner)]
    story += [
        *authority_section(data),
        *decision_section(data),
        *award_stage_section(data),
        para("Passages withheld from the other suppliers' summaries", "h2"),
        *redactions_section(data),
    ]
    story += [para("Declarations of interest", "h2"), para(declarations_statement(data, table=False), "small")]
    story += [para("Sign-off", "h2"), *signoff_section(data)]
    return build_pdf(story, page_info(data, REPORT, marking or data.authority.internal_marking))


def write_award_report(
    data: ReportData, path: Path, marking: str | None = None, evaluation_file: bytes | None = None
) -> Path:
    return write_atomically(path, award_report(data, marking, evaluation_file))


def recommendation(data: ReportData, winner: str) -> list[Flowable]:
    w = data.by_name[winner]
    second, _tied = runner_up(data)
    sv_points = (w.sv_quantitative_score or 0) + (w.sv_qualitative_score or 0)
    lead = ""
    if second is not None:
        margin = difference(w.total, data.by_name[second].total)
        lead = f", {points(margin)} points more than the runner-up, {text(second)}"
    story: list[Flowable] = [
        markup(
            f"The panel recommends the award of {text(data.title)} to <b>{text(winner)}</b>. "
            "Its tender is the most advantageous under the published award criteria, scoring "
            f"<b>{points(w.total)}</b> points out of 100{lead}: price "
            f"{points(w.price_score)} of {points(data.weight_price)}, quality {points(w.quality_score)} of "
            f"{points(data.weight_quality)}, social value {points(sv_points)}"
            f" of {points(data.weight_social_value)}."
        )
    ]
    if not (data.final and data.locked):
        story.append(para("This justification is provisional until the evaluation is signed off.", "banner"))
    return story


def winner_reasons(data: ReportData, winner: str) -> list[Flowable]:
    """The panel's whole consensus explanation of every score of the winner."""
    story: list[Flowable] = [para(f"The panel's reasons for {possessive(winner)} scores", "h2")]
    mod = data.moderated_for(winner)
    for q in data.questions:
        m = mod.get(q.code)
        if m is not None:
            label = data.descriptor(m.score)
            head = markup(
                f"<b>{text(question_label(q.code, q.title, q.text))}</b>: {score(m.score)}"
                + (f" ({text(label)})" if label else "")
            )
            story += _with_first(head, reason(m.rationale))
    return story


def others_section(data: ReportData, winner: str) -> list[Flowable]:
    """Each other bid against the winner, in rank order (the disqualified last): its lead sentence,
    its table of points with the total, and the panel's reason wherever it scored less."""
    story: list[Flowable] = [para("How each other bid compares", "h2")]
    mod_w = data.moderated_for(winner)
    cells: Cells = {}  # the table cells the bids share, made once
    for res in data.results.bidders:
        other = res.name
        if other == winner:
            continue
        table = other_table(data, winner, other, cells)
        story += headed(other, [para(standing(data, winner, other))], table, len(data.questions) + 2)
        mod = data.moderated_for(other)
        for q in data.questions:
            mine, theirs = mod.get(q.code), mod_w.get(q.code)
            if mine is None or theirs is None or mine.score >= theirs.score:
                continue
            head = markup(
                f"<b>{text(question_label(q.code, q.title, q.text))}</b>: scored {score(mine.score)} against the "
                f"winner's {score(theirs.score)}. The panel's reason:"
            )
            story += [gap(1.5), *_with_first(head, reason(mine.rationale))]
        story.append(gap(3))
    return story


def standing(data: ReportData, winner: str, other: str) -> str:
    """One bid's place and where it lost most to the winner, in a sentence."""
    res = data.by_name[other]
    if res.excluded:
        missed = [m.text for m in missed_minimums(data, other)] or res.exclusion_reasons
        return f"{DISQUALIFIED.capitalize()}: {listed(missed)}. It has no total and no rank."
    h2h = head_to_head(data, winner, other)
    place = f"Ranked {ordinal(res.rank or 0)}{' (tied)' if res.tied else ''} with {points(res.total)} points"
    said = f"{place}, {points(h2h.margin)} behind {winner}"
    if h2h.losses:
        said += f"; ahead of the winner on {gap_list(h2h.losses)}"
    if h2h.gains:
        said += f"; behind it most on {gap_list(h2h.gains)}"
    return said + "."


def gap_list(gaps: list[Gap], most: int = 3) -> str:
    """'Q2 Safeguarding (3.00) and Q4 Mobilisation (1.50)': the largest few differences, named."""
    return listed([f"{g.component.named} ({points(abs(g.points or 0))})" for g in gaps[: min(most, LISTED)]])
