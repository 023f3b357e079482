"""The award report's record of the award stage: the contracting authority, the decision, the
assessment summaries and the contract award notice, and the standstill (Procurement Act 2023
ss.50, 51; the record of the decision, s.98)."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether

from svdesk.export.justification import (
    PLEDGED,
    PRICE,
    QUOTED,
    ROUNDING_NOTE,
    HeadToHead,
    Line,
    Quote,
    argument,
    difference,
    disqualified_sentence,
    head_to_head,
    listed,
    ordinal,
    pledged_sentence,
    points_lines,
    possessive,
    price_sentence,
    quotes,
    runner_up,
)
from svdesk.export.numbers import day
from svdesk.export.numbers import difference as signed
from svdesk.export.pdf_base import (
    FONT_BOLD,
    STYLES,
    Column,
    TextBlock,
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
from svdesk.export.report_sections import DISQUALIFIED
from svdesk.model.scoring import BidderResult
from svdesk.model.services.report_data import ReportData
from svdesk.model.standstill import MANDATORY_STANDSTILL_WORKING_DAYS

NOT_YET = "not yet recorded"
_TOTAL = ParagraphStyle("cell_total", parent=STYLES["cell_head"])
_H3_FLOWING = ParagraphStyle("h3_flowing", parent=STYLES["h3"], keepWithNext=0)  # see `headed`
KEPT_WHOLE = 20  # table lines kept on one page with their heading; a longer table flows on
ROOM = 60  # mm: the least room left on a page for a heading and the first lines of its table
_TOTAL_RIGHT = ParagraphStyle("cell_total_right", parent=STYLES["cell_right"], fontName=FONT_BOLD)


def authority_section(data: ReportData) -> list[Flowable]:
    a = data.authority
    pairs: list[tuple[str, object]] = [
        ("Name", a.name or NOT_YET),
        ("Postal address", a.address or NOT_YET),
        ("Unique identifier", a.identifier or NOT_YET),
        ("Contact", "; ".join(v for v in (a.contact, a.email) if v) or NOT_YET),
    ]
    if data.award.decided and data.award.authority_name and data.award.authority_name != a.name:
        # the decision copied the authority's name: a later change of the profile does not rewrite it
        pairs.append(("Name when the decision was recorded", data.award.authority_name))
    return [para("The contracting authority", "h2"), key_values(pairs)]


def decision_section(data: ReportData) -> list[Flowable]:
    view = data.award
    story: list[Flowable] = [para("The award decision", "h2")]
    if not view.decided:
        story += [
            para("The award decision is not yet recorded.", "banner"),
            key_values(
                [
                    ("Decision-maker", _proposed(data.procurement.decision_maker)),
                    ("Delegated authority", _proposed(data.procurement.delegated_authority)),
                ]
            ),
        ]
        return story
    story.append(
        key_values(
            [
                ("Decided on", day(view.decided_on)),
                ("Decision-maker", view.decision_maker),
                ("Delegated authority", view.delegated_authority),
                ("Recommendation approved", f"award to {view.recommendation}"),
            ]
        )
    )
    return story


def _proposed(value: str) -> str:
    return f"{value} (the procurement's details; proposed)" if value else NOT_YET


def award_stage_section(data: ReportData) -> list[Flowable]:
    """The summaries sent (s.50(3)), the notice (s.50(1)), the standstill (s.51) and the contract."""
    view = data.award
    period = view.period
    pairs: list[tuple[str, object]] = [
        ("Assessment summaries sent", day(view.summaries_sent_on) if view.summaries_sent_on else NOT_YET),
        (
            "Contract award notice",
            f"published {day(view.notice_published_on)}" if view.notice_published_on else NOT_YET,
        ),
    ]
    if period is not None:
        pairs += [
            ("Standstill: first working day", day(period.first_day)),
            ("Standstill ends", f"at the end of {period.last_day:%A} {day(period.last_day)}"),
            ("Contract may be entered into", f"from {period.earliest_entry:%A} {day(period.earliest_entry)}"),
        ]
    else:
        pairs.append(("Standstill", "begins with the day the contract award notice is published"))
    pairs.append(("Contract entered into", day(view.contract_entered_on) if view.contract_entered_on else NOT_YET))
    story: list[Flowable] = [
        para("The award stage", "h2"),
        para(
            "Section 50(3) of the Procurement Act 2023: an assessment summary to each supplier that submitted an "
            "assessed tender before the contract award notice. Section 51: the contract may not be entered into "
            f"before the end of the standstill period, {MANDATORY_STANDSTILL_WORKING_DAYS} working days beginning "
            "with the day the notice is published (s.123: a working day is not a Saturday, Sunday, Christmas Day, "
            "Good Friday or a bank holiday in any part of the United Kingdom).",
            "small",
        ),
        gap(1),
        key_values(pairs),
    ]
    if period is not None:
        story.append(para("Days not counted in the standstill period, and why", "h3"))
        if period.skipped:
            story += tables(
                [Column("Day", 56), Column("Why it is not a working day", 114)],
                [(f"{d.day:%A} {day(d.day)}", d.why) for d in period.skipped],
            )
        else:
            story.append(para("None: every day of the period is a working day.", "small"))
    return story


# --- the argument: why the winner won -------------------------------------------------------------


def headed(title: str, lead: list[Flowable], table: list[Flowable], lines: int) -> list[Flowable]:
    """A heading (h3), its lead paragraphs and the table they introduce, never apart: a short table
    is kept on one page with them; a long one (a framework's 40 questions) starts on this page if
    ROOM is left, else on the next, and flows on with its header row repeated, so that neither a
    heading alone at the foot of a page nor half a page left blank before a long table."""
    if lines <= KEPT_WHOLE:
        return [KeepTogether([para(title, "h3"), *lead, *table[:1]]), *table[1:]]
    return [CondPageBreak(ROOM * mm), TextBlock.plain(title, _H3_FLOWING), *lead, *table]


Cells = dict[tuple[str, int, bool], Flowable]  # (text, column, total row) -> its block


def _table(columns: list[Column], rows: list[tuple[list[str], bool]], cells: Cells | None = None) -> list[Flowable]:
    """Rows of small text blocks, a total row in bold. `cells`: blocks already made for the same text
    in the same column, shared between tables (199 tables of a framework repeat the criteria, the
    points available and the winner's points: each is made and laid out once)."""
    cache: Cells = {} if cells is None else cells
    plain = [STYLES["cell_right" if c.align == "right" else "cell"] for c in columns]
    bold = [_TOTAL_RIGHT if c.align == "right" else _TOTAL for c in columns]
    body = []
    for values, total in rows:
        row = []
        for i, value in enumerate(values):
            key = (value, i, total)
            block = cache.get(key)
            if block is None:
                block = cache[key] = TextBlock.plain(value, (bold if total else plain)[i])
            row.append(block)
        body.append(row)
    return tables(columns, body)


def versus_table(data: ReportData, h2h: HeadToHead) -> list[Flowable]:
    """The winner against one other bid, component by component: available, each bid's points and
    the winner's lead, with the rounding and total lines."""
    rows: list[tuple[list[str], bool]] = []
    for line in points_lines(data, [h2h.winner, h2h.other]):
        w, o = line.values
        shown = signed if line.kind == "rounding" else points
        rows.append(
            (
                [line.label, shown(line.available), shown(w), shown(o), signed(difference(w, o))],
                line.kind == "total",
            )
        )
    return _table(
        [
            Column("Criterion", 70),
            Column("Available", 22, "right"),
            Column(h2h.winner, 26, "right"),
            Column(h2h.other, 26, "right"),
            Column("Winner's lead", 26, "right"),
        ],
        rows,
    )


def _detail(data: ReportData, r: BidderResult, line: Line) -> str:
    """What the points of one line rest on: the price, the accepted value, the score."""
    if line.component is None:
        return ""
    if line.component.key == PRICE:
        return money(r.price)
    if line.component.key == PLEDGED:
        return f"{money(r.accepted_value)} accepted"
    qr = r.questions.get(line.component.key)
    if qr is None:
        return ""
    return f"{score(qr.score)} of {score(data.scale_max)}" + (" (provisional)" if qr.provisional else "")


def other_table(data: ReportData, winner: str, other: str, cells: Cells | None = None) -> list[Flowable]:
    """One other bid against the winner: what each line rests on, the points, the winner's lead.
    `cells`: shared between the tables of one report (see `_table`)."""
    rows: list[tuple[list[str], bool]] = []
    result = data.by_name[other]
    for line in points_lines(data, [other, winner]):
        o, w = line.values
        shown = signed if line.kind == "rounding" else points
        rows.append(
            (
                [line.label, _detail(data, result, line), shown(line.available), shown(o), shown(w),
                 signed(difference(w, o))],
                line.kind == "total",
            )
        )  # fmt: skip
    return _table(
        [
            Column("Criterion", 56),
            Column("This bid", 30),
            Column("Available", 20, "right"),
            Column("Points", 20, "right"),
            Column("Winner", 20, "right"),
            Column("Winner's lead", 24, "right"),
        ],
        rows,
        cells,
    )


def _quote_story(data: ReportData, h2h: HeadToHead, q: Quote) -> list[Flowable]:
    """One question in the panel's words: both scores, then the key sentence of each rationale."""
    gained = (q.gap.points or 0) > 0
    lead = abs(q.gap.points or 0)
    to = h2h.winner if gained else h2h.other
    head = markup(
        f"<b>{text(q.gap.component.label)}</b> ({points(q.gap.component.available)} points available): "
        f"{text(h2h.winner)} {text(q.winner_score)}, {text(h2h.other)} {text(q.other_score)}; "
        f"{points(lead)} points to {text(to)}."
    )
    body: list[Flowable] = []
    for who, words in ((h2h.winner, q.winner_words), (h2h.other, q.other_words)):
        said = f"\u201c{words}\u201d" if words else "(no consensus explanation is recorded)"
        body.append(rich([(f"The panel's consensus on {who}: ", True), (said, False)]))
    return [gap(2), KeepTogether([head, gap(1), body[0]]), gap(1), *body[1:]]


def _rounded(data: ReportData, h2h: HeadToHead) -> bool:
    return any(line.kind == "rounding" for line in points_lines(data, [h2h.winner, h2h.other]))


def why_section(data: ReportData, winner: str) -> list[Flowable]:
    """Why the winner won: the margin and the runner-up named, the components compared with totals,
    the largest differences in the panel's own words, and every disqualified tender."""
    by_name = data.by_name
    w = by_name[winner]
    assessed = [b for b in data.results.bidders if not b.excluded]
    second, tied = runner_up(data)
    story: list[Flowable] = [para(f"Why {possessive(winner)} tender is the most advantageous", "h2")]
    if second is None:
        story.append(
            para(
                f"{possessive(winner)} is the only tender not {DISQUALIFIED}: it ranks first with "
                f"{points(w.total)} points out of 100.",
            )
        )
        return story + disqualified_section(data, winner)
    h2h = head_to_head(data, winner, second)
    jointly = f" (jointly with {listed(tied)})" if tied else ""
    story.append(
        markup(
            f"{text(possessive(winner))} tender ranks first of the {len(assessed)} tenders not disqualified, with "
            f"<b>{points(w.total)}</b> points out of 100. The runner-up{text(jointly)} is <b>{text(second)}</b>, "
            f"with {points(by_name[second].total)}: the margin is <b>{points(h2h.margin)} points</b>."
        )
    )
    story += [gap(1.5), para(" ".join(argument(data, h2h)))]
    story += [
        *headed(f"{winner} and {second}, criterion by criterion", [], versus_table(data, h2h), len(h2h.gaps)),
        *([gap(1), para(ROUNDING_NOTE, "small")] if _rounded(data, h2h) else []),
        gap(3),
        markup(f"<b>Price.</b> {text(price_sentence(data, winner, second))}"),
        gap(1.5),
        markup(f"<b>Social value pledged.</b> {text(pledged_sentence(data, winner, second))}"),
    ]
    for title, gaps in (
        (f"Where {winner} gained most, in the panel's words", h2h.gains),
        (f"Where {second} scored more, in the panel's words", h2h.losses),
    ):
        said = quotes(data, h2h, gaps)
        if not said:
            continue
        story.append(para(title, "h3"))
        for q in said[:QUOTED]:
            story += _quote_story(data, h2h, q)
        if len(said) > QUOTED:
            story.append(para(f"The other {len(said) - QUOTED} such questions are in the table above.", "small"))
    return story + others_ranked(data, winner) + disqualified_section(data, winner)


def others_ranked(data: ReportData, winner: str) -> list[Flowable]:
    """Every other assessed tender, by rank, with its distance from the winner."""
    w = data.by_name[winner]
    others = [b for b in data.results.bidders if not b.excluded and b.name != winner]
    if len(others) < 2:
        return []
    rows = [
        (
            f"{ordinal(b.rank or 0)}{'=' if b.tied else ''}",
            b.name,
            points(b.total),
            points(difference(w.total, b.total)),
        )
        for b in others
    ]
    return [
        para("The other tenders not disqualified, by rank", "h3"),
        *tables(
            [
                Column("Rank", 20),
                Column("Bidder", 90),
                Column("Total", 28, "right"),
                Column("Behind the winner", 32, "right"),
            ],
            rows,
        ),
    ]


def disqualified_section(data: ReportData, winner: str) -> list[Flowable]:
    out = [b for b in data.results.bidders if b.excluded]
    if not out:
        return []
    story: list[Flowable] = [para("Disqualified tenders", "h3")]
    for b in out:
        story += [para(disqualified_sentence(data, b.name, winner)), gap(1.5)]
    return story
