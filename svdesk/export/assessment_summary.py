"""Assessment summaries (Procurement Act 2023 s.50; Procurement Regulations 2024 reg. 31).

One PDF per supplier: each award criterion with its weight, how it was scored and the scores
available, the supplier's score and the panel's explanation, sub-totals and total; for a supplier
that did not win, the reasons and the winning bid's scores. It names no other losing bidder: their
names are redacted even where a rationale mentions them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from svdesk.export.award_report import criteria_rows
from svdesk.export.declaration_words import summary_sentence
from svdesk.export.files import safe_filename, write_atomically
from svdesk.export.pdf_attachments import EmbeddedFile, with_summary_proof
from svdesk.export.pdf_base import (
    DEFAULT_MARKING,
    Column,
    PageInfo,
    build_pdf,
    gap,
    key_values,
    long_text,
    markup,
    money,
    para,
    percent,
    points,
    quantity,
    score,
    tables,
    text,
)
from svdesk.export.report_sections import DISQUALIFIED, scale_table, status_note
from svdesk.model.kinds import QuantitativeMethod
from svdesk.model.services.report_data import ReportData

REPORT = "Assessment summary"
REDACTED = "[another bidder]"


def redactor(data: ReportData, supplier: str) -> Callable[[str], str]:
    """Replace the names of other losing bidders (and their distinctive first word) in free text."""
    winner = data.winner()
    others = [b for b in data.bidders if b not in (supplier, winner)]
    patterns = []
    for name in sorted(others, key=len, reverse=True):
        patterns.append(re.escape(name))
        first = name.split()[0] if name.split() else ""
        keep = {w.casefold() for n in (supplier, winner or "") for w in n.split()}
        if len(first) >= 4 and first.casefold() not in keep:
            patterns.append(rf"\b{re.escape(first)}\b")
    if not patterns:
        return lambda value: value
    rx = re.compile("|".join(patterns), re.IGNORECASE)
    return lambda value: rx.sub(REDACTED, value)


def _how_scored(data: ReportData, criterion: str) -> str:
    if criterion == "Price":
        return f"Lowest price among eligible bids divided by this price, times {points(data.weight_price)}."
    if criterion.startswith("Social value: pledged"):
        basis = (
            "accepted value"
            if data.quantitative_method == QuantitativeMethod.RELATIVE_VALUE
            else "accepted value per £ of price"
        )
        return (
            f"This bid's {basis} divided by the highest among eligible bids, times "
            f"{points(data.sv_quantitative_weight)}. Value = quantity x proxy value (National TOMs)."
        )
    return (
        f"Consensus score on the 0\u2013{score(data.scale_max)} scale divided by {score(data.scale_max)}, times the "
        "question's points."
    )


def assessment_summary(data: ReportData, supplier: str, marking: str = DEFAULT_MARKING) -> bytes:
    """The summary with its proof embedded (`pdf_attachments.summary_proof`): not the evaluation
    file, which holds every bid's scores and the evaluators' names (issue 15 item 3)."""
    if supplier not in data.bidders:
        raise KeyError(supplier)
    return with_summary_proof(
        lambda proof: _assessment_summary(data, supplier, marking, proof),
        data.reference,
        supplier,
        data.fingerprint,
        data.audit_head,
    )


def _assessment_summary(data: ReportData, supplier: str, marking: str, proof: EmbeddedFile | None) -> bytes:
    clean = redactor(data, supplier)
    winner = data.winner()
    mine = data.results.by_name()[supplier]
    story: list[Flowable] = [
        gap(20),
        para(REPORT, "cover_title"),
        gap(3),
        para(data.title, "cover_sub"),
        para(f"{data.reference}", "cover_sub"),
        gap(3),
        para(f"For: {supplier}", "cover_sub"),
        gap(8),
    ]
    if proof is not None:
        story.insert(0, proof)
    note = status_note(data)
    if note:
        story += [para(note, "banner"), gap(4)]
    if mine.excluded:
        # reg 31(3)(c): where the tender was disqualified, the reason
        outcome = f"Your tender was {DISQUALIFIED}: " + "; ".join(mine.exclusion_reasons) + "."
    elif supplier == winner:
        outcome = f"Your tender is the most advantageous tender, ranked 1st with {points(mine.total)} out of 100."
    else:
        outcome = (
            f"Your tender was not the most advantageous tender. It ranked {mine.rank} of "
            f"{sum(1 for b in data.results.bidders if not b.excluded)} with {points(mine.total)} out of 100."
        )
    story += [
        para(outcome),
        gap(4),
        key_values(
            [
                ("Contract", f"{data.title} ({money(data.contract_value)})"),
                (
                    "Award criteria",
                    f"price {percent(data.weight_price)}, quality {percent(data.weight_quality)}, social value "
                    f"{percent(data.weight_social_value)}",
                ),
                ("Your price", money(data.prices[supplier])),
                ("Your accepted social value", f"{money(mine.accepted_value)} (pledged {money(mine.pledged_value)})"),
                ("Evaluation fingerprint", para(data.fingerprint, "mono")),
            ]
        ),
        PageBreak(),
        para("Scores available", "h2"),
        para(
            "Each question was scored by each panel member independently, then moderated to a consensus score "
            "with a written rationale, on this scale:",
            "small",
        ),
        *scale_table(data),
    ]

    story.append(para("Your scores, criterion by criterion", "h2"))
    win_rows = {c: p for c, _d, p, _a in criteria_rows(data, winner)} if winner and winner != supplier else {}
    rows = []
    for criterion, detail, pts, available in criteria_rows(data, supplier):
        row = [criterion, detail, points(pts), points(available)]
        if win_rows:
            row.append(points(win_rows.get(criterion)))
        rows.append(row)
    cols = [
        Column("Criterion", 62),
        Column("Your score", 40),
        Column("Points", 22, "right"),
        Column("Available", 22, "right"),
    ]
    if win_rows:
        cols.append(Column("Winning bid", 24, "right"))
        cols[0] = Column("Criterion", 50)
        cols[1] = Column("Your score", 32)
    story += tables(cols, rows)
    subtotal_rows = [
        ("Price", points(mine.price_score), points(data.weight_price)),
        ("Quality", points(mine.quality_score), points(data.weight_quality)),
        ("Social value: pledged", points(mine.sv_quantitative_score), points(data.sv_quantitative_weight)),
        ("Social value: answers", points(mine.sv_qualitative_score), points(data.sv_qualitative_weight)),
        ("Total", points(mine.total), points(100)),
    ]
    story += [
        gap(3),
        para("Sub-totals", "h3"),
        *tables(
            [Column("Part", 80), Column("Your points", 30, "right"), Column("Available", 30, "right")], subtotal_rows
        ),
    ]

    story.append(para("How each criterion was scored, and why", "h2"))
    mod = data.moderated_for(supplier)
    win_mod = data.moderated_for(winner) if winner and winner != supplier else {}
    for criterion, _detail, pts, available in criteria_rows(data, supplier):
        start = len(story)
        story.append(para(f"{criterion} ({points(available)} points available)", "h3"))
        story.append(para(_how_scored(data, criterion), "small"))
        code = criterion.split()[0]
        if code in mod:
            m = mod[code]
            label = data.descriptor(m.score)
            story.append(
                markup(
                    f"<b>Your score: {score(m.score)}</b>"
                    + (f" ({text(label)})" if label else "")
                    + f", worth {points(pts)} points. The panel's explanation:"
                )
            )
            story += long_text(clean(m.rationale))
            if code in win_mod:
                w = win_mod[code]
                story.append(
                    markup(
                        f"<b>Winning bid: {score(w.score)}</b>"
                        + (f" ({text(data.descriptor(w.score))})" if data.descriptor(w.score) else "")
                        + ". The panel's explanation of the winning bid:"
                    )
                )
                story += long_text(clean(w.rationale))
        elif pts is None:  # never "earned – points": a disqualified tender's price and pledges are not scored
            story.append(
                para(
                    f"Not scored: your tender was {DISQUALIFIED} ({'; '.join(mine.exclusion_reasons)})."
                    if mine.excluded
                    else "Not scored."
                )
            )
        elif criterion == "Price":
            story.append(
                para(
                    f"Your price {money(data.prices[supplier])} earned {points(pts)} points."
                    + (f" The winning bid's price earned {points(win_rows.get('Price'))} points." if win_rows else "")
                )
            )
        else:
            story.append(
                para(
                    f"Your accepted social value of {money(mine.accepted_value)} earned {points(pts)} points."
                    + (f" The winning bid earned {points(win_rows.get(criterion))} points." if win_rows else "")
                )
            )
        adjusted = (
            [p for p in data.pledges_for(supplier) if p.adjusted] if criterion.startswith("Social value: p") else []
        )
        for p in adjusted:
            story.append(
                markup(
                    f"Pledge {text(p.ref)} reduced from {text(quantity(p.quantity, p.unit))} to "
                    f"{text(quantity(p.accepted_quantity, p.unit))}: "
                    f"{text(clean(p.reason))}"
                )
            )
        # a criterion's heading, how it was scored, the score and the start of its explanation on one page
        story[start : start + 4] = [KeepTogether(story[start : start + 4])]
    if winner and winner != supplier and not mine.excluded:
        story += [
            para("Why your tender was not the most advantageous", "h2"),
            para(
                f"The winning tender scored {points(data.results.by_name()[winner].total)} out of 100 against your "
                f"{points(mine.total)}. The criteria where it scored more than your tender are shown in the "
                "table above with the panel's explanations."
            ),
        ]
    signed = {sig.name: sig for sig in data.signatures}
    story += [
        para("Evaluation and sign-off", "h2"),
        para(f"{summary_sentence(data)} The evaluation was signed off by:"),
        *tables(
            [Column("Name", 60), Column("Role", 40), Column("Signed", 74)],
            [
                (name, role, signed[name].signed_at.replace("T", " ") if name in signed else "not signed")
                for name, role in data.panel
            ],
        ),
        gap(2),
        para(f"Evaluation fingerprint {data.fingerprint}", "mono"),
    ]
    info = PageInfo(
        data.reference,
        data.title,
        f"{REPORT}: {supplier}",  # the header shortens it to fit; the PDF's title keeps it whole
        marking,
        f"Generated {data.generated_at}",
        data.fingerprint,
        status_note(data),
    )
    return build_pdf(story, info)


def write_assessment_summaries(data: ReportData, folder: Path, marking: str = DEFAULT_MARKING) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, supplier in enumerate(data.bidders, start=1):
        path = folder / f"{data.reference}-assessment-summary-{i:02d}-{safe_filename(supplier)}.pdf"
        out.append(write_atomically(path, assessment_summary(data, supplier, marking)))
    return out


def write_assessment_summary(data: ReportData, supplier: str, path: Path, marking: str = DEFAULT_MARKING) -> Path:
    return write_atomically(path, assessment_summary(data, supplier, marking))
