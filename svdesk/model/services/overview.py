"""Where a tender stands: each stage of the evaluation with what is done and what is left."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from svdesk.model.entities import (
    AuditEntry,
    Base,
    Bidder,
    Declaration,
    MemberDetail,
    MemberKey,
    ModeratedScore,
    PanelMember,
    Pledge,
    Question,
    Role,
    Score,
    Section,
    Signature,
    Tender,
    TenderMeasure,
    TenderStatus,
)
from svdesk.model.kinds import ChangeKind
from svdesk.model.pledge_value import ACCEPTED_VALUE_SQL
from svdesk.model.rows import plain_rows
from svdesk.model.scoring import Weights, weights_problem
from svdesk.model.services.award_stage import award_view

STAGES = (
    "Setup",
    "Panel",
    "Measures",
    "Questions",
    "Bids & pledges",
    "Scoring",
    "Moderation",
    "Results",
    "Sign-off",
    "Reports",
)


@dataclass(frozen=True)
class Stage:
    name: str
    done: int
    total: int
    complete: bool
    summary: str  # e.g. "Scoring 41/60"


@dataclass(frozen=True)
class TenderOverview:
    reference: str
    title: str
    status: str
    contract_value: float
    stages: list[Stage]


# A count's FROM and JOIN: (the table counted, the table it joins, the ON clause).
CountJoin = tuple[type[Base], type[Base], ColumnElement[bool]]


def _count(*where: Any, of: Any = None, join: CountJoin | tuple[()] = ()) -> Any:
    stmt = select(func.count() if of is None else func.count(func.distinct(of)))
    if join:
        stmt = stmt.select_from(join[0]).join(*join[1:])
    return stmt.where(*where).scalar_subquery()


def tender_overview(session: Session, tender: Tender) -> TenderOverview:
    tid = tender.id
    # a withdrawn member is kept in the record but neither counted nor waited for
    active = ~exists().where(MemberDetail.member_id == PanelMember.id, MemberDetail.withdrawn.is_(True))
    evaluator = and_(PanelMember.role == Role.EVALUATOR, active)
    enrolled = exists().where(MemberKey.member_id == PanelMember.id, MemberKey.retired.is_(False))
    counts = select(  # one round trip for every count
        _count(TenderMeasure.tender_id == tid),
        _count(Question.tender_id == tid, Question.section == Section.QUALITY),
        _count(Question.tender_id == tid, Question.section == Section.SOCIAL_VALUE),
        _count(Bidder.tender_id == tid),
        _count(Bidder.tender_id == tid, of=Pledge.bidder_id, join=(Pledge, Bidder, Pledge.bidder_id == Bidder.id)),
        _count(PanelMember.tender_id == tid, evaluator),
        _count(PanelMember.tender_id == tid, evaluator, join=(Score, PanelMember, Score.member_id == PanelMember.id)),
        _count(Bidder.tender_id == tid, join=(ModeratedScore, Bidder, ModeratedScore.bidder_id == Bidder.id)),
        _count(
            PanelMember.tender_id == tid,
            evaluator,
            Declaration.conflict.is_(True),
            join=(Declaration, PanelMember, Declaration.member_id == PanelMember.id),
        ),
        _count(PanelMember.tender_id == tid, active),
        _count(PanelMember.tender_id == tid, active, enrolled),
        # the weights were chosen, not merely the defaults a new tender starts with: saved on the
        # Setup screen, or brought by a loaded file (exists: the scan stops at the first such entry)
        exists()
        .where(
            AuditEntry.tender_uid == tender.uid,
            AuditEntry.action.in_([ChangeKind.WEIGHTS_SET.value, ChangeKind.TENDER_LOAD.value]),
        )
        .correlate(None),
    )
    (
        n_measures,
        n_quality,
        n_sv,
        n_bidders,
        with_pledges,
        n_evaluators,
        n_scores,
        n_moderated,
        conflicted,
        n_members,
        n_enrolled,
        weights_chosen,
    ) = (int(n or 0) for n in plain_rows(session, counts)[0])
    n_questions = n_quality + n_sv

    weights_ok = (
        weights_problem(Weights(tender.weight_price, tender.weight_quality, tender.weight_social_value)) is None
    )
    setup_ok = weights_ok and bool(weights_chosen) and bool(tender.title) and tender.contract_value > 0
    needs_sv_questions = tender.weight_social_value > 0 and tender.sv_quantitative_share < 100
    needs_measures = tender.weight_social_value > 0 and tender.sv_quantitative_share > 0
    # a member with a declared conflict does not score that bid
    expected_scores = (n_evaluators * n_bidders - conflicted) * n_questions
    cells = n_bidders * n_questions
    locked = tender.status in (TenderStatus.SIGNED_OFF, TenderStatus.AWARDED)

    def stage(name: str, done: int, total: int, complete: bool, summary: str | None = None) -> Stage:
        return Stage(name, done, total, complete, summary or (f"{name} {done}/{total}" if total else name))

    stages = [
        stage(
            "Setup", int(setup_ok), 1, setup_ok, "Setup done" if setup_ok else _setup_missing(tender, weights_chosen)
        ),
        stage(
            "Panel",
            n_enrolled,
            n_members,
            n_evaluators > 0 and n_enrolled == n_members,  # everyone acts signed in: done once all enrolled
            f"Panel: {n_members} member{'' if n_members == 1 else 's'}, {n_enrolled} enrolled",
        ),
        stage(
            "Measures", n_measures, n_measures, n_measures > 0 or not needs_measures, f"Measures: {n_measures} chosen"
        ),
        stage(
            "Questions",
            n_questions,
            n_questions,
            n_quality > 0 and (n_sv > 0 or not needs_sv_questions),
            f"Questions: {n_quality} quality, {n_sv} social value",
        ),
        stage(
            "Bids & pledges", with_pledges, n_bidders, n_bidders > 0, f"Bids: {n_bidders}, {with_pledges} with pledges"
        ),
        stage("Scoring", n_scores, expected_scores, expected_scores > 0 and n_scores >= expected_scores),
        stage("Moderation", n_moderated, cells, cells > 0 and n_moderated >= cells),
        stage(
            "Results",
            int(cells > 0 and n_moderated >= cells),
            1,
            cells > 0 and n_moderated >= cells,
            "Results final" if cells and n_moderated >= cells else "Results provisional",
        ),
        stage("Sign-off", int(locked), 1, locked, _signoff_summary(session, tender, locked)),
        _reports_stage(session, tender, locked),
    ]
    return TenderOverview(tender.reference, tender.title, tender.status.value, tender.contract_value, stages)


# What the officer issues from the signed record: these reports and every supplier's assessment
# summary (Procurement Regulations 2024 reg 31); each written file is a `report.export` entry.
ISSUED_REPORTS = ("evaluation", "moderation", "award")


def _reports_stage(session: Session, tender: Tender, locked: bool) -> Stage:
    """Done once every report and every supplier's summary was written from the record as signed now
    (the fingerprint of the signatures in force): one written before a reopening does not count."""
    bidders = [name for (name,) in plain_rows(session, select(Bidder.name).where(Bidder.tender_id == tender.id))]
    total = len(ISSUED_REPORTS) + len(bidders)
    if not locked:
        return Stage("Reports", 0, total, False, "Reports: after sign-off")
    signed = session.scalars(
        select(Signature.fingerprint)
        .where(Signature.tender_id == tender.id, Signature.withdrawn.is_(False))
        .order_by(Signature.id.desc())
        .limit(1)
    ).first()
    written: set[tuple[str, str]] = set()
    for (after,) in plain_rows(
        session,
        select(AuditEntry.after).where(
            AuditEntry.tender_uid == tender.uid, AuditEntry.action == ChangeKind.REPORT_EXPORT.value
        ),
    ):
        entry = json.loads(after)
        if isinstance(entry, dict) and signed is not None and entry.get("fingerprint") == signed:
            written.add((str(entry.get("kind")), str(entry.get("bidder") or "")))
    done = sum((kind, "") in written for kind in ISSUED_REPORTS) + sum(("summary", b) in written for b in bidders)
    complete = done >= total > 0
    return Stage("Reports", done, total, complete, "Reports written" if complete else f"Reports {done}/{total}")


def _signoff_summary(session: Session, tender: Tender, locked: bool) -> str:
    """Signed off, then where the award stage stands: the step the officer is at, in a few words."""
    if tender.status != TenderStatus.AWARDED:
        return "Signed off" if locked else "Not signed off"
    view = award_view(session, tender)
    if view.contract_entered_on:
        return f"Awarded; contract entered {view.contract_entered_on}"
    if view.standstill_ends_on:
        return f"Awarded; standstill ends {view.standstill_ends_on}"
    return "Awarded; summaries sent" if view.summaries_sent_on else "Awarded; summaries to send"


def _setup_missing(tender: Tender, weights_chosen: int) -> str:
    if not tender.title or tender.contract_value <= 0:
        return "Setup: title or contract value missing"
    if not weights_chosen:
        return "Setup: confirm the weights"
    return "Setup: the weights do not sum to 100"


def accepted_value_by_theme(session: Session, tender: Tender) -> tuple[list[str], dict[str, dict[str, float]]]:
    """(themes, {bidder: {theme: accepted £}}) for the results chart, summed by the database.

    Every bid appears, in bid order, with 0 for a theme it pledged nothing in.
    """
    theme = func.coalesce(TenderMeasure.theme, "Other")
    value = func.sum(ACCEPTED_VALUE_SQL)
    rows = plain_rows(
        session,
        select(Bidder.name, theme, value)
        .join(Pledge, Pledge.bidder_id == Bidder.id)
        .join(TenderMeasure, Pledge.tender_measure_id == TenderMeasure.id)
        .where(Bidder.tender_id == tender.id)
        .group_by(Bidder.name, theme),
    )
    themes = sorted({t for (t,) in plain_rows(session, select(theme).where(TenderMeasure.tender_id == tender.id))})
    names = plain_rows(session, select(Bidder.name).where(Bidder.tender_id == tender.id).order_by(Bidder.position))
    by_bidder = {name: dict.fromkeys(themes, 0.0) for (name,) in names}
    for name, t, total in rows:
        by_bidder[name][t] = total or 0.0
    return themes, by_bidder
