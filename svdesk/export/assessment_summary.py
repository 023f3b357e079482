"""Assessment summaries (Procurement Act 2023 s.50(3); Procurement Regulations 2024 reg 31).

One letter per supplier that submitted an assessed tender, from the contracting authority, dated,
holding every item regulation 31 asks for (`summary_sections`, each section citing its paragraph):
to the supplier of the most advantageous tender (MAT) the items of 31(2); to every other supplier
those of 31(3), which add its own scores, why it was not the MAT and the MAT's scores, with the
passages the authority withheld under s.94(1)(b) marked where they stood.

A letter discloses nothing of any other unsuccessful supplier: their names are replaced even where
an explanation mentions them, and only the MAT's scores are shown beside the supplier's own. It
names no evaluator and no time of signing unless the authority chooses to (`name_evaluators`), and
carries the authority's supplier marking; the internal reports carry its internal marking.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from pathlib import Path

from reportlab.platypus import Flowable

from svdesk.export.declaration_words import summary_sentence
from svdesk.export.files import safe_filename, write_atomically
from svdesk.export.numbers import day
from svdesk.export.pdf_attachments import summary_seal
from svdesk.export.pdf_base import (
    Column,
    PageInfo,
    build_pdf,
    gap,
    para,
    points,
    tables,
)
from svdesk.export.report_sections import status_note
from svdesk.export.summary_sections import (
    WITHHELD_NOTICE,
    award_criteria,
    criteria,
    explanations,
    letterhead,
    mat_supplier,
    own_supplier,
    scores_table,
    why_not,
)
from svdesk.model.rows import bulk_work
from svdesk.model.services.report_data import ReportData

REPORT = "Assessment summary"
REDACTED = "[another bidder]"
_LAW = (
    "This assessment summary is given under section 50(3) of the Procurement Act 2023 and regulation 31 of the "
    "Procurement Regulations 2024 (SI 2024/692), before the contract award notice is published."
)


class _Names:
    """One pattern for every bidder's name (and distinctive first word) but the MAT's, compiled once per
    tender: a summary keeps its own supplier's names and replaces every other unsuccessful bidder's."""

    def __init__(self, data: ReportData) -> None:
        winner = data.winner()
        self.winner_words = {w.casefold() for w in (winner or "").split()}
        alternatives: set[str] = set()
        for name in data.bidders:
            if name == winner:
                continue
            alternatives.add(name)
            first = name.split()[0] if name.split() else ""
            if len(first) >= 4 and first.casefold() not in self.winner_words:
                alternatives.add(first)
        ordered = sorted(alternatives, key=len, reverse=True)  # the longest name first, where one holds another
        self.rx = (
            re.compile("|".join(rf"\b{re.escape(a)}\b" if len(a.split()) == 1 else re.escape(a) for a in ordered), re.I)
            if ordered
            else None
        )

    def for_supplier(self, supplier: str) -> Callable[[str], str]:
        rx = self.rx
        if rx is None:
            return lambda value: value
        own = supplier.casefold()
        keep = {w.casefold() for w in supplier.split()} | self.winner_words

        def replace(m: re.Match[str]) -> str:
            found = m.group().casefold()
            return m.group() if found == own or found in keep else REDACTED

        return lambda value: rx.sub(replace, value)


_names_of: tuple[weakref.ref[ReportData], _Names] | None = None  # the last tender's: its summaries come together


def redactor(data: ReportData, supplier: str) -> Callable[[str], str]:
    """Replace the names of other unsuccessful bidders (and their distinctive first word) in free text."""
    global _names_of
    if _names_of is None or _names_of[0]() is not data:
        _names_of = (weakref.ref(data), _Names(data))
    return _names_of[1].for_supplier(supplier)


def assessment_summary(data: ReportData, supplier: str, marking: str | None = None) -> bytes:
    """One supplier's letter; `marking` defaults to the authority's supplier marking. It carries its
    proof embedded (`pdf_attachments.summary_seal`): not the evaluation file, which holds every bid's
    scores and the evaluators' names (issue 15 item 3)."""
    if supplier not in data.bidders:
        raise KeyError(supplier)
    with bulk_work():  # thousands of small flowables, none in a cycle: no collections while they are made
        return _assessment_summary(data, supplier, marking or data.authority.supplier_marking, sealed=True)


def _assessment_summary(data: ReportData, supplier: str, marking: str, sealed: bool = True) -> bytes:
    clean = redactor(data, supplier)
    winner = data.winner()
    results = data.results.by_name()
    mine = results[supplier]
    own = supplier == winner
    rows = criteria(data)
    story: list[Flowable] = [
        *letterhead(data, supplier),
        para(REPORT, "cover_title"),
        para(data.title, "cover_sub"),
        para(f"Reference {data.reference}", "cover_sub"),
        gap(3),
        para(_LAW, "small"),
        gap(4),
    ]
    note = status_note(data)
    if note:
        story += [para(note, "banner"), gap(3)]
    story += [para(_outcome(data, supplier, winner)), gap(2)]
    if not own:
        story += own_supplier(data, supplier)
    story += mat_supplier(data, winner, own)
    story += award_criteria(data, rows)

    # (2)(e) for the MAT's own letter; (3)(b) the supplier's own tender for every other
    story += [
        para("Your tender's scores", "h2"),
        para(
            "regulation 31(2)(e): the score for each criterion, its explanation, and the sub-totals and total"
            if own
            else "regulation 31(3)(b), giving 31(2)(e) for your tender",
            "cite",
        ),
        *scores_table(data, rows, mine, yours=True),
        para("The explanation of each score", "h3"),
        para("regulation 31(2)(e)(i)(aa) and (bb)", "cite"),
    ]
    story += explanations(data, rows, supplier, clean, yours=True, withhold=False)[0]

    if not own and winner is not None:
        win = results[winner]
        story += why_not(data, rows, mine, win)
        story += [
            para("The most advantageous tender's scores", "h2"),
            para("regulation 31(3)(d), giving 31(2)(e) for the most advantageous tender", "cite"),
            *scores_table(data, rows, win, yours=False),
        ]
        body, withheld = explanations(data, rows, winner, clean, yours=False, withhold=True)
        story.append(para("The explanation of each score", "h3"))
        if withheld:
            story.append(para(WITHHELD_NOTICE, "lead"))
        story += body
    story += _evaluation(data)
    info = PageInfo(
        data.reference,
        data.title,
        f"{REPORT}: {supplier}",  # the header shortens it to fit; the PDF's title keeps it whole
        marking,
        f"Issued {day(data.issued_on)}",
        data.fingerprint,
        note,
    )
    seal = summary_seal(data.reference, supplier, data.fingerprint, data.audit_head) if sealed else None
    return build_pdf(story, info, seal=seal)


def _outcome(data: ReportData, supplier: str, winner: str | None) -> str:
    mine = data.results.by_name()[supplier]
    if mine.excluded:  # reg 31(3)(c): "including where the tender was disqualified"
        return f"Your tender was disqualified: {'; '.join(mine.exclusion_reasons)}."
    if supplier == winner:
        return f"Your tender is the most advantageous tender, ranked 1st with {points(mine.total)} out of 100."
    ranked = sum(1 for b in data.results.bidders if not b.excluded)
    return (
        f"Your tender was not the most advantageous tender. It ranked {mine.rank}{'=' if mine.tied else ''} of "
        f"{ranked} with {points(mine.total)} out of 100."
    )


def _evaluation(data: ReportData) -> list[Flowable]:
    """How the scores were reached; the panel by name only where the authority chooses to name it."""
    story: list[Flowable] = [para("The evaluation", "h2"), para(summary_sentence(data))]
    if data.authority.name_evaluators:
        signed = {sig.name: sig for sig in data.signatures}
        story += [
            para("The evaluation panel:", "lead"),
            *tables(
                [Column("Name", 60), Column("Role", 40), Column("Signed", 74)],
                [
                    (name, role, signed[name].signed_at.replace("T", " ") if name in signed else "not signed")
                    for name, role in data.panel
                ],
            ),
        ]
    else:
        story.append(
            para(
                "The evaluation panel signed off the evaluation."
                if data.locked
                else "The evaluation has not yet been signed off by the evaluation panel."
            )
        )
    contact = data.authority.contact or data.authority.email
    if contact:
        story += [gap(2), para(f"Questions about this summary: {contact}.")]
    story += [gap(3), para(f"Evaluation fingerprint {data.fingerprint}", "mono")]
    return story


def write_assessment_summaries(data: ReportData, folder: Path, marking: str | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, supplier in enumerate(data.bidders, start=1):
        path = folder / f"{data.reference}-assessment-summary-{i:02d}-{safe_filename(supplier)}.pdf"
        out.append(write_atomically(path, assessment_summary(data, supplier, marking)))
    return out


def write_assessment_summary(data: ReportData, supplier: str, path: Path, marking: str | None = None) -> Path:
    return write_atomically(path, assessment_summary(data, supplier, marking))
