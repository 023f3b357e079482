"""The parts of an assessment summary, each as regulation 31 of the Procurement Regulations 2024
(SI 2024/692) names it, each citing its paragraph.

Regulation 31(2) lists what the summary holds about the most advantageous tender (MAT); 31(3) what
every other supplier that submitted an assessed tender is given: (a) the items of (2)(a) to (d),
(b) the items of (2)(e) about its own tender, (c) why it was not the MAT (including where it was
disqualified) and (d) the items of (2)(e) about the MAT. The Procurement Act 2023 s.50(3) requires
the summaries before the contract award notice.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image

from svdesk.export.numbers import day, difference
from svdesk.export.pdf_base import (
    Column,
    chunks,
    gap,
    key_values,
    money,
    para,
    points,
    quantity,
    rich,
    score,
    tables,
)
from svdesk.export.report_sections import DISQUALIFIED, question_label
from svdesk.model.citations import readable, references
from svdesk.model.errors import ValidationError
from svdesk.model.kinds import QuantitativeMethod
from svdesk.model.scoring import BidderResult
from svdesk.model.services.parties import Supplier
from svdesk.model.services.redactions import apply
from svdesk.model.services.report_data import ReportData

NOT_RECORDED = "not recorded"
# s.94(3): the recipient is told that information is withheld, and under which paragraph
WITHHELD_NOTICE = (
    "Passages of the panel's explanations of the most advantageous tender are withheld as sensitive commercial "
    "information under section 94(1)(b) of the Procurement Act 2023; each is marked where it stands."
)


@dataclass(frozen=True)
class Criterion:
    """One award criterion as reg 31(2)(d)(i) describes it."""

    key: str  # "price", a question's code, or "pledged"
    title: str  # (aa) its title
    available: float  # (bb) its relative importance: the points of 100 it carries
    how: str  # (cc) how it was assessed, by reference to the scores available
    minimum: str  # the minimum score, and what falls below it; "" for none


def criteria(data: ReportData) -> list[Criterion]:
    top = score(data.scale_max)
    scale = f"scored 0 to {top} in steps of {score(data.scale_step)}"
    rows = [
        Criterion(
            "price",
            "Price",
            data.weight_price,
            f"The lowest price among the tenders not {DISQUALIFIED} divided by the tender's price, times "
            f"{points(data.weight_price)}.",
            "",
        )
    ]
    for q in data.questions:
        minimum = (
            ""
            if q.minimum_score is None
            else f"Minimum score {score(q.minimum_score)}: a tender scoring below it is {DISQUALIFIED}."
        )
        rows.append(
            Criterion(
                q.code,
                question_label(q.code, q.title, q.text),
                q.share_of_total,
                f"The panel's consensus score, {scale} (descriptors below), divided by {top}, times "
                f"{points(q.share_of_total)}.",
                minimum,
            )
        )
    basis = (
        "accepted social value"
        if data.quantitative_method == QuantitativeMethod.RELATIVE_VALUE
        else "accepted social value per pound of price"
    )
    rows.append(
        Criterion(
            "pledged",
            "Social value: pledged (National TOMs)",
            data.sv_quantitative_weight,
            f"The tender's {basis} divided by the highest among the tenders not {DISQUALIFIED}, times "
            f"{points(data.sv_quantitative_weight)}. A pledge's value is its quantity (as accepted by the panel) "
            "times the tender's proxy value for the measure.",
            "",
        )
    )
    return rows


def earned(result: BidderResult, key: str) -> float | None:
    """The points a tender earned on one criterion (None: not scored, e.g. when disqualified)."""
    if key == "price":
        return result.price_score
    if key == "pledged":
        return result.sv_quantitative_score
    q = result.questions.get(key)
    return None if q is None else q.contribution


def _score_of(data: ReportData, result: BidderResult, key: str, yours: bool = True) -> str:
    """The score on the panel's scale; for price and pledged value (scored by formula) what the
    formula was given: the supplier's own price and accepted value, never another tender's."""
    if key == "price":
        return money(result.price) if yours else "by the price formula"
    if key == "pledged":
        return f"{money(result.accepted_value)} accepted" if yours else "by the value formula"
    q = result.questions.get(key)
    if q is None:
        return "\u2013"
    label = data.descriptor(q.score)
    return f"{score(q.score)} of {score(data.scale_max)}" + (f" ({label})" if label else "")


# --- the letterhead ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _logo_size(logo: bytes) -> tuple[float, float]:
    try:
        width, height = ImageReader(io.BytesIO(logo)).getSize()
    except Exception as exc:  # PIL raises many kinds for a damaged image
        raise ValidationError(f"authority logo: not a readable PNG or JPEG image ({exc}); set it again") from exc
    return float(width), float(height)


def _logo(logo: bytes) -> Flowable:
    width, height = _logo_size(logo)
    scale = min(50 * mm / width, 20 * mm / height)
    image = Image(io.BytesIO(logo), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return image


def letterhead(data: ReportData, supplier: str) -> list[Flowable]:
    """From whom (the contracting authority, with its logo), the date, and to whom (the supplier)."""
    profile = data.authority
    story: list[Flowable] = []
    if profile.logo:
        story += [_logo(profile.logo), gap(2)]
    story.append(para(profile.name or "Contracting authority: name not recorded", "letterhead"))
    if profile.address:
        story.append(para(profile.address, "address"))
    contact = "; ".join(v for v in (profile.contact, profile.email) if v)
    if contact:
        story.append(para(contact, "address"))
    if profile.identifier:
        story.append(para(f"Unique identifier {profile.identifier}", "address"))
    details = data.supplier(supplier)
    story += [
        gap(5),
        para(f"Date of issue: {day(data.issued_on)}"),
        gap(3),
        rich([("For: ", False), (supplier, True)]),
        para(details.address or "Postal address not recorded", "address"),
        gap(8),
    ]
    return story


# --- reg 31(2)(a) to (c): the most advantageous tender's supplier ---------------------------------


def _details_table(name: str, details: Supplier) -> Flowable:
    return key_values(
        [
            ("(a) Supplier", name),
            ("(b) Postal address", details.address or NOT_RECORDED),
            ("(b) Email address", details.email or NOT_RECORDED),
            ("(c) Unique identifier", details.identifier or NOT_RECORDED),
        ]
    )


def own_supplier(data: ReportData, supplier: str) -> list[Flowable]:
    """reg 31(3)(a): an unsuccessful supplier's summary holds "the information referred to in paragraph
    (2)(a) to (d) in respect of the tender" -- its own tender's supplier, then the criteria."""
    return [
        para("Your tender", "h2"),
        para("regulation 31(3)(a), giving 31(2)(a) to (c) in respect of your tender", "cite"),
        _details_table(supplier, data.supplier(supplier)),
    ]


def mat_supplier(data: ReportData, winner: str | None, own: bool) -> list[Flowable]:
    # The MAT's letter: reg 31(2)(a)-(c). Every other letter: the MAT's assessment is part of the summary
    # (Act s.50(4)(b); reg 31(3)(d)), and the supplier it is awarded to is named, as the notice names it.
    cite = "regulation 31(2)(a) to (c)" if own else "Procurement Act 2023 s.50(4)(b); regulation 31(3)(d)"
    story: list[Flowable] = [para("The most advantageous tender", "h2"), para(cite, "cite")]
    if winner is None:
        story.append(
            para(
                "No single tender ranks first (a tie, or no tender eligible): the most advantageous tender is not "
                "yet identified, and this summary cannot yet be issued.",
                "banner",
            )
        )
        return story
    story.append(_details_table(winner, data.supplier(winner)))
    return story


# --- reg 31(2)(d): the award criteria -----------------------------------------------------------


def award_criteria(data: ReportData, rows: list[Criterion]) -> list[Flowable]:
    story: list[Flowable] = [
        para("The award criteria", "h2"),
        para(
            "regulation 31(2)(d)(i): each criterion's (aa) title, (bb) relative importance and (cc) how it was "
            "assessed by reference to the scores available",
            "cite",
        ),
        *tables(
            [
                Column("Criterion", 50),
                Column("Points", 20, "right"),
                Column("How it was assessed, and the scores available", 104),
            ],
            [(c.title, points(c.available), c.how + (f" {c.minimum}" if c.minimum else "")) for c in rows],
        ),
        gap(2),
        para(
            f"Price carries {points(data.weight_price)} points, quality {points(data.weight_quality)} and social "
            f"value {points(data.weight_social_value)} ({points(data.sv_quantitative_weight)} on pledged value, "
            f"{points(data.sv_qualitative_weight)} on the social value questions). A tender that scores below a "
            f"criterion's minimum score is {DISQUALIFIED}: it is given no price, pledged social value or total score "
            "and no rank. Each part is rounded to 2 decimal places; the total is the unrounded sum, rounded once.",
            "small",
        ),
        para("Scores available on each question", "h3"),
    ]
    steps = int(round(data.scale_max / data.scale_step))
    marks = [round(i * data.scale_step, 10) for i in range(steps + 1)]
    story += tables(
        [Column("Score", 20, "right"), Column("Descriptor", 150)],
        [(score(p), data.descriptor(p) or "\u2013") for p in marks],
    )
    where = data.procurement.criteria_published_at
    story += [
        para("Where the full award criteria can be read", "h3"),
        para("regulation 31(2)(d)(ii)", "cite"),
        para(where or f"Where the full award criteria were published is {NOT_RECORDED}."),
    ]
    return story


# --- reg 31(2)(e): a tender's scores, with the explanations ----------------------------------------


def scores_table(data: ReportData, rows: list[Criterion], result: BidderResult, yours: bool) -> list[Flowable]:
    """(e)(i) the score for each criterion and (e)(ii) the sub-totals and total."""
    body = [
        (c.title, _score_of(data, result, c.key, yours), points(earned(result, c.key)), points(c.available))
        for c in rows
    ]
    subtotals = [
        ("Price", points(result.price_score), points(data.weight_price)),
        ("Quality", points(result.quality_score), points(data.weight_quality)),
        ("Social value: pledged", points(result.sv_quantitative_score), points(data.sv_quantitative_weight)),
        ("Social value: answers", points(result.sv_qualitative_score), points(data.sv_qualitative_weight)),
        ("Total", points(result.total), points(100)),
    ]
    return [
        *tables(
            [
                Column("Criterion", 74),
                Column("Score", 40),
                Column("Points", 28, "right"),
                Column("Available", 28, "right"),
            ],
            body,
        ),
        gap(2),
        para("Sub-totals and total (regulation 31(2)(e)(ii))", "lead"),
        *tables([Column("Part", 114), Column("Points", 28, "right"), Column("Available", 28, "right")], subtotals),
    ]


def explanations(
    data: ReportData,
    rows: list[Criterion],
    bidder: str,
    clean: Callable[[str], str],
    yours: bool,
    withhold: bool,
) -> tuple[list[Flowable], bool]:
    """(e)(i)(aa) each score's explanation by reference to the tender, and (bb) the sub-criteria: for
    pledged social value, each pledge as accepted. `withhold`: the bid's withheld passages (s.94)
    are replaced by the mark. Returns the flowables and whether anything was withheld.

    Each criterion's heading is the bold first line of one text block with its explanation: a block
    never leaves one line alone at the foot of a page, so the heading is never parted from its text
    (and one block lays out several times faster than a heading kept together with a paragraph)."""
    result = data.results.by_name()[bidder]
    mod = data.moderated_for(bidder)
    whose = "your tender" if yours else "the most advantageous tender"
    story: list[Flowable] = []
    withheld_any = False
    for c in rows:
        pts = earned(result, c.key)
        shown = f": {points(pts)} of {points(c.available)} points"
        after: list[Flowable] = []
        if c.key in ("price", "pledged") and pts is None:  # never "earned – points"
            shown, explanation = f": not scored ({DISQUALIFIED})", f"Not scored: {whose} was {DISQUALIFIED}."
        elif c.key in ("price", "pledged") and not yours:
            # GAP: the MAT's price and pledges are not given to the other suppliers (the explanation
            # is "by reference to relevant information in the tender", reg 31(2)(e)(i)(aa), and a
            # price is commercial information, s.94): its points and the published formula only.
            explanation = f"{points(pts)} points by the formula above."
        elif c.key == "price":
            explanation = f"A price of {money(data.prices[bidder])} earned {points(pts)} points."
        elif c.key == "pledged":
            explanation = (
                f"Accepted social value of {money(result.accepted_value)} (pledged {money(result.pledged_value)}) "
                f"earned {points(pts)} points."
            )
            after = _pledges(data, bidder, clean)
        else:
            m = mod.get(c.key)
            q = result.questions.get(c.key)
            if q is not None:
                shown = f": {_score_of(data, result, c.key, yours)}, {points(pts)} of {points(c.available)} points"
            if m is None:
                explanation = "No consensus explanation is recorded." if q is None else "Provisional: no consensus yet."
            else:
                explanation = m.rationale
                if withhold:
                    passages = data.withheld(bidder, c.key)
                    if passages:
                        explanation = apply(explanation, passages)
                        withheld_any = withheld_any or explanation != m.rationale
                explanation = clean(explanation)
                # citations (issue 18) readable in the text, each listed under it: what in the tender
                # the score rests on, reg 31(2)(e)(i)(aa); read after withholding, so a withheld
                # quote is never printed in the list
                cited = references(explanation)
                explanation = readable(explanation)
                if cited:
                    after = [para("References:\n" + "\n".join(f"\u2013 {line}" for line in cited), "small")]
        first, *rest = chunks(explanation)
        story += [gap(1.5), rich([(c.title, True), (shown, False), ("\n" + first, False)])]
        story += [*(para(part) for part in rest), *after]
    return story, withheld_any


def _pledges(data: ReportData, bidder: str, clean: Callable[[str], str]) -> list[Flowable]:
    pledges = data.pledges_for(bidder)
    if not pledges:
        return [para("No pledges.", "small")]
    rows = [
        (
            p.ref,
            quantity(p.quantity, p.unit),
            quantity(p.accepted_quantity, p.unit),
            money(p.accepted_value),
            clean(p.reason) if p.adjusted else "",
        )
        for p in pledges
    ]
    return [
        para("Each pledge, as the panel accepted it:", "lead"),
        *tables(
            [
                Column("Measure", 18),
                Column("Pledged", 32, "right"),
                Column("Accepted", 32, "right"),
                Column("Value", 28, "right"),
                Column("Why reduced", 64),
            ],
            rows,
        ),
    ]


# --- reg 31(3)(c): why not the most advantageous tender --------------------------------------------


def why_not(data: ReportData, rows: list[Criterion], mine: BidderResult, win: BidderResult) -> list[Flowable]:
    story: list[Flowable] = [
        para("Why your tender was not the most advantageous tender", "h2"),
        para("regulation 31(3)(c)", "cite"),
    ]
    if mine.excluded:
        reasons = "; ".join(mine.exclusion_reasons)
        story.append(
            para(
                f"Your tender was {DISQUALIFIED}: {reasons}. A tender scoring below a criterion's minimum score is "
                f"{DISQUALIFIED} under the published award criteria, so it was given no price, pledged social value "
                "or total score and no rank, and it could not be the most advantageous tender."
            )
        )
        return story
    ranked = sum(1 for b in data.results.bidders if not b.excluded)
    gap_points = (win.total or 0.0) - (mine.total or 0.0)
    story.append(
        para(
            f"Your tender scored {points(mine.total)} out of 100, {points(gap_points)} points fewer than the most "
            f"advantageous tender's {points(win.total)}; it ranked {mine.rank}{'=' if mine.tied else ''} of the "
            f"{ranked} tenders not {DISQUALIFIED}. The table shows, criterion by criterion, where the points "
            "were gained and lost; the explanations of both tenders' scores follow."
        )
    )
    compare = []
    behind = []
    for c in rows:
        a, b = earned(mine, c.key), earned(win, c.key)
        diff = None if a is None or b is None else a - b
        if diff is not None and round(diff, 2) < 0:
            behind.append(f"{c.title} ({points(-diff)} fewer)")
        compare.append((c.title, points(a), points(b), difference(diff)))
    story += tables(
        [
            Column("Criterion", 84),
            Column("Your tender", 28, "right"),
            Column("Most advantageous", 30, "right"),
            Column("Difference", 28, "right"),
        ],
        compare,
    )
    if behind:
        story += [gap(2), para("Your tender scored fewer points on: " + "; ".join(behind) + ".")]
    return story
