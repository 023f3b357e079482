"""The evaluation report: the whole evaluation, from weights to sign-off, for the decision maker."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from svdesk.export.charts import components_chart
from svdesk.export.declaration_words import declarations_statement
from svdesk.export.files import write_atomically
from svdesk.export.pdf_base import (
    Column,
    build_pdf,
    gap,
    keep,
    key_values,
    long_text,
    markup,
    money,
    number,
    para,
    percent,
    points,
    quantity,
    rate,
    rich,
    score,
    tables,
    text,
)
from svdesk.export.report_sections import (
    cover,
    declarations_section,
    page_info,
    question_label,
    redactions_section,
    results_section,
    rules_in_words,
    scale_table,
    signoff_section,
)
from svdesk.model.citations import readable, references
from svdesk.model.kinds import QuantitativeMethod, Section
from svdesk.model.rows import bulk_work
from svdesk.model.services.report_data import ReportData

REPORT = "Evaluation report"


def _tender_section(data: ReportData) -> list[Flowable]:
    story: list[Flowable] = [
        para("1. The tender and how bids were scored", "h2"),
        key_values(
            [
                ("Reference", data.reference),
                ("Title", data.title),
                ("Contract value", money(data.contract_value)),
                (
                    "Weights",
                    f"price {points(data.weight_price)}, quality {points(data.weight_quality)}, "
                    f"social value {points(data.weight_social_value)} (points out of 100)",
                ),
                (
                    "Social value split",
                    f"{percent(data.sv_quantitative_share)} on pledged value "
                    f"({points(data.sv_quantitative_weight)} points), the rest on the social value questions "
                    f"({points(data.sv_qualitative_weight)} points)",
                ),
                (
                    "Pledged value method",
                    "relative value"
                    if data.quantitative_method == QuantitativeMethod.RELATIVE_VALUE
                    else "relative value per pound of price",
                ),
                ("Score scale", f"0 to {score(data.scale_max)} in steps of {score(data.scale_step)}"),
            ]
        ),
        gap(3),
        para("Scoring rules", "h3"),
        *rules_in_words(data),
        para("Score descriptors", "h3"),
        *scale_table(data),
    ]
    return story


def _measures_section(data: ReportData) -> list[Flowable]:
    rows = []
    for m in data.measures:
        note = m.proxy_override_reason
        if m.catalogue_proxy_value is not None and m.catalogue_proxy_value != m.proxy_value:
            note = f"catalogue proxy {rate(m.catalogue_proxy_value)}; " + note
        rows.append((m.ref, m.description, m.unit, rate(m.proxy_value), note))
    return [
        para("2. Social value measures (National TOMs)", "h2"),
        para(
            "Each pledge is valued at its quantity times the proxy value below, frozen when the measure was "
            "chosen for this tender.",
            "lead",
        ),
        *tables(
            [
                Column("Ref", 14),
                Column("Measure", 74),
                Column("Unit", 28),
                Column("Proxy", 20, "right"),
                Column("Note", 38),
            ],
            rows,
        ),
    ]


def _questions_section(data: ReportData) -> list[Flowable]:
    rows = [
        (
            q.code,
            q.title or q.text[:120],
            Section(q.section).label.capitalize(),
            number(q.weight),
            points(q.share_of_total),
            "" if q.minimum_score is None else score(q.minimum_score),
        )
        for q in data.questions
    ]
    return [
        para("3. Questions", "h2"),
        *tables(
            [
                Column("Q", 12),
                Column("Question", 78),
                Column("Section", 24),
                Column("Weight", 16, "right"),
                Column("Points", 16, "right"),
                Column("Minimum", 18, "right"),
            ],
            rows,
        ),
    ]


def _panel_section(data: ReportData) -> list[Flowable]:
    return [
        para("4. Panel and declarations of interest", "h2"),
        para(declarations_statement(data), "small"),
        *declarations_section(data),
    ]


def _social_value_section(data: ReportData) -> list[Flowable]:
    story: list[Flowable] = [para("5. Pledged social value", "h2")]
    results = data.results.by_name()
    for bidder in data.bidders:
        pledges = data.pledges_for(bidder)
        by_theme = data.value_by_theme(bidder)
        result = results[bidder]
        price = data.prices[bidder]
        ratio = f"{percent(round(result.accepted_value / price * 100, 1))} of price" if price else ""
        story.append(para(bidder, "h3"))
        rows = [(theme, money(p), money(a)) for theme, (p, a) in sorted(by_theme.items())]
        rows.append(("Total", money(result.pledged_value), money(result.accepted_value)))
        story += tables([Column("Theme", 100), Column("Pledged", 35, "right"), Column("Accepted", 35, "right")], rows)
        if ratio:
            story.append(para(f"Accepted social value is {ratio}.", "small"))
        adjusted = [p for p in pledges if p.adjusted]
        if adjusted:
            story.append(para("Adjustments by the panel", "h3"))
            story += tables(
                [
                    Column("Ref", 14),
                    Column("Pledged", 24, "right"),
                    Column("Accepted", 24, "right"),
                    Column("£ removed", 26, "right"),
                    Column("Reason", 82),
                ],
                [
                    (
                        p.ref,
                        quantity(p.quantity, p.unit),
                        quantity(p.accepted_quantity, p.unit),
                        money(p.pledged_value - p.accepted_value),
                        p.reason,
                    )
                    for p in adjusted
                ],
            )
    return story


def _moderated_section(data: ReportData) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), para("6. Consensus scores and rationale", "h2")]
    labels = [(q.code, question_label(q.code, q.title, q.text)) for q in data.questions]
    out_of = f" / {score(data.scale_max)}"
    for bidder in data.bidders:
        story.append(para(bidder, "h3"))
        for code, label in labels:
            m = data.moderated_for(bidder).get(code)
            if m is None:
                story.append(rich([(label, True), (": no consensus score yet.", False)]))
                continue
            descriptor = data.descriptor(m.score)
            shown = f": {score(m.score)}{out_of}" + (f" ({descriptor})" if descriptor else "")
            head = rich([(label, True), (shown, False)])
            # citations (issue 18) printed readably, what they cite listed under the rationale
            body = long_text(readable(m.rationale))
            if cited := references(m.rationale):
                body.append(para("References:\n" + "\n".join(f"\u2013 {line}" for line in cited), "small"))
            story.append(keep(head, body[0]) if len(body) == 1 else head)
            if len(body) > 1:
                story += body
            story.append(gap(1.5))
    if data.redactions:
        story += [para("Passages withheld from the other suppliers' summaries", "h3"), *redactions_section(data)]
    return story


def _results_section(data: ReportData) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), para("7. Results", "h2")]
    if not data.final:
        story.append(
            para(
                "PROVISIONAL: some consensus scores are missing; the mean of the individual scores stands in for them.",
                "banner",
            )
        )
    story += results_section(data)
    story += [gap(4), components_chart(data.results.bidders)]
    return story


def _recommendation(data: ReportData) -> list[Flowable]:
    story: list[Flowable] = [para("8. Recommendation", "h2")]
    winner = data.winner()
    if winner is None:
        ranked = [b for b in data.results.bidders if not b.excluded]
        story.append(
            para(
                "There is no single highest-scoring bid (a tie or no eligible bid); the panel must "
                "resolve this before a recommendation can be made."
                if ranked
                else "No bid is eligible for award."
            )
        )
    else:
        w = data.results.by_name()[winner]
        sv_points = (w.sv_quantitative_score or 0) + (w.sv_qualitative_score or 0)
        story.append(
            markup(
                f"The panel recommends award to <b>{text(winner)}</b>, the most advantageous tender with a total of "
                f"<b>{points(w.total)}</b> out of 100 (price {points(w.price_score)}, "
                f"quality {points(w.quality_score)}, "
                f"social value {points(sv_points)})."
                + (
                    ""
                    if data.final and data.locked
                    else " This recommendation is provisional until the evaluation is complete and signed off."
                )
            )
        )
    return story


def evaluation_report(data: ReportData, marking: str | None = None) -> bytes:
    """`marking`: the authority's internal marking unless given."""
    with bulk_work():
        story: list[Flowable] = [
            *cover(data, REPORT),
            *_tender_section(data),
            *_measures_section(data),
            *_questions_section(data),
            *_panel_section(data),
            *_social_value_section(data),
            *_moderated_section(data),
            *_results_section(data),
            *_recommendation(data),
            para("9. Sign-off", "h2"),
            *signoff_section(data),
        ]
        return build_pdf(story, page_info(data, REPORT, marking or data.authority.internal_marking))


def write_evaluation_report(data: ReportData, path: Path, marking: str | None = None) -> Path:
    return write_atomically(path, evaluation_report(data, marking))
