"""What is still missing before the award decision: every item regulation 31 of the Procurement
Regulations 2024 (SI 2024/692) asks the assessment summaries to hold, and what the decision itself
needs recorded (issue 15). The award decision is refused while any is open (`award_stage.decide`).

Regulation 31, as read here (the summaries go to "each supplier that submitted an assessed tender",
Procurement Act 2023 s.50(3)):

- (2), about the most advantageous tender (MAT): (a) the supplier's name (the bidder's name, always
  present), (b) its contact postal address and email address, (c) its unique identifier,
  (d)(i)(aa) the title of each award criterion, (d)(i)(cc) the scores available, (d)(ii) where the
  full award criteria can be accessed, and (e)(i) the score for
  each criterion with (aa) "an explanation of the score by reference to relevant information in the
  tender".
- (3)(a): each other assessed tender's summary holds "the information referred to in paragraph
  (2)(a) to (d) in respect of the tender": that supplier's own name, address, email and identifier
  (cited "reg 31(3)(a), 31(2)(b)"). (3)(b): it gives (2)(e) about its own tender, so every assessed
  bid needs a consensus score and a real explanation for every criterion. (3)(d) and Act s.50(4)(b):
  the assessment of the MAT too (its scores and explanations, after the redaction step).

Not checked, because svdesk always has them or the law does not make them a separate item:
(2)(a) the name, (2)(d)(i)(bb) relative importance (the weights are required to open scoring),
(2)(e)(i)(bb) sub-criteria (svdesk has none), (2)(e)(ii) totals and (3)(c) why a bid is not the MAT
(both computed). Gap: (2)(d)(i)(cc) "how they were assessed by reference to scores" is taken to be
met by the scale itself; the scale's descriptors are not required (the law does not name them).

Issue 16: the rationale check's flags that are neither fixed nor overridden are listed too, kind
"rationale", after each supplier's own items (`rationale_check`); so the award decision is refused
while any is open. Why at the award and not at signing (`workflow.sign`): an override is an
officer's or the chair's recorded judgement about an explanation, not a change to the evaluation,
so it is not part of what the members sign (not fingerprinted) and may be recorded after sign-off
without withdrawing anyone's signature; the panel sees the flags before signing (Moderation,
Scoring and the Sign-off screen list them), a fix to a text after sign-off reopens the tender as
any change does, and the decision-maker, who relies on the explanations, and the assessment
summaries that quote them (Act s.50(3), after the decision) find each flag fixed or answered with
a reason. A consensus text this check names already (template wording, the same text as another
bid's) is named once, here, and is rewritten: it cannot be overridden.

One query per table (no per-row reads): it runs on a framework's 200 bids x 40 criteria.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model.entities import Bidder, ModeratedScore, Question, SupplierDetail, Tender
from svdesk.model.rationale import is_boilerplate, same_text_key
from svdesk.model.rows import bulk_work, plain_rows
from svdesk.model.services import parties, rationale_check, results

REG31 = "reg31"  # an item an assessment summary needs
AWARD = "award"  # an item the award decision itself needs
RATIONALE = "rationale"  # a flag of the rationale check, neither fixed nor overridden

# The decision's own items: `award_stage.decide` takes them as arguments too, and checks them itself.
DECISION_MAKER = "the decision-maker (who decides the award)"
DELEGATED_AUTHORITY = "the decision-maker's delegated authority"
NO_SINGLE_WINNER = "a most advantageous tender: the evaluation ranks no single bid first"


@dataclass(frozen=True)
class OpenItem:
    """One thing still to record. `item` names what is needed in plain words ("Acme Roads's postal
    address"); an item that says its own problem has it after a colon ("…: template wording")."""

    kind: str  # REG31 | AWARD | RATIONALE
    supplier: str  # the bidder's name; "" for the tender as a whole
    paragraph: str  # where the law asks for it, e.g. "reg 31(2)(b)"
    item: str
    # a RATIONALE item's rationale: the question's code, the member (or "consensus") and the flag's code
    question: str = ""
    member: str = ""
    flag: str = ""

    @property
    def text(self) -> str:
        """One line: "Acme Roads — reg 31(2)(b): postal address missing"."""
        what = self.item
        if self.supplier and what.startswith(f"{self.supplier}'s "):
            what = what.removeprefix(f"{self.supplier}'s ")
        said = what if ": " in what else f"{what} missing"
        head = f"{self.supplier} — " if self.supplier else ""
        return f"{head}{self.paragraph}: {said}" if self.paragraph else f"{head}{said}"


def _tender_items(tender: Tender, criteria_at: str, questions: list[tuple[int, str, str]]) -> list[OpenItem]:
    found = [
        # reg 31(2)(d)(i)(aa): "the title of each criterion"; the code (Q1) is svdesk's, not a title
        OpenItem(REG31, "", "reg 31(2)(d)(i)(aa)", f"the title of criterion {code}")
        for _, code, title in questions
        if not title.strip()
    ]
    if not criteria_at.strip():
        # reg 31(2)(d)(ii): the summaries summarise the criteria, so they say where the full version is
        found.append(OpenItem(REG31, "", "reg 31(2)(d)(ii)", "the full award criteria's location (a link or document)"))
    if not (tender.scale_max > 0 and tender.scale_step > 0):
        # reg 31(2)(d)(i)(cc): "the scores available"
        found.append(OpenItem(REG31, "", "reg 31(2)(d)(i)(cc)", "the scores available (the scoring scale)"))
    return found


def _explanation_items(
    bidders: list[tuple[int, str]],
    questions: list[tuple[int, str, str]],
    moderated: dict[tuple[int, int], str],
    named: set[tuple[str, str]] | None = None,
) -> dict[int, list[OpenItem]]:
    """Per bidder id: each criterion without a consensus score, or whose explanation is empty,
    template wording, or the same text as another bid's on that criterion (reg 31(2)(e)(i)(aa):
    an explanation "by reference to relevant information in the tender", i.e. this tender)."""
    names = dict(bidders)
    reused: dict[tuple[int, str], list[int]] = defaultdict(list)  # (criterion, text) -> bids, in order
    keys: dict[tuple[int, int], str] = {}
    for bid, name in bidders:
        for qid, _, _ in questions:
            written = moderated.get((bid, qid), "")
            if written.strip():
                keys[(bid, qid)] = key = same_text_key(written, (name,))
                reused[(qid, key)].append(bid)
    found: dict[int, list[OpenItem]] = defaultdict(list)
    for bid, name in bidders:
        for qid, code, title in questions:
            text = moderated.get((bid, qid))
            if text is None:
                # reg 31(2)(e)(i) and (3)(b): "the score for each criterion"
                item = f"{name}'s consensus score, with its explanation, for {code}"
                found[bid].append(OpenItem(REG31, name, "reg 31(2)(e)(i)", item))
                continue
            said = ""
            if not text.strip():
                said = f"{name}'s explanation of its {code} score"
            else:
                others = [names[b] for b in reused[(qid, keys[(bid, qid)])] if b != bid]
                if others:
                    said = f"{name}'s explanation of its {code} score: the same text as for {_bids(others)}"
                elif is_boilerplate(text, code=code, title=title, names=(name,)):
                    said = (
                        f"{name}'s explanation of its {code} score: template wording that cites nothing in the tender"
                    )
            if said:
                found[bid].append(OpenItem(REG31, name, "reg 31(2)(e)(i)(aa)", said))
                if named is not None:
                    named.add((name, code))
    return found


def _bids(names: list[str], shown: int = 2) -> str:
    """'A', 'A and B', 'A, B and 3 other bids'."""
    if len(names) <= shown:
        return " and ".join(names)
    rest = len(names) - shown
    return f"{', '.join(names[:shown])} and {rest} other bid{'s' if rest != 1 else ''}"


def _supplier_items(
    name: str, detail: tuple[str, str, str], most_advantageous: bool, explanations: list[OpenItem]
) -> list[OpenItem]:
    address, email, identifier = (value.strip() for value in detail)
    found: list[OpenItem] = []
    # reg 31(2)(a)-(c): the MAT's name, "contact postal address and email address" and "unique
    # identifier". reg 31(3)(a): every other assessed tender's summary holds "the information referred to
    # in paragraph (2)(a) to (d) in respect of the tender" -- that supplier's own details, cited so.
    cite = "reg 31" if most_advantageous else "reg 31(3)(a), 31"
    if not address:
        found.append(OpenItem(REG31, name, f"{cite}(2)(b)", f"{name}'s postal address"))
    if not email:
        found.append(OpenItem(REG31, name, f"{cite}(2)(b)", f"{name}'s email address"))
    if not identifier:
        found.append(OpenItem(REG31, name, f"{cite}(2)(c)", f"{name}'s unique identifier"))
    return found + explanations


def _rationale_items(session: Session, tender: Tender, named: set[tuple[str, str]]) -> dict[str, list[OpenItem]]:
    """Per bidder: each open flag of the rationale check, one item each. A consensus rationale
    already named above (`named`) is left out: it is rewritten, then looked at afresh. The member's
    notes are the record Act s.98(1) asks for ("sufficient to explain" the decision); the consensus
    rationale is the explanation reg 31(2)(e)(i)(aa) asks for."""
    found: dict[str, list[OpenItem]] = defaultdict(list)
    for r in rationale_check.open_flags(session, tender):
        if r.consensus and (r.bidder, r.question) in named:
            continue
        paragraph = "reg 31(2)(e)(i)(aa)" if r.consensus else "Act s.98(1)"
        for flag in r.open:
            said = f"{r.writer} rationale for {r.question}: {flag.reason}"
            found[r.bidder].append(OpenItem(RATIONALE, r.bidder, paragraph, said, r.question, r.member, flag.code))
    return found


def _award_items(session: Session, tender: Tender, decision_maker: str, delegated: str) -> list[OpenItem]:
    profile = parties.authority(session)
    found: list[OpenItem] = []
    # The contract award notice that follows the decision gives the "contracting authority
    # information" (reg 27(2)(a)): its name (reg 13(a)) and unique identifier (reg 13(d)); the award
    # record copies both. Gap: reg 13(c), its postal address and email, is not gated here.
    if not profile.name.strip():
        found.append(OpenItem(AWARD, "", "reg 27(2)(a), 13(a)", "the contracting authority's name"))
    if not profile.identifier.strip():
        found.append(OpenItem(AWARD, "", "reg 27(2)(a), 13(d)", "the contracting authority's unique identifier"))
    # Act s.98(1): records "sufficient to explain a material decision": who took it, under what authority.
    if not decision_maker.strip():
        found.append(OpenItem(AWARD, "", "Act s.98(1)", DECISION_MAKER))
    if not delegated.strip():
        found.append(OpenItem(AWARD, "", "Act s.98(1)", DELEGATED_AUTHORITY))
    return found


def open_items(session: Session, tender: Tender) -> list[OpenItem]:
    """Every open item: the tender's own first, then each supplier in registration order (the MAT
    among them, where it stands), then the award decision's."""
    with bulk_work():
        questions = [
            (qid, code, title or "")
            for qid, code, title in plain_rows(
                session,
                select(Question.id, Question.code, Question.title)
                .where(Question.tender_id == tender.id)
                .order_by(Question.position, Question.id),
            )
        ]
        rows = plain_rows(
            session,
            select(Bidder.id, Bidder.name, SupplierDetail.address, SupplierDetail.email, SupplierDetail.identifier)
            .outerjoin(SupplierDetail, SupplierDetail.bidder_id == Bidder.id)
            .where(Bidder.tender_id == tender.id)
            .order_by(Bidder.position, Bidder.id),
        )
        moderated = {
            (bid, qid): text or ""
            for bid, qid, text in plain_rows(
                session,
                select(ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.rationale)
                .join(Bidder, ModeratedScore.bidder_id == Bidder.id)
                .where(Bidder.tender_id == tender.id),
            )
        }
        procurement = parties.procurement(session, tender)
        winner = results.winner(session, tender) if rows else ""
        found = _tender_items(tender, procurement.criteria_published_at, questions)
        if not winner:
            found.append(OpenItem(AWARD, "", "reg 31(2)", NO_SINGLE_WINNER))
        named: set[tuple[str, str]] = set()
        explanations = _explanation_items([(bid, name) for bid, name, *_ in rows], questions, moderated, named)
        flagged = _rationale_items(session, tender, named)
        for bid, name, address, email, identifier in rows:
            detail = (address or "", email or "", identifier or "")
            found += _supplier_items(name, detail, name == winner, explanations.get(bid, []))
            found += flagged.get(name, [])
        found += _award_items(session, tender, procurement.decision_maker, procurement.delegated_authority)
        return found
