"""Tender look-up, the lock, and the edits a panel makes while scoring and moderating.

Every edit takes the caller's Session (one unit of work, see `Database.transaction`) and the
acting person's name, validates, refuses edits the tender's state forbids, and appends one audit
entry in the same transaction, keyed and shaped as in `svdesk.model.state`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.entities import (
    Base,
    Bidder,
    Declaration,
    MemberDetail,
    ModeratedScore,
    PanelMember,
    Pledge,
    Question,
    Role,
    Score,
    Signature,
    Tender,
    TenderMeasure,
    TenderStatus,
)
from svdesk.model.errors import NotFoundError, StaleEditError, ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind
from svdesk.model.names import lookup_names, magnitude_problem, quoted, storable_problem
from svdesk.model.rationale import comparative_warning
from svdesk.model.rows import plain_rows
from svdesk.model.scoring import score_problem

LOCKED_STATES = (TenderStatus.SIGNED_OFF, TenderStatus.AWARDED)

# A count's FROM and JOIN: (the table counted, the table it joins, the ON clause).
CountJoin = tuple[type[Base], type[Base], ColumnElement[bool]]


@dataclass(frozen=True)
class TenderSummary:
    id: int
    reference: str
    title: str
    status: str
    contract_value: float
    bidders: int
    questions: int
    measures: int
    panel: int
    scores: int
    moderated: int


@dataclass
class SaveResult:
    """What an edit returns: the saved values and any warnings to show (the edit is saved)."""

    value: Any = None
    warnings: list[str] = field(default_factory=list)


def list_tenders(session: Session) -> list[TenderSummary]:
    """Every tender, newest first, with its counts: one SELECT (counts as correlated subqueries)."""

    def count(*where: Any, join: CountJoin | None = None) -> Any:
        stmt = select(func.count())
        if join is not None:
            stmt = stmt.select_from(join[0]).join(*join[1:])
        return stmt.where(*where).scalar_subquery()

    rows = plain_rows(
        session,
        select(
            Tender.id,
            Tender.reference,
            Tender.title,
            Tender.status,
            Tender.contract_value,
            count(Bidder.tender_id == Tender.id),
            count(Question.tender_id == Tender.id),
            count(TenderMeasure.tender_id == Tender.id),
            count(PanelMember.tender_id == Tender.id),
            count(PanelMember.tender_id == Tender.id, join=(Score, PanelMember, Score.member_id == PanelMember.id)),
            count(Bidder.tender_id == Tender.id, join=(ModeratedScore, Bidder, ModeratedScore.bidder_id == Bidder.id)),
        ).order_by(Tender.created_at.desc(), Tender.id.desc()),
    )
    return [
        TenderSummary(tid, ref, title, status.value, value, *counts) for tid, ref, title, status, value, *counts in rows
    ]


def get_tender(session: Session, reference: str | None = None) -> Tender:
    """The tender with this reference; with none given, the only tender in the database."""
    if reference is None:
        refs = session.scalars(select(Tender.reference).order_by(Tender.reference).limit(11)).all()
        if len(refs) == 1:
            reference = refs[0]
        elif not refs:
            raise NotFoundError("the database holds no tenders yet")
        else:
            shown = ", ".join(refs[:10]) + (" ..." if len(refs) > 10 else "")
            raise NotFoundError(f"the database holds several tenders; choose one with --tender ({shown})")
    refs = _as_stored(reference, "tender reference")
    tender = session.scalars(select(Tender).where(Tender.reference.in_(refs))).first()
    if tender is None:
        raise NotFoundError(f"no tender with reference {quoted(reference)}")
    return tender


def active_signatures(session: Session, tender: Tender) -> list[Signature]:
    return list(
        session.scalars(
            select(Signature)
            .where(Signature.tender_id == tender.id, Signature.withdrawn.is_(False))
            .order_by(Signature.id)
        ).all()
    )


def lock_reason(session: Session, tender: Tender) -> str | None:
    """Why the tender cannot be edited, or None. Signing in progress locks it too."""
    if tender.status in LOCKED_STATES:
        return (
            f"tender {tender.reference} is {tender.status.label} and locked; "
            "reopen it (with a reason) to change anything"
        )
    signed = active_signatures(session, tender)
    if signed:
        names = ", ".join(s.name for s in signed)
        return (
            f"tender {tender.reference} is being signed off ({names} signed); "
            "reopen it (with a reason) to change anything"
        )
    return None


def require_editable(session: Session, tender: Tender) -> None:
    reason = lock_reason(session, tender)
    if reason:
        raise WorkflowError(reason)


def require_status(tender: Tender, allowed: tuple[TenderStatus, ...], doing: str) -> None:
    if tender.status not in allowed:
        names = " or ".join(s.label for s in allowed)
        raise WorkflowError(f"{doing} is only possible while the tender is in {names} (it is {tender.status.label})")


def _as_stored(value: object, what: str) -> tuple[str, ...]:
    """The stored names a look-up by `value` may match: its normal form (`names.normal_name`: "Zoë"
    typed decomposed finds "Zoë"), and as given, for a name stored before names were normalised.
    Refused, naming `what`, when it is no text a name could be (a lone surrogate from a command line)."""
    if not isinstance(value, str):
        raise ValidationError(f"{what}: expected text, found {quoted(value)}")
    if problem := storable_problem(value):
        raise ValidationError(f"{what} {quoted(value)}: {problem}")
    return lookup_names(value) if len(value) <= 1000 else (value,)  # no stored name is that long


def _listed(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(quoted(n, 60)[1:-1] for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def find_bidder(session: Session, tender: Tender, name: str) -> Bidder:
    names = _as_stored(name, "bidder")
    found = session.scalars(select(Bidder).where(Bidder.tender_id == tender.id, Bidder.name.in_(names))).first()
    if found is None:
        listed = list(
            session.scalars(select(Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position)).all()
        )
        hint = f" (bidders: {_listed(listed)})" if listed else " (the tender has no bidders yet)"
        raise NotFoundError(f"no bidder named {quoted(name)} in tender {tender.reference}{hint}")
    return found


def find_question(session: Session, tender: Tender, code: str) -> Question:
    codes = _as_stored(code, "question")
    found = session.scalars(select(Question).where(Question.tender_id == tender.id, Question.code.in_(codes))).first()
    if found is None:
        raise NotFoundError(f"no question {quoted(code)} in tender {tender.reference}")
    return found


def find_member(session: Session, tender: Tender, name: str) -> PanelMember:
    names = _as_stored(name, "panel member")
    found = session.scalars(
        select(PanelMember).where(PanelMember.tender_id == tender.id, PanelMember.name.in_(names))
    ).first()
    if found is None:
        raise NotFoundError(f"{quoted(name)} is not on the panel of tender {tender.reference}")
    return found


def withdrawn_member_ids(session: Session, tender: Tender) -> set[int]:
    """The tender's members withdrawn from the panel: kept in the record, they act no more."""
    return set(
        session.scalars(
            select(MemberDetail.member_id)
            .join(PanelMember, MemberDetail.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tender.id, MemberDetail.withdrawn.is_(True))
        ).all()
    )


def require_acting(session: Session, member: PanelMember, doing: str, *, officer_may: bool = False) -> None:
    """A withdrawn member does nothing more; the procurement officer sets the tender up but does not
    score, review pledges or sign (unless `officer_may`)."""
    detail = session.get(MemberDetail, member.id)
    if detail is not None and detail.withdrawn:
        raise WorkflowError(
            f"{member.name} was withdrawn from the panel ({detail.withdrawal_reason}) and cannot {doing}"
        )
    if member.role == Role.OFFICER and not officer_may:
        raise WorkflowError(f"{member.name} is the procurement officer and cannot {doing}: only the panel does")


def check_score(tender: Tender, score: float, rationale: str, what: str) -> tuple[float, str]:
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise ValidationError(f"{what}: {quoted(score)} is not a number")
    problem = magnitude_problem(score) or score_problem(score, tender.scale_max, tender.scale_step)
    if problem:
        raise ValidationError(f"{what}: {problem}")
    text = (rationale or "").strip()
    if not text:
        raise ValidationError(f"{what}: a rationale is required; cite the evidence in the bid")
    if len(text) > 100_000:
        raise ValidationError(f"{what}: the rationale is {len(text):,} characters long (limit 100,000)")
    if problem := storable_problem(text):
        raise ValidationError(f"{what}: the rationale {problem}")
    return float(score), text


def declaration_for(session: Session, member: PanelMember, bidder: Bidder) -> Declaration | None:
    return session.scalars(
        select(Declaration).where(Declaration.member_id == member.id, Declaration.bidder_id == bidder.id)
    ).first()


def require_cleared(session: Session, tender: Tender, member: PanelMember, bidder: Bidder | None = None) -> None:
    """The conflict-of-interest gate: declared for every bidder; no conflict with this one."""
    bidders = session.scalars(select(Bidder).where(Bidder.tender_id == tender.id)).all()
    declared = set(session.scalars(select(Declaration.bidder_id).where(Declaration.member_id == member.id)).all())
    missing = [b.name for b in bidders if b.id not in declared]
    if missing:
        raise WorkflowError(
            f"{member.name} must declare any conflict of interest for every bidder before seeing bids "
            f"(not yet declared: {', '.join(missing)})"
        )
    if bidder is not None:
        d = declaration_for(session, member, bidder)
        if d is not None and d.conflict:
            raise WorkflowError(
                f"{member.name} declared a conflict of interest with {bidder.name} and cannot score that bid"
            )


def check_version(row: Score | ModeratedScore | Pledge | None, expected: int | None, what: str) -> None:
    """Refuse to overwrite a row someone else saved after the caller loaded it.

    `expected` is the version the caller saw (0: "there was none yet"); None skips the check.
    """
    if expected is None:
        return
    current = row.version if row is not None else 0
    if current != expected:
        now = ""
        if isinstance(row, Score | ModeratedScore):
            shown = row.rationale if len(row.rationale) <= 60 else row.rationale[:57] + "..."
            now = f" It is now {row.score:g}: {shown!r}."
        raise StaleEditError(
            f"{what} was changed by someone else since you opened it.{now} Nothing was saved; reload and decide again."
        )


def set_score(
    session: Session,
    tender: Tender,
    member_name: str,
    bidder_name: str,
    question_code: str,
    score: float,
    rationale: str,
    actor: str | None = None,
    expected_version: int | None = None,
    reason: str | None = None,
) -> SaveResult:
    """Record (or change) one panel member's own individual score, with its rationale.

    `actor` is who typed it, when an officer enters a member's score from meeting notes; `reason`
    the entry's reason when it is not the member's own (`proxy_entries`: "entered by proxy from ...").
    """
    require_editable(session, tender)
    require_status(tender, (TenderStatus.SCORING,), "individual scoring")
    member = find_member(session, tender, member_name)
    require_acting(session, member, "score")
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    value, text = check_score(tender, score, rationale, f"{question_code} for {bidder_name}")
    require_cleared(session, tender, member, bidder)
    existing = session.scalars(
        select(Score).where(
            Score.member_id == member.id, Score.bidder_id == bidder.id, Score.question_id == question.id
        )
    ).first()
    check_version(existing, expected_version, f"{member.name}'s score of {question_code} for {bidder_name}")
    before = state.score_value(existing.score, existing.rationale) if existing else None
    if existing is None:
        existing = Score(member_id=member.id, bidder_id=bidder.id, question_id=question.id, score=value, rationale=text)
        session.add(existing)
    elif (existing.score, existing.rationale) == (value, text):
        return SaveResult(existing)
    else:
        existing.score, existing.rationale = value, text
    if reason is None:
        reason = "" if actor in (None, member.name) else f"entered by {actor} for {member.name}"
    audit.record(
        session,
        tender.uid,
        actor or member.name,
        ChangeKind.SCORE_SET,
        state.score_key(bidder.id, question.id, member.id),
        before,
        state.score_value(value, text),
        reason=reason,
    )
    session.flush()
    return SaveResult(existing)


def set_moderated(
    session: Session,
    tender: Tender,
    actor: str,
    bidder_name: str,
    question_code: str,
    score: float,
    rationale: str,
    expected_version: int | None = None,
) -> SaveResult:
    """The panel's consensus score. Saved even with a warning (the warning is shown to the panel)."""
    require_editable(session, tender)
    require_status(tender, (TenderStatus.MODERATION,), "moderation")
    bidder = find_bidder(session, tender, bidder_name)
    question = find_question(session, tender, question_code)
    value, text = check_score(tender, score, rationale, f"consensus {question_code} for {bidder_name}")
    existing = session.scalars(
        select(ModeratedScore).where(ModeratedScore.bidder_id == bidder.id, ModeratedScore.question_id == question.id)
    ).first()
    check_version(existing, expected_version, f"the consensus score of {question_code} for {bidder_name}")
    before = state.score_value(existing.score, existing.rationale) if existing else None
    changed = True
    if existing is None:
        existing = ModeratedScore(bidder_id=bidder.id, question_id=question.id, score=value, rationale=text)
        session.add(existing)
    elif (existing.score, existing.rationale) != (value, text):
        existing.score, existing.rationale = value, text
    else:
        changed = False
    if changed:
        audit.record(
            session,
            tender.uid,
            actor,
            ChangeKind.MODERATED_SET,
            state.moderated_key(bidder.id, question.id),
            before,
            state.score_value(value, text),
        )
    session.flush()
    others = session.scalars(select(Bidder.name).where(Bidder.tender_id == tender.id, Bidder.id != bidder.id)).all()
    warning = comparative_warning(text, others)
    return SaveResult(existing, [warning] if warning else [])


def adjust_pledge(
    session: Session, tender: Tender, actor: str, bidder_name: str, ref: str, accepted: float | None, reason: str
) -> SaveResult:
    """Accept (None), reduce or reject (0) a pledge, with the reason on record."""
    require_editable(session, tender)
    require_status(tender, (TenderStatus.DRAFT, TenderStatus.SCORING, TenderStatus.MODERATION), "adjusting a pledge")
    bidder = find_bidder(session, tender, bidder_name)
    pledge = session.scalars(
        select(Pledge)
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(Pledge.bidder_id == bidder.id, TenderMeasure.ref.in_(_as_stored(ref, "measure ref")))
    ).first()
    if pledge is None:
        raise NotFoundError(f"{bidder.name} made no pledge against {quoted(ref)}")
    why = (reason or "").strip()
    if problem := storable_problem(why):
        raise ValidationError(f"{ref} for {bidder.name}: the reason {problem}")
    if accepted is not None:
        if (
            isinstance(accepted, bool)
            or not isinstance(accepted, int | float)
            or magnitude_problem(accepted)
            or accepted < 0
        ):
            raise ValidationError(f"{ref} for {bidder_name}: accepted quantity must be 0 or more")
        if accepted > pledge.quantity:
            raise ValidationError(
                f"{ref} for {bidder_name}: accepted quantity {accepted:g} is more than the {pledge.quantity:g} pledged"
            )
        if not why:
            raise ValidationError(f"{ref} for {bidder_name}: give a reason for reducing or rejecting the pledge")
    before = state.pledge_value(pledge)
    pledge.accepted_quantity = float(accepted) if accepted is not None else None
    pledge.adjustment_reason = why if accepted is not None else ""
    audit.record(
        session,
        tender.uid,
        actor,
        ChangeKind.PLEDGE_ADJUST,
        state.pledge_key(bidder.id, pledge.tender_measure_id),
        before,
        state.pledge_value(pledge),
    )
    session.flush()
    return SaveResult(pledge)


# --- blind scoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreView:
    member: str
    bidder: str
    question: str
    score: float
    rationale: str
    version: int = 1


def scores_visible_to(
    session: Session, tender: Tender, acting_member: str, of_member: str | None = None
) -> list[ScoreView]:
    """Individual scores as the acting member may see them.

    Until moderation opens, a member sees only their own; asking for anyone else's is refused.
    """
    acting = find_member(session, tender, acting_member)
    blind = tender.status in (TenderStatus.DRAFT, TenderStatus.SCORING)
    if of_member is not None and of_member != acting.name and blind:
        raise WorkflowError(f"scoring is blind until moderation opens: {acting.name} cannot see {of_member}'s scores")
    stmt = (
        select(PanelMember.name, Bidder.name, Question.code, Score.score, Score.rationale, Score.version)
        .join(PanelMember, Score.member_id == PanelMember.id)
        .join(Bidder, Score.bidder_id == Bidder.id)
        .join(Question, Score.question_id == Question.id)
        .where(PanelMember.tender_id == tender.id)
        .order_by(Bidder.position, Question.position, PanelMember.position)
    )
    if blind:
        stmt = stmt.where(Score.member_id == acting.id)
    elif of_member is not None:
        stmt = stmt.where(PanelMember.name == of_member)
    return [ScoreView(*row) for row in session.execute(stmt).all()]


def prices_visible_to(session: Session, tender: Tender, acting_member: str) -> bool:
    """Optionally prices are hidden from quality evaluators while they score."""
    member = find_member(session, tender, acting_member)
    if not tender.hide_prices_from_quality:
        return True
    return not (member.role == Role.EVALUATOR and tender.status in (TenderStatus.DRAFT, TenderStatus.SCORING))


def bidder_names(session: Session, tender: Tender) -> list[str]:
    return list(session.scalars(select(Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position)))


def question_codes(session: Session, tender: Tender) -> list[str]:
    return list(
        session.scalars(select(Question.code).where(Question.tender_id == tender.id).order_by(Question.position))
    )
