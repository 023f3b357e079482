"""The award justification's "How robust is the recommendation": the robustness analysis
(svdesk.model.services.robustness) printed as the panel and a reviewer read it: the plain answer first,
then the margin, the smallest change that would give another winner, the ranking without each member,
under each move of the weights and with every proxy value 20% lower and higher, and the panel's
agreement."""

from __future__ import annotations

from reportlab.platypus import Flowable

from svdesk.export.justification import possessive
from svdesk.export.numbers import coefficient, mean_score, points, score
from svdesk.export.pdf_base import Column, gap, markup, para, tables, text
from svdesk.export.report_sections import question_label
from svdesk.model.services.report_data import ReportData
from svdesk.model.services.robustness import Robustness

NO_WINNER = "no single bid (a tie)"


def _winner(name: str | None) -> str:
    return name if name else NO_WINNER


def _holds(recommended: str | None, name: str | None) -> str:
    return "holds" if name is not None and name == recommended else "CHANGES"


def _factor(factor: float) -> str:
    """0.8 -> "every proxy value × 0.8 (20% lower)"."""
    change = round((factor - 1) * 100)
    way = "lower" if change < 0 else "higher"
    return f"every proxy value \u00d7 {score(factor)} ({abs(change)}% {way})" if change else "as recorded"


def robustness_section(data: ReportData) -> list[Flowable]:
    r = data.robustness
    story: list[Flowable] = [para("How robust is the recommendation", "h2")]
    if r is None:
        return story + [para("The robustness analysis is not part of this document.", "small")]
    story.append(markup(f"<b>{text(r.summary())}</b>"))  # the summary names every check that changes it
    story += [gap(1.5), _margin(r), gap(1.5), _flip(data, r)]
    story += [para(note, "small") for note in r.notes]
    story += _leave_one_out(r)
    story += _weights(r)
    story += _proxies(r)
    story += _proxy_moves(data, r)
    story += agreement_section(data, r)
    return story


def _margin(r: Robustness) -> Flowable:
    if r.winner is None:
        return para("No single tender ranks first, so there is no margin to measure.")
    if r.runner_up is None or r.margin is None:
        return para(f"{possessive(r.winner)} is the only tender ranked: there is no runner-up and no margin.")
    return markup(
        f"<b>Margin.</b> {text(r.winner)} leads the runner-up, {text(r.runner_up)}, by "
        f"<b>{points(r.margin)} points</b>."
    )


def _flip(data: ReportData, r: Robustness) -> Flowable:
    f = r.smallest_flip
    if f is None:
        return markup(
            "<b>The smallest change that gives another winner.</b> No change to any one consensus score, "
            "anywhere on the scale, gives another winner."
        )
    q = next((q for q in data.questions if q.code == f.question), None)
    label = question_label(q.code, q.title, q.text) if q is not None else f.question
    return markup(
        "<b>The smallest change that gives another winner.</b> "
        f"{text(possessive(f.bidder))} consensus score for {text(label)} changed from {score(f.from_score)} to "
        f"{score(f.to_score)} would make {text(_winner(f.winner))} the winner. No smaller change to one "
        "consensus score changes the winner."
    )


def _leave_one_out(r: Robustness) -> list[Flowable]:
    story: list[Flowable] = [
        para("Each member's scores left out", "h3"),
        para(
            "The ranking recomputed without one member at a time: every question scored by the mean of the other "
            "members' individual scores for that bid (consensus scores not used); a member with no score for a "
            "bid is simply absent from it.",
            "lead",
        ),
    ]
    if not r.leave_one_out:
        return [story[0], para("No member's individual scores are recorded, so none can be left out.")]
    rows = [(member, _winner(winner), _holds(r.winner, winner)) for member, winner in r.leave_one_out]
    return story + tables(
        [Column("Member left out", 60), Column("Winner", 76), Column("Recommendation", 34)],
        rows,
        highlight=[i for i, row in enumerate(rows) if row[2] != "holds"],
    )


def _weights(r: Robustness) -> list[Flowable]:
    story: list[Flowable] = [
        para("The weights moved by 5.00 points", "h3"),
        para(
            "Each move of 5.00 points from one weight to another, where the giving weight has 5.00 to give; points out "
            "of 100.",
            "lead",
        ),
    ]
    rows = [
        (f"{points(p)} / {points(q)} / {points(sv)}", _winner(winner), _holds(r.winner, winner))
        for p, q, sv, winner in r.weights
    ]
    return story + tables(
        [Column("Price / quality / social value", 60), Column("Winner", 76), Column("Recommendation", 34)],
        rows,
        highlight=[i for i, row in enumerate(rows) if row[2] != "holds"],
    )


def _proxies(r: Robustness) -> list[Flowable]:
    story: list[Flowable] = [
        para("Every proxy value 20% lower and 20% higher", "h3"),
        para("The social value pledged recomputed with every proxy value of the tender changed at once.", "lead"),
    ]
    rows = [(_factor(factor), _winner(winner), _holds(r.winner, winner)) for factor, winner in r.proxies]
    return story + tables(
        [Column("Proxy values", 60), Column("Winner", 76), Column("Recommendation", 34)],
        rows,
        highlight=[i for i, row in enumerate(rows) if row[2] != "holds"],
    )


def _measure(ref: str, description: str) -> str:
    """ "NT1 Number of local direct employees (FTE) hired…": the ref and the start of the description."""
    words = " ".join(description.split())
    if len(words) > 60:
        cut = words.rfind(" ", 30, 60)
        words = words[: cut if cut > 0 else 59].rstrip(" ,;:.(") + "\u2026"
    return f"{ref} {words}".strip()


def _proxy_moves(data: ReportData, r: Robustness) -> list[Flowable]:
    """Each proxy value in turn 20% lower and higher: scaling every proxy alike cannot move the
    pledged scores (each is a bid's value over the highest), one proxy alone can."""
    if not r.proxy_moves:
        return []
    described = {m.ref: m.description for m in data.measures}
    by_ref: dict[str, dict[float, str | None]] = {}
    for ref, factor, winner in r.proxy_moves:
        by_ref.setdefault(ref, {})[factor] = winner
    factors = sorted({factor for _ref, factor, _w in r.proxy_moves})
    rows = []
    for ref, winners in by_ref.items():
        cells = [_winner(winners[f]) if f in winners else "" for f in factors]
        changed = any(f in winners and winners[f] != r.winner for f in factors)
        rows.append((_measure(ref, described.get(ref, "")), *cells, "CHANGES" if changed else "holds"))
    width = 76 / max(len(factors), 1)
    return [
        para("Each proxy value in turn 20% lower and 20% higher", "h3"),
        para("One measure's proxy value changed at a time; the winner under each.", "lead"),
        *tables(
            [
                Column("Measure", 60),
                *(Column(f"Winner, \u00d7 {score(f)}", width) for f in factors),
                Column("Recommendation", 34),
            ],
            rows,
            highlight=[i for i, row in enumerate(rows) if row[-1] != "holds"],
        ),
    ]


def agreement_section(data: ReportData, r: Robustness) -> list[Flowable]:
    a = r.agreement
    alpha = "cannot be computed (too few scores to compare)" if a.alpha is None else coefficient(a.alpha)
    story: list[Flowable] = [
        para("The panel's agreement", "h3"),
        markup(f"<b>{text(a.reading[:1].upper() + a.reading[1:])}</b>"),
        para(
            f"Krippendorff's alpha (ordinal) over every member's individual scores: {alpha} (1 is full agreement; "
            "0 is no more agreement than chance).",
            "small",
        ),
        gap(2),
        para(
            "Spread per question: the mean, across the bids, of the difference between the highest and the lowest "
            "individual score.",
            "lead",
        ),
    ]
    labels = {q.code: question_label(q.code, q.title, q.text) for q in data.questions}
    story += tables(
        [Column("Question", 130), Column("Mean spread", 40, "right")],
        [(labels.get(code, code), mean_score(spread)) for code, spread in a.spread.items()],
    )
    story += [gap(2), para("Each member's mean distance from the consensus score, over the scores they gave.", "lead")]
    story += tables(
        [Column("Member", 130), Column("Mean distance", 40, "right")],
        [(member, mean_score(distance)) for member, distance in a.member_distance.items()],
    )
    return story
