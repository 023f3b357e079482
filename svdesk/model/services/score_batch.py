"""Many of one member's individual scores saved at once: an offline scoring pack's rows.

The same rules and the same record as saving each through `tenders.set_score` (and, imported by
the officer, `proxy_entries.enter_by_proxy`; by the member, `proxy_entries.confirm_by_edit`):
scoring open, the tender not locked, the member acting and declared for every bidder, no score of a
bid they declared a conflict with, each score on the scale with a rationale; each change its own
audit entry (signed by the person signed in), in the order one-by-one saving makes them. What
differs is the cost: the tender's bidders, questions, declarations, scores and proxy rows are read
once, the scores written with one INSERT and one UPDATE statement and the entries appended with
one (`audit.record_many`), so 50,000 rows take seconds, not the hours one-by-one saving takes
(each save read every declaration again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import Bidder, Declaration, ProxyEntry, Question, Score, Tender
from svdesk.model.errors import NotFoundError, ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind, TenderStatus
from svdesk.model.services.proxy_entries import MAX_SOURCE, proxy_reason
from svdesk.model.services.tenders import (
    check_score,
    find_member,
    require_acting,
    require_cleared,
    require_editable,
    require_status,
)


@dataclass(frozen=True)
class ScoreWrite:
    bidder: str
    question: str
    score: float
    rationale: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_scores(
    session: Session,
    tender: Tender,
    member_name: str,
    writes: list[ScoreWrite],
    *,
    actor: str,
    proxy_source: str = "",
) -> int:
    """Save `writes` as `member_name`'s scores; how many changed (an unchanged score records nothing).

    `actor` is who saves them: the member (a score entered by proxy and not yet confirmed is then
    confirmed, as the member saving it themselves does), or, with `proxy_source`, the officer
    entering them by proxy from that source (each score recorded as entered by proxy, unconfirmed,
    over the member's own score too: the caller resolved that conflict for the source)."""
    by_proxy = bool(proxy_source)
    source = " ".join(proxy_source.split())
    if by_proxy and len(source) > MAX_SOURCE:
        raise ValidationError(f"the source is {len(source):,} characters long (limit {MAX_SOURCE}); nothing was saved")
    require_editable(session, tender)
    require_status(tender, (TenderStatus.SCORING,), "entering scores by proxy" if by_proxy else "individual scoring")
    member = find_member(session, tender, member_name)
    if by_proxy and member.name == actor:
        raise WorkflowError(f"{member.name}'s own scores are theirs, not entered by proxy")
    require_acting(session, member, "score")
    require_cleared(session, tender, member)  # declared for every bidder; each bid's conflict below

    bidders = {
        b.name: (b.id, b.name)
        for b in session.execute(select(Bidder.id, Bidder.name).where(Bidder.tender_id == tender.id))
    }
    questions = {
        q.code: (q.id, q.code)
        for q in session.execute(select(Question.id, Question.code).where(Question.tender_id == tender.id))
    }
    conflicted = set(
        session.scalars(
            select(Declaration.bidder_id).where(Declaration.member_id == member.id, Declaration.conflict.is_(True))
        )
    )
    held = {
        (r.bidder_id, r.question_id): r
        for r in session.execute(
            select(Score.id, Score.bidder_id, Score.question_id, Score.score, Score.rationale).where(
                Score.member_id == member.id
            )
        )
    }
    proxies = {
        (p.bidder_id, p.question_id): p
        for p in session.scalars(select(ProxyEntry).where(ProxyEntry.member_id == member.id))
    }

    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    changes: list[audit.Change] = []
    now = datetime.now(UTC)
    when = _now()
    reason = (
        proxy_reason(source) if by_proxy else ("" if actor == member.name else f"entered by {actor} for {member.name}")
    )
    for w in writes:
        if w.bidder not in bidders:
            raise NotFoundError(f"no bidder named {w.bidder!r} in tender {tender.reference}")
        if w.question not in questions:
            raise NotFoundError(f"no question {w.question!r} in tender {tender.reference}")
        (bidder_id, bidder), (question_id, code) = bidders[w.bidder], questions[w.question]
        value, text = check_score(tender, w.score, w.rationale, f"{code} for {bidder}")
        if bidder_id in conflicted:
            raise WorkflowError(
                f"{member.name} declared a conflict of interest with {bidder} and cannot score that bid"
            )
        old = held.get((bidder_id, question_id))
        unchanged = old is not None and (old.score, old.rationale) == (value, text)
        if unchanged and by_proxy:
            continue  # nothing recorded, as enter_by_proxy records nothing for an unchanged score
        if unchanged:
            pass  # nothing to save (as set_score); saved by the member themselves, it still confirms
        elif old is None:
            new.append(
                {
                    "member_id": member.id,
                    "bidder_id": bidder_id,
                    "question_id": question_id,
                    "score": value,
                    "rationale": text,
                    "updated_at": now,
                    "version": 1,
                }
            )
        else:
            changed.append({"b_id": old.id, "b_score": value, "b_rationale": text, "b_at": now})
        if not unchanged:
            changes.append(
                audit.Change(
                    actor,
                    ChangeKind.SCORE_SET,
                    state.score_key(bidder_id, question_id, member.id),
                    state.score_value(old.score, old.rationale) if old is not None else None,
                    state.score_value(value, text),
                    reason,
                )
            )
        proxy = proxies.get((bidder_id, question_id))
        if by_proxy:
            before = state.proxy_value(proxy) if proxy is not None else None
            if proxy is None:
                proxy = ProxyEntry(member_id=member.id, bidder_id=bidder_id, question_id=question_id)
                session.add(proxy)
            proxy.entered_by, proxy.source, proxy.entered_at, proxy.confirmed_at = actor, source, when, ""
            changes.append(
                audit.Change(
                    actor,
                    ChangeKind.PROXY_ENTER,
                    state.proxy_key(bidder_id, question_id, member.id),
                    before,
                    state.proxy_value(proxy),
                    f"{code} for {bidder}, entered for {member.name} from {source}",
                )
            )
        elif proxy is not None and not proxy.confirmed_at:  # the member's own save confirms it
            before = state.proxy_value(proxy)
            proxy.confirmed_at = when
            changes.append(
                audit.Change(
                    member.name,
                    ChangeKind.PROXY_CONFIRM,
                    state.proxy_key(bidder_id, question_id, member.id),
                    before,
                    state.proxy_value(proxy),
                    "the member saved the score themselves",
                )
            )
    table = cast(Table, Score.__table__)  # SQLAlchemy types `__table__` as any FromClause
    if new:
        session.execute(insert(table), new)
    if changed:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                score=bindparam("b_score"),
                rationale=bindparam("b_rationale"),
                updated_at=bindparam("b_at"),
                version=table.c.version + 1,  # the optimistic lock's version moves as the ORM's would
            ),
            changed,
        )
    for obj in list(session.identity_map.values()):  # written past the ORM: loaded copies are stale
        if isinstance(obj, Score):
            session.expire(obj)
    session.flush()  # the proxy rows
    audit.record_many(session, tender.uid, changes)
    return len(new) + len(changed)
