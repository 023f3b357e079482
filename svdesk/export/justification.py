"""The award justification's argument, as plain data and sentences: why the winner won, component by
component, against whom and by how much, in the evaluation's own words.

A component is what the published criteria award points for: the price, each quality question, the
social value pledged and each social value question. Points are shown as the results round them
(each component to 2 dp, half up; the total the unrounded sum rounded once: svdesk.model.scoring),
so a column of components can differ from its total by a penny or two. Every table of component
points therefore has a rounding line where one is needed and a total line, and the total line is the
sum of the lines above it to the penny. Amounts are summed as whole pennies, never as floats.

The quoted reasons are the panel's consensus rationales, unedited: a sentence is chosen from them
(see `key_sentence`) but never reworded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from svdesk.export.numbers import money, points, score
from svdesk.export.report_sections import DISQUALIFIED, question_label
from svdesk.model.citations import citations
from svdesk.model.kinds import QuantitativeMethod
from svdesk.model.scoring import EPSILON, QUALITY, BidderResult, round2
from svdesk.model.services.report_data import QuestionRow, ReportData

PRICE, PLEDGED = "price", "pledged"
QUOTED = 5  # the largest gains (and losses) quoted in the panel's words; the table has every one
LISTED = 5  # components named in one sentence before "and N others"
ROUNDING = "Rounding (total rounded once)"
ROUNDING_NOTE = (
    "Each line is rounded to 2 decimal places and each total is the unrounded sum rounded once, as the scoring "
    "rules say; the rounding line is the difference, so that every column adds up to its total."
)
QUOTE_LIMIT = 480  # characters of one quoted sentence (cut between words, marked with an ellipsis)


def cents(value: float) -> int:
    """A points figure as the whole pennies it is shown with (2 dp, half up, as the results round)."""
    hundredths = value * 100
    near = round(hundredths)
    if abs(hundredths - near) < 1e-6:  # already to the penny (most figures are: the results round them)
        return int(near)
    return int(round(round2(value) * 100))


def from_cents(value: int) -> float:
    return value / 100


@dataclass(frozen=True)
class Component:
    key: str  # PRICE, PLEDGED or a question code
    label: str  # "Price", "Q1 Recruitment, retention and workforce development", "Social value: pledged"
    available: float  # points out of 100
    question: QuestionRow | None = None

    @property
    def named(self) -> str:
        """The component as a sentence names it ("price", "social value pledged", "Q1 Recruitment ...")."""
        if self.key == PRICE:
            return "price"
        if self.key == PLEDGED:
            return "social value pledged"
        return self.label


def components(data: ReportData) -> list[Component]:
    """Every component in the order the criteria give them: price, the quality questions, the social
    value pledged, the social value questions."""

    def labelled(q: QuestionRow) -> Component:
        return Component(q.code, question_label(q.code, q.title, q.text), q.share_of_total, q)

    out = [Component(PRICE, "Price", data.weight_price)]
    out += [labelled(q) for q in data.questions if q.section == QUALITY]
    out.append(Component(PLEDGED, "Social value: pledged", data.sv_quantitative_weight))
    out += [labelled(q) for q in data.questions if q.section != QUALITY]
    return out


def shown_points(result: BidderResult, component: Component) -> float | None:
    """A bid's points for one component as the tables show them (None: a disqualified bid's price
    and pledged social value, which are not scored)."""
    if component.key == PRICE:
        return result.price_score
    if component.key == PLEDGED:
        return result.sv_quantitative_score
    qr = result.questions.get(component.key)
    return None if qr is None else round2(qr.contribution)


@dataclass(frozen=True)
class Line:
    """One line of a table of component points: a component, the rounding line or the total."""

    label: str
    kind: str  # "component", "rounding" or "total"
    available: float | None
    values: tuple[float | None, ...]  # one per bid, in the table's order
    component: Component | None = None


def points_lines(data: ReportData, bidders: list[str]) -> list[Line]:
    """The component lines for `bidders` side by side, then a rounding line (only where the shown
    components of some column do not add up to its total) and the total line. A disqualified bid has
    no total: its column shows none, and no rounding line is made for it."""
    by_name = data.by_name
    results = [by_name[b] for b in bidders]
    comps = components(data)
    lines = [Line(c.label, "component", c.available, tuple(shown_points(r, c) for r in results), c) for c in comps]
    available_total = data.weight_price + data.weight_quality + data.weight_social_value
    totals = [available_total, *(r.total for r in results)]
    columns = [[line.available for line in lines], *([line.values[i] for line in lines] for i in range(len(results)))]
    rounding: list[float | None] = []
    for total, column in zip(totals, columns, strict=True):
        if total is None:
            rounding.append(None)
            continue
        rest = cents(total) - sum(cents(v) for v in column if v is not None)
        rounding.append(from_cents(rest))
    if any(r for r in rounding):
        lines.append(
            Line(
                ROUNDING,
                "rounding",
                rounding[0],
                tuple(rounding[1:]),
            )
        )
    lines.append(Line("Total", "total", totals[0], tuple(totals[1:])))
    return lines


def difference(a: float | None, b: float | None) -> float | None:
    """a - b to the penny (None where either is not scored)."""
    return None if a is None or b is None else from_cents(cents(a) - cents(b))


@dataclass(frozen=True)
class Gap:
    """The winner's points against another bid's on one component, and the difference (winner less
    other, to the penny; None where either is not scored)."""

    component: Component
    winner: float | None
    other: float | None
    points: float | None


@dataclass(frozen=True)
class HeadToHead:
    winner: str
    other: str
    gaps: list[Gap]  # every component, in the criteria's order
    margin: float | None  # the winner's total less the other's (None: the other is disqualified)

    @property
    def gains(self) -> list[Gap]:
        """Where the winner scored more, the largest first."""
        return sorted((g for g in self.gaps if (g.points or 0) > 0), key=lambda g: -(g.points or 0))

    @property
    def losses(self) -> list[Gap]:
        """Where the other bid scored more, the largest first."""
        return sorted((g for g in self.gaps if (g.points or 0) < 0), key=lambda g: g.points or 0)

    @property
    def level(self) -> list[Gap]:
        return [g for g in self.gaps if g.points == 0]

    @property
    def rounding(self) -> float:
        """What rounding adds to the differences of the components to make the margin."""
        if self.margin is None:
            return 0.0
        return from_cents(cents(self.margin) - sum(cents(g.points) for g in self.gaps if g.points is not None))


def head_to_head(data: ReportData, winner: str, other: str) -> HeadToHead:
    by_name = data.by_name
    w, o = by_name[winner], by_name[other]
    gaps = []
    for c in components(data):
        a, b = shown_points(w, c), shown_points(o, c)
        gaps.append(Gap(c, a, b, difference(a, b)))
    return HeadToHead(winner, other, gaps, difference(w.total, o.total))


def runner_up(data: ReportData) -> tuple[str | None, list[str]]:
    """The bid ranked second (the first of them in the results' order when several share the rank)
    and any other bids sharing its rank."""
    second = [b for b in data.results.bidders if not b.excluded and b.rank is not None and b.rank > 1]
    if not second:
        return None, []
    rank = second[0].rank
    tied = [b.name for b in second if b.rank == rank]
    return tied[0], tied[1:]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def possessive(name: str) -> str:
    """ "Weaver Valley Care Ltd's", "Sandstone Support Services'"."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def gap_phrases(gaps: list[Gap]) -> str:
    """'3.00 points on Q1 ... and 1.12 points on price' (the first LISTED; the rest counted)."""
    shown = [f"{points(abs(g.points or 0))} points on {g.component.named}" for g in gaps[:LISTED]]
    rest = gaps[LISTED:]
    if rest:
        total = from_cents(sum(abs(cents(g.points or 0)) for g in rest))
        shown.append(f"{points(total)} points on {len(rest)} other components")
    return listed(shown)


def argument(data: ReportData, h2h: HeadToHead) -> list[str]:
    """The head-to-head with the runner-up in sentences: where the winner gained, where it lost, where
    the two were level, and how the differences make the margin."""
    w, o = h2h.winner, h2h.other
    gains, losses, level = h2h.gains, h2h.losses, h2h.level
    out: list[str] = []
    said = f"Against {o}, {w} gained {gap_phrases(gains)}" if gains else f"{w} gained on no component against {o}"
    said += f", and lost {gap_phrases(losses)}." if losses else ", and lost on none."
    out.append(said)
    if level:
        names = [g.component.named for g in level]
        same = listed(names) if len(names) <= LISTED else f"{len(names)} components"
        out.append(f"The two tenders scored the same on {same}.")
    gained = from_cents(sum(cents(g.points or 0) for g in gains))
    lost = from_cents(-sum(cents(g.points or 0) for g in losses))
    if h2h.margin is not None:
        net = f"The points gained ({points(gained)}) less the points lost ({points(lost)})"
        if h2h.rounding:  # the components' differences and the totals' difference part by a penny or two
            net += (
                f" are {points(from_cents(cents(gained) - cents(lost)))}; with each total rounded once, the margin "
                f"is {points(h2h.margin)} points"
            )
        else:
            net += f" are the margin of {points(h2h.margin)} points"
        out.append(net + ".")
    return out


def price_sentence(data: ReportData, winner: str, other: str) -> str:
    by_name = data.by_name
    eligible = [b for b in data.results.bidders if not b.excluded]
    lowest = min(eligible, key=lambda b: b.price)
    w, o = by_name[winner], by_name[other]
    who = "" if lowest.name in (winner, other) else f" ({lowest.name})"
    return (
        f"{winner} tendered {money(w.price)} and {other} {money(o.price)}. The lowest price among the "
        f"tenders not {DISQUALIFIED}, {money(lowest.price)}{who}, earns the full {points(data.weight_price)} "
        f"points; {winner} scored {points(w.price_score)} and {other} {points(o.price_score)}."
    )


def pledged_sentence(data: ReportData, winner: str, other: str) -> str:
    by_name = data.by_name
    w, o = by_name[winner], by_name[other]
    ratio = data.quantitative_method == QuantitativeMethod.RELATIVE_RATIO

    def accepted(r: BidderResult) -> str:
        reduced = r.pledged_value - r.accepted_value > 0.005
        of = f" of the {money(r.pledged_value)} pledged" if reduced else ""
        return f"{money(r.accepted_value)}{of}"

    basis = "the highest accepted value per pound of price" if ratio else "the highest accepted value"
    return (
        f"The panel accepted {accepted(w)} for {winner} and {accepted(o)} for {other}; "
        f"{basis} among the tenders not {DISQUALIFIED} earns the full {points(data.sv_quantitative_weight)} "
        f"points. {winner} scored {points(w.sv_quantitative_score)} and {other} {points(o.sv_quantitative_score)}."
    )


# A sentence ends at . ! or ? followed by a space and a capital, a digit or an opening quote or
# bracket; "section 1.2" and "(1.2-1.3)" do not end one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\u201c\u2018])")
# Words with which a rationale says what a tender lacks or why it falls short of a higher score.
_SHORTFALL = re.compile(
    r"\b(no|not|none|without|lacks?|missing|only|but|however|although|falls? short|limited|limits|thin|"
    r"untested|weak(?:er|ness)?|reservations?|unclear|does not|cannot|fails?)\b",
    re.IGNORECASE,
)


def sentences(rationale: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(rationale.split())) if s.strip()]


_HELD = "\ue000{}\ue001"  # a citation held aside while sentences are found: "p. 4" ends none
_HELD_AT = re.compile("\ue000(\\d+)\ue001")
_HELD_CUT = re.compile("\ue000\\d*$")


def key_sentence(rationale: str, *, stronger: bool) -> str:
    """The sentence of a consensus rationale that explains the difference: for the bid that scored
    more, its first sentence (what earned the score); for the bid that scored less, the first
    sentence that says what it lacks (its first sentence when none does). Quoted as written, but a
    citation token (issue 18) as it reads, "(Method statement, p. 4)", never its hash; a sentence
    longer than QUOTE_LIMIT is cut between words and marked with an ellipsis."""
    cited = citations(rationale)
    if cited:  # each token held as one word, so neither its "p. 4" nor its title ends a sentence
        pieces, at = [], 0
        for i, c in enumerate(cited):
            pieces += [rationale[at : c.start], _HELD.format(i)]
            at = c.end
        rationale = "".join([*pieces, rationale[at:]])
    chosen = _key_sentence(rationale, stronger=stronger)
    if not cited:
        return chosen
    if chosen.endswith("\u2026"):  # a cut inside a held citation drops the part of it left
        chosen = _HELD_CUT.sub("", chosen[:-1]).rstrip(" ,;:") + "\u2026"
    shown = _HELD_AT.sub(lambda m: f"({cited[int(m.group(1))].title}, {cited[int(m.group(1))].pages})", chosen)
    return shown.replace("\ue000", "").replace("\ue001", "")


def _key_sentence(rationale: str, *, stronger: bool) -> str:
    parts = sentences(rationale)
    if not parts:
        return ""
    chosen = parts[0]
    if not stronger:
        chosen = next((s for s in parts if _SHORTFALL.search(s)), parts[0])
    if len(chosen) > QUOTE_LIMIT:
        cut = chosen.rfind(" ", 0, QUOTE_LIMIT)
        chosen = chosen[: cut if cut > QUOTE_LIMIT // 2 else QUOTE_LIMIT].rstrip(" ,;:") + "\u2026"
    return chosen


@dataclass(frozen=True)
class Quote:
    """One question where the winner and another bid differ, in the panel's words."""

    gap: Gap
    winner_score: str  # "4 (Good)", or "2 (provisional: the mean of the individual scores)"
    other_score: str
    winner_words: str  # a sentence of the consensus rationale ("" when none is recorded)
    other_words: str


def _score_said(data: ReportData, result: BidderResult, code: str) -> str:
    qr = result.questions.get(code)
    if qr is None:
        return "not scored"
    if qr.provisional:
        return f"{score(qr.score)} (provisional: the mean of the individual scores)"
    label = data.descriptor(qr.score)
    return f"{score(qr.score)} ({label})" if label else score(qr.score)


def quotes(data: ReportData, h2h: HeadToHead, gaps: list[Gap]) -> list[Quote]:
    """The panel's words on the question components among `gaps`."""
    by_name = data.by_name
    w, o = by_name[h2h.winner], by_name[h2h.other]
    mod_w, mod_o = data.moderated_for(h2h.winner), data.moderated_for(h2h.other)
    out = []
    for g in gaps:
        if g.component.question is None:
            continue
        code = g.component.key
        ahead = (g.points or 0) > 0
        words_w = key_sentence(mod_w[code].rationale, stronger=ahead) if code in mod_w else ""
        words_o = key_sentence(mod_o[code].rationale, stronger=not ahead) if code in mod_o else ""
        out.append(Quote(g, _score_said(data, w, code), _score_said(data, o, code), words_w, words_o))
    return out


@dataclass(frozen=True)
class Missed:
    """A minimum score a disqualified tender did not reach."""

    question: QuestionRow
    score: float
    minimum: float
    provisional: bool

    @property
    def text(self) -> str:
        mean = " (provisional: the mean of the individual scores)" if self.provisional else ""
        label = question_label(self.question.code, self.question.title, self.question.text)
        return f"it scored {score(self.score)}{mean} for {label}, below the minimum of {score(self.minimum)}"


def missed_minimums(data: ReportData, bidder: str) -> list[Missed]:
    """The minimums `bidder` missed, as scoring.compute_results applies them."""
    result = data.by_name[bidder]
    out = []
    for q in data.questions:
        qr = result.questions.get(q.code)
        if q.minimum_score is None or qr is None or qr.score >= q.minimum_score - EPSILON:
            continue
        if qr.provisional and q.code not in _individually_scored(data, bidder):
            continue  # a question nobody has scored yet cannot disqualify (compute_results)
        out.append(Missed(q, qr.score, q.minimum_score, qr.provisional))
    return out


def _individually_scored(data: ReportData, bidder: str) -> set[str]:
    """Questions with an individual score for `bidder` (a provisional 0 with none cannot disqualify)."""
    return {s.question for s in data.individual if s.bidder == bidder}


def disqualified_sentence(data: ReportData, bidder: str, winner: str | None) -> str:
    result = data.by_name[bidder]
    missed = missed_minimums(data, bidder)
    why = listed([m.text for m in missed]) or "; ".join(result.exclusion_reasons)
    sentence = (
        f"{possessive(bidder)} tender was {DISQUALIFIED}: {why}. A {DISQUALIFIED} tender receives no price, "
        "pledged social value or total score and cannot be the most advantageous tender"
    )
    eligible = [b for b in data.results.bidders if not b.excluded]
    if eligible and result.price < min(b.price for b in eligible):
        sentence += (
            f"; its price, {money(result.price)}, lower than that of any tender not {DISQUALIFIED}, was therefore "
            "not used to score price"
        )
    return sentence + "."
