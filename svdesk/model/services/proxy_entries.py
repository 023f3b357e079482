"""Scores entered by proxy (issue 13 item 6): a member scores on paper, or in an offline pack, and
the procurement officer types or imports the scores in. Allowed only as an explicit entry "entered
by the officer from <source>": the score is the member's, its audit entry is the officer's (with the
reason "entered by proxy from <source>"), and a `ProxyEntry` row (record kind "proxy") says who
entered it, from what and when. The member later confirms them, signed in as themselves (or changes
one, which confirms that one); until then the reports say plainly that they were entered by proxy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import Bidder, PanelMember, ProxyEntry, Question, Score, Tender
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind, Role, TenderStatus
from svdesk.model.services.tenders import (
    SaveResult,
    check_score,
    find_bidder,
    find_member,
    find_question,
    require_acting,
    require_editable,
    require_status,
    set_score,
)

MAX_SOURCE = 500  # characters: a description of the paper form, or "offline pack " and a SHA-256


def pack_source(sha256: str) -> str:
    """The source of scores imported from an offline pack: the SHA-256 of the file's bytes."""
    return f"offline pack {sha256}"


def proxy_reason(source: str) -> str:
    """The reason on the score's own audit entry."""
    return f"entered by proxy from {source}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _source(source: str) -> str:
    text = " ".join((source or "").split())
    if not text:
        raise ValidationError(
            'say where the scores come from (e.g. "paper form signed by Tom Ellis, dated 3 Dec"): '
            "a score entered for a member is recorded with its source; nothing was saved"
        )
    if len(text) > MAX_SOURCE:
        raise ValidationError(f"the source is {len(text):,} characters long (limit {MAX_SOURCE}); nothing was saved")
    return text


def require_officer(session: Session, tender: Tender, name: str) -> PanelMember:
    """`name` is the tender's procurement officer, on its panel and not withdrawn."""
    officer = find_member(session, tender, name)
    if officer.role != Role.OFFICER:
        raise WorkflowError(
            f"{officer.name} is not the procurement officer of tender {tender.reference}: only the officer "
            "enters a member's scores from their signed paper form or offline pack; nothing was saved"
        )
    require_acting(session, officer, "enter scores for a member", officer_may=True)
    return officer


def _row(session: Session, member: PanelMember, bidder: Bidder, question: Question) -> ProxyEntry | None:
    return session.scalars(
        select(ProxyEntry).where(
            ProxyEntry.member_id == member.id,
            ProxyEntry.bidder_id == bidder.id,
            ProxyEntry.question_id == question.id,
        )
    ).first()


def enter_by_proxy(
    session: Session,
    tender: Tender,
    entered_by: str,
    member_name: str,
    bidder_name: str,
    question_code: str,
    score: float,
    rationale: str,
    source: str,
    *,
    over_own: bool = False,
) -> SaveResult:
    """Save `member_name`'s score as typed in by `entered_by` from `source`, and record it as entered by proxy.

    The member's own gates all apply (scoring open, the member acting, declared for every bidder, no
    conflict with this one: `tenders.set_score`). A score the member saved themselves, or confirmed,
    is theirs: it is not overwritten by proxy unless `over_own` (a pack import whose conflict the
    officer resolved for the pack, explicitly). An unchanged score records nothing."""
    source = _source(source)
    require_editable(session, tender)
    require_status(tender, (TenderStatus.SCORING,), "entering scores by proxy")
    member = find_member(session, tender, member_name)
    if member.name == entered_by:
        raise WorkflowError(f"{member.name}'s own scores are theirs, not entered by proxy")
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    value, text = check_score(tender, score, rationale, f"{question_code} for {bidder_name}")
    row = _row(session, member, bidder, question)
    held = session.execute(
        select(Score.score, Score.rationale).where(
            Score.member_id == member.id, Score.bidder_id == bidder.id, Score.question_id == question.id
        )
    ).first()
    if held is not None and not over_own and (row is None or row.confirmed_at):
        whose = "confirmed by" if row is not None else "saved by"
        raise WorkflowError(
            f"{member.name}'s score of {question.code} for {bidder.name} was {whose} {member.name} themselves: "
            f"only they change it (signed in); nothing was saved"
        )
    saved = set_score(
        session,
        tender,
        member.name,
        bidder.name,
        question.code,
        value,
        text,
        actor=entered_by,
        reason=proxy_reason(source),
    )
    if held is not None and (held[0], held[1]) == (value, text):
        return saved  # nothing changed: the score stands as it was entered
    before = state.proxy_value(row) if row is not None else None
    if row is None:
        row = ProxyEntry(member_id=member.id, bidder_id=bidder.id, question_id=question.id)
        session.add(row)
    row.entered_by, row.source, row.entered_at, row.confirmed_at = entered_by, source, _now(), ""
    session.flush()
    audit.record(
        session,
        tender.uid,
        entered_by,
        ChangeKind.PROXY_ENTER,
        state.proxy_key(bidder.id, question.id, member.id),
        before,
        state.proxy_value(row),
        reason=f"{question.code} for {bidder.name}, entered for {member.name} from {source}",
    )
    return saved


def _confirm(session: Session, tender: Tender, member: PanelMember, rows: list[ProxyEntry], reason: str) -> int:
    when = _now()
    for row in rows:
        before = state.proxy_value(row)
        row.confirmed_at = when
        session.flush()
        audit.record(
            session,
            tender.uid,
            member.name,
            ChangeKind.PROXY_CONFIRM,
            state.proxy_key(row.bidder_id, row.question_id, row.member_id),
            before,
            state.proxy_value(row),
            reason=reason,
        )
    return len(rows)


def confirm_proxy_scores(session: Session, tender: Tender, member_name: str, actor: str) -> int:
    """The member accepts every score entered for them by proxy and not yet confirmed as theirs; how many.

    Only the member does (the unit of work checks they are the person signed in)."""
    member = find_member(session, tender, member_name)
    if actor != member.name:
        raise WorkflowError(f"only {member.name} confirms the scores entered for them, signed in; nothing was done")
    require_editable(session, tender)
    require_acting(session, member, "confirm scores")
    rows = list(
        session.scalars(
            select(ProxyEntry)
            .where(ProxyEntry.member_id == member.id, ProxyEntry.confirmed_at == "")
            .order_by(ProxyEntry.id)
        )
    )
    return _confirm(session, tender, member, rows, "confirmed by the member as their own")


def confirm_by_edit(session: Session, tender: Tender, member_name: str, bidder_name: str, question_code: str) -> bool:
    """The member saved one of their scores themselves: if it was entered by proxy and not yet
    confirmed, that confirms it (the score is now as they gave it). True when one was confirmed."""
    member = find_member(session, tender, member_name)
    row = _row(
        session, member, find_bidder(session, tender, bidder_name), find_question(session, tender, question_code)
    )
    if row is None or row.confirmed_at:
        return False
    return bool(_confirm(session, tender, member, [row], "the member saved the score themselves"))


@dataclass(frozen=True)
class ProxyScore:
    """One score entered by proxy, as a screen or the use cases list it."""

    member: str
    bidder: str
    question: str
    score: float | None  # None only if the score has gone (a record edited outside svdesk)
    source: str
    entered_by: str
    entered_at: str
    confirmed_at: str  # "" until the member confirms

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_at)


def proxy_scores(session: Session, tender: Tender, member: str | None = None) -> list[ProxyScore]:
    """The scores entered by proxy on this tender (or for one member), in panel, bid and question order."""
    stmt = (
        select(
            PanelMember.name,
            Bidder.name,
            Question.code,
            Score.score,
            ProxyEntry.source,
            ProxyEntry.entered_by,
            ProxyEntry.entered_at,
            ProxyEntry.confirmed_at,
        )
        .select_from(ProxyEntry)
        .join(PanelMember, ProxyEntry.member_id == PanelMember.id)
        .join(Bidder, ProxyEntry.bidder_id == Bidder.id)
        .join(Question, ProxyEntry.question_id == Question.id)
        .outerjoin(
            Score,
            (Score.member_id == ProxyEntry.member_id)
            & (Score.bidder_id == ProxyEntry.bidder_id)
            & (Score.question_id == ProxyEntry.question_id),
        )
        .where(PanelMember.tender_id == tender.id)
        .order_by(PanelMember.position, PanelMember.id, Bidder.position, Question.position)
    )
    if member is not None:
        stmt = stmt.where(PanelMember.name == find_member(session, tender, member).name)
    return [ProxyScore(*row) for row in session.execute(stmt).all()]
