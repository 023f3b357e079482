"""The evaluation's workflow: draft -> scoring -> moderation -> signed off -> awarded (and reopen).

Each transition checks its preconditions and says exactly what is missing. Declarations of
conflicts of interest and the sign-off live here too: they are steps of the same process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from svdesk.model import audit, state, state_encoding
from svdesk.model.entities import (
    Bidder,
    Declaration,
    ModeratedScore,
    PanelMember,
    Question,
    Role,
    Score,
    Section,
    Signature,
    Tender,
    TenderMeasure,
    TenderStatus,
)
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.identity import SignedIn
from svdesk.model.kinds import ChangeKind
from svdesk.model.rows import plain_rows
from svdesk.model.scoring import Weights, weights_problem
from svdesk.model.services import award_stage, identity
from svdesk.model.services.declaration_source import declaration_source
from svdesk.model.services.tenders import (
    active_signatures,
    find_bidder,
    find_member,
    require_acting,
    require_editable,
    require_status,
    withdrawn_member_ids,
)

S = TenderStatus


@dataclass(frozen=True)
class Readiness:
    target: TenderStatus
    missing: list[str]

    @property
    def ready(self) -> bool:
        return not self.missing


def _ids(
    session: Session, tender: Tender
) -> tuple[Sequence[Row[int, str, float]], Sequence[Row[int, str, Section]], Sequence[Row[int, str, Role]]]:
    """The tender's bidders (id, name, price), questions (id, code, section) and panel (id, name, role), in order."""
    bidders = session.execute(
        select(Bidder.id, Bidder.name, Bidder.price).where(Bidder.tender_id == tender.id).order_by(Bidder.position)
    ).all()
    questions = session.execute(
        select(Question.id, Question.code, Question.section)
        .where(Question.tender_id == tender.id)
        .order_by(Question.position)
    ).all()
    members = session.execute(
        select(PanelMember.id, PanelMember.name, PanelMember.role)
        .where(PanelMember.tender_id == tender.id)
        .order_by(PanelMember.position)
    ).all()
    return bidders, questions, members


def conflicts(session: Session, tender: Tender) -> set[tuple[int, int]]:
    """(member id, bidder id) pairs with a declared conflict."""
    return set(
        session.execute(
            select(Declaration.member_id, Declaration.bidder_id)
            .join(PanelMember, Declaration.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tender.id, Declaration.conflict.is_(True))
        ).all()
    )


def readiness_to_score(session: Session, tender: Tender) -> Readiness:
    bidders, questions, members = _ids(session, tender)
    missing: list[str] = []
    if problem := weights_problem(Weights(tender.weight_price, tender.weight_quality, tender.weight_social_value)):
        missing.append(problem)
    if not bidders:
        missing.append("no bidders registered")
    if tender.weight_quality > 0 and not any(q.section == Section.QUALITY for q in questions):
        missing.append("the quality weight has no quality questions")
    if (
        tender.weight_social_value > 0
        and tender.sv_quantitative_share < 100
        and not any(q.section == Section.SOCIAL_VALUE for q in questions)
    ):
        missing.append("the social value weight has no social value questions (or set the quantitative share to 100)")
    if (
        tender.weight_social_value > 0
        and tender.sv_quantitative_share > 0
        and not session.scalars(select(TenderMeasure.id).where(TenderMeasure.tender_id == tender.id)).first()
    ):
        missing.append("no measures chosen for the pledged social value")
    withdrawn = withdrawn_member_ids(session, tender)
    if not any(m.role == Role.EVALUATOR and m.id not in withdrawn for m in members):
        missing.append("no evaluators on the panel")
    return Readiness(S.SCORING, missing)


def readiness_to_moderate(session: Session, tender: Tender) -> Readiness:
    bidders, questions, members = _ids(session, tender)
    declared = set(
        session.execute(
            select(Declaration.member_id, Declaration.bidder_id)
            .join(PanelMember, Declaration.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tender.id)
        ).all()
    )
    conflicted = conflicts(session, tender)
    scored = set(
        session.execute(
            select(Score.member_id, Score.bidder_id, Score.question_id)
            .join(PanelMember, Score.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tender.id)
        ).all()
    )
    undeclared, unsubmitted = [], []
    withdrawn = withdrawn_member_ids(session, tender)  # they score no more: nothing is waited for
    for mid, name, role in members:
        if role != Role.EVALUATOR or mid in withdrawn:
            continue
        todo = [b for b in bidders if (mid, b.id) not in declared]
        if todo:
            undeclared.append(f"{name} ({len(todo)} bidder{'s' if len(todo) > 1 else ''})")
        gaps = sum(
            1 for b in bidders for q in questions if (mid, b.id) not in conflicted and (mid, b.id, q.id) not in scored
        )
        if gaps:
            unsubmitted.append(f"{name} ({gaps} score{'s' if gaps > 1 else ''} missing)")
    missing = []
    if undeclared:
        missing.append(
            f"{len(undeclared)} member{'s have' if len(undeclared) > 1 else ' has'} not declared "
            f"conflicts of interest: {', '.join(undeclared)}"
        )
    if unsubmitted:
        missing.append(
            f"{len(unsubmitted)} member{'s have' if len(unsubmitted) > 1 else ' has'} not submitted: "
            f"{', '.join(unsubmitted)}"
        )
    return Readiness(S.MODERATION, missing)


def readiness_to_sign(session: Session, tender: Tender) -> Readiness:
    bidders, questions, _members = _ids(session, tender)
    # The start of each rationale is enough to see it is not blank; only one whose start is all
    # whitespace is read whole (a framework's 8,000 rationales are megabytes of text).
    start_length = 16
    head = func.substr(ModeratedScore.rationale, 1, start_length)
    agreed = select(ModeratedScore.bidder_id, ModeratedScore.question_id).join(
        Bidder, ModeratedScore.bidder_id == Bidder.id
    )
    have = {
        (b, q): bool(start.strip())
        for b, q, start in plain_rows(session, agreed.add_columns(head).where(Bidder.tender_id == tender.id))
    }
    unsure = [cell for cell, written in have.items() if not written]
    if unsure:
        whole = agreed.add_columns(ModeratedScore.rationale).where(
            Bidder.tender_id == tender.id, func.length(ModeratedScore.rationale) > start_length
        )
        for b, q, text in plain_rows(session, whole):
            have[(b, q)] = have[(b, q)] or bool(text.strip())
    missing = undeclared_panel(session, tender)
    complete = len(have) == len(bidders) * len(questions) and all(have.values())
    for b in [] if complete else bidders:  # the usual case at sign-off: nothing to name
        for q in questions:
            written = have.get((b.id, q.id))
            if written is None:
                missing.append(f"{q.code} for {b.name} has no consensus score")
            elif not written:
                missing.append(f"{q.code} for {b.name} has no consensus rationale")
    if tender.status != S.MODERATION:
        missing.insert(0, f"the tender is in {tender.status.label}, not moderation")
    return Readiness(S.SIGNED_OFF, missing)


def undeclared_panel(session: Session, tender: Tender) -> list[str]:
    """The sign-off's conflict gate: every member who signs (not withdrawn, not the officer) has
    declared for every bidder. [] when they have, else one line naming each member and bidder."""
    bidders = _ids(session, tender)[0]
    declared = set(
        session.execute(
            select(Declaration.member_id, Declaration.bidder_id)
            .join(PanelMember, Declaration.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tender.id)
        ).all()
    )
    undeclared = []
    for mid, name in signers(session, tender):
        todo = [b.name for b in bidders if (mid, b.id) not in declared]
        if todo:
            undeclared.append(f"{name} (not for {', '.join(todo)})")
    if not undeclared:
        return []
    return [
        f"{len(undeclared)} member{'s have' if len(undeclared) > 1 else ' has'} not declared conflicts of "
        f"interest for every bidder: {'; '.join(undeclared)}"
    ]


def _require(readiness: Readiness, doing: str) -> None:
    if not readiness.ready:
        raise WorkflowError(f"cannot {doing}: " + "; ".join(readiness.missing))


def _set_status(session: Session, tender: Tender, actor: str, status: TenderStatus, reason: str = "") -> None:
    before = state.tender_value(tender)
    tender.status = status
    session.flush()
    audit.record(
        session,
        tender.uid,
        actor,
        ChangeKind.status(status),
        state.tender_key(tender),
        before,
        state.tender_value(tender),
        reason=reason,
    )


def open_scoring(session: Session, tender: Tender, actor: str) -> None:
    """Signed in, only the officer opens scoring (`award_stage.require_officer_step`)."""
    award_stage.require_officer_step(session, tender, "opens scoring", "open scoring")
    require_status(tender, (S.DRAFT,), "opening scoring")
    _require(readiness_to_score(session, tender), "open scoring")
    _set_status(session, tender, actor, S.SCORING)


def open_moderation(session: Session, tender: Tender, actor: str) -> None:
    award_stage.require_officer_step(session, tender, "opens moderation", "open moderation")
    require_status(tender, (S.SCORING,), "opening moderation")
    _require(readiness_to_moderate(session, tender), "open moderation")
    _set_status(session, tender, actor, S.MODERATION)


def reopen(session: Session, tender: Tender, actor: str, reason: str) -> TenderStatus:
    """Step back one stage (signed off/awarded -> moderation, moderation -> scoring, scoring -> draft).

    Signatures are withdrawn, never deleted: the record keeps that they were given. Signed in,
    only the officer reopens (it withdraws the panel's signatures and the award decision).
    """
    award_stage.require_officer_step(session, tender, "reopens the tender", "reopen the tender")
    why = (reason or "").strip()
    if not why:
        raise ValidationError("reopening needs a reason, for the record")
    award_stage.withdraw(session, tender, actor, why)  # refused once the contract is entered into
    signed = active_signatures(session, tender)
    if tender.status in (S.SIGNED_OFF, S.AWARDED) or signed:
        target = S.MODERATION
    elif tender.status == S.MODERATION:
        target = S.SCORING
    elif tender.status == S.SCORING:
        target = S.DRAFT
    else:
        raise WorkflowError("a draft tender is already open")
    for sig in signed:
        before = state.signature_value(sig)
        sig.withdrawn = True
        session.flush()
        audit.record(
            session,
            tender.uid,
            actor,
            ChangeKind.SIGNATURE_WITHDRAW,
            state.signature_key(sig),
            before,
            state.signature_value(sig),
            reason=why,
        )
    _set_status(session, tender, actor, target, reason=why)
    return target


# --- declarations -------------------------------------------------------------------------------------


def declare(
    session: Session,
    tender: Tender,
    member_name: str,
    bidder_name: str,
    conflict: bool,
    details: str = "",
    actor: str | None = None,
) -> None:
    """A member's declaration about one bidder. A conflict needs details."""
    require_editable(session, tender)
    member = find_member(session, tender, member_name)
    require_acting(session, member, "declare", officer_may=True)
    bidder = find_bidder(session, tender, bidder_name)
    text = (details or "").strip()
    if conflict and not text:
        raise ValidationError(f"{member.name}: describe the conflict of interest with {bidder.name}")
    if (
        conflict
        and session.scalars(select(Score.id).where(Score.member_id == member.id, Score.bidder_id == bidder.id)).first()
    ):
        raise WorkflowError(
            f"{member.name} has already scored {bidder.name}; a chair must reopen and review "
            "those scores before a conflict can be recorded"
        )
    d = session.scalars(
        select(Declaration).where(Declaration.member_id == member.id, Declaration.bidder_id == bidder.id)
    ).first()
    before = state.declaration_value(d) if d else None
    if d is None:
        d = Declaration(member_id=member.id, bidder_id=bidder.id, conflict=bool(conflict), details=text)
        session.add(d)
    else:
        d.conflict, d.details = bool(conflict), text
    session.flush()
    audit.record(
        session,
        tender.uid,
        actor or member.name,
        ChangeKind.DECLARATION_SET,
        state.declaration_key(member.id, bidder.id),
        before,
        state.declaration_value(d),
    )


@dataclass(frozen=True)
class DeclarationView:
    member: str
    role: str
    bidder: str
    declared: bool
    conflict: bool
    details: str
    outside_svdesk: bool = False  # made, and came with an evaluation file: recorded outside svdesk


def declarations(session: Session, tender: Tender, member: str | None = None) -> list[DeclarationView]:
    """Every member x bid declaration (made or not), or only one member's."""
    bidders, _questions, members = _ids(session, tender)
    if member is not None:
        members = [m for m in members if m[1] == member]
    got = {
        (mid, bid): (conflict, details)
        for mid, bid, conflict, details in session.execute(
            select(Declaration.member_id, Declaration.bidder_id, Declaration.conflict, Declaration.details)
            .join(PanelMember, Declaration.member_id == PanelMember.id)
            .where(PanelMember.tender_id == tender.id)
        )
    }
    source = declaration_source(session, tender)
    out = []
    for mid, mname, role in members:
        for bid, bname, _price in bidders:
            d = got.get((mid, bid))
            if d is None and role == Role.OFFICER and member is None:
                continue  # the officer may declare, but the gate does not wait for her: not shown as missing
            outside = d is not None and source.outside(mid, bid)
            out.append(
                DeclarationView(mname, role.value, bname, d is not None, bool(d and d[0]), d[1] if d else "", outside)
            )
    return out


# --- sign-off -----------------------------------------------------------------------------------------


def audit_head(session: Session, tender: Tender) -> str:
    return audit.verify_chain(session, tender.uid).head


def sign(session: Session, tender: Tender, signer: SignedIn) -> Signature:
    """A signed-in member signs the moderated evaluation: the signature, and its seal by the member's
    key over what it signed (`identity.seal_message`). When every member has signed, it is signed
    off and locked."""
    member = find_member(session, tender, signer.member)
    require_acting(session, member, "sign")
    member, key = identity.signing_key(session, tender, signer)
    if tender.status != S.MODERATION:
        raise WorkflowError(f"signing is only possible at the end of moderation (the tender is {tender.status.label})")
    _require(readiness_to_sign(session, tender), "sign off")
    if any(s.member_id == member.id for s in active_signatures(session, tender)):
        raise WorkflowError(f"{member.name} has already signed")
    # the one-pass encoding verify uses: the same fingerprint, in half the time on a framework
    fingerprint = state_encoding.encode_state(tender, state.read_record(session, tender)).fingerprint
    for earlier in active_signatures(session, tender):
        if earlier.fingerprint != fingerprint:
            raise WorkflowError(f"the evaluation changed after {earlier.name} signed; reopen it and sign again")
    sig = Signature(
        tender_id=tender.id,
        member_id=member.id,
        name=member.name,
        role=member.role.value,
        signed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        fingerprint=fingerprint,
        audit_head=audit_head(session, tender),
    )
    session.add(sig)
    session.flush()
    with audit.signing(signer):  # the signature's entries are the member's own, signed with their key
        audit.record(
            session,
            tender.uid,
            member.name,
            ChangeKind.SIGNATURE_ADD,
            state.signature_key(sig),
            None,
            state.signature_value(sig),
        )
        identity.seal_signature(session, tender, sig, signer, key)
        signed = {s.member_id for s in active_signatures(session, tender)}
        everyone = {mid for mid, _name in signers(session, tender)}
        if everyone <= signed:
            _set_status(session, tender, member.name, S.SIGNED_OFF)
    return sig


def signers(session: Session, tender: Tender) -> list[tuple[int, str]]:
    """(id, name) of the members who sign, in panel order: not the officer, not the withdrawn."""
    withdrawn = withdrawn_member_ids(session, tender)
    return [
        (mid, name) for mid, name, role in _ids(session, tender)[2] if role != Role.OFFICER and mid not in withdrawn
    ]


def unsigned_members(session: Session, tender: Tender) -> list[str]:
    signed = {s.member_id for s in active_signatures(session, tender)}
    return [name for mid, name in signers(session, tender) if mid not in signed]
