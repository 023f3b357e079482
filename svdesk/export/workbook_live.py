"""The evaluation workbook's live sheets: Weights, Questions, Moderation, the Summary's results and
the pledge reviews.

Every total on the Summary is a formula over the other sheets, so an auditor who changes one
consensus score (Moderation), one member's score (Scores), a pledge's accepted quantity (Pledges), a
question's weight or minimum (Questions) or a weight (Weights) sees the points, the total, the rank
and any disqualification move. Each formula carries the value svdesk worked out for it
(svdesk.export.workbook_calc) as its cached value. Formulas are built from cell addresses and our
own fixed words only ("Quality", "Yes"): no user text is ever part of one, and no bidder's name is
a criterion (each bid's rows are a range, never found by SUMIF on its name).
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter as col

from svdesk.export.workbook_calc import (
    QUALITY_LABEL,
    RATIO_LABEL,
    SECTION_LABEL,
    SOCIAL_VALUE_LABEL,
    Layout,
    rounded,
)
from svdesk.export.xlsx_layout import (
    BOLD,
    HEADER_FILL,
    MONEY,
    POINTS,
    WRAP,
    Formula,
    SheetWriter,
    StreamingBook,
)
from svdesk.export.xlsx_print import PrintSetup
from svdesk.model.services.report_data import ReportData

# Weights sheet rows (column B holds the value)
W_PRICE, W_QUALITY, W_SV, W_SHARE, W_METHOD, W_QUANT, W_QUAL, W_SUM = range(2, 10)

RESULT_COLUMNS = (
    "Rank",
    "Bidder",
    "Price (£)",
    "Pledged (£)",
    "Accepted (£)",
    "Price score",
    "Quality score",
    "SV quantitative",
    "SV qualitative",
    "Total",
    "Tied",
    "Disqualified",
    "Why disqualified",
)
QUESTION_COLUMNS = (
    "Code",
    "Title",
    "Section",
    "Weight",
    "Minimum score",
    "Scale max",
    "Scale step",
    "Section points",
    "Points available",
)
REVIEW_COLUMNS = (
    "Bidder",
    "Ref",
    "Unit",
    "Quantity pledged",
    "Member",
    "View",
    "Quantity the member would accept",
    "Reason",
    "Panel's accepted quantity",
)
# The Summary's working columns, right of "Why disqualified" (printed pages stop before them)
WORKING_COLUMNS = (
    "Questions below minimum",
    "Price if not disqualified (£)",
    "Value basis if not disqualified",
    "Price points (unrounded)",
    "Quality points (unrounded)",
    "SV quantitative (unrounded)",
    "SV qualitative (unrounded)",
    "Total (unrounded)",
)


def header(book: StreamingBook, ws: SheetWriter, row: int, titles: tuple[str, ...]) -> None:
    ws.row(row, titles, (book.style(font=BOLD, fill=HEADER_FILL, alignment=WRAP),) * len(titles))


def weights_sheet(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    w = spots.weights
    rows: list[tuple[str, object, str]] = [
        (
            "Price weight (points)",
            w.price,
            "Price points = lowest price of the bids not disqualified / bid price x this",
        ),
        ("Quality weight (points)", w.quality, "Shared among the quality questions by their weights (Questions)"),
        ("Social value weight (points)", w.social_value, "Split between pledged value and the social value questions"),
        ("Share on pledged value (%)", w.share, "Of the social value weight, the per cent scored on pledged value"),
        (
            "Pledged value method",
            w.method,
            f'"{RATIO_LABEL}": accepted value / price is compared; otherwise the accepted value itself',
        ),
        (
            "Points on pledged value",
            Formula(f"=B{W_SV}*B{W_SHARE}/100", w.quantitative),
            "Value basis / highest basis of the bids not disqualified x this",
        ),
        (
            "Points on social value questions",
            Formula(f"=B{W_SV}*(100-B{W_SHARE})/100", w.qualitative),
            "Shared among the social value questions by their weights (Questions)",
        ),
        (
            "Weights add up to",
            Formula(f"=B{W_PRICE}+B{W_QUALITY}+B{W_SV}", w.weights_sum),
            "100 when the weights are valid",
        ),
    ]
    label, value, note = book.style(font=BOLD), book.style(POINTS), book.style(alignment=WRAP)
    with book.sheet(name, (36, 16, 80), freeze="A2", printing=printing) as ws:
        header(book, ws, 1, ("Setting", "Value", "How the Summary uses it"))
        for row, (text, figure, why) in enumerate(rows, start=2):
            ws.row(row, (text, figure, why), (label, value, note))


def questions_sheet(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    styles = book.column_styles((None, None, None, POINTS, POINTS, POINTS, POINTS, POINTS, POINTS), 9, wrap=(2,))
    first, last = spots.question_range
    sections, weights = f"$C${first}:$C${last}", f"$D${first}:$D${last}"
    with book.sheet(name, (10, 50, 14, 10, 10, 10, 10, 12, 12), freeze="B2", printing=printing) as ws:
        header(book, ws, 1, QUESTION_COLUMNS)
        for q in data.questions:
            r = spots.question_row[q.code]
            is_quality = SECTION_LABEL[q.section] == QUALITY_LABEL
            section_points = spots.weights.quality if is_quality else spots.weights.qualitative
            values = (
                q.code,
                q.title or None,
                SECTION_LABEL[q.section],
                q.weight,
                q.minimum_score,
                data.scale_max,
                data.scale_step,
                Formula(f'=IF(C{r}="{QUALITY_LABEL}",Weights!$B${W_QUALITY},Weights!$B${W_QUAL})', section_points),
                Formula(
                    f"=IF(SUMIF({sections},C{r},{weights})>0,D{r}/SUMIF({sections},C{r},{weights})*H{r},0)",
                    q.share_of_total,
                ),
            )
            ws.row(r, values, styles)


def moderation_sheet(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    k = len(spots.members)
    titles = (
        "Bidder",
        "Question",
        *spots.members,
        "Spread",
        "Consensus score",
        "Score used",
        "Points",
        "Below minimum",
        "Consensus rationale",
    )
    spread, agreed, used, points, below = (col(3 + k + i) for i in range(5))
    styles = book.column_styles(
        (None, None, *([None] * k), None, None, POINTS, POINTS), len(titles), wrap=(len(titles),)
    )
    with book.sheet(
        name, (30, 10, *(12 for _ in range(k)), 8, 11, 10, 10, 10, 80), freeze="C2", printing=printing
    ) as ws:
        header(book, ws, 1, titles)
        for r, line in enumerate(spots.lines, start=2):
            q = spots.question_row[line.question]
            marks = f"C{r}:{col(2 + k)}{r}"
            count = f"COUNT({marks})>0" if k else "FALSE"
            mean = f"IF({count},AVERAGE({marks}),0)" if k else "0"
            cells = [
                Formula(f"=Scores!E{m[0]}", m[1]) if isinstance(m, tuple) else m for m in line.marks
            ]  # a member's score, from the Scores sheet; "conflict" where they declared one
            rationale = data.moderated_for(line.bidder).get(line.question)
            values = [
                line.bidder,
                line.question,
                *cells,
                Formula(f'=IF({count},MAX({marks})-MIN({marks}),"")', line.spread) if k else None,
                line.consensus,
                Formula(f"=IF(ISNUMBER({agreed}{r}),{agreed}{r},{mean})", line.used),
                Formula(f"=IF(Questions!$F${q}>0,{used}{r}/Questions!$F${q}*Questions!$I${q},0)", line.points),
                Formula(
                    f"=IF(AND(ISNUMBER(Questions!$E${q}),OR(ISNUMBER({agreed}{r}),{count})),"
                    f"IF({used}{r}<Questions!$E${q}-0.000000001,1,0),0)",
                    line.below,
                ),
                rationale.rationale if rationale else None,
            ]
            ws.row(r, values, styles)


def results_rows(book: StreamingBook, ws: SheetWriter, data: ReportData, spots: Layout, head: int) -> int:
    """The Summary's ranked bids from row `head` + 1 on, every figure a formula; returns the next free row."""
    header(book, ws, head, (*RESULT_COLUMNS, *WORKING_COLUMNS))
    formats = (None, None, MONEY, MONEY, MONEY, POINTS, POINTS, POINTS, POINTS, POINTS, None, None, None)
    styles = book.column_styles((*formats, None, MONEY, "0.00####", *([POINTS] * 5)), 21, wrap=(13,))
    first, last = head + 1, head + len(data.results.bidders)
    totals, prices_in, bases = f"$J${first}:$J${last}", f"$O${first}:$O${last}", f"$P${first}:$P${last}"
    q_first, q_last = spots.question_range
    sections = f"Questions!$C${q_first}:$C${q_last}"
    pts, below = col(6 + len(spots.members)), col(7 + len(spots.members))
    row = first
    for result in data.results.bidders:
        bid = spots.bids[result.name]
        m_first, m_last = spots.moderation_rows[result.name]
        _p_first, _p_last, subtotal = spots.pledge_rows[result.name]
        out = f'L{row}="Yes"'
        if m_last >= m_first:
            count_below: object = Formula(f"=SUM(Moderation!{below}{m_first}:{below}{m_last})", float(bid.below))
            # a bid's Moderation rows run in the Questions sheet's order: SUMIF pairs each with its section
            block = f"Moderation!{pts}{m_first}:{pts}{m_last}"
            quality: object = Formula(f'=SUMIF({sections},"{QUALITY_LABEL}",{block})', bid.quality_raw)
            qualitative: object = Formula(f'=SUMIF({sections},"{SOCIAL_VALUE_LABEL}",{block})', bid.qualitative_raw)
        else:  # a tender without questions
            count_below, quality, qualitative = 0.0, 0.0, 0.0
        values = [
            Formula(f'=IF(ISNUMBER(J{row}),RANK(J{row},{totals},0),"")', bid.rank),
            result.name,
            bid.price,
            Formula(f"=Pledges!H{subtotal}", bid.pledged),
            Formula(f"=Pledges!I{subtotal}", bid.accepted),
            Formula(f'=IF({out},"",ROUND(Q{row},2))', rounded(bid.price_raw)),
            Formula(f"=ROUND(R{row},2)", rounded(bid.quality_raw)),
            Formula(f'=IF({out},"",ROUND(S{row},2))', rounded(bid.quantitative_raw)),
            Formula(f"=ROUND(T{row},2)", rounded(bid.qualitative_raw)),
            Formula(f'=IF({out},"",ROUND(U{row},2))', bid.total),
            Formula(f'=IF(ISNUMBER(J{row}),IF(COUNTIF({totals},J{row})>1,"tied",""),"")', bid.tied),
            Formula(f'=IF(N{row}>0,"Yes","No")', "Yes" if bid.disqualified else "No"),
            "; ".join(result.exclusion_reasons) or None,  # as svdesk recorded it: words, not recomputed
            count_below,
            Formula(f'=IF({out},"",C{row})', bid.price_if_in),
            Formula(
                f'=IF({out},"",IF(Weights!$B${W_METHOD}="{RATIO_LABEL}",IF(C{row}>0,E{row}/C{row},0),E{row}))',
                bid.basis,
            ),
            Formula(f'=IF({out},"",IF(C{row}>0,MIN({prices_in})/C{row}*Weights!$B${W_PRICE},0))', bid.price_raw),
            quality,
            Formula(
                f'=IF({out},"",IF(MAX({bases})>0,P{row}/MAX({bases})*Weights!$B${W_QUANT},0))', bid.quantitative_raw
            ),
            qualitative,
            Formula(f'=IF({out},"",Q{row}+R{row}+T{row}+S{row})', bid.total_raw),  # svdesk's order of addition
        ]
        ws.row(row, values, styles)
        row += 1
    return row


def reviews_sheet(book: StreamingBook, name: str, data: ReportData, spots: Layout, printing: PrintSetup) -> None:
    """Each member's view of each pledge while scoring, beside the quantity the panel accepted."""
    pledge_row = {
        (bidder, pledge.ref): first + offset
        for bidder, (first, _last, _subtotal) in spots.pledge_rows.items()
        for offset, pledge in enumerate(data.pledges_for(bidder))
    }
    pledges = {(pledge.bidder, pledge.ref): pledge for pledge in data.pledges}
    styles = book.column_styles((), len(REVIEW_COLUMNS), wrap=(8,))
    with book.sheet(name, (30, 8, 16, 14, 22, 10, 18, 60, 16), freeze="A2", printing=printing) as ws:
        header(book, ws, 1, REVIEW_COLUMNS)
        for row, v in enumerate(data.pledge_reviews, start=2):
            p = pledges.get((v.bidder, v.ref))
            quantity = p.quantity if p else None
            would = v.accepted_quantity if v.accepted_quantity is not None else quantity  # accept: all of it
            panel: object = (
                Formula(f"=Pledges!G{pledge_row[(v.bidder, v.ref)]}", p.accepted_quantity) if p is not None else None
            )
            values = (v.bidder, v.ref, p.unit if p else None, quantity, v.member, v.decision.capitalize(), would,
                      v.reason or None, panel)  # fmt: skip
            ws.row(row, values, styles)


__all__ = [
    "QUESTION_COLUMNS",
    "RESULT_COLUMNS",
    "REVIEW_COLUMNS",
    "WORKING_COLUMNS",
    "moderation_sheet",
    "questions_sheet",
    "results_rows",
    "reviews_sheet",
    "weights_sheet",
]
