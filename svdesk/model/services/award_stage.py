"""The award stage (issue 15 item 4): the decision, the assessment summaries sent, the contract award
notice published, the standstill, the contract entered into.

The law, as built here (Procurement Act 2023):

- s.50(1): before entering into a public contract the authority must publish a contract award
  notice; s.50(3): before publishing it, it must provide an assessment summary to each supplier
  that submitted an assessed tender. So the notice is refused until the summaries are recorded as
  sent, and the day they were sent cannot be after the notice's day.
- s.51: the contract may not be entered into before the end of the mandatory standstill period,
  eight working days beginning with the day the notice is published (`standstill`). So "contract
  entered" is refused on any day up to and including the period's last day.
- s.98 (records): the decision is recorded with who took it, under what delegated authority, on
  what day and approving which recommendation, in the tender's audit log like every other change.

The award decision is refused while the tender is not signed off, while any item regulation 31
of the Procurement Regulations 2024 asks the assessment summaries to hold, or the decision needs
(the authority's name and identifier, reg 27(2)(a)), is open (`reg31_check.open_items`: the message
counts them and names the first few; `svdesk check` and the Sign-off screen's "Before the award"
panel list them all), and without a decision-maker and their delegated authority (given, or the
procurement's details; Act s.98(1)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from svdesk.model import audit, state
from svdesk.model.contact import checked_day, checked_text
from svdesk.model.entities import AwardRecord, PanelMember, Tender, TenderStatus
from svdesk.model.errors import ValidationError, WorkflowError
from svdesk.model.kinds import ChangeKind, Role
from svdesk.model.services import parties, reg31_check
from svdesk.model.services.tenders import find_member, require_acting, require_status, withdrawn_member_ids
from svdesk.model.standstill import Standstill, standstill


@dataclass(frozen=True)
class AwardView:
    """Where the award stage stands: each step's day ("" until recorded) and the standstill."""

    decided_on: str = ""
    decision_maker: str = ""
    delegated_authority: str = ""
    recommendation: str = ""
    authority_name: str = ""
    authority_identifier: str = ""
    summaries_sent_on: str = ""
    notice_published_on: str = ""
    standstill_ends_on: str = ""  # the period's last day (s.51)
    contract_entered_on: str = ""
    period: Standstill | None = None  # the standstill, with the days it skipped and why

    @property
    def decided(self) -> bool:
        return bool(self.decided_on)

    @property
    def earliest_entry(self) -> str:
        """The first day the contract may be entered into ("" before the notice)."""
        return self.period.earliest_entry.isoformat() if self.period is not None else ""

    @property
    def next_step(self) -> str:
        if not self.decided_on:
            return "record the award decision"
        if not self.summaries_sent_on:
            return "send the assessment summaries and record the day"
        if not self.notice_published_on:
            return "publish the contract award notice and record the day"
        if not self.contract_entered_on:
            return f"enter into the contract on or after {self.earliest_entry} (after the standstill)"
        return ""


def require_officer_step(session: Session, tender: Tender, does: str, do: str) -> None:
    """The workflow's and the award stage's steps are the contracting authority's (Procurement Act
    2023: the authority decides the award, sends the summaries, publishes the notice, enters into
    the contract; s.98 records who did). On the panel that is the tender's procurement officer, so
    once the record is signed (anyone enrolled: `audit.NotSignedIn`) the person whose key signs the
    entries must be the officer, and not withdrawn. An unsigned record's actor is a login name, not a
    panel member: nothing to check, as before anyone enrolled.

    `does`/`do`: the step in words, "opens scoring"/"open scoring"."""
    signer = audit.signer_in_effect()
    if signer is None:
        return
    member = find_member(session, tender, signer.member)
    if member.role == Role.OFFICER:
        require_acting(session, member, do, officer_may=True)  # a withdrawn officer takes no more steps
        return
    withdrawn = withdrawn_member_ids(session, tender)
    officers = [
        name
        for mid, name in session.execute(
            select(PanelMember.id, PanelMember.name)
            .where(PanelMember.tender_id == tender.id, PanelMember.role == Role.OFFICER)
            .order_by(PanelMember.position)
        )
        if mid not in withdrawn
    ]
    who = (
        f"the procurement officer ({' or '.join(officers)})"
        if officers
        else "the procurement officer (the tender has none on its panel: add one on the Panel screen)"
    )
    article = "an" if member.role.label[0] in "aeiou" else "a"
    raise WorkflowError(f"{member.name} is {article} {member.role.label}: only {who} {does}; nothing was done")


def award_view(session: Session, tender: Tender) -> AwardView:
    row = session.get(AwardRecord, tender.id)
    if row is None:
        return AwardView()
    period = standstill(date.fromisoformat(row.notice_published_on)) if row.notice_published_on else None
    return AwardView(
        row.decided_on,
        row.decision_maker,
        row.delegated_authority,
        row.recommendation,
        row.authority_name,
        row.authority_identifier,
        row.summaries_sent_on,
        row.notice_published_on,
        row.standstill_ends_on,
        row.contract_entered_on,
        period,
    )


def _record(session: Session, tender: Tender, actor: str, kind: ChangeKind, row: AwardRecord, before: object) -> None:
    session.flush()
    audit.record(session, tender.uid, actor, kind, state.award_key(tender.id), before, state.award_value(row))


def _row(session: Session, tender: Tender, doing: str) -> AwardRecord:
    row = session.get(AwardRecord, tender.id)
    if row is None or tender.status != TenderStatus.AWARDED:
        raise WorkflowError(f"{doing}: record the award decision first")
    if row.contract_entered_on:
        raise WorkflowError(f"{doing}: the contract was entered into on {row.contract_entered_on}; the record is final")
    return row


def decide(
    session: Session,
    tender: Tender,
    actor: str,
    *,
    decided_on: str | date,
    recommendation: str,
    decision_maker: str = "",
    delegated_authority: str = "",
    today: date | None = None,
) -> AwardView:
    """Record the award decision and move the tender to awarded. The decision-maker and delegated
    authority default to the procurement's details. `recommendation` is the bidder the panel's
    evaluation ranks first (the caller reads it from the results)."""
    require_officer_step(session, tender, "records the award decision", "record the award decision")
    require_status(tender, (TenderStatus.SIGNED_OFF,), "recording the award decision")
    details = parties.procurement(session, tender)
    who = checked_text(decision_maker or details.decision_maker, "decision-maker", 300)
    under = checked_text(delegated_authority or details.delegated_authority, "delegated authority", 1000)
    _refuse_while_open(session, tender, who, under)
    missing = [name for name, value in (("a decision-maker", who), ("their delegated authority", under)) if not value]
    if missing:
        raise ValidationError(f"recording the award decision needs {' and '.join(missing)}")
    if not recommendation:
        raise WorkflowError("recording the award decision: the evaluation ranks no single bid first")
    day = checked_day(decided_on, "date of the decision", not_after=today or date.today())
    profile = parties.authority(session)
    before = None
    row = AwardRecord(
        tender_id=tender.id,
        decided_on=day,
        decision_maker=who,
        delegated_authority=under,
        recommendation=recommendation,
        authority_name=profile.name,
        authority_identifier=profile.identifier,
        summaries_sent_on="",
        notice_published_on="",
        standstill_ends_on="",
        contract_entered_on="",
    )
    session.add(row)
    _record(session, tender, actor, ChangeKind.AWARD_DECIDE, row, before)
    _set_awarded(session, tender, actor)
    return award_view(session, tender)


# The items `decide` checks itself, with its own message, when nothing else is open.
_DECIDE_OWN = {reg31_check.DECISION_MAKER, reg31_check.DELEGATED_AUTHORITY, reg31_check.NO_SINGLE_WINNER}
_NAMED = 3  # open items the refusal names; the rest are counted


def _refuse_while_open(session: Session, tender: Tender, who: str, under: str) -> None:
    """Refused while anything the summaries or the decision need is open (the decision-maker and
    delegated authority given to `decide` count as recorded)."""
    given = {reg31_check.DECISION_MAKER: who, reg31_check.DELEGATED_AUTHORITY: under}
    items = [i for i in reg31_check.open_items(session, tender) if not given.get(i.item)]
    if all(i.item in _DECIDE_OWN for i in items):
        return  # nothing, or only what `decide` says in its own words
    named = "; ".join(i.text for i in items[:_NAMED])
    more = f"; and {len(items) - _NAMED} more" if len(items) > _NAMED else ""
    raise WorkflowError(
        f"recording the award decision: {len(items)} item{'s' if len(items) != 1 else ''} the assessment "
        f"summaries (regulation 31 of the Procurement Regulations 2024) or the award need "
        f"{'are' if len(items) != 1 else 'is'} not recorded: {named}{more}. `svdesk check` and the Sign-off "
        'screen\'s "Before the award" panel list them; nothing was recorded'
    )


def _set_awarded(session: Session, tender: Tender, actor: str) -> None:
    before = state.tender_value(tender)
    tender.status = TenderStatus.AWARDED
    session.flush()
    audit.record(
        session,
        tender.uid,
        actor,
        ChangeKind.status(TenderStatus.AWARDED),
        state.tender_key(tender),
        before,
        state.tender_value(tender),
    )


def summaries_sent(
    session: Session, tender: Tender, actor: str, on: str | date, today: date | None = None
) -> AwardView:
    """The day every assessment summary was sent (s.50(3)): on or after the decision."""
    require_officer_step(session, tender, "records the assessment summaries sent", "record the summaries sent")
    row = _row(session, tender, "recording the assessment summaries sent")
    if row.notice_published_on:
        raise WorkflowError(
            f"the contract award notice was published on {row.notice_published_on}; the summaries were sent before it"
        )
    day = checked_day(on, "day the assessment summaries were sent", not_after=today or date.today())
    if day < row.decided_on:
        raise ValidationError(f"the summaries cannot have been sent ({day}) before the decision ({row.decided_on})")
    before = state.award_value(row)
    row.summaries_sent_on = day
    _record(session, tender, actor, ChangeKind.AWARD_SUMMARIES_SENT, row, before)
    return award_view(session, tender)


def notice_published(
    session: Session, tender: Tender, actor: str, on: str | date, today: date | None = None
) -> AwardView:
    """The day the contract award notice was published: the standstill starts (s.51)."""
    require_officer_step(session, tender, "records the contract award notice", "record the notice")
    row = _row(session, tender, "recording the contract award notice")
    if not row.summaries_sent_on:
        raise WorkflowError(
            "the contract award notice may be published only after every assessment summary was sent "
            "(Procurement Act 2023 s.50(3)); record the day they were sent first"
        )
    day = checked_day(on, "day the notice was published", not_after=today or date.today())
    if day < row.summaries_sent_on:
        raise ValidationError(
            f"the notice ({day}) cannot precede the assessment summaries ({row.summaries_sent_on}): s.50(3)"
        )
    before = state.award_value(row)
    row.notice_published_on = day
    row.standstill_ends_on = standstill(date.fromisoformat(day)).last_day.isoformat()
    _record(session, tender, actor, ChangeKind.AWARD_NOTICE, row, before)
    return award_view(session, tender)


def contract_entered(
    session: Session, tender: Tender, actor: str, on: str | date, today: date | None = None
) -> AwardView:
    """The day the contract was entered into: refused on or before the standstill's last day."""
    require_officer_step(session, tender, "records the contract entered into", "record the contract")
    row = _row(session, tender, "recording the contract entered into")
    if not row.notice_published_on:
        raise WorkflowError("the contract may be entered into only after the contract award notice and its standstill")
    day = checked_day(on, "day the contract was entered into", not_after=today or date.today())
    period = standstill(date.fromisoformat(row.notice_published_on))
    if date.fromisoformat(day) <= period.last_day:
        raise WorkflowError(
            f"the standstill period runs until the end of {period.last_day:%A %-d %B %Y} (8 working days from the "
            f"notice of {row.notice_published_on}, Procurement Act 2023 s.51): the contract may be entered into "
            f"from {period.earliest_entry:%-d %B %Y}; nothing was recorded"
        )
    before = state.award_value(row)
    row.contract_entered_on = day
    _record(session, tender, actor, ChangeKind.AWARD_CONTRACT, row, before)
    return award_view(session, tender)


def withdraw(session: Session, tender: Tender, actor: str, reason: str) -> None:
    """A reopening withdraws the award decision (the log keeps it); refused once the contract was entered."""
    row = session.get(AwardRecord, tender.id)
    if row is None:
        return
    if row.contract_entered_on:
        raise WorkflowError(
            f"the contract was entered into on {row.contract_entered_on}: "
            "the record of an awarded contract cannot be reopened"
        )
    key, before = state.award_key(tender.id), state.award_value(row)
    session.delete(row)
    session.flush()
    audit.record(session, tender.uid, actor, ChangeKind.AWARD_WITHDRAW, key, before, None, reason=reason)
