"""The robustness figures in plain words, one line each: the command line, the Results and Sign-off
screens and the award justification say them alike."""

from __future__ import annotations

from svdesk.model.services.robustness import Robustness

WITHOUT_WINNER = "no single bid"


def _who(winner: str | None) -> str:
    return winner or WITHOUT_WINNER


def _marked(winner: str | None, recommended: str | None) -> str:
    return _who(winner) if winner == recommended else f"{_who(winner)} (another winner)"


def figures(r: Robustness) -> list[tuple[str, str]]:
    """(what, the figure in words), in the order the issue lists them, then the panel's agreement."""
    out: list[tuple[str, str]] = []
    if r.unscored:  # nothing tested: no margin or leader to name (see `Robustness.summary`)
        return [("Scores", r.summary())]
    if r.runner_up is not None and r.margin is not None:
        lead = f"{r.winner} leads {r.runner_up}" if r.winner else f"The first two ({r.runner_up} second)"
        out.append(("Margin", f"{lead} by {r.margin:.2f} points."))
    elif r.winner is not None:
        out.append(("Margin", f"{r.winner} is the only bid ranked."))
    flip = r.smallest_flip
    if flip is not None:
        way = "Lowering" if flip.to_score < flip.from_score else "Raising"
        out.append(
            (
                "Smallest change to one consensus score",
                f"{way} {flip.bidder}'s {flip.question} from {flip.from_score:g} to {flip.to_score:g} "
                f"makes {_who(flip.winner)} the winner.",
            )
        )
    elif r.winner is not None:
        out.append(("Smallest change to one consensus score", "No change to one consensus score changes the winner."))
    if r.leave_one_out:
        out.append(
            (
                "Each member's scores left out",
                "; ".join(f"without {m}: {_marked(w, r.winner)}" for m, w in r.leave_one_out) + ".",
            )
        )
    if r.weights:
        moves = [f"price {p:g}, quality {q:g}, social value {s:g}: {_marked(w, r.winner)}" for p, q, s, w in r.weights]
        out.append(("Weights moved by 5.00 points", "; ".join(moves) + "."))
    if r.proxies:
        out.append(
            (
                "Every proxy value \u00b120%",
                "; ".join(f"\u00d7{f:g}: {_marked(w, r.winner)}" for f, w in r.proxies) + ".",
            )
        )
    if r.proxy_moves:
        other = [(ref, f, w) for ref, f, w in r.proxy_moves if w != r.winner]
        measures = len({ref for ref, _f, _w in r.proxy_moves})
        said = (
            "; ".join(f"{ref} \u00d7{f:g}: {_who(w)}" for ref, f, w in other) + "."
            if other
            else f"the same winner for each of the {measures} measure{'s' if measures != 1 else ''}."
        )
        out.append(("Each proxy value \u00b120% in turn", said[0].upper() + said[1:]))
    a = r.agreement
    out.append(("Panel agreement", a.reading[0].upper() + a.reading[1:] + "."))
    if a.spread:
        out.append(("Spread per question", ", ".join(f"{c} {v:.2f}" for c, v in a.spread.items()) + "."))
    if a.member_distance:
        out.append(
            (
                "Each member's mean distance from the consensus",
                ", ".join(f"{m} {v:.2f}" for m, v in a.member_distance.items()) + ".",
            )
        )
    out += [("Note", note) for note in r.notes]
    return out
