"""Setting the panel up: who is on it (evaluators, moderators, a chair, and the procurement officer),
how to reach them, and who has left it.

A member is removed only before they have done anything (a score, a declaration, a pledge review,
a signature, an enrolment); afterwards they are withdrawn with a reason, kept in the record, and
act no more (`tenders.require_acting`). Each function is one audited edit in the caller's
transaction and refuses a locked tender.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.contact import checked_email
from svdesk.model.entities import (
    Bidder,
    Declaration,
    MeetingMember,
    MemberDetail,
    MemberKey,
    PanelMember,
    PledgeReview,
    Question,
    Role,
    Score,
    Signature,
    Tender,
)
from svdesk.model.errors import ValidationError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import clean_name, normal_name, quoted, storable_problem
from svdesk.model.rows import plain_rows
from svdesk.model.services.tenders import find_member, require_editable

ROLES: tuple[str, ...] = tuple(role.value for role in Role)


# --- what a member has done -----------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """What a member has done, counted: any of it, and they can no longer be removed."""

    scores: int = 0
    declarations: int = 0
    reviews: int = 0
    signatures: int = 0  # given, in force or withdrawn by a reopening
    keys: int = 0  # enrolments, current or retired
    meetings: int = 0  # moderation meetings attended or sent apologies for (the minutes name them)

    @property
    def acted(self) -> bool:
        return any((self.scores, self.declarations, self.reviews, self.signatures, self.keys, self.meetings))

    @property
    def made_something(self) -> bool:
        return any((self.scores, self.declarations, self.reviews, self.signatures, self.keys))

    def described(self) -> str:
        """'12 scores, 3 declarations and 1 enrolment'."""
        parts = [
            _counted(self.scores, "score"),
            _counted(self.declarations, "declaration"),
            _counted(self.reviews, "pledge review"),
            _counted(self.signatures, "signature"),
            _counted(self.keys, "enrolment"),
        ]
        said = [p for p in parts if p]
        made = (said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]) if said else ""
        minuted = f"is in the minutes of {_counted(self.meetings, 'meeting')}" if self.meetings else ""
        return f"{made} (and {minuted})" if made and minuted else made or minuted


def _counted(n: int, noun: str) -> str:
    return "" if not n else f"{n} {noun}{'' if n == 1 else 's'}"


def _per_member(session: Session, stmt: Any) -> Counter[int]:
    return Counter({mid: int(n) for mid, n in plain_rows(session, stmt)})


def activity(session: Session, tender: Tender) -> dict[int, Activity]:
    """Member id -> what they have done, for the whole panel in six grouped counts."""
    on_panel = PanelMember.tender_id == tender.id

    def count(member_id: Any) -> Counter[int]:
        stmt = select(member_id, func.count()).join(PanelMember, member_id == PanelMember.id)
        return _per_member(session, stmt.where(on_panel).group_by(member_id))

    scores = count(Score.member_id)
    declarations = count(Declaration.member_id)
    reviews = count(PledgeReview.member_id)
    signatures = count(Signature.member_id)
    keys = count(MemberKey.member_id)
    meetings = count(MeetingMember.member_id)
    members = session.scalars(select(PanelMember.id).where(on_panel)).all()
    return {
        mid: Activity(scores[mid], declarations[mid], reviews[mid], signatures[mid], keys[mid], meetings[mid])
        for mid in members
    }


# --- the edits -----------------------------------------------------------------------------------------


def _name(value: str) -> str:
    return clean_name(value or "", "panel member name", 200)


def _role(value: str, who: str) -> Role:
    try:
        return Role((value or "").strip().lower())
    except ValueError:
        raise ValidationError(f"{who}: the role {quoted(value)} is not one of {', '.join(ROLES)}") from None


def _email(value: str, who: str) -> str:
    return checked_email(value, who)


def _unique(session: Session, tender: Tender, name: str) -> None:
    if session.scalars(
        select(PanelMember.id).where(PanelMember.tender_id == tender.id, PanelMember.name == name)
    ).first():
        raise ValidationError(f"{quoted(name)} is already on the panel")


def _detail(session: Session, member: PanelMember) -> MemberDetail | None:
    return session.get(MemberDetail, member.id)


def _record(
    session: Session, tender: Tender, actor: str, kind: ChangeKind, key: str, before: Any, after: Any, reason: str = ""
) -> None:
    session.flush()
    audit.record(session, tender.uid, actor, kind, key, before, after, reason=reason)


def add_member(session: Session, tender: Tender, actor: str, name: str, role: str, email: str = "") -> PanelMember:
    """A new member at the end of the panel (an email, if given, is recorded as their details)."""
    require_editable(session, tender)
    name = _name(name)
    who = f"panel member {name}"
    chosen, address = _role(role, who), _email(email, who)
    _unique(session, tender, name)
    position = session.execute(
        select(func.coalesce(func.max(PanelMember.position), -1)).where(PanelMember.tender_id == tender.id)
    ).scalar_one()
    m = PanelMember(tender_id=tender.id, name=name, role=chosen, position=position + 1)
    session.add(m)
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.MEMBER_ADD, state.member_key(m), None, state.member_value(m))
    if address:
        set_email(session, tender, actor, name, address)
    return m


def update_member(
    session: Session, tender: Tender, actor: str, name: str, *, new_name: str | None = None, role: str | None = None
) -> PanelMember:
    """Rename a member or change their role. A member who has scored or reviewed pledges stays an
    evaluator: their work counts as an evaluator's (withdraw them instead)."""
    require_editable(session, tender)
    m = find_member(session, tender, name)
    before = state.member_value(m)
    if new_name is not None and normal_name(new_name) != m.name:
        renamed = _name(new_name)
        _unique(session, tender, renamed)
        m.name = renamed
    if role is not None:
        chosen = _role(role, f"panel member {name}")
        if chosen != m.role:
            done = activity(session, tender)[m.id]
            if done.scores or done.reviews:
                raise ValidationError(
                    f"{name} has given {Activity(scores=done.scores, reviews=done.reviews).described()} as "
                    f"{m.role.label}: the role cannot change now (withdraw them with a reason instead)"
                )
            m.role = chosen
    after = state.member_value(m)
    if after != before:
        _record(session, tender, actor, ChangeKind.MEMBER_UPDATE, state.member_key(m), before, after)
    return m


def set_email(session: Session, tender: Tender, actor: str, name: str, email: str) -> None:
    """The member's email address ("" clears it)."""
    require_editable(session, tender)
    m = find_member(session, tender, name)
    address = _email(email, f"panel member {m.name}")
    detail = _detail(session, m)
    before = state.detail_value(detail) if detail is not None else None
    if detail is None:
        if not address:
            return
        detail = MemberDetail(member_id=m.id, email="", withdrawn=False, withdrawal_reason="", withdrawn_at="")
        session.add(detail)
    if detail.email == address and before is not None:
        return
    detail.email = address
    _record(session, tender, actor, ChangeKind.DETAIL_SET, state.detail_key(m.id), before, state.detail_value(detail))


def withdraw_member(session: Session, tender: Tender, actor: str, name: str, reason: str) -> None:
    """The member leaves the panel; what they did stays in the record, with the reason and when."""
    require_editable(session, tender)
    m = find_member(session, tender, name)
    why = (reason or "").strip()
    if not why:
        raise ValidationError(f"withdrawing {m.name} needs a reason, for the record")
    if len(why) > 2000:
        raise ValidationError(f"withdrawing {m.name}: the reason is {len(why):,} characters (limit 2,000)")
    if problem := storable_problem(why):
        raise ValidationError(f"withdrawing {m.name}: the reason {problem}")
    detail = _detail(session, m)
    if detail is not None and detail.withdrawn:
        raise ValidationError(
            f"{m.name} was already withdrawn on {detail.withdrawn_at[:10]} ({detail.withdrawal_reason})"
        )
    before = state.detail_value(detail) if detail is not None else None
    if detail is None:
        detail = MemberDetail(member_id=m.id, email="", withdrawn=False, withdrawal_reason="", withdrawn_at="")
        session.add(detail)
    detail.withdrawn, detail.withdrawal_reason = True, why
    detail.withdrawn_at = datetime.now(UTC).isoformat(timespec="seconds")
    _record(
        session,
        tender,
        actor,
        ChangeKind.MEMBER_WITHDRAW,
        state.detail_key(m.id),
        before,
        state.detail_value(detail),
        reason=why,
    )


def remove_member(session: Session, tender: Tender, actor: str, name: str) -> None:
    """Only a member who has done nothing leaves without trace in the panel (the log keeps both
    the adding and the removal); anyone else is withdrawn with a reason."""
    require_editable(session, tender)
    m = find_member(session, tender, name)
    done = activity(session, tender)[m.id]
    if done.acted:
        raise ValidationError(
            f"{m.name} {'has made ' if done.made_something else ''}{done.described()} "
            "and cannot be removed from the panel; "
            "withdraw them with a reason instead (what they did stays in the record)"
        )
    detail = _detail(session, m)
    if detail is not None:
        audit.record(
            session,
            tender.uid,
            actor,
            ChangeKind.DETAIL_REMOVE,
            state.detail_key(m.id),
            state.detail_value(detail),
            None,
            reason=f"{m.name} left the panel",
        )
        session.delete(detail)
    audit.record(session, tender.uid, actor, ChangeKind.MEMBER_REMOVE, state.member_key(m), state.member_value(m), None)
    session.delete(m)
    session.flush()


# --- the panel as the Panel screen and `svdesk panel list` show it -----------------------------------


@dataclass(frozen=True)
class PanelRow:
    """One member, their details and their progress."""

    name: str
    role: str  # evaluator, moderator, chair or officer
    email: str
    scores_given: int
    scores_expected: int  # what an evaluator on the panel scores (0 for everyone else, and the withdrawn)
    declarations: int  # bidders declared for
    bidders: int
    conflicts: tuple[str, ...]  # the bidders they may not see (a declared conflict)
    reviews: int  # pledges reviewed
    signed: bool  # a signature in force
    enrolled: bool  # a current enrolment key
    withdrawn: bool
    withdrawal_reason: str
    withdrawn_at: str
    acted: bool  # done anything: withdrawn, not removed

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "conflicts": list(self.conflicts)}


def panel_rows(session: Session, tender: Tender) -> list[PanelRow]:
    members = plain_rows(
        session,
        select(PanelMember.id, PanelMember.name, PanelMember.role)
        .where(PanelMember.tender_id == tender.id)
        .order_by(PanelMember.position, PanelMember.id),
    )
    ids = [mid for mid, _n, _r in members] or [-1]
    n_bidders = session.scalar(select(func.count()).select_from(Bidder).where(Bidder.tender_id == tender.id)) or 0
    n_questions = session.scalar(select(func.count()).select_from(Question).where(Question.tender_id == tender.id)) or 0
    done = activity(session, tender)
    details = {d.member_id: d for d in session.scalars(select(MemberDetail).where(MemberDetail.member_id.in_(ids)))}
    conflicts: dict[int, list[str]] = {}
    for mid, bidder in plain_rows(
        session,
        select(Declaration.member_id, Bidder.name)
        .join(Bidder, Declaration.bidder_id == Bidder.id)
        .where(Declaration.member_id.in_(ids), Declaration.conflict.is_(True))
        .order_by(Bidder.position),
    ):
        conflicts.setdefault(mid, []).append(bidder)
    enrolled = _ids_of(
        session, select(MemberKey.member_id).where(MemberKey.member_id.in_(ids), MemberKey.retired.is_(False))
    )
    signed = _ids_of(
        session, select(Signature.member_id).where(Signature.tender_id == tender.id, Signature.withdrawn.is_(False))
    )
    rows = []
    for mid, name, role in members:
        d = details.get(mid)
        withdrawn = bool(d and d.withdrawn)
        scores = role == Role.EVALUATOR and not withdrawn
        act = done[mid]
        rows.append(
            PanelRow(
                name=name,
                role=role.value,
                email=d.email if d else "",
                scores_given=act.scores,
                scores_expected=(n_bidders - len(conflicts.get(mid, []))) * n_questions if scores else 0,
                declarations=act.declarations,
                bidders=n_bidders,
                conflicts=tuple(conflicts.get(mid, [])),
                reviews=act.reviews,
                signed=mid in signed,
                enrolled=mid in enrolled,
                withdrawn=withdrawn,
                withdrawal_reason=d.withdrawal_reason if d else "",
                withdrawn_at=d.withdrawn_at if d else "",
                acted=act.acted,
            )
        )
    return rows


def _ids_of(session: Session, stmt: Any) -> set[int]:
    return {mid for (mid,) in plain_rows(session, stmt) if mid is not None}
