"""The rationale check over a tender (issue 16 item 2): every member's rationale and every consensus
rationale, flagged by `svdesk.model.rationale.check`, and the overrides recorded with a reason.

An override holds for the text it was made on (SHA-256 of the rationale as stored): once the text
changes, the flag is looked at afresh; the row stays, as the record of what was decided.

Where the flags bite: the award decision is refused while any is neither fixed nor overridden
(`reg31_check.open_items` lists them, kind "rationale"; `award_stage.decide` refuses on that list).
Not at signing: see `reg31_check` for why.

A consensus rationale that the regulation 31 check already names (template wording, or the same text
as another bid's on that criterion) cannot be overridden: reg 31(2)(e)(i)(aa) of SI 2024/692 asks
for "an explanation of the score by reference to relevant information in the tender", and those
texts give none; they are rewritten.

One query per table: it runs over a framework's 80,000 member rationales and 8,000 consensus ones.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.citations import DocumentTexts
from svdesk.model.contact import checked_text
from svdesk.model.entities import (
    Bidder,
    ModeratedScore,
    PanelMember,
    Question,
    RationaleOverride,
    ScaleDescriptor,
    Score,
    Tender,
)
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import quoted
from svdesk.model.rationale import (
    BOILERPLATE,
    CODE_LABELS,
    CODES,
    BidNames,
    Flag,
    QuestionWords,
    check,
    is_boilerplate,
    question_words,
    same_text_key,
)
from svdesk.model.rows import bulk_work, plain_rows
from svdesk.model.services.citation_lookup import detached_lookup, document_lookup
from svdesk.model.services.parties import require_before_award
from svdesk.model.services.record_version import record_version
from svdesk.model.services.tenders import find_bidder, find_member, find_question

CONSENSUS = "consensus"  # the writer of the panel's consensus rationale, as the check names it


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Override:
    code: str
    reason: str
    made_by: str
    made_at: str


@dataclass(frozen=True)
class FlaggedRationale:
    """One rationale with at least one flag: whose, on what, the flags, and the overrides in force."""

    bidder: str
    question: str  # the question's code
    member: str  # the member's name, or CONSENSUS
    score: float
    text: str
    flags: tuple[Flag, ...]
    overrides: tuple[Override, ...] = ()  # made on this very text
    lapsed: tuple[str, ...] = ()  # codes overridden on an earlier text: the text has changed since

    @property
    def consensus(self) -> bool:
        return self.member == CONSENSUS

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.flags)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(f.reason for f in self.flags)

    def override_of(self, code: str) -> Override | None:
        return next((o for o in self.overrides if o.code == code), None)

    @property
    def open(self) -> tuple[Flag, ...]:
        """The flags neither fixed nor overridden."""
        done = {o.code for o in self.overrides}
        return tuple(f for f in self.flags if f.code not in done)

    @property
    def writer(self) -> str:
        """'the consensus' or 'Tom Ellis's', to head a sentence's subject."""
        return "the panel's consensus" if self.consensus else f"{self.member}'s"


@dataclass
class Writing:
    """What the check needs about one writer's rationales (the consensus, or one member), read once:
    each question's words, the bids' names, and where each text already stands (for reuse). A
    screen keeps one while the panel writes; `note` keeps it current after a save."""

    questions: dict[str, QuestionWords]
    bids: BidNames
    writer: str = ""  # the member's name ("" for the consensus)
    cells: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))  # key -> cells
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (bidder, question) -> key
    # the tender's documents by SHA-256 prefix, to check citations (issue 18); None: not checked
    lookup: Callable[[str], DocumentTexts | None] | None = None

    def note(self, bidder: str, question: str, text: str) -> None:
        """The text now saved for (bidder, question)."""
        old = self.keys.pop((bidder, question), None)
        if old is not None:
            self.cells[old].discard((bidder, question))
        if text.strip():
            key = same_text_key(text, (bidder,))
            self.keys[(bidder, question)] = key
            self.cells[key].add((bidder, question))

    def same_as(self, bidder: str, question: str, text: str, key: str | None = None) -> list[str]:
        """The other cells the same text stands in ("Northgate Homecare Ltd, Q2"), in order; `key`:
        the text's `same_text_key`, when the caller has it."""
        cells = self.cells.get(same_text_key(text, (bidder,)) if key is None else key)
        if not cells or cells == {(bidder, question)}:
            return []
        return [f"{b}, {q}" if b != bidder else q for b, q in sorted(cells - {(bidder, question)})]

    def check(self, bidder: str, question: str, text: str, score: float | None, *, noted: bool = False) -> list[Flag]:
        """The flags on `text` for (bidder, question); `noted`: the text is the one noted for it."""
        words = self.questions.get(question)
        if words is None:
            return []
        same = self.same_as(bidder, question, text, self.keys.get((bidder, question)) if noted else None)
        return check(
            text, score, words, bidder=bidder, writer=self.writer, bids=self.bids, same_as=same, lookup=self.lookup
        )


# --- reading --------------------------------------------------------------------------------------------


@dataclass
class _Read:
    bidders: list[tuple[int, str]]
    questions: list[tuple[int, str]]
    members: list[tuple[int, str]]
    words: dict[str, QuestionWords]
    bids: BidNames


def _read(session: Session, tender: Tender) -> _Read:
    descriptors = [
        (s, label)
        for s, label in plain_rows(
            session, select(ScaleDescriptor.score, ScaleDescriptor.label).where(ScaleDescriptor.tender_id == tender.id)
        )
    ]
    rows = plain_rows(
        session,
        select(Question.id, Question.code, Question.title, Question.text, Question.guidance)
        .where(Question.tender_id == tender.id)
        .order_by(Question.position, Question.id),
    )
    codes = [code for _, code, *_ in rows]
    words = {
        code: question_words(
            code,
            title or "",
            text or "",
            guidance or "",
            descriptors=descriptors,
            scale_max=tender.scale_max,
            codes=codes,
        )
        for _, code, title, text, guidance in rows
    }
    bidders = [
        (i, n)
        for i, n in plain_rows(
            session,
            select(Bidder.id, Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position, Bidder.id),
        )
    ]
    members = [
        (i, n)
        for i, n in plain_rows(
            session,
            select(PanelMember.id, PanelMember.name)
            .where(PanelMember.tender_id == tender.id)
            .order_by(PanelMember.position, PanelMember.id),
        )
    ]
    return _Read(bidders, [(i, c) for i, c, *_ in rows], members, words, BidNames(n for _, n in bidders))


def _fill(writing: Writing, texts: Iterable[tuple[str, str, str]]) -> Writing:
    for bidder, question, text in texts:
        writing.note(bidder, question, text)
    return writing


def writing(session: Session, tender: Tender, member: str | None = None) -> Writing:
    """The context to check `member`'s rationales as they are written (None: the consensus)."""
    with bulk_work():
        read = _read(session, tender)
        bidder_of, question_of = dict(read.bidders), dict(read.questions)
        if member is None:
            texts = plain_rows(
                session,
                select(ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.rationale)
                .join(Bidder, ModeratedScore.bidder_id == Bidder.id)
                .where(Bidder.tender_id == tender.id),
            )
            name = ""
        else:
            found = find_member(session, tender, member)
            texts = plain_rows(
                session,
                select(Score.bidder_id, Score.question_id, Score.rationale).where(Score.member_id == found.id),
            )
            name = found.name
        # a screen keeps the Writing after the session closes: its lookup holds what it needs
        lookup = detached_lookup(session, tender, (t or "" for _, _, t in texts))
        return _fill(
            Writing(read.words, read.bids, name, lookup=lookup),
            ((bidder_of[b], question_of[q], t or "") for b, q, t in texts if b in bidder_of and q in question_of),
        )


def _overrides(session: Session, tender: Tender) -> dict[tuple[int, int, int | None], list[RationaleOverride]]:
    found: dict[tuple[int, int, int | None], list[RationaleOverride]] = defaultdict(list)
    for row in session.scalars(
        select(RationaleOverride)
        .join(Bidder, RationaleOverride.bidder_id == Bidder.id)
        .where(Bidder.tender_id == tender.id)
        .order_by(RationaleOverride.id)
    ):
        found[(row.bidder_id, row.question_id, row.member_id)].append(row)
    return found


def _flagged(
    bidder: str, code: str, member: str, score: float, text: str, flags: list[Flag], made: list[RationaleOverride]
) -> FlaggedRationale:
    digest = text_hash(text) if made else ""
    raised = {f.code for f in flags}
    in_force = tuple(
        Override(o.code, o.reason, o.made_by, o.made_at) for o in made if o.text_hash == digest and o.code in raised
    )
    lapsed = tuple(dict.fromkeys(o.code for o in made if o.text_hash != digest and o.code in raised))
    return FlaggedRationale(bidder, code, member, score, text, tuple(flags), in_force, lapsed)


# The last few answers, by the tender's record version: the Sign-off screen and the award gate ask
# twice for the same record, and a framework's 88,000 rationales take seconds. Every change to a
# rationale, a score, a question, a bid or an override is logged, so the version names the record;
# an edit made behind svdesk's back is `verify`'s to find, not this cache's.
_ANSWERS: dict[tuple[str, int, str, bool], list[FlaggedRationale]] = {}


def flags(session: Session, tender: Tender, *, members: bool = True) -> list[FlaggedRationale]:
    """Every flagged rationale of the tender: bid by bid (registration order), question by question,
    the consensus first and then each member (panel order). `members`: False for the consensus only."""
    version = record_version(session, tender)
    key = (tender.uid, version.seq, version.hash, members)
    if key not in _ANSWERS:
        if len(_ANSWERS) >= 4:
            _ANSWERS.pop(next(iter(_ANSWERS)))
        _ANSWERS[key] = _flags(session, tender, members)
    return list(_ANSWERS[key])


def _flags(session: Session, tender: Tender, members: bool) -> list[FlaggedRationale]:
    with bulk_work():
        read = _read(session, tender)
        bidder_of, question_of, member_of = dict(read.bidders), dict(read.questions), dict(read.members)
        made = _overrides(session, tender)
        lookup = document_lookup(session, tender)  # reads nothing until a citation is met
        consensus = Writing(read.words, read.bids, lookup=lookup)
        cells: dict[tuple[int, int], list[tuple[str, float, str, int | None]]] = defaultdict(list)
        for b, q, score, text in plain_rows(
            session,
            select(ModeratedScore.bidder_id, ModeratedScore.question_id, ModeratedScore.score, ModeratedScore.rationale)
            .join(Bidder, ModeratedScore.bidder_id == Bidder.id)
            .where(Bidder.tender_id == tender.id),
        ):
            if b in bidder_of and q in question_of:
                consensus.note(bidder_of[b], question_of[q], text or "")
                cells[(b, q)].append((CONSENSUS, score, text or "", None))
        by_member = {m: Writing(read.words, read.bids, name, lookup=lookup) for m, name in read.members}
        if members:
            for b, q, m, score, text in plain_rows(
                session,
                select(Score.bidder_id, Score.question_id, Score.member_id, Score.score, Score.rationale)
                .join(Bidder, Score.bidder_id == Bidder.id)
                .where(Bidder.tender_id == tender.id),
            ):
                if b in bidder_of and q in question_of and m in member_of:
                    by_member[m].note(bidder_of[b], question_of[q], text or "")
                    cells[(b, q)].append((member_of[m], score, text or "", m))
        position = {m: i for i, (m, _) in enumerate(read.members)}
        found: list[FlaggedRationale] = []
        for b, bidder in read.bidders:
            for q, code in read.questions:
                for who, score, text, writer_id in sorted(
                    cells.get((b, q), ()), key=lambda c: -1 if c[3] is None else position[c[3]]
                ):
                    writer = consensus if writer_id is None else by_member[writer_id]
                    raised = writer.check(bidder, code, text, score, noted=True)
                    if raised:
                        done = made.get((b, q, writer_id), [])
                        found.append(_flagged(bidder, code, who, score, text, raised, done))
        return found


def open_flags(session: Session, tender: Tender) -> list[FlaggedRationale]:
    """The flagged rationales with a flag neither fixed nor overridden."""
    return [f for f in flags(session, tender) if f.open]


# --- overriding -------------------------------------------------------------------------------------------


def _writer(session: Session, tender: Tender, member_or_consensus: str) -> PanelMember | None:
    if (member_or_consensus or "").strip().casefold() in (CONSENSUS, "the consensus", "panel"):
        return None
    return find_member(session, tender, member_or_consensus)


def _rationale(
    session: Session, tender: Tender, bidder: Bidder, question: Question, member: PanelMember | None
) -> tuple[float, str]:
    if member is None:
        row = session.execute(
            select(ModeratedScore.score, ModeratedScore.rationale).where(
                ModeratedScore.bidder_id == bidder.id, ModeratedScore.question_id == question.id
            )
        ).first()
        whose = "no consensus score"
    else:
        row = session.execute(
            select(Score.score, Score.rationale).where(
                Score.bidder_id == bidder.id, Score.question_id == question.id, Score.member_id == member.id
            )
        ).first()
        whose = f"no score by {member.name}"
    if row is None:
        raise WorkflowError(f"{question.code} for {bidder.name}: {whose} yet, so no rationale to look at")
    return row[0], row[1] or ""


def _code(code: str) -> str:
    wanted = (code or "").strip().casefold().replace(" ", "_").replace("-", "_")
    if wanted not in CODES:
        raise ValidationError(f"flag {quoted(code)}: one of {', '.join(CODES)}")
    return wanted


def _cell_overrides(
    session: Session, bidder: Bidder, question: Question, member: PanelMember | None
) -> list[RationaleOverride]:
    member_is = RationaleOverride.member_id.is_(None) if member is None else RationaleOverride.member_id == member.id
    return list(
        session.scalars(
            select(RationaleOverride)
            .where(RationaleOverride.bidder_id == bidder.id, RationaleOverride.question_id == question.id, member_is)
            .order_by(RationaleOverride.id)
        )
    )


def _find(
    session: Session, bidder: Bidder, question: Question, member: PanelMember | None, code: str
) -> RationaleOverride | None:
    return next((r for r in _cell_overrides(session, bidder, question, member) if r.code == code), None)


def override(
    session: Session,
    tender: Tender,
    actor: str,
    bidder_name: str,
    question_code: str,
    member_or_consensus: str,
    code: str,
    reason: str,
) -> FlaggedRationale:
    """Set aside one flag the check raises on one rationale now, with the reason, for this text.
    Refused when the flag is not raised, for a consensus text the reg 31 check names (it is
    rewritten, not overridden), without a reason, and once the award decision is recorded."""
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    member = _writer(session, tender, member_or_consensus)
    wanted = _code(code)
    why = checked_text(reason, "reason", 1000)
    if not why:
        raise ValidationError("overriding a flag needs a reason, for the record")
    require_before_award(session, tender, "overriding a rationale flag")
    score, text = _rationale(session, tender, bidder, question, member)
    context = writing(session, tender, None if member is None else member.name)
    whose = "the consensus rationale" if member is None else f"{member.name}'s rationale"
    raised = context.check(bidder.name, question.code, text, score)
    if wanted not in {f.code for f in raised}:
        said = ", ".join(CODE_LABELS[f.code] for f in raised) or "nothing"
        raise WorkflowError(
            f"{whose} of {question.code} for {bidder.name} is not flagged {CODE_LABELS[wanted]!r} "
            f"(it is flagged: {said}); nothing was recorded"
        )
    if member is None and wanted == BOILERPLATE and _reg31_names(session, tender, bidder, question, text, context):
        raise WorkflowError(
            f"the consensus rationale of {question.code} for {bidder.name} gives no explanation by reference to "
            "the tender (reg 31(2)(e)(i)(aa) of the Procurement Regulations 2024): rewrite it; it cannot be overridden"
        )
    row = _find(session, bidder, question, member, wanted)
    before = state.override_value(row) if row is not None else None
    made_at = datetime.now(UTC).isoformat(timespec="seconds")
    if row is None:
        row = RationaleOverride(
            bidder_id=bidder.id,
            question_id=question.id,
            member_id=None if member is None else member.id,
            code=wanted,
            text_hash="",
            reason="",
            made_by="",
            made_at="",
        )
        session.add(row)
    row.text_hash, row.reason, row.made_by, row.made_at = text_hash(text), why, actor, made_at
    session.flush()
    audit.record(
        session,
        tender.uid,
        actor,
        ChangeKind.RATIONALE_OVERRIDE,
        state.override_key(row),
        before,
        state.override_value(row),
    )
    writer = CONSENSUS if member is None else member.name
    made = _cell_overrides(session, bidder, question, member)
    return _flagged(bidder.name, question.code, writer, score, text, raised, made)


def _reg31_names(
    session: Session, tender: Tender, bidder: Bidder, question: Question, text: str, context: Writing
) -> bool:
    """True when the reg 31 check names this consensus text (template wording, or another bid's on
    the same criterion): the two checks agree on what is no explanation at all."""
    if is_boilerplate(text, code=question.code, title=question.title or "", names=(bidder.name,)):
        return True
    key = same_text_key(text, (bidder.name,))
    return any(q == question.code and b != bidder.name for b, q in context.cells.get(key, set()))


def remove_override(
    session: Session,
    tender: Tender,
    actor: str,
    bidder_name: str,
    question_code: str,
    member_or_consensus: str,
    code: str,
    reason: str = "",
) -> None:
    """Take an override back (the flag, if still raised, is open again)."""
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    member = _writer(session, tender, member_or_consensus)
    wanted = _code(code)
    require_before_award(session, tender, "removing a rationale override")
    row = _find(session, bidder, question, member, wanted)
    if row is None:
        whose = "the consensus rationale" if member is None else f"{member.name}'s rationale"
        raise WorkflowError(f"{whose} of {question.code} for {bidder.name} has no override of {CODE_LABELS[wanted]!r}")
    key, before = state.override_key(row), state.override_value(row)
    session.delete(row)
    session.flush()
    why = checked_text(reason, "reason", 1000)
    audit.record(session, tender.uid, actor, ChangeKind.RATIONALE_OVERRIDE_REMOVE, key, before, None, reason=why)
