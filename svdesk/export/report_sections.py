"""Sections several reports share: cover, the rules in plain words, results, declarations, sign-off."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from svdesk.export.declaration_words import declaration_state
from svdesk.export.pdf_base import (
    Column,
    PageInfo,
    gap,
    key_values,
    markup,
    money,
    para,
    points,
    rich,
    score,
    tables,
    text,
)
from svdesk.model.identity import shown_fingerprint
from svdesk.model.kinds import QuantitativeMethod, TenderStatus
from svdesk.model.services.report_data import ReportData

# A tender below a minimum score is "disqualified", the word of the Procurement Regulations 2024
# reg 31(3)(c) ("where the tender was disqualified"): in the Procurement Act 2023 "excluded" is a
# supplier excluded on the exclusion grounds (s.57 and Schedules 6 and 7), which is not what a
# minimum score does. The record's own names (BidderResult.excluded) keep the old word.
DISQUALIFIED = "disqualified"


def question_label(code: str, title: str, question_text: str = "") -> str:
    """ "Q1 Recruitment and retention": a question's code and title; a question with no title is named
    by the start of its text rather than by its code twice ("Q1 Q1")."""
    name = (title or "").strip() or " ".join((question_text or "").split())
    if len(name) > 80:  # the text's first words, cut between words (a very long word: within it)
        cut = name.rfind(" ", 40, 80)
        name = name[: cut if cut > 0 else 79].rstrip(" ,;:.") + "\u2026"
    return f"{code} {name}" if name and name != code else code


def status_note(data: ReportData) -> str:
    if data.locked:
        return ""
    if not data.final:
        return "PROVISIONAL \u2014 consensus scores missing; not signed off"
    return "PROVISIONAL \u2014 not signed off"


def page_info(data: ReportData, report: str, marking: str) -> PageInfo:
    return PageInfo(
        data.reference,
        data.title,
        report,
        marking,
        f"Generated {data.generated_at}",
        data.fingerprint,
        status_note(data),
    )


def cover(data: ReportData, report: str, subtitle: str = "") -> list[Flowable]:
    story: list[Flowable] = [
        gap(30),
        para(report, "cover_title"),
        gap(4),
        para(f"{data.reference}", "cover_sub"),
        para(data.title, "cover_sub"),
    ]
    if subtitle:
        story += [gap(3), para(subtitle, "cover_sub")]
    story.append(gap(12))
    note = status_note(data)
    if note:
        story += [para(note, "banner"), gap(6)]
    if not data.verified:
        story += [
            para(
                "WARNING: this record does not verify (svdesk verify): " + "; ".join(data.verify_problems[:3]), "banner"
            ),
            gap(6),
        ]
    story.append(
        key_values(
            [
                ("Contract value", money(data.contract_value)),
                ("Status", TenderStatus(data.status).label.capitalize()),
                ("Bids", str(len(data.bidders))),
                ("Panel", ", ".join(f"{n} ({r})" for n, r in data.panel) or "none"),
                ("Generated", f"{data.generated_at} by {data.generator}"),
                ("Evaluation fingerprint", para(data.fingerprint, "mono")),
                (
                    "Audit log",
                    para(
                        f"{data.audit_entries:,} {'entry' if data.audit_entries == 1 else 'entries'}; "
                        f"head {data.audit_head}",
                        "mono",
                    ),
                ),
            ]
        )
    )
    story.append(PageBreak())
    return story


def rules_in_words(data: ReportData) -> list[Flowable]:
    method = (
        "the bid's accepted social value divided by the highest accepted social value among the bids"
        if data.quantitative_method == QuantitativeMethod.RELATIVE_VALUE
        else "the bid's accepted social value per pound of price, divided by the highest such ratio among the bids"
    )
    lines = [
        f"<b>Price ({points(data.weight_price)} points).</b> The lowest price among the bids not {DISQUALIFIED}, "
        f"divided by the bid's price, times {points(data.weight_price)}.",
        f"<b>Quality ({points(data.weight_quality)} points).</b> Each quality question's consensus score divided by "
        f"{score(data.scale_max)} (the top of the scale), times the question's share of the quality points.",
        f"<b>Social value: pledged ({points(data.sv_quantitative_weight)} points).</b> {method.capitalize()}, times "
        f"{points(data.sv_quantitative_weight)}. A pledge's value is its quantity times the tender's proxy value; "
        "where the panel reduced or rejected a pledge, the accepted quantity is used.",
        f"<b>Social value: answers ({points(data.sv_qualitative_weight)} points).</b> Each social value question's "
        f"consensus score divided by {score(data.scale_max)}, times the question's share of these points.",
        f"<b>Minimum scores.</b> A bid scoring below a question's minimum is {DISQUALIFIED}: it receives no price, "
        "pledged social value or total score and no rank, and the lowest price and highest value are taken over "
        "the remaining bids.",
        "<b>Rounding and ties.</b> Each component is rounded to 2 decimal places (half up); the total is the "
        "unrounded sum rounded once. Equal totals share a rank.",
    ]
    if not data.final:
        lines.append(
            "<b>Provisional.</b> Where a consensus score is missing, the mean of the panel's individual "
            "scores stands in for it; these results are provisional."
        )
    return [markup(line) for line in lines]


def scale_table(data: ReportData) -> list[Flowable]:
    steps = int(round(data.scale_max / data.scale_step))
    points_ = [round(i * data.scale_step, 10) for i in range(steps + 1)]
    return tables(
        [Column("Score", 20, "right"), Column("Descriptor", 150)],
        [(score(p), data.descriptor(p) or "\u2013") for p in points_],
    )


def results_rows(data: ReportData) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for b in data.results.bidders:
        rank = DISQUALIFIED.capitalize() if b.excluded else f"{b.rank}{'=' if b.tied else ''}"
        rows.append(
            (
                rank,
                b.name,
                money(b.price),
                money(b.accepted_value),
                points(b.price_score),
                points(b.quality_score),
                points(b.sv_quantitative_score),
                points(b.sv_qualitative_score),
                points(b.total),
            )
        )
    return rows


RESULT_COLUMNS = [
    Column("Rank", 22),
    Column("Bidder", 28),
    Column("Price", 25, "right"),
    Column("Accepted SV", 25, "right"),
    Column("Price pts", 15, "right"),
    Column("Quality", 15, "right"),
    Column("SV pledge", 16, "right"),
    Column("SV ans.", 14, "right"),
    Column("Total", 14, "right"),
]


def results_section(data: ReportData) -> list[Flowable]:
    story: list[Flowable] = list(tables(RESULT_COLUMNS, results_rows(data)))
    excluded = [b for b in data.results.bidders if b.excluded]
    if excluded:
        story.append(gap(2))
        for b in excluded:
            reasons = "; ".join(b.exclusion_reasons)
            story.append(markup(f"<b>{text(b.name)}</b> is {DISQUALIFIED}: {text(reasons)}."))
    ties = sorted({b.rank for b in data.results.bidders if b.tied and b.rank is not None})
    for rank in ties:
        names = [b.name for b in data.results.bidders if b.rank == rank]
        story.append(markup(f"<b>Tie</b> at rank {rank}: {text(', '.join(names))}."))
    return story


def declarations_section(data: ReportData) -> list[Flowable]:
    rows = [(d.member, d.role, d.bidder, declaration_state(d, data.loaded)) for d in data.declarations]
    conflicted = [i for i, d in enumerate(data.declarations) if d.conflict or not d.declared]
    return tables(
        [Column("Member", 35), Column("Role", 20), Column("Bidder", 45), Column("Declaration", 74)],
        rows,
        highlight=conflicted,
    )


def proxy_section(data: ReportData) -> list[Flowable]:
    """Per member, plainly: how many of their scores the officer entered for them, from what, and
    whether they have confirmed them (nothing when every score was entered by its member)."""
    notes = data.proxy_notes()
    if not notes:
        return []
    story: list[Flowable] = [gap(3), para("Scores entered by proxy", "h3")]
    for note in notes:
        story.append(rich([(note.member, True), (f": {note.text}.", False)]))
    return story


def signoff_section(data: ReportData, *, proxies: bool = True) -> list[Flowable]:
    """`proxies`: with the scores entered by proxy (False: a report that said so before its scores)."""
    signed = {s.name: s for s in data.signatures}
    rows = []
    for name, role in data.panel:
        s = signed.get(name)
        rows.append(
            (
                name,
                role,
                s.signed_at.replace("T", " ") if s else ("does not sign" if role == "officer" else "not signed"),
                para(s.fingerprint[:24] + "\u2026", "mono") if s else "",
                (para(shown_fingerprint(s.key_fingerprint), "mono") if s.key_fingerprint else "unsealed") if s else "",
            )
        )
    story: list[Flowable] = list(
        tables(
            [
                Column("Name", 38),
                Column("Role", 20),
                Column("Signed", 34),
                Column("Fingerprint signed", 48),
                Column("Sealed with key", 34),
            ],
            rows,
        )
    )
    if proxies:
        story += proxy_section(data)
    lock = (
        "The tender is signed off and locked: no score, weight, measure, pledge or question can change "
        "without reopening it, which is recorded with its reason."
        if data.locked
        else "The tender is not signed off: its content can still change."
    )
    story += [
        gap(3),
        para(lock),
        gap(2),
        key_values(
            [
                ("Evaluation fingerprint", para(data.fingerprint, "mono")),
                ("Audit log head", para(data.audit_head, "mono")),
                ("Audit entries", str(data.audit_entries)),
                (
                    "Verification",
                    "the record verifies: chain intact and content as recorded"
                    if data.verified
                    else "DOES NOT VERIFY: " + "; ".join(data.verify_problems[:5]),
                ),
            ]
        ),
        gap(2),
        para(
            "To check this document against the record: svdesk verify --tender "
            f"{data.reference} prints the same fingerprint and audit head.",
            "small",
        ),
    ]
    return story


def redactions_section(data: ReportData, bidder: str | None = None) -> list[Flowable]:
    """Every passage withheld from the other suppliers' assessment summaries (Procurement Act 2023
    s.94(1)(b)), with its reason, who withheld it and when; `bidder`: that bid's only."""
    rows = [r for r in data.redactions if bidder is None or r.bidder == bidder]
    if not rows:
        return [para("No passage is withheld from the other suppliers' assessment summaries.", "small")]
    titles = {q.code: question_label(q.code, q.title, q.text) for q in data.questions}
    return [
        para(
            "Each passage below is shown whole here and to its own supplier; in every other supplier's assessment "
            "summary it is replaced by the mark that it is withheld under section 94(1)(b) of the Procurement Act "
            "2023.",
            "lead",
        ),
        *tables(
            [
                Column("Supplier", 28),
                Column("Criterion", 28),
                Column("Passage withheld", 52),
                Column("Reason", 38),
                Column("Withheld by", 28),
            ],
            [
                (r.bidder, titles.get(r.question, r.question), r.passage, r.reason, f"{r.made_by}, {_when(r.made_at)}")
                for r in rows
            ],
        ),
    ]


def _when(iso: str) -> str:
    """'2026-12-03T10:15:02+00:00' -> '2026-12-03 10:15 UTC' (the text as it is otherwise)."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 and iso[10] == "T" else iso
