"""Why an evaluator has no score for a bid and question: the rule, on plain data (no database).

A moderation note that shows two scores and a spread of 0 where the panel has three evaluators
does not explain the consensus: the reader cannot tell a member who declared a conflict from one
who never scored. Lancashire Care NHS Foundation Trust v Lancashire County Council (High Court,
Stuart-Smith J, 2018) set an award aside because the council's moderation record did not show
how the consensus scores were reached; so each missing score is said, with its reason.

The reasons, in the order they are tried (the first that holds is the one given):
  conflict    the member declared a conflict of interest with the bidder (`tenders.require_cleared`
              then refused their score of that bid: they are meant to have none)
  withdrawn   the member was withdrawn from the panel (with the reason recorded then)
  absent      the member sent apologies for the meeting in which the item was moderated, and had
              not scored it
  not_scored  none of these: the score was simply not given

Only evaluators are expected to score (`workflow.readiness_to_moderate` waits for them alone): a
chair or moderator who does not score has nothing missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

CONFLICT, WITHDRAWN, ABSENT, NOT_SCORED = "conflict", "withdrawn", "absent", "not_scored"
REASONS = (CONFLICT, WITHDRAWN, ABSENT, NOT_SCORED)


class MissingScore(NamedTuple):
    bidder: str
    question: str  # its code
    member: str
    reason: str  # one of REASONS
    # the declaration's details, the withdrawal's reason, or which meeting's apologies (and why)
    detail: str = ""

    @property
    def text(self) -> str:
        """What a report prints after the member's name: 'declared a conflict of interest (…)'."""
        why = f" ({self.detail})" if self.detail else ""
        if self.reason == CONFLICT:
            return f"no score: declared a conflict of interest with {self.bidder}{why}"
        if self.reason == WITHDRAWN:
            return f"no score: withdrawn from the panel{why}"
        if self.reason == ABSENT:
            return f"no score: absent{why}"
        return "no score: not scored"


def missing_scores(
    bidders: Iterable[str],
    questions: Iterable[str],
    evaluators: Iterable[str],
    scored: set[tuple[str, str, str]],
    conflicts: Mapping[tuple[str, str], str],
    withdrawn: Mapping[str, str],
    apologies: Mapping[tuple[str, str], Mapping[str, str]],
) -> list[MissingScore]:
    """Every (bid, question, evaluator) with no score, and why; bids, questions and evaluators in the
    order given. `scored`: (member, bidder, question) with a score; `conflicts`: (member, bidder) ->
    the declaration's details; `withdrawn`: member -> the reason; `apologies`: (bidder, question) ->
    {member: reason} of the meeting the item was moderated in."""
    members = list(evaluators)
    codes = list(questions)
    out: list[MissingScore] = []
    for bidder in bidders:
        for code in codes:
            away = apologies.get((bidder, code), {})
            for member in members:
                if (member, bidder, code) in scored:
                    continue
                if (member, bidder) in conflicts:
                    out.append(MissingScore(bidder, code, member, CONFLICT, conflicts[(member, bidder)]))
                elif member in withdrawn:
                    out.append(MissingScore(bidder, code, member, WITHDRAWN, withdrawn[member]))
                elif member in away:
                    out.append(MissingScore(bidder, code, member, ABSENT, away[member]))
                else:
                    out.append(MissingScore(bidder, code, member, NOT_SCORED))
    return out
