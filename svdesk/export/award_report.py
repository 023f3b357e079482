"""The award justification (internal): who should win, why, how each other bid compares criterion by
criterion, the award stage (the decision, the summaries, the notice and the standstill) and every
passage withheld from the other suppliers' assessment summaries."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether

from svdesk.export.award_sections import authority_section, award_stage_section, decision_section
from svdesk.export.declaration_words import declarations_statement
from svdesk.export.files import write_atomically
from svdesk.export.pdf_attachments import evaluation_attachment
from svdesk.export.pdf_base import (
    Column,
    build_pdf,
    long_text,
    markup,
    para,
    points,
    score,
    tables,
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
from svdesk.model.services.report_data import ReportData

REPORT = "Award justification"


def criteria_rows(data: ReportData, bidder: str) -> list[tuple[str, str, float | None, float | None]]:
    """(criterion, detail, this bid's points, available points) for every award criterion."""
    r = data.results.by_name()[bidder]
    rows: list[tuple[str, str, float | None, float | None]] = [
        ("Price", "lowest price / price x weight", r.price_score, data.weight_price)
    ]
    for q in data.questions:
        qr = r.questions.get(q.code)
        contribution = None if qr is None else qr.contribution
        detail = "" if qr is None else f"score {score(qr.score)} of {score(data.scale_max)}"
        rows.append((question_label(q.code, q.title, q.text), detail, contribution, q.share_of_total))
    rows.append(
        (
            "Social value: pledged",
            "accepted value relative to the best",
            r.sv_quantitative_score,
            data.sv_quantitative_weight,
        )
    )
    return rows


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
        w = data.results.by_name()[winner]
        sv_points = (w.sv_quantitative_score or 0) + (w.sv_qualitative_score or 0)
        story.append(
            markup(
                f"The panel recommends the award of {text(data.title)} to <b>{text(winner)}</b>. "
                "Its tender is the most advantageous under the published criteria, scoring "
                f"<b>{points(w.total)}</b> out of 100: price "
                f"{points(w.price_score)} of {points(data.weight_price)}, quality {points(w.quality_score)} of "
                f"{points(data.weight_quality)}, social value {points(sv_points)}"
                f" of {points(data.weight_social_value)}."
            )
        )
        if not (data.final and data.locked):
            story.append(para("This justification is provisional until the evaluation is signed off.", "banner"))
        story.append(para(f"Why {winner}", "h3"))
        mod = data.moderated_for(winner)
        for q in data.questions:
            m = mod.get(q.code)
            if m is not None:
                label = data.descriptor(m.score)
                head = markup(
                    f"<b>{text(question_label(q.code, q.title, q.text))}</b>: {score(m.score)}"
                    + (f" ({text(label)})" if label else "")
                )
                story += _with_first(head, long_text(m.rationale))
    story += [para("Results", "h2"), *results_section(data)]

    if winner is not None:
        story.append(para("How each other bid compares", "h2"))
        w_rows = {c: pts for c, _d, pts, _a in criteria_rows(data, winner)}
        for other in data.bidders:
            if other == winner:
                continue
            res = data.results.by_name()[other]
            heading: list[Flowable] = [para(other, "h3")]
            if res.excluded:
                reasons = "; ".join(res.exclusion_reasons)
                heading.append(markup(f"{DISQUALIFIED.capitalize()}: {text(reasons)}."))
            rows = []
            for criterion, detail, pts, available in criteria_rows(data, other):
                winner_pts = w_rows.get(criterion)
                diff = None if pts is None or winner_pts is None else pts - winner_pts
                rows.append(
                    (
                        criterion,
                        detail,
                        points(pts),
                        points(w_rows.get(criterion)),
                        "" if diff is None else f"{diff:+.2f}",
                        points(available),
                    )
                )
            table = tables(
                [
                    Column("Criterion", 58),
                    Column("This bid", 36),
                    Column("Points", 18, "right"),
                    Column("Winner", 18, "right"),
                    Column("Difference", 22, "right"),
                    Column("Available", 22, "right"),
                ],
                rows,
            )
            story += [KeepTogether([*heading, table[0]]), *table[1:]]  # the bid's name stays with its table
            mod = data.moderated_for(other)
            behind = [
                q
                for q in data.questions
                if q.code in mod
                and q.code in data.moderated_for(winner)
                and mod[q.code].score < data.moderated_for(winner)[q.code].score
            ]
            for q in behind:
                head = markup(
                    f"<b>{text(question_label(q.code, q.title, q.text))}</b>: scored {score(mod[q.code].score)} "
                    "against the winner's "
                    f"{score(data.moderated_for(winner)[q.code].score)}. The panel's reason:"
                )
                story += _with_first(head, long_text(mod[q.code].rationale))
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
