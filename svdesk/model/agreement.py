"""How far the panel agreed (issue 16 item 3): per question, per member, and overall.

- spread: per question, the mean over bids of (highest - lowest individual score), over the bids
  that two members or more scored (the Moderation screen's spread, averaged).
- member distance: per member, the mean of |their score - the consensus| over the answers that
  have both.
- alpha: Krippendorff's alpha, ordinal, over every bid's answer to every question (the unit) and
  the members' scores of it (`svdesk.model.krippendorff`), with its one-line reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from svdesk.model import krippendorff


@dataclass(frozen=True)
class Agreement:
    spread: dict[str, float]  # question code -> mean spread of the members' scores across bids
    member_distance: dict[str, float]  # member -> mean |score - consensus|
    alpha: float | None  # Krippendorff's alpha (ordinal); None when undefined
    reading: str  # one line


def agreement(
    marks: Sequence[tuple[str, str, str, float]],
    consensus: Mapping[tuple[str, str], float],
    questions: Sequence[str],
    members: Sequence[str],
) -> Agreement:
    """`marks`: (member, bidder, question code, score); `consensus`: (bidder, code) -> score."""
    cells: dict[tuple[str, str], list[float]] = defaultdict(list)
    distance: dict[str, list[float]] = defaultdict(list)
    for member, bidder, code, score in marks:
        cells[bidder, code].append(score)
        agreed = consensus.get((bidder, code))
        if agreed is not None:
            distance[member].append(abs(score - agreed))
    spreads: dict[str, list[float]] = defaultdict(list)
    for (_bidder, code), scores in cells.items():
        if len(scores) > 1:
            spreads[code].append(max(scores) - min(scores))
    value = krippendorff.alpha(cells.values(), krippendorff.ORDINAL)
    return Agreement(
        spread={code: sum(spreads[code]) / len(spreads[code]) for code in questions if spreads.get(code)},
        member_distance={m: sum(distance[m]) / len(distance[m]) for m in members if distance.get(m)},
        alpha=value,
        reading=krippendorff.reading(value),
    )
